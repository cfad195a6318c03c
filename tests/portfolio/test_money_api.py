"""Recording a line's and a contract's money: validation, roles, versions, audit."""

from __future__ import annotations

from tests.portfolio.conftest import Desk, gbp

BASELINE = {"annual_cost": gbp("1200000"), "source": "spend_analysis", "financial_year": 2026}


def _line(desk: Desk) -> tuple[int, int, int]:
    cid = desk.contract("HO-1", end_date="2028-03-31")
    _review, (child,) = desk.review(cid, ["Hosting"])
    return cid, int(child["component_id"]), int(child["id"])


def test_a_line_baseline_is_recorded_read_back_and_audited(desk: Desk) -> None:
    _cid, comp, case_id = _line(desk)
    out = desk.money(comp, baseline=BASELINE, appraisal={"should_cost": gbp("900000")})
    assert out["baseline"] == {
        "annual_cost": {"amount": "1200000.00", "currency": "GBP"},
        "source": "spend_analysis",
        "financial_year": 2026,
        "financial_year_label": "2026-27",
    }
    assert out["appraisal"]["should_cost"] == {"amount": "900000.00", "currency": "GBP"}
    assert out["standing"] == "outsourced" and out["case_id"] == case_id
    assert (
        desk.client.get(f"/api/components/{comp}/money", headers=desk.people["vic"]).json() == out
    )
    events = desk.client.get(
        "/api/audit/events", params={"case_id": case_id}, headers=desk.people["priya"]
    ).json()["items"]
    money_events = [e for e in events if e["action"] == "line_money.created"]
    assert len(money_events) == 1
    changes = money_events[0]["details"]["changes"]
    assert changes["baseline_amount"] == {"before": None, "after": "1200000.00"}
    assert money_events[0]["actor"] == "chris"
    verify = desk.client.get("/api/audit/verify", headers=desk.people["priya"]).json()
    assert verify["ok"] is True


def test_the_contract_run_rate_is_its_lines_plus_the_unallocated_rest(desk: Desk) -> None:
    cid = desk.contract("HO-2", value=gbp("10000000"), end_date="2028-03-31")
    _review, children = desk.review(cid, ["Hosting", "Service desk"])
    desk.money(children[0]["component_id"], baseline=BASELINE)
    desk.money(
        children[1]["component_id"],
        baseline={**BASELINE, "annual_cost": gbp("300000.50"), "source": "invoice_data"},
    )
    res = desk.client.put(
        f"/api/contracts/{cid}/money",
        json={"unallocated": gbp("99999.50"), "financial_year": 2026},
        headers=desk.people["morgan"],
    )
    assert res.status_code == 200, res.text
    out = res.json()
    # 1,200,000.00 + 300,000.50 + 99,999.50
    assert out["annual_run_rate"] == {"amount": "1600000.00", "currency": "GBP"}
    assert out["lines_baseline"]["amount"] == "1500000.50"
    assert out["total_value"]["amount"] == "10000000.00"
    assert [ln["name"] for ln in out["lines"]] == ["Hosting", "Service desk"]


def test_clear_refusals(desk: Desk) -> None:
    cid, comp, _case = _line(desk)
    url = f"/api/components/{comp}/money"
    c = desk.client
    assert c.patch(url, json={"baseline": BASELINE}, headers=desk.people["vic"]).status_code == 403
    assert c.patch(url, json={"baseline": BASELINE}, headers=desk.people["sam"]).status_code == 403
    assert (
        c.patch("/api/components/99999/money", json={}, headers=desk.people["chris"]).status_code
        == 404
    )
    assert c.get("/api/contracts/99999/money", headers=desk.people["vic"]).status_code == 404
    bad = c.patch(
        url,
        json={"baseline": {**BASELINE, "source": "guess", "financial_year": 1800}},
        headers=desk.people["chris"],
    )
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert {"baseline.source", "baseline.financial_year"} <= fields, fields
    negative = c.patch(
        url,
        json={"baseline": {**BASELINE, "annual_cost": gbp("-1")}},
        headers=desk.people["chris"],
    )
    assert negative.status_code == 422
    desk.money(comp, baseline=BASELINE)
    mixed = c.patch(
        url,
        json={"route_cost": {"annual_run_cost": {"amount": "5", "currency": "EUR"}}},
        headers=desk.people["chris"],
    )
    assert mixed.status_code == 422, mixed.text
    assert mixed.json()["problems"][0]["field"] == "route_cost.annual_run_cost.currency"
    early = c.patch(
        url,
        json={"actual": {"annual_cost": gbp("5"), "from_date": "2026-10-01"}},
        headers=desk.people["chris"],
    )
    assert early.status_code == 409 and early.json()["error"] == "invalid_state"
    stale = c.patch(
        url, json={"version": 7, "in_house": {"team_size": 3}}, headers=desk.people["chris"]
    )
    assert stale.status_code == 409 and stale.json()["error"] == "stale_version"
    other = c.put(
        f"/api/contracts/{cid}/money",
        json={"unallocated": {"amount": "1", "currency": "EUR"}},
        headers=desk.people["chris"],
    )
    assert other.status_code == 422


def test_a_group_sent_as_null_clears_it(desk: Desk) -> None:
    _cid, comp, _case = _line(desk)
    desk.money(comp, baseline=BASELINE, in_house={"team_size": 4})
    out = desk.money(comp, in_house=None)
    assert out["in_house"] is None and out["baseline"] is not None and out["version"] == 2


def test_openapi_documents_every_status(desk: Desk) -> None:
    spec = desk.client.get("/openapi.json").json()
    patch = spec["paths"]["/api/components/{component_id}/money"]["patch"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(patch)
