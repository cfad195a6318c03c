"""The Import page: an OCDS upload through the API's import service, its report, the history."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.main import create_app
from tests.imports.helpers import counts, package, release
from tests.web.conftest import csrf_of, sign_in


def _upload(client: TestClient, body: bytes, name: str = "awards.json") -> Any:
    token = csrf_of(client.get("/imports").text)
    return client.post(
        "/imports",
        data={"csrf_token": token},
        files={"file": (name, body, "application/json")},
        follow_redirects=False,
    )


def _pm(client: TestClient, web_user: Callable[..., str]) -> TestClient:
    web_user("priya", "programme_manager")
    return sign_in(client, "priya")


def _doc() -> bytes:
    second = release(ocid="ocds-test-2", id="ocds-test-2-award")
    older = release(id="ocds-test-1-old", date="2019-01-01T00:00:00Z")
    return json.dumps(package(release(), second, older)).encode()


def test_upload_shows_created_updated_unchanged_and_skipped(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    form = client.get("/imports")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert form.text.count("<h1") == 1 and ' style="' not in form.text
    assert "<title>Import an OCDS file \u2013 Handover</title>" in form.text
    done = _upload(client, _doc())
    assert done.status_code == 200, done.text
    text = re.sub(r"\s+", " ", done.text)
    assert "awards.json was imported" in text
    assert re.search(r"Contracts created </dt> <dd[^>]*> 2 </dd>", text), text
    assert "ocds-test-1" in text and "ocds-test-2" in text
    assert "Releases skipped, and why" in text and "Older than release" in text
    ids = re.findall(r'href="/contracts/(\d+)"', done.text)
    assert len(set(ids)) == 2
    again = re.sub(r"\s+", " ", _upload(client, _doc(), "again.json").text)
    assert re.search(r"Releases unchanged </dt> <dd[^>]*> 2 </dd>", again), again
    # The history lists every applied release; the contract page links to its own.
    history = client.get("/imports/history")
    assert history.status_code == 200
    assert "2 releases applied" in history.text and "awards.json" in history.text
    contract = client.get(f"/contracts/{ids[0]}")
    link = f'href="/imports/history?contract_id={ids[0]}"'
    assert link in contract.text
    one = client.get(f"/imports/history?contract_id={ids[0]}")
    assert one.status_code == 200
    assert "1 release applied" in one.text and "<title>Import history of " in one.text


def test_a_refused_file_shows_its_problems_with_json_paths_and_writes_nothing(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    _pm(client, web_user)
    before = counts(db)
    bad = package(release(), release(ocid="ocds-test-2", id="x", date="not a date"))
    refused = _upload(client, json.dumps(bad).encode(), "bad.json")
    assert refused.status_code == 422
    assert "<title>Error: Import an OCDS file" in refused.text
    assert "govuk-error-summary" in refused.text and 'href="#file"' in refused.text
    assert "bad.json was not imported" in refused.text
    assert "Problems in the file (nothing was imported)" in refused.text
    assert "releases[1]" in refused.text
    assert counts(db) == before
    broken = _upload(client, b"{not json", "broken.json")
    assert broken.status_code == 422
    assert "broken.json was not imported" in broken.text


def test_no_file_is_an_error_summary(client: TestClient, web_user: Callable[..., str]) -> None:
    _pm(client, web_user)
    token = csrf_of(client.get("/imports").text)
    response = client.post("/imports", data={"csrf_token": token}, files={"x": ("", b"")})
    assert response.status_code == 422
    assert "Select an OCDS file to import" in response.text


def test_the_form_is_refused_without_the_csrf_token(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    _pm(client, web_user)
    before = counts(db)
    response = client.post(
        "/imports",
        data={"csrf_token": "forged"},
        files={"file": ("a.json", _doc(), "application/json")},
    )
    assert response.status_code == 403
    assert counts(db) == before


def test_a_viewer_sees_the_history_but_cannot_import(
    client: TestClient, web_user: Callable[..., str], db: sessionmaker[Session]
) -> None:
    web_user("vic", "viewer")
    sign_in(client, "vic")
    assert client.get("/imports").status_code == 403
    history = client.get("/imports/history")
    assert history.status_code == 200
    assert 'href="/imports"' not in history.text
    token = csrf_of(history.text)
    before = counts(db)
    forged = client.post(
        "/imports",
        data={"csrf_token": token},
        files={"file": ("a.json", _doc(), "application/json")},
    )
    assert forged.status_code == 403
    assert counts(db) == before


def test_the_page_takes_the_apis_upload_limits_not_the_json_body_limit(
    settings: Settings, clock: FrozenClock, web_user: Callable[..., str]
) -> None:
    # Small limits, so the test sends kilobytes: bodies above 2 KiB would be refused as
    # JSON bodies; an upload may be 192 KiB, with releases of at most 32 KiB each.
    small = settings.model_copy(
        update={"max_body_bytes": 2048, "max_upload_bytes": 196_608, "max_release_bytes": 32_768}
    )
    web_user("priya", "programme_manager")
    app = create_app(small, clock)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        sign_in(client, "priya")
        padded = [
            release(ocid=f"ocds-pad-{i}", id=f"pad-{i}", description="x" * 500) for i in range(8)
        ]
        body = json.dumps(package(*padded)).encode()
        assert 2048 < len(body) < 32_768
        first = _upload(client, body)
        assert first.status_code == 200, first.text
        huge = release(description="x" * 40_000)
        refused = _upload(client, json.dumps(package(huge)).encode(), "huge.json")
        assert refused.status_code == 413
        assert (
            "govuk-error-summary" in refused.text and "huge.json was not imported" in refused.text
        )
        too_big = _upload(client, b" " * 200_000)
        assert too_big.status_code == 413
