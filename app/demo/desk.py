"""The demo's people acting on cases through the case service, as they would through the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.auth.service import Actor
from app.cases import components
from app.cases import service as cases
from app.cases.ctx import Ctx
from app.cases.models import Case
from app.clock import Clock
from app.contracts.models import Contract
from app.deadlines.compute import notice_date
from app.deadlines.service import contract_terms
from app.handover import queries as handover_queries
from app.handover import service as handover
from app.workflows.registry import WorkflowRegistry

DOCS = "https://docs.example.gov.uk/exit"
ASSESSMENT = {
    "users": "Internal staff and the public",
    "data_assets": "Case records",
    "dependencies": "Identity service, payments",
}


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
            settings=self.ctx.settings,
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

    def hand_over(self, case: Case, who: str) -> Case:
        """Complete every open item of the line's handover checklist, each on its record."""
        for task in handover_queries.tasks_of(self.ctx.session, case.id):
            if task.status == "open":
                handover.complete(
                    session=self.ctx.session,
                    task=task,
                    evidence=[ev("handover_record", f"{task.title}: handover record")],
                    reason=None,
                    actor=self.people[who],
                    now=self.clock.now(),
                    if_match=None,
                    expected=None,
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
        self.act(component, "olu", "assess", data=ASSESSMENT)
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

    def approved_review(
        self, contract_id: int, components: Sequence[tuple[str, str, str, str]], why: str
    ) -> tuple[Case, list[Case]]:
        """A submitted review the SRO has approved (its exit case is opened)."""
        review, made = self.submitted_review(contract_id, components)
        return self.act(review, "sam", "approve", reason=why), made

    def walk(self, case: Case, steps: Sequence[tuple[str, str, dict[str, Any]]]) -> Case:
        """Fire (who, trigger, arguments of `act`) steps in turn."""
        for who, trigger, kwargs in steps:
            self.act(case, who, trigger, **kwargs)
        return case

    def children(self, parent: Case) -> list[Case]:
        """The parent's child cases, oldest first."""
        return list(
            self.ctx.session.scalars(
                select(Case).where(Case.parent_id == parent.id).order_by(Case.id)
            )
        )

    def exit_case(self, review: Case) -> Case:
        """The contract exit case an approved review opened."""
        return next(c for c in self.children(review) if c.workflow == "contract_exit")

    def contract_end(self, review: Case) -> date:
        """The end date of the review's contract (every demo contract has one)."""
        contract = self.ctx.session.get(Contract, review.contract_id)
        assert contract is not None and contract.end_date is not None
        return contract.end_date

    def notice_day(self, review: Case) -> date:
        """The day to record notice as served: today, or the contract's notice deadline if past."""
        today = self.clock.today()
        contract = self.ctx.session.get(Contract, review.contract_id)
        last = notice_date(contract_terms(contract)) if contract is not None else None
        return min(today, last) if last is not None else today
