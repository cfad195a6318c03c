"""The demo's longer stories: reviews approved, in transition and closed, through every route."""

from __future__ import annotations

from datetime import date, timedelta

from app.cases.models import Case
from app.demo.desk import Desk, ev

GDS = "https://www.gov.uk/service-manual/service-assessments"


def decomposed(desk: Desk, contract_id: int) -> Case:
    """A review broken into service lines, its options not yet appraised."""
    review = desk.review(contract_id)
    desk.act(review, "priya", "triage", reason="Tier 2: security-critical, several suppliers")
    desk.act(review, "morgan", "start_review", reason="Contract documents received")
    desk.component(review, "Security operations centre", "24/7 monitoring and incident response")
    desk.component(review, "Penetration testing", "IT health checks before each release")
    return desk.act(
        review,
        "priya",
        "record_decomposition",
        reason="Two separable service lines found in the schedules",
        evidence=[
            ev("contract_documents"),
            ev("spend_analysis", "Spend analysis, last three years"),
        ],
    )


def approved(desk: Desk, contract_id: int) -> Case:
    """A review the SRO has approved; its exit case has just opened, transition not started."""
    review, _ = desk.approved_review(
        contract_id,
        [
            (
                "Digital dictation and speech recognition",
                "Software for 4,000 clinicians",
                "buy_commodity",
                "Off-the-shelf software on a framework; nothing bespoke",
            ),
            (
                "Outsourced transcription",
                "Typing service for clinic letters",
                "reprocure",
                "A competitive market; specify turnaround times",
            ),
        ],
        "Routes match the delivery model assessment",
    )
    return review


def in_transition(desk: Desk, contract_id: int) -> Case:
    """Components progressing on four routes while the incumbent serves out its notice."""
    review, (portal, warehouse, reporting, support) = desk.approved_review(
        contract_id,
        [
            (
                "Grants portal",
                "Applicant-facing service, 40,000 users",
                "build_in_house",
                "Core service: build a multidisciplinary team",
            ),
            (
                "Grants data warehouse",
                "Reporting and analytics",
                "reprocure",
                "Commodity analytics platform, open competition",
            ),
            (
                "Legacy reporting",
                "Crystal Reports estate",
                "decommission",
                "Replaced by the data warehouse",
            ),
            (
                "Second-line application support",
                "14 support analysts working only on the grants applications",
                "insource_operation",
                "A steady operation: bring the team in-house under TUPE, not a new build",
            ),
        ],
        "Delivery model assessment supports the mix",
    )
    desk.act(review, "priya", "start_transition", reason="Programme board launched the transition")
    _serve_notice(desk, review)
    _portal_to_beta(desk, portal)
    _warehouse_to_tender(desk, warehouse)
    _support_transfer_planned(desk, support, desk.contract_end(review) - timedelta(days=120))
    switch_off = desk.contract_end(review) - timedelta(days=60)
    desk.walk(
        reporting,
        [
            ("olu", "plan_retirement", {"data": {"planned_switch_off_date": str(switch_off)}}),
            ("olu", "confirm_users_migrated", {"reason": "Report users trained on the warehouse"}),
        ],
    )
    return review


def _support_transfer_planned(desk: Desk, support: Case, transfer: date) -> Case:
    """The analysts transfer under TUPE; the supplier owes their employee liability
    information 28 days before (TUPE 2006 reg. 11): a deadline on the line."""
    return desk.act(
        support,
        "olu",
        "plan_staff_transfer",
        reason="Transfer four months before expiry, leaving time for parallel running",
        data={"staff_transfer_date": str(transfer)},
    )


def _warehouse_to_tender(desk: Desk, warehouse: Case) -> Case:
    return desk.walk(
        warehouse,
        [
            ("chris", "start_requirements", {"reason": "Output-based specification drafted"}),
            (
                "chris",
                "engage_market",
                {
                    "evidence": [
                        ev("market_engagement_notice", "Preliminary market engagement notice (UK2)")
                    ]
                },
            ),
            (
                "chris",
                "start_tender",
                {
                    "data": {"procedure": "open"},
                    "evidence": [ev("tender_notice", "Tender notice (UK4)")],
                },
            ),
        ],
    )


def _serve_notice(desk: Desk, review: Case) -> Case:
    exit_case = desk.exit_case(review)
    served = desk.notice_day(review)
    return desk.walk(
        exit_case,
        [
            ("morgan", "agree_exit_plan", {"evidence": [ev("supplier_exit_plan")]}),
            (
                "sam",
                "serve_notice",
                {
                    "reason": "Every service line has an approved route off the contract",
                    "data": {"notice_served_date": str(served)},
                    "evidence": [ev("notice_letter", "Notice of termination")],
                },
            ),
            (
                "morgan",
                "call_for_exit_assistance",
                {
                    "reason": "Exit services called for; supplier exit manager appointed",
                    "data": {"termination_assistance_served_date": str(desk.clock.today())},
                    "evidence": [
                        ev("termination_assistance_notice", "Termination assistance notice")
                    ],
                },
            ),
        ],
    )


def _portal_to_beta(desk: Desk, portal: Case) -> Case:
    """Alpha not met, reassessed and passed with amber: private beta with actions due."""
    due = desk.clock.today() + timedelta(days=90)
    report = ev("service_assessment_report", "Alpha reassessment: met with amber")
    report["url"] = f"{GDS}/grants-portal-alpha-reassessment"
    return desk.walk(
        portal,
        [
            ("olu", "start_discovery", {"evidence": [ev("assurance_gate_approval")]}),
            ("olu", "start_alpha", {"reason": "Discovery showed a clear user need"}),
            (
                "ana",
                "record_assessment",
                {
                    "data": {"outcome": "not_met"},
                    "evidence": [ev("service_assessment_report", "Alpha assessment: not met")],
                },
            ),
            ("olu", "reassess", {"reason": "Accessibility and research findings addressed"}),
            (
                "ana",
                "record_assessment",
                {
                    "data": {
                        "outcome": "amber",
                        "amber_actions": "Test the assisted digital route with real users",
                        "amber_actions_due_date": str(due),
                    },
                    "evidence": [report],
                },
            ),
        ],
    )


def closed(desk: Desk, contract_id: int, ended: date) -> Case:
    """A review carried through to the end: every line delivered and the contract exited."""
    review, (printing, post) = desk.approved_review(
        contract_id,
        [
            (
                "Print and scanning",
                "Multi-function devices in 60 offices",
                "buy_commodity",
                "Print management is a commodity on a Crown Commercial Service framework",
            ),
            (
                "Post room",
                "Inbound scanning and outbound post",
                "decommission",
                "Digital correspondence has replaced most post",
            ),
        ],
        "Both lines leave the contract before it expires",
    )
    desk.act(review, "priya", "start_transition", reason="Programme board launched the transition")
    _print_to_live(desk, printing)
    _post_room_retired(desk, post, ended - timedelta(days=30))
    _exit_to_closed(desk, desk.exit_case(review), ended)
    return desk.act(review, "sam", "close", reason="Every line delivered; lessons learned shared")


def _print_to_live(desk: Desk, printing: Case) -> Case:
    desk.walk(
        printing,
        [
            ("chris", "start_shortlisting", {"data": {"framework": "RM6174 Print Management"}}),
            ("chris", "evaluate_shortlist", {"evidence": [ev("evaluation_report")]}),
            ("chris", "call_off", {"evidence": [ev("call_off_contract", "Call-off contract")]}),
            ("olu", "start_migration", {"reason": "Devices swapped office by office"}),
            ("olu", "go_live", {"reason": "All 60 offices on the new service"}),
        ],
    )
    # The replaced line's handover checklist, done before the contract is ended.
    return desk.hand_over(printing, "chris")


def _post_room_retired(desk: Desk, post: Case, switch_off: date) -> Case:
    return desk.walk(
        post,
        [
            ("olu", "plan_retirement", {"data": {"planned_switch_off_date": str(switch_off)}}),
            ("olu", "confirm_users_migrated", {"reason": "Teams moved to digital mail"}),
            ("olu", "archive_data", {"evidence": [ev("data_archive_record")]}),
            ("olu", "switch_off", {"reason": "Post room closed"}),
            (
                "morgan",
                "confirm_decommissioned",
                {"evidence": [ev("data_destruction_certificate")]},
            ),
        ],
    )


def _exit_to_closed(desk: Desk, exit_case: Case, ended: date) -> Case:
    return desk.walk(
        exit_case,
        [
            ("morgan", "agree_exit_plan", {"evidence": [ev("supplier_exit_plan")]}),
            (
                "sam",
                "serve_notice",
                {
                    "reason": "Both service lines replaced before expiry",
                    # Four months before the end: inside its 90 days' notice.
                    "data": {"notice_served_date": str(ended - timedelta(days=120))},
                    "evidence": [ev("notice_letter", "Notice of termination")],
                },
            ),
            ("morgan", "start_exit_period", {}),
            ("morgan", "start_handover", {"reason": "Exit plan milestones met"}),
            ("morgan", "confirm_termination", {"data": {"termination_date": str(ended)}}),
            (
                "morgan",
                "close",
                # Let in 2019 under the Public Contracts Regulations 2015: no contract
                # termination notice (UK11, Procurement Act 2023 s.80) is owed.
                {"evidence": [ev("lessons_learned")]},
            ),
        ],
    )
