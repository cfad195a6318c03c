"""Moving the demo's cases through their workflows, as the people in the demo would."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.auth.service import Actor
from app.cases import components
from app.cases import service as cases
from app.cases.models import Case
from app.cases.service import Ctx
from app.clock import Clock
from app.workflows.registry import WorkflowRegistry

DOCS = "https://docs.example.gov.uk/exit"


def ev(kind: str, title: str | None = None) -> dict[str, str]:
    """An evidence item of a kind, with a plausible title and link."""
    return {
        "kind": kind,
        "title": title or kind.replace("_", " ").capitalize(),
        "url": f"{DOCS}/{kind.replace('_', '-')}.pdf",
    }


@dataclass
class Desk:
    """The demo's people acting on cases through the case service."""

    ctx: Ctx
    people: dict[str, Actor]
    registry: WorkflowRegistry
    clock: Clock

    def as_(self, who: str) -> Ctx:
        """The context of one person."""
        return Ctx(
            session=self.ctx.session,
            registry=self.registry,
            clock=self.clock,
            actor=self.people[who],
        )

    def act(
        self,
        case: Case,
        who: str,
        trigger: str,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
        evidence: Sequence[dict[str, str]] = (),
    ) -> Case:
        """Fire a trigger as someone; the demo's steps are meant to succeed."""
        cases.transition(
            self.as_(who),
            case=case,
            trigger=trigger,
            reason=reason,
            data=data or {},
            evidence=list(evidence),
        )
        return case

    def review(self, contract_id: int) -> Case:
        """Open a contract review as the programme manager."""
        return cases.open_case(
            self.as_("priya"), workflow="contract_review", contract_id=contract_id
        )

    def component(self, review: Case, name: str, description: str) -> Case:
        """Decompose a review into a component."""
        return components.decompose(
            self.as_("priya"), parent=review, name=name, description=description, route=None
        )

    def choose_route(self, component: Case, route: str, why: str) -> Case:
        """Assess, propose (service owner) and approve (SRO) a component's route."""
        self.act(
            component,
            "olu",
            "assess",
            data={
                "users": "Internal staff and the public",
                "data_assets": "Case records",
                "dependencies": "Identity service, payments",
            },
        )
        self.act(component, "olu", "propose_route", reason=why, data={"route": route})
        return self.act(component, "sam", "approve_route", reason="Agreed at programme board")

    def submitted_review(
        self, contract_id: int, components: Sequence[tuple[str, str, str, str]]
    ) -> tuple[Case, list[Case]]:
        """A review taken to the SRO: components (name, description, route, why) with routes."""
        review = self.review(contract_id)
        self.act(review, "priya", "triage")
        self.act(review, "priya", "start_review")
        made = []
        for name, description, route, why in components:
            made.append(self.choose_route(self.component(review, name, description), route, why))
        self.act(
            review,
            "priya",
            "record_decomposition",
            evidence=[ev("contract_documents"), ev("spend_analysis")],
        )
        self.act(
            review,
            "chris",
            "appraise_options",
            evidence=[ev("delivery_model_assessment"), ev("should_cost_model")],
        )
        return self.act(review, "priya", "submit_for_approval"), made


def tell_stories(desk: Desk, ids: dict[str, int]) -> None:
    """Put the portfolio's cases in a spread of states."""
    _under_review(desk, ids["euc"])
    _awaiting_approval(desk, ids["hosting"])
    _in_transition(desk, ids["grants"])
    desk.review(ids["network"])  # still at intake while its notice deadline has passed
    _on_hold(desk, ids["mainframe"])
    _withdrawn(desk, ids["payroll"])
    if "synergy" in ids:
        desk.act(desk.review(ids["synergy"]), "priya", "triage")
    if "sdaas" in ids:
        _withdrawn(desk, ids["sdaas"])


def _under_review(desk: Desk, contract_id: int) -> None:
    review = desk.review(contract_id)
    desk.act(review, "priya", "triage")
    desk.act(review, "priya", "start_review")
    laptops = desk.component(review, "Laptops and desktop build", "30,000 devices, Windows build")
    desk.component(review, "Service desk", "First-line support, 1.2m contacts a year")
    desk.component(review, "Field engineering", "Deskside support in 800 offices")
    desk.act(
        laptops,
        "olu",
        "assess",
        data={
            "users": "All staff",
            "data_assets": "Asset register",
            "dependencies": "Identity, device management",
        },
    )


def _awaiting_approval(desk: Desk, contract_id: int) -> None:
    desk.submitted_review(
        contract_id,
        [
            (
                "Data centre hosting",
                "Two sites, 1,400 virtual servers",
                "buy_commodity",
                "Public cloud on the G-Cloud framework is cheaper",
            ),
            (
                "Backup and disaster recovery",
                "Tape and replica sites",
                "reprocure",
                "A specialist market with several capable suppliers",
            ),
        ],
    )


def _in_transition(desk: Desk, contract_id: int) -> None:
    review, (portal, warehouse, reporting) = desk.submitted_review(
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
        ],
    )
    desk.act(review, "sam", "approve", reason="Delivery model assessment supports the mix")
    desk.act(review, "priya", "start_transition")
    exit_case = next(c for c in _children(desk, review) if c.workflow == "contract_exit")
    desk.act(exit_case, "morgan", "agree_exit_plan", evidence=[ev("supplier_exit_plan")])
    desk.act(portal, "olu", "start_discovery", evidence=[ev("assurance_gate_approval")])
    desk.act(portal, "olu", "start_alpha")
    desk.act(
        portal,
        "ana",
        "record_assessment",
        data={"outcome": "not_met"},
        evidence=[ev("service_assessment_report", "Alpha assessment: not met")],
    )
    desk.act(warehouse, "chris", "start_requirements")
    desk.act(warehouse, "chris", "engage_market")
    desk.act(warehouse, "chris", "start_tender", data={"procedure": "open"})
    desk.act(reporting, "olu", "plan_retirement", data={"planned_switch_off_date": "2027-03-31"})


def _on_hold(desk: Desk, contract_id: int) -> None:
    review = desk.review(contract_id)
    desk.act(review, "priya", "triage")
    desk.act(review, "sam", "put_on_hold", reason="Paused until the spending review settles")


def _withdrawn(desk: Desk, contract_id: int) -> None:
    review = desk.review(contract_id)
    desk.act(
        review, "sam", "withdraw", reason="Moved to the cross-government shared services programme"
    )


def _children(desk: Desk, parent: Case) -> list[Case]:
    return list(desk.ctx.session.scalars(select(Case).where(Case.parent_id == parent.id)))
