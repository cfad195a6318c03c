"""The Deadlines page tags deadlines from imported, unconfirmed terms (issue 14).

Source: held-out Contracts Finder data, whose end date sometimes already includes the
extensions; until a person confirms the terms, deadlines from them are unverified.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import START
from tests.imports.helpers import by_ocid, import_doc, package, release
from tests.web.conftest import sign_in

TAG = ">Unverified</strong>"


def test_the_deadlines_page_tags_deadlines_from_unconfirmed_terms(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    doc = release(date="2026-01-01T00:00:00Z")
    doc["awards"][0]["contractPeriod"] = {
        "startDate": "2025-04-01T00:00:00Z",
        "endDate": "2027-03-31T00:00:00Z",
    }
    with db.begin() as session:
        import_doc(session, package(doc))
    sign_in(client, web_user("casey", "contract_manager"))
    page = client.get("/deadlines")
    assert page.status_code == 200
    assert TAG in page.text
    with db.begin() as session:
        by_ocid(session, "ocds-test-1").terms_verified_at = START
    assert TAG not in client.get("/deadlines").text
