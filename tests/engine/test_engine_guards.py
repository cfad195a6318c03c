"""Each built-in guard passes and fails with a human sentence, never an exception."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.engine import GUARDS, resolve
from tests.engine.helpers import TODAY, make_ctx

CHILDREN = [
    {"id": 11, "workflow": "service_component", "state": "live", "final": True, "route": "x"},
    {
        "id": 12,
        "workflow": "service_component",
        "state": "alpha",
        "final": False,
        "route": None,
        "data": {"name": "Hosting"},
    },
    {"id": 13, "workflow": "other", "state": "open", "final": False, "data": {"route": "y"}},
]


def run(name: str, params: dict[str, Any] | None = None, **ctx: Any) -> str | None:
    return GUARDS[name].fn(make_ctx(**ctx), params or {})


def test_resolve_paths() -> None:
    ctx = make_ctx(
        data={"x": 1, "nested": {"y": 2}},
        case={"id": 5, "state": "intake", "data": {"z": 3}},
        contract={"value": {"amount": 100}},
    )
    assert resolve(ctx, "data.x") == 1
    assert resolve(ctx, "x") == 1
    assert resolve(ctx, "nested.y") == 2
    assert resolve(ctx, "case.data.z") == 3
    assert resolve(ctx, "case.state") == "intake"
    assert resolve(ctx, "contract.value.amount") == 100
    assert resolve(ctx, "today") == TODAY
    assert resolve(ctx, "contract.value.amount.deeper") is None
    assert resolve(make_ctx(contract=None), "contract.tier") is None


def test_all_children_final() -> None:
    assert run("all_children_final", children=[CHILDREN[0]]) is None
    assert run("all_children_final", children=[]) is None
    assert run("all_children_final", children=CHILDREN) == (
        "2 child case(s) are not finished yet: #12 (Hosting) in alpha, #13 in open."
    )


def test_has_children() -> None:
    assert run("has_children", children=CHILDREN) is None
    assert (
        run("has_children", {"min": 2, "workflow": "service_component"}, children=CHILDREN) is None
    )
    assert run("has_children", {"min": 3, "workflow": "service_component"}, children=CHILDREN) == (
        "This case needs at least 3 service_component child case(s); it has 2."
    )
    assert run("has_children") == "This case needs at least 1 child case(s); it has 0."


def test_children_have() -> None:
    # Looked up on the child first, then in its data.
    assert run("children_have", {"field": "route", "workflow": "other"}, children=CHILDREN) is None
    assert run("children_have", {"field": "route"}, children=CHILDREN) == (
        "These child cases have no route yet: #12 (Hosting)."
    )
    # A closed child without the field (a cancelled component) no longer blocks.
    closed = [{**c, "final": True} if c.get("id") == 12 else c for c in CHILDREN]
    assert run("children_have", {"field": "route"}, children=closed) is None


def test_child_in_state() -> None:
    params = {"workflow": "service_component", "states": ["live", "retired"]}
    assert run("child_in_state", params, children=CHILDREN) is None
    params = {"workflow": "service_component", "states": ["beta", "retired"]}
    assert run("child_in_state", params, children=CHILDREN) == (
        "No service_component child case is in state beta or retired."
    )


def test_contract_field_present() -> None:
    assert run("contract_field_present", {"field": "tier"}) is None
    assert run("contract_field_present", {"field": "exit_plan_url"}) == (
        "The contract has no exit plan url recorded."
    )
    assert run("contract_field_present", {"field": "value.amount"}) == (
        "The contract has no value amount recorded."
    )
    assert run("contract_field_present", {"field": "tier"}, contract=None) == (
        "This case is not about a contract."
    )


def test_case_field_present() -> None:
    case = {"id": 1, "state": "a", "data": {"route": "reprocure", "owner": "  "}}
    assert run("case_field_present", {"field": "route"}, case=case) is None
    assert run("case_field_present", {"field": "owner"}, case=case) == (
        "The case has no owner recorded."
    )


def test_data_required() -> None:
    params = {"fields": ["decision_date", "data.route", "case.data.owner"]}
    full = {"decision_date": "2025-01-01", "route": "reprocure"}
    case = {"data": {"owner": "bob"}}
    assert run("data_required", params, data=full, case=case) is None
    assert run("data_required", params, data={"route": ""}) == (
        "Please provide: decision date, route, case data owner."
    )


def test_data_field_in() -> None:
    params = {"field": "route", "values": ["build_in_house", "reprocure"]}
    assert run("data_field_in", params, data={"route": "reprocure"}) is None
    assert run("data_field_in", params, data={"route": "magic"}) == (
        "The route must be one of: build_in_house, reprocure; got 'magic'."
    )
    assert run("data_field_in", params) == (
        "Please provide the route (one of: build_in_house, reprocure)."
    )
    # Unhashable client values must not raise.
    assert run("data_field_in", params, data={"route": ["reprocure"]}) is not None
    assert run("data_field_in", {"field": "tier", "values": [1, 2]}, data={"tier": True}) == (
        "The tier must be one of: 1, 2; got True."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-31", None),
        (date(2026, 3, 31), None),
        (
            "2026-04-01",
            "The exit date (2026-04-01) must not be after the contract max end date (2026-03-31).",
        ),
        ("31/03/2026", "The exit date must be a date (YYYY-MM-DD); got '31/03/2026'."),
        (42, "The exit date must be a date (YYYY-MM-DD); got 42."),
        (None, "Please provide the exit date."),
    ],
)
def test_date_not_after(value: Any, expected: str | None) -> None:
    params = {"field": "exit_date", "limit": "contract.max_end_date"}
    contract = {"max_end_date": "2026-03-31"}
    assert run("date_not_after", params, data={"exit_date": value}, contract=contract) == expected


def test_date_not_after_missing_or_bad_limit_fails_unless_allowed() -> None:
    params = {"field": "exit_date", "limit": "contract.max_end_date"}
    data = {"exit_date": "2030-01-01"}
    assert run("date_not_after", params, data=data, contract={}) == (
        "Cannot check the exit date: the contract max end date is not recorded."
    )
    allowed = {**params, "allow_missing_limit": True}
    assert run("date_not_after", allowed, data=data, contract={}) is None
    assert run("date_not_before", params, data=data, contract={}) is not None
    assert run("date_not_after", params, data=data, contract={"max_end_date": "soon"}) == (
        "Cannot check against the contract max end date: 'soon' is not a date."
    )


def test_date_limits_accept_today_and_literal_dates() -> None:
    assert run("date_not_after", {"field": "d", "limit": "today"}, data={"d": "2025-06-02"}) == (
        "The d (2025-06-02) must not be after today (2025-06-01)."
    )
    assert (
        run("date_not_after", {"field": "d", "limit": "2025-12-31"}, data={"d": "2025-06-02"})
        is None
    )
    # A request cannot move a literal limit by sending a key spelled like it.
    forged = {"d": "2026-06-02", "2025-12-31": "2030-01-01"}
    assert run("date_not_after", {"field": "d", "limit": "2025-12-31"}, data=forged) == (
        "The d (2026-06-02) must not be after 2025-12-31."
    )


def test_date_not_before() -> None:
    params = {"field": "notice_date", "limit": "today"}
    assert run("date_not_before", params, data={"notice_date": "2025-06-01"}) is None
    assert run("date_not_before", params, data={"notice_date": "2025-05-31"}) == (
        "The notice date (2025-05-31) must not be before today (2025-06-01)."
    )
    assert run("date_not_before", params, data={"notice_date": {"y": 1}}) == (
        "The notice date must be a date (YYYY-MM-DD); got {'y': 1}."
    )


def test_date_within_days() -> None:
    params = {"field": "published", "of": "contract.end_date", "days": 30}
    contract = {"end_date": date(2025, 3, 1)}

    def check(value: Any, **ctx: Any) -> str | None:
        return run(
            "date_within_days", params, data={"published": value}, **{"contract": contract, **ctx}
        )

    assert check("2025-03-01") is None
    assert check("2025-03-31") is None
    assert check("2025-04-01") == (
        "The published (2025-04-01) must be within 30 days of the contract end date"
        " (2025-03-01), that is by 2025-03-31."
    )
    assert check("2025-02-28") == (
        "The published (2025-02-28) must not be before the contract end date (2025-03-01)."
    )
    assert check("yesterday") == "The published must be a date (YYYY-MM-DD); got 'yesterday'."
    assert check("2025-03-05", contract={}) == (
        "Cannot check the published: the contract end date is not recorded."
    )


def test_evidence_kinds() -> None:
    params = {"kinds": ["exit_plan", "legal_advice"]}
    evidence = [{"title": "Plan", "url": "https://x", "kind": "exit_plan"}, {"title": "no kind"}]
    assert run("evidence_kinds", params, evidence=[*evidence, {"kind": "legal_advice"}]) is None
    assert run("evidence_kinds", params, evidence=evidence) == (
        "Please attach evidence of kind: legal_advice."
    )
    assert run("evidence_kinds", params, evidence=["not a mapping"]) == (
        "Please attach evidence of kind: exit_plan, legal_advice."
    )


def test_value_change_needs_evidence() -> None:
    params = {"field": "amount", "of": "contract.value.amount", "percent": 10, "kind": "costing"}
    contract = {"value": {"amount": "1000.00", "currency": "GBP"}}

    def check(amount: Any, evidence: Any = ()) -> str | None:
        return run(
            "value_change_needs_evidence",
            params,
            data={"amount": amount},
            contract=contract,
            evidence=evidence,
        )

    assert check(1100) is None
    assert check("900") is None
    assert check(None) is None
    assert check(1100.01) == (
        "Changing the amount from 1000.00 to 1100.01 is more than 10% and needs evidence"
        " of kind 'costing'."
    )
    assert check(5000, evidence=[{"title": "c", "url": "u", "kind": "costing"}]) is None
    assert check("lots") == "The amount must be a number; got 'lots'."
    assert check(True) == "The amount must be a number; got True."
    assert check("NaN") == "The amount must be a number; got 'NaN'."
    assert check("-1") == "The amount must not be negative; got -1."


def test_value_change_without_baseline_needs_the_evidence() -> None:
    params = {"field": "amount", "of": "contract.value.amount", "percent": 10, "kind": "costing"}
    assert run("value_change_needs_evidence", params, data={"amount": 5}, contract={}) == (
        "The contract value amount is not recorded, so the change to 5 cannot be shown to be"
        " within 10%: attach evidence of kind 'costing'."
    )
    costing = [{"title": "c", "url": "u", "kind": "costing"}]
    with_notice = run(
        "value_change_needs_evidence", params, data={"amount": 5}, contract={}, evidence=costing
    )
    assert with_notice is None


def test_optional_dates() -> None:
    assert run("optional_dates", {"fields": ["alpha_end_date"]}) is None
    assert (
        run("optional_dates", {"fields": ["alpha_end_date"]}, data={"alpha_end_date": "2027-01-31"})
        is None
    )
    assert run(
        "optional_dates", {"fields": ["alpha_end_date"]}, data={"alpha_end_date": "soon"}
    ) == ("Please give the alpha end date as a date (YYYY-MM-DD).")
