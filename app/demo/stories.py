"""Moving the demo's cases through their workflows, as the people in the demo would."""

from __future__ import annotations

from app.contracts.models import Contract
from app.demo import journeys, partial
from app.demo.desk import Desk

__all__ = ["Desk", "tell_stories"]


def tell_stories(desk: Desk, ids: dict[str, int]) -> None:
    """Put the portfolio's cases in a spread of states, from intake to closed."""
    _under_review(desk, ids["euc"])
    _awaiting_approval(desk, ids["hosting"])
    journeys.in_transition(desk, ids["grants"])
    desk.review(ids["network"])  # still at intake while its notice deadline has passed
    _on_hold(desk, ids["mainframe"])
    # One line extended on the contract, the other de-scoped from it (issue 14).
    partial.partial_termination(desk, ids["payroll"])
    ended = desk.ctx.session.get(Contract, ids["print"])
    assert ended is not None and ended.end_date is not None
    journeys.closed(desk, ended.id, ended.end_date)  # its contract ran out 75 days ago
    # The imported contracts: published Contracts Finder data, or the demo's own OCDS file.
    desk.act(desk.review(ids["triaged"]), "priya", "triage")
    _withdrawn(desk, ids["withdrawn"])
    journeys.decomposed(desk, ids["decomposed"])
    journeys.approved(desk, ids["approved"])
    # Imported terms stay unverified until a person checks them; this one has been.
    partial.confirm_imported_terms(desk, ids["approved"])


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


def _on_hold(desk: Desk, contract_id: int) -> None:
    review = desk.review(contract_id)
    desk.act(review, "priya", "triage")
    desk.act(review, "sam", "put_on_hold", reason="Paused until the spending review settles")


def _withdrawn(desk: Desk, contract_id: int) -> None:
    review = desk.review(contract_id)
    desk.act(
        review, "sam", "withdraw", reason="Moved to the cross-government shared services programme"
    )
