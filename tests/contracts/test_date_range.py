"""Dates outside 1900-2200 are refused with a 422 naming the field; deadline arithmetic is total."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.deadlines.compute import assessment_booking_deadline, compute_contract_deadlines
from app.deadlines.terms import BreakClause, ContractTerms, ExtensionOption
from tests.contracts.test_contracts_api import BASE, create
from tests.imports.helpers import package, release

ABSURD = [
    ({"break_clauses": [{"date": "0001-01-05", "notice_days": 120}]}, "break_clauses.0.date"),
    ({"start_date": "0001-01-01", "end_date": "0001-03-01", "max_end_date": None}, "start_date"),
    ({"end_date": "0001-03-01"}, "end_date"),
    ({"date_signed": "9999-12-31"}, "date_signed"),
    ({"max_end_date": "2201-01-01"}, "max_end_date"),
    ({"start_date": "1899-12-31"}, "start_date"),
]


@pytest.mark.parametrize(("change", "field"), ABSURD)
def test_create_refuses_dates_outside_the_range(
    client: TestClient, pm: dict[str, str], change: dict[str, Any], field: str
) -> None:
    res = client.post("/api/contracts", json={**BASE, **change}, headers=pm)
    assert res.status_code == 422, res.text
    problems = res.json()["problems"]
    assert field in {p["field"] for p in problems}, problems
    assert any("between 1900-01-01 and 2200-12-31" in p["message"] for p in problems)


@pytest.mark.parametrize(("change", "field"), ABSURD)
def test_patch_refuses_dates_outside_the_range(
    client: TestClient, pm: dict[str, str], change: dict[str, Any], field: str
) -> None:
    made = create(client, pm)
    res = client.patch(
        f"/api/contracts/{made['id']}", json={**change, "version": made["version"]}, headers=pm
    )
    assert res.status_code == 422, res.text
    assert field in {p["field"] for p in res.json()["problems"]}


def test_the_range_ends_are_accepted(client: TestClient, pm: dict[str, str]) -> None:
    made = create(
        client,
        pm,
        start_date="1900-01-01",
        end_date="2200-12-31",
        max_end_date=None,
        extension_options=[],
        break_clauses=[],
    )
    assert made["end_date"] == "2200-12-31"


def test_import_refuses_an_absurd_date_naming_its_path(
    client: TestClient, pm: dict[str, str]
) -> None:
    rel = release(ocid="ocds-absurd")
    rel["awards"][0]["contractPeriod"]["endDate"] = "9999-12-31T00:00:00Z"
    res = client.post("/api/imports/ocds", json=package(rel), headers=pm)
    assert res.status_code == 422, res.text
    [problem] = res.json()["problems"]
    assert problem["path"] == "releases[0].awards[0].contractPeriod.endDate"
    assert "between 1900-01-01 and 2200-12-31" in problem["message"]
    signed = release(ocid="ocds-absurd-signed")
    signed["contracts"] = [{"id": "c1", "awardID": "a1", "dateSigned": "9999-12-31T00:00:00Z"}]
    res = client.post(
        "/api/imports/ocds",
        content=json.dumps(package(signed)),
        headers=pm | {"Content-Type": "application/json"},
    )
    assert res.status_code == 422, res.text


def test_deadline_computation_is_total_at_the_calendar_ends() -> None:
    terms = ContractTerms(
        start_date=date(1, 1, 1),
        end_date=date(1, 3, 1),
        notice_period_days=3650,
        break_clauses=[BreakClause(date(1, 1, 5), 120)],
        extension_options=[ExtensionOption(240, 3650)],
        date_signed=date(9999, 12, 31),
    )
    compute_contract_deadlines(terms, today=date(2026, 12, 3))
    working = ContractTerms(
        end_date=date(1, 3, 1), notice_period_days=3650, notice_in_working_days=True
    )
    compute_contract_deadlines(working, today=date(2026, 12, 3))
    late = ContractTerms(end_date=date(9999, 12, 31), extension_options=[ExtensionOption(240, 0)])
    compute_contract_deadlines(late, today=date(2026, 12, 3))
    assert assessment_booking_deadline("alpha", date(1, 1, 10)).date == date.min
