"""POST /api/imports/ocds: uploads, JSON bodies, roles, limits and refusals over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.config import Settings
from app.main import create_app
from tests.conftest import MakeUser
from tests.imports.helpers import CF_STYLE, PACKAGE, counts, package, release

URL = "/api/imports/ocds"


def upload(
    client: TestClient, headers: dict[str, str], data: bytes, name: str = "p.json"
) -> httpx.Response:
    res: httpx.Response = client.post(
        URL, headers=headers, files={"file": (name, data, "application/json")}
    )
    return res


def test_multipart_upload_reports_and_reimport_is_unchanged(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    data = PACKAGE.read_bytes()
    first = upload(client, pm, data, PACKAGE.name)
    assert first.status_code == 200, first.text
    body = first.json()
    assert {k: body[k] for k in ("file", "releases", "created", "updated", "unchanged")} == {
        "file": PACKAGE.name,
        "releases": 5,
        "created": 1,
        "updated": 4,
        "unchanged": 0,
    }
    [contract] = body["contracts"]
    assert (contract["ocid"], contract["outcome"]) == ("ocds-hvtest-0001", "created")
    after_first = counts(db)
    second = upload(client, pm, data, PACKAGE.name).json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 1)
    assert [s["path"] for s in second["skipped"]] == [f"releases[{i}]" for i in range(4)]
    assert set(second["skipped"][0]) == {"path", "release_id", "ocid", "reason"}
    assert second["contracts"] == [{**contract, "outcome": "unchanged"}]
    assert counts(db) == after_first
    shown = client.get(f"/api/contracts/{contract['id']}", headers=pm).json()
    assert (shown["ocid"], shown["max_end_date"]) == ("ocds-hvtest-0001", "2026-05-31")


def test_json_body_is_the_package(client: TestClient, pm: dict[str, str]) -> None:
    # No Content-Type: refused, not guessed.
    assert client.post(URL, headers=pm, content=CF_STYLE.read_bytes()).status_code == 415
    response = client.post(
        URL, headers={**pm, "Content-Type": "application/json"}, content=CF_STYLE.read_bytes()
    )
    assert response.status_code == 200, response.text
    assert (response.json()["file"], response.json()["created"]) == ("(request body)", 1)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (b"{not json", "$"),
        (b"", "$"),
        (json.dumps([1]).encode(), "$"),
        (json.dumps(package(release(), release(ocid=""))).encode(), "releases[1].ocid"),
        (
            json.dumps(
                package(release(), release(ocid="ocds-nul", tender={"title": "a\x00b"}))
            ).encode(),
            "releases[1].tender.title",
        ),
        (b'{"releases": [{"ocid": "x", "date": NaN}]}', "releases[0]"),
    ],
)
def test_bad_files_get_422_and_write_nothing(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session], data: bytes, path: str
) -> None:
    before = counts(db)
    for response in (
        upload(client, pm, data),
        client.post(URL, headers={**pm, "Content-Type": "application/json"}, content=data),
    ):
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["error"] == "invalid_ocds"
        assert body["problems"][0]["path"] == path
        assert set(body["problems"][0]) == {"path", "release_id", "message"}
    assert counts(db) == before


def test_a_bad_release_after_good_ones_rolls_back_the_file(
    client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    bad = release(ocid="ocds-bad", id="bad-1")
    bad["awards"][0]["contractPeriod"]["maxExtentDate"] = "2020-01-01T00:00:00Z"
    doc = package(release(ocid="ocds-a"), release(ocid="ocds-b"), release(ocid="ocds-c"), bad)
    before = counts(db)
    response = upload(client, pm, json.dumps(doc).encode())
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem == {
        "path": "releases[3].awards[0].contractPeriod.maxExtentDate",
        "release_id": "bad-1",
        "message": "maximum extent date 2020-01-01 is before end date 2023-03-31",
    }
    assert counts(db) == before


def test_client_mistakes_are_4xx(client: TestClient, pm: dict[str, str]) -> None:
    no_file = client.post(URL, headers=pm, files={"other": ("x.json", b"{}")})
    assert (no_file.status_code, no_file.json()["error"]) == (400, "missing_file")
    field = client.post(URL, headers=pm, files={"file": (None, "not a file")})
    assert (field.status_code, field.json()["error"]) == (400, "missing_file")
    form = client.post(URL, headers=pm, data={"file": "not a file"})
    assert form.status_code == 415
    broken = client.post(
        URL, headers={**pm, "Content-Type": "multipart/form-data; boundary=zz"}, content=b"--zz\r\n"
    )
    assert broken.status_code == 400
    text = client.post(URL, headers={**pm, "Content-Type": "text/plain"}, content=b"hi")
    assert (text.status_code, text.json()["error"]) == (415, "unsupported_media_type")


def test_roles(
    client: TestClient, pm: dict[str, str], viewer: dict[str, str], make_user: MakeUser
) -> None:
    data = CF_STYLE.read_bytes()
    assert upload(client, {}, data).status_code == 401
    assert upload(client, viewer, data).status_code == 403
    for role in ("contract_manager", "commercial_lead", "admin"):
        headers = make_user(f"u-{role}", role)
        assert upload(client, headers, data).status_code == 200


@pytest.fixture
def small_client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"max_upload_bytes": 4096}), clock)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_uploads_above_the_limit_get_413(
    small_client: TestClient, pm: dict[str, str], db: sessionmaker[Session]
) -> None:
    big = json.dumps(package(*[release(ocid=f"ocds-{i}") for i in range(10)])).encode()
    assert len(big) > 4096
    before = counts(db)
    assert upload(small_client, pm, big).status_code == 413
    json_headers = {**pm, "Content-Type": "application/json"}
    assert small_client.post(URL, headers=json_headers, content=big).status_code == 413

    def chunks() -> Iterator[bytes]:
        # No Content-Length: the limit must hold while the body streams.
        for i in range(0, len(big), 1000):
            yield big[i : i + 1000]

    streamed = small_client.post(URL, headers=json_headers, content=chunks())
    assert streamed.status_code == 413
    assert streamed.json()["error"] == "payload_too_large"
    assert counts(db) == before
    small = json.dumps(package(release())).encode()
    assert upload(small_client, pm, small).status_code == 200
