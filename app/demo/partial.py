"""Two demo stories of issue 14: a partial termination, and imported terms confirmed.

A partial termination: one service line is extended and stays on the contract while the
other leaves it, so the exit is recorded as a de-scoping contract change (a modification
under regulation 72 of the Public Contracts Regulations 2015, which let this contract), not
as the end of the whole contract.
"""

from __future__ import annotations

from decimal import Decimal

from app.cases.models import Case
from app.contracts import verify
from app.contracts.models import Contract
from app.contracts.schemas import TermsConfirm
from app.demo.desk import Desk, ev


def partial_termination(desk: Desk, contract_id: int) -> Case:
    """Payroll is extended on the contract; HR self-service moves to SaaS and is de-scoped."""
    contract = desk.ctx.session.get(Contract, contract_id)
    assert contract is not None and contract.max_end_date is not None
    assert contract.value_amount is not None
    review, (payroll, portal) = desk.approved_review(
        contract_id,
        [
            (
                "Payroll processing",
                "Monthly payroll and pensions interface for 12,000 staff",
                "retain_extend",
                "The new payroll platform is not ready before the contract ends",
            ),
            (
                "HR self-service portal",
                "Absence, expenses and personal details",
                "buy_commodity",
                "Off-the-shelf HR software on G-Cloud does the job",
            ),
        ],
        "Extend payroll for a year; move HR self-service off the contract now",
    )
    desk.act(review, "priya", "start_transition", reason="Programme board launched the transition")
    desk.walk(
        payroll,
        [
            (
                "chris",
                "request_extension",
                {
                    "data": {
                        "justification": "Payroll must not stop while its replacement is built",
                        "new_end_date": str(contract.max_end_date),
                        # The payroll share of a year's charges: under 10% of the value.
                        "new_value": str(contract.value_amount + Decimal("900000")),
                    }
                },
            ),
            ("sam", "approve_extension", {"reason": "Agreed at programme board"}),
            ("morgan", "record_extension", {"evidence": [ev("contract_variation")]}),
        ],
    )
    desk.walk(
        portal,
        [
            ("chris", "start_shortlisting", {"data": {"framework": "G-Cloud 14"}}),
            ("chris", "evaluate_shortlist", {"evidence": [ev("evaluation_report")]}),
            ("chris", "call_off", {"evidence": [ev("call_off_contract", "Call-off contract")]}),
            (
                "olu",
                "start_migration",
                {"reason": "Staff records migrated department by department"},
            ),
            ("olu", "go_live", {"reason": "All staff on the new HR service"}),
        ],
    )
    desk.hand_over(portal, "chris")
    return _descope(desk, desk.exit_case(review))


def _descope(desk: Desk, exit_case: Case) -> Case:
    today = desk.clock.today()
    return desk.walk(
        exit_case,
        [
            ("morgan", "agree_exit_plan", {"evidence": [ev("supplier_exit_plan")]}),
            (
                "sam",
                "run_to_expiry",
                {"reason": "Payroll runs on the extended contract: no notice of termination"},
            ),
            ("morgan", "start_exit_period", {}),
            ("morgan", "start_handover", {"reason": "HR self-service is live elsewhere"}),
            (
                "morgan",
                "descope_lines",
                {
                    "reason": "HR self-service taken out of scope by contract change 7",
                    "data": {"descoped_date": str(today)},
                    "evidence": [ev("contract_variation", "Contract change 7: de-scoping")],
                },
            ),
        ],
    )


def confirm_imported_terms(desk: Desk, contract_id: int) -> Contract:
    """The commercial lead checks an imported contract's terms against the signed contract."""
    contract = desk.ctx.session.get(Contract, contract_id)
    assert contract is not None
    return verify.confirm_terms(
        session=desk.ctx.session,
        contract=contract,
        body=TermsConfirm(note="Checked against the signed call-off: clause 3 (term)"),
        actor=desk.people["chris"],
        now=desk.clock.now(),
        settings=desk.ctx.settings,
    )
