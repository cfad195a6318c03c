"""The contract page's confirm-the-terms form (issue 14): CSRF, error summary, input kept.

Source: held-out Contracts Finder data, whose end date sometimes already includes the
extensions; a person confirms imported terms from the signed contract.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.imports.helpers import by_ocid, import_doc, package, release
from tests.web.conftest import csrf_of, sign_in

HINT = "end date may include 2 \u00d7 1-year extensions; base term may end 2028-03-31"


def _imported(db: sessionmaker[Session]) -> int:
    doc = release(date="2026-01-01T00:00:00Z")
    doc["awards"][0]["contractPeriod"] = {
        "startDate": "2025-04-01T00:00:00Z",
        "endDate": "2030-03-31T00:00:00Z",
    }
    with db.begin() as session:
        import_doc(session, package(doc))
        contract = by_ocid(session, "ocds-test-1")
        contract.terms_hints = [HINT]  # what the import writes from the mapper's hints
        return contract.id


def test_an_editor_confirms_imported_terms_without_javascript(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _imported(db)
    web_user("casey", "contract_manager")
    sign_in(client, "casey")
    page = client.get(f"/contracts/{contract_id}")
    assert page.status_code == 200
    assert "Terms not yet confirmed" in page.text and HINT in page.text
    assert page.text.count(">Unverified</strong>") >= 2  # the heading and each deadline
    assert f'action="/contracts/{contract_id}/terms/confirm"' in page.text
    assert ' style="' not in page.text and "<script>" not in page.text
    token = csrf_of(page.text.split('action="/contracts/')[1])
    url = f"/contracts/{contract_id}/terms/confirm"
    version = page.text.split('name="version" value="')[1].split('"')[0]
    bad = client.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "end_date": "31/03/2028",
            "note": "clause 3",
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert "<title>Error: Confirm the terms" in bad.text
    assert 'href="#end_date"' in bad.text and "End date must be a real date" in bad.text
    assert 'value="31/03/2028"' in bad.text and "clause 3" in bad.text
    early = client.post(
        url,
        data={"csrf_token": token, "version": version, "end_date": "2020-01-01"},
        follow_redirects=False,
    )
    assert early.status_code == 422 and 'href="#end_date"' in early.text
    done = client.post(
        url,
        data={
            "csrf_token": token,
            "version": version,
            "end_date": "2028-03-31",
            "note": "clause 3",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = client.get(f"/contracts/{contract_id}")
    assert "Terms confirmed from the contract by casey" in after.text
    assert ">Unverified</strong>" not in after.text
    again = client.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert again.status_code == 409 and "already confirmed" in again.text


def test_a_viewer_sees_unverified_terms_but_no_form(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    contract_id = _imported(db)
    web_user("val", "viewer")
    sign_in(client, "val")
    page = client.get(f"/contracts/{contract_id}")
    assert "Terms not yet confirmed" in page.text
    assert "/terms/confirm" not in page.text
