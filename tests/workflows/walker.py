"""A case walked through the shipped workflow definitions by the pure engine.

No database: a walk keeps the case's state, data and trigger history itself, the way
the case service does (data merged after a transition, set_case_field applied on entry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.engine import GuardContext, Verdict, WorkflowDefinition, evaluate

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
TODAY = date(2026, 3, 2)

PM = "programme_manager"
SO = "service_owner"
CL = "commercial_lead"
CM = "contract_manager"
SRO = "senior_responsible_owner"
ASSESSOR = "assessor"
ROUTES = (
    "build_in_house",
    "insource_operation",
    "reprocure",
    "buy_commodity",
    "retain_extend",
    "decommission",
)

CONTRACT: dict[str, Any] = {
    "reference": "DWP-IT-0042",
    "title": "End-user computing and hosting",
    "tier": 2,
    "start_date": date(2021, 4, 1),
    "end_date": date(2026, 9, 30),
    "max_end_date": date(2027, 9, 30),
    "value": {"amount": 10_000_000, "currency": "GBP"},
    "notice_period_days": 180,
}


def ev(*kinds: str) -> list[dict[str, Any]]:
    """Evidence items, one per kind."""
    return [
        {"title": k.replace("_", " "), "url": f"https://docs.example.gov.uk/{k}", "kind": k}
        for k in kinds
    ]


def codes(verdict: Verdict) -> set[str]:
    return {b.code for b in verdict.blocked_by}


class Case:
    """A case walked through a definition as the case service would."""

    def __init__(
        self,
        defn: WorkflowDefinition,
        *,
        data: Mapping[str, Any] | None = None,
        contract: Mapping[str, Any] | None = None,
    ) -> None:
        self.defn = defn
        self.state = defn.initial
        self.data: dict[str, Any] = dict(data or {})
        self.contract = dict(CONTRACT if contract is None else contract)
        self.history: dict[str, str] = {}
        self.children: list[dict[str, Any]] = []
        self.visited = [self.state]
        # A component's contract review, approved unless a test says otherwise.
        self.parent: dict[str, Any] | None = (
            {"id": 9, "workflow": "contract_review", "state": "approved"}
            if defn.name == "service_component"
            else None
        )

    def ctx(
        self,
        actor: str,
        roles: Iterable[str],
        *,
        data: Mapping[str, Any] | None = None,
        evidence: Sequence[Mapping[str, Any]] = (),
        reason: str | None = "recorded in the programme board minutes",
    ) -> GuardContext:
        return GuardContext(
            actor=actor,
            roles=frozenset(roles),
            today=TODAY,
            case={
                "id": 1,
                "state": self.state,
                "data": self.data,
                "route": self.data.get("route"),
                "workflow": self.defn.name,
                "final": self.defn.is_final(self.state),
                **({"parent": self.parent} if self.parent is not None else {}),
            },
            contract=self.contract,
            children=self.children,
            data=dict(data or {}),
            evidence=evidence,
            reason=reason,
            history=self.history,
        )

    def check(self, trigger: str, actor: str, roles: Iterable[str], **kw: Any) -> Verdict:
        return evaluate(self.defn, self.state, trigger, self.ctx(actor, roles, **kw))

    def fire(
        self,
        trigger: str,
        actor: str,
        roles: Iterable[str],
        *,
        expect: str | None = None,
        **kw: Any,
    ) -> Verdict:
        verdict = self.check(trigger, actor, roles, **kw)
        assert verdict.allowed, (self.state, trigger, verdict.blocked_by)
        assert verdict.dest is not None
        if expect is not None:
            assert verdict.dest == expect, (self.state, trigger, verdict.dest)
        self.state = verdict.dest
        self.data.update(kw.get("data") or {})
        for action in verdict.actions:
            if action.name == "set_case_field":
                self.data[action.params["field"]] = action.params["value"]
            if action.name == "clear_case_fields":
                for name in action.params["fields"]:
                    self.data.pop(name, None)
        self.history[trigger] = actor
        self.visited.append(self.state)
        return verdict

    def refused(self, trigger: str, actor: str, roles: Iterable[str], **kw: Any) -> set[str]:
        verdict = self.check(trigger, actor, roles, **kw)
        assert not verdict.allowed, (self.state, trigger)
        return codes(verdict)

    @property
    def final(self) -> bool:
        return self.defn.is_final(self.state)


def child(workflow: str, state: str, *, final: bool, route: str | None = None) -> dict[str, Any]:
    return {
        "id": 100,
        "workflow": workflow,
        "state": state,
        "final": final,
        "route": route,
        "data": {"route": route} if route else {},
    }
