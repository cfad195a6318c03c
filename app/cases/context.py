"""Building what the engine's guards may read, loading each part only if a guard asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast, overload

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.service import Actor
from app.cases import dependency_queries
from app.cases.models import Case
from app.clock import Clock
from app.contracts.models import Contract
from app.deadlines.compute import notice_date, termination_assistance_date
from app.deadlines.terms import ContractTerms
from app.engine import GuardContext
from app.handover import queries as handover_queries

TRANSITIONED = "case.transitioned"


class LazyMapping(Mapping[str, Any]):
    """A mapping loaded on first use: most transitions never look at most of the context."""

    def __init__(self, load: Callable[[], Mapping[str, Any]]) -> None:
        self._load = load
        self._value: Mapping[str, Any] | None = None

    def _data(self) -> Mapping[str, Any]:
        if self._value is None:
            self._value = self._load()
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


class LazySequence(Sequence[Mapping[str, Any]]):
    """A sequence loaded on first use."""

    def __init__(self, load: Callable[[], Sequence[Mapping[str, Any]]]) -> None:
        self._load = load
        self._value: Sequence[Mapping[str, Any]] | None = None

    def _data(self) -> Sequence[Mapping[str, Any]]:
        if self._value is None:
            self._value = self._load()
        return self._value

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Mapping[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._data()[index]

    def __len__(self) -> int:
        return len(self._data())


def case_view(case: Case) -> dict[str, Any]:
    """The case as guards see it."""
    return {
        "id": case.id,
        "state": case.state,
        "data": case.data,
        "route": case.route,
        "workflow": case.workflow,
        "title": case.title,
        "name": case.title,  # guards name children by it in their sentences
        "final": case.final,
    }


def contract_view(session: Session, contract_id: int) -> dict[str, Any]:
    """The contract's columns as guards see them, in one query (suppliers are not needed)."""
    table = cast(Table, Contract.__table__)
    found = (
        session.connection()
        .execute(select(table).where(table.c.id == contract_id))
        .mappings()
        .one_or_none()
    )
    if found is None:
        return {}
    view = dict(found)
    view["value"] = (
        {"amount": view["value_amount"], "currency": view["value_currency"]}
        if view["value_amount"] is not None
        else None
    )
    view["buyer"] = {"name": view["buyer_name"], "identifier": view["buyer_identifier"]}
    # The last day to serve notice, as the contract's notice deadline shows it (None if the
    # end date or the notice period is not recorded).
    view["notice_deadline"] = notice_date(
        ContractTerms(
            end_date=view["end_date"],
            notice_period_days=view["notice_period_days"],
            notice_in_working_days=bool(view["notice_in_working_days"]),
            calendar=view.get("calendar") or "england_wales",
        )
    )
    # The last day to call for exit assistance (None when the contract has no such term).
    view["termination_assistance_deadline"] = termination_assistance_date(
        ContractTerms(
            end_date=view["end_date"],
            termination_assistance_notice_days=view.get("termination_assistance_notice_days"),
        )
    )
    return view


def parent_view(session: Session, parent_id: int) -> dict[str, Any]:
    """The parent case as a child's guards see it, with its children (empty if it is gone)."""
    parent = session.get(Case, parent_id)
    if parent is None:
        return {}
    view = case_view(parent)
    view["children"] = LazySequence(lambda: _children_with_tasks(session, parent_id))
    return view


def _children_with_tasks(session: Session, parent_id: int) -> list[dict[str, Any]]:
    # Siblings as an exit's guards see them, each with its open mandatory handover items.
    children = children_of(session, parent_id)
    open_items = handover_queries.open_mandatory(session, [c.id for c in children])
    return [{**case_view(c), "handover_open": open_items.get(c.id, [])} for c in children]


def children_of(session: Session, case_id: int) -> list[Case]:
    """Child cases, oldest first."""
    return list(session.scalars(select(Case).where(Case.parent_id == case_id).order_by(Case.id)))


def trigger_history(session: Session, case_id: int) -> dict[str, str]:
    """For each trigger fired on the case, who fired it most recently (four-eyes)."""
    rows = session.execute(
        select(AuditEvent.trigger, AuditEvent.actor)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == TRANSITIONED)
        .order_by(AuditEvent.seq)
    )
    return {trigger: actor for trigger, actor in rows if trigger}


def guard_context(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    clock: Clock,
    data: Mapping[str, Any] | None = None,
    evidence: Sequence[Mapping[str, Any]] = (),
    reason: str | None = None,
) -> GuardContext:
    """The context for evaluating transitions of `case` on behalf of `actor`."""
    contract_id = case.contract_id

    def contract() -> Mapping[str, Any]:
        return contract_view(session, contract_id) if contract_id is not None else {}

    view: dict[str, Any] = case_view(case)
    parent_id = case.parent_id
    if parent_id is not None:
        view["parent"] = LazyMapping(lambda: parent_view(session, parent_id))
        # The lines of the same review this one needs live first (app/cases/dependencies.py).
        view["depends_on"] = LazySequence(
            lambda: [case_view(c) for c in dependency_queries.depends_on(session, case.id)]
        )
    return GuardContext(
        actor=actor.name,
        roles=actor.roles,
        today=clock.today(),
        case=view,
        contract=LazyMapping(contract) if contract_id is not None else None,
        children=LazySequence(lambda: [case_view(c) for c in children_of(session, case.id)]),
        data=data or {},
        evidence=evidence,
        reason=reason,
        history=LazyMapping(lambda: trigger_history(session, case.id)),
    )
