"""Which law a contract was let under: PCR 2015 or the Procurement Act 2023."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from app.contracts.regime import infer_regime
from app.deadlines.compute import compute_contract_deadlines
from app.deadlines.terms import ContractTerms

BASE: dict[str, Any] = {
    "reference": "DFT-HOST-19",
    "title": "Hosting",
    "buyer": {"name": "Department for Transport"},
    "start_date": "2019-04-01",
    "end_date": "2027-03-31",
    "date_signed": "2019-03-01",
}


def _create(client: TestClient, pm: dict[str, str], **changes: Any) -> dict[str, Any]:
    res = client.post("/api/contracts", json={**BASE, **changes}, headers=pm)
    assert res.status_code == 201, res.text
    body: dict[str, Any] = res.json()
    return body


def test_si_2024_716_as_amended_the_act_applies_from_24_february_2025() -> None:
    # The Procurement Act 2023 (Commencement No. 3 and Transitional and Saving Provisions)
    # Regulations 2024: in force 24 February 2025; earlier contracts stay under PCR 2015.
    assert infer_regime(date_signed=date(2025, 2, 23), start_date=None) == "pcr2015"
    assert infer_regime(date_signed=date(2025, 2, 24), start_date=None) == "pa2023"
    assert infer_regime(date_signed=None, start_date=date(2025, 6, 1)) == "pa2023"
    assert infer_regime(date_signed=None, start_date=None) == "pcr2015"


def test_regime_is_inferred_on_create_and_may_be_set_and_patched(
    client: TestClient, pm: dict[str, str]
) -> None:
    assert _create(client, pm)["regime"] == "pcr2015"
    new = _create(client, pm, reference="N", date_signed="2025-03-03", start_date="2025-04-01")
    assert new["regime"] == "pa2023"
    other = _create(client, pm, reference="O", regime="other")
    assert other["regime"] == "other"
    res = client.patch(
        f"/api/contracts/{other['id']}", json={"regime": "pa2023", "version": 1}, headers=pm
    )
    assert res.status_code == 200, res.text
    assert res.json()["regime"] == "pa2023"
    assert client.get(f"/api/contracts/{other['id']}", headers=pm).json()["regime"] == "pa2023"
    bad = client.post(
        "/api/contracts", json={**BASE, "reference": "B", "regime": "ojeu"}, headers=pm
    )
    assert bad.status_code == 422
    gone = client.patch(f"/api/contracts/{other['id']}", json={"regime": None}, headers=pm)
    assert gone.status_code == 422


def test_regime_is_documented_in_openapi(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    create = schemas["ContractCreate"]["properties"]["regime"]
    assert "pcr2015" in str(create) and "pa2023" in str(create) and "other" in str(create)
    assert "regime" in schemas["ContractOut"]["properties"]


def test_pa2023_s53_and_s80_notices_only_for_contracts_under_the_act() -> None:
    # Procurement Act 2023 s.53 (UK7) and s.80 (UK11) bind contracts awarded under the Act.
    def terms(regime: str) -> ContractTerms:
        return ContractTerms(
            regime=regime, date_signed=date(2024, 3, 1), actual_end_date=date(2026, 6, 30)
        )

    under_act = compute_contract_deadlines(terms("pa2023"), today=date(2026, 1, 1))
    under_pcr = compute_contract_deadlines(terms("pcr2015"), today=date(2026, 1, 1))
    assert {s.kind for s in under_act} >= {"contract_details_notice", "termination_notice"}
    assert not {s.kind for s in under_pcr} & {"contract_details_notice", "termination_notice"}


def test_contract_calendar_is_read_and_patched(client: TestClient, pm: dict[str, str]) -> None:
    made = _create(client, pm, reference="S", calendar="scotland")
    assert made["calendar"] == "scotland"
    assert _create(client, pm, reference="E")["calendar"] == "england_wales"
    bad = client.post(
        "/api/contracts", json={**BASE, "reference": "W", "calendar": "wales"}, headers=pm
    )
    assert bad.status_code == 422


def test_renewal_mechanism_is_read_set_and_refused_when_unknown(
    client: TestClient, pm: dict[str, str]
) -> None:
    made = _create(client, pm, reference="R", renewal="buyer_option")
    assert made["renewal"] == "buyer_option"
    assert _create(client, pm, reference="U")["renewal"] is None
    bad = client.post(
        "/api/contracts", json={**BASE, "reference": "X", "renewal": "rolling"}, headers=pm
    )
    assert bad.status_code == 422
