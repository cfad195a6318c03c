"""Spend by supplier split by the suppliers' own award values (issues 14 and 15), by hand.

Today is 2026-11-25 (financial year 2026-27). Each contract's annual spend is its unallocated
run rate (no lines yet), in pounds a year:

- S, imported: Acme IT Ltd (x_awardValue 600,000) and Brightside (200,000); spend 100,000.
  Every supplier has a value: Acme 100,000 x 600/800 = 75,000; Brightside 25,000.
- P, imported: Brightside (x_awardValue £3, a placeholder: unknown) then Acme (500,000);
  spend 40,000. Not every supplier has a value: all to the lead, Brightside.
- M, registered: Acme IT Ltd alone; spend 10,000 (the lead's).
- C, registered: Capita alone; spend 30,000.

Acme 85,000 (2 contracts, part split), Brightside 65,000 (2, part split), Capita 30,000
(1, lead only); all 180,000.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.portfolio.behind import contract_ids
from app.portfolio.queries import Filters
from tests.imports.helpers import package, release
from tests.portfolio.conftest import Desk, gbp


def _imported(desk: Desk, ocid: str, suppliers: list[tuple[str, str, Any]]) -> int:
    doc = release(ocid=ocid, id=f"{ocid}-award")
    doc["parties"] = [doc["parties"][0]] + [
        {
            "id": pid,
            "name": name,
            "roles": ["supplier"],
            "x_awardValue": {"currency": "GBP", "amount": amount},
        }
        for pid, name, amount in suppliers
    ]
    doc["awards"][0]["suppliers"] = [{"id": pid, "name": name} for pid, name, _ in suppliers]
    doc["awards"][0]["value"] = {"amount": 1_000_000, "currency": "GBP"}
    doc["awards"][0]["contractPeriod"]["endDate"] = "2028-03-31T00:00:00Z"
    res = desk.client.post(
        "/api/imports/ocds",
        headers=desk.people["priya"],
        files={"file": ("p.json", json.dumps(package(doc)).encode(), "application/json")},
    )
    assert res.status_code == 200, res.text
    (contract,) = res.json()["contracts"]
    return int(contract["id"])


def _spend(desk: Desk, contract_id: int, amount: str) -> None:
    res = desk.client.put(
        f"/api/contracts/{contract_id}/money",
        json={"unallocated": gbp(amount), "financial_year": 2026},
        headers=desk.people["morgan"],
    )
    assert res.status_code == 200, res.text


def test_spend_splits_by_award_value_only_when_every_supplier_has_one(
    desk: Desk, db: sessionmaker[Session]
) -> None:
    s = _imported(desk, "ocds-s", [("1", "Acme IT Ltd", 600_000), ("2", "Brightside", 200_000)])
    p = _imported(desk, "ocds-p", [("1", "Brightside", 3), ("2", "Acme IT Ltd", 500_000)])
    m = desk.contract("M", suppliers=[{"name": "Acme IT Ltd"}], end_date="2028-03-31")
    c = desk.contract("C", suppliers=[{"name": "Capita"}], end_date="2028-03-31")
    for contract_id, amount in ((s, "100000"), (p, "40000"), (m, "10000"), (c, "30000")):
        _spend(desk, contract_id, amount)
    res = desk.client.get("/api/portfolio", headers=desk.people["vic"])
    assert res.status_code == 200, res.text
    assert res.json()["by_supplier"] == [
        {
            "supplier": "Acme IT Ltd",
            "annual_spend": "85000.00",
            "contracts": 2,
            "share": round(85_000 / 180_000, 4),
            "split_by_award_value": True,
        },
        {
            "supplier": "Brightside",
            "annual_spend": "65000.00",
            "contracts": 2,
            "share": round(65_000 / 180_000, 4),
            "split_by_award_value": True,
        },
        {
            "supplier": "Capita",
            "annual_spend": "30000.00",
            "contracts": 1,
            "share": round(30_000 / 180_000, 4),
            "split_by_award_value": False,
        },
    ]
    csv = desk.client.get("/api/portfolio", params={"format": "csv"}, headers=desk.people["vic"])
    rows = [line.split(",") for line in csv.text.splitlines()]
    assert ["by_supplier", "Acme IT Ltd", "split_by_award_value", "True", "GBP", "2026-27"] in rows
    assert ["by_supplier", "Capita", "split_by_award_value", "False", "GBP", "2026-27"] in rows
    # The contracts behind each figure are the ones it counts: a supplier's split contracts
    # as well as those it leads (P is not split, so Acme is not behind it).
    with db() as session:
        for supplier, expected in (
            ("Acme IT Ltd", {s, m}),
            ("Brightside", {s, p}),
            ("Capita", {c}),
        ):
            stmt = contract_ids(Filters(currency="GBP"), year=2026, supplier=supplier)
            assert set(session.scalars(stmt)) == expected, supplier
