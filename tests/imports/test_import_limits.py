"""Imports bound nesting and release size while streaming, before building anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.imports.helpers import package, release

ROOT = Path(__file__).parents[2]
DEPTH = 50_000
PEAK_MIB = 400
"""The probe process (interpreter, app, test client) peaks near 150 MiB; before the fix a
depth-50,000 body (100 KB) took 5.9 GiB."""


def _deep_package(path: Path, depth: int) -> Path:
    nested = b'{"a":' * depth + b"1" + b"}" * depth
    path.write_bytes(b'{"releases":[{"ocid":"ocds-deep","tag":["contract"],"x":' + nested + b"}]}")
    return path


def _probe(mode: str, db_url: str, file: Path) -> dict[str, Any]:
    env = {**os.environ, "HANDOVER_DATABASE_URL": db_url, "HANDOVER_SCHEDULER_ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.imports.memory_probe", mode, db_url, str(file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    result["stderr"] = done.stderr
    return result


def test_deep_body_is_refused_over_http_in_bounded_memory(db_url: str, tmp_path: Path) -> None:
    out = _probe("api", db_url, _deep_package(tmp_path / "deep.json", DEPTH))
    assert out["peak_mib"] < PEAK_MIB, out
    assert out["status"] == 422, out
    assert out["body"]["error"] == "invalid_ocds"
    assert "nested too deeply" in out["body"]["detail"]
    assert out["body"]["problems"][0]["path"] == "releases[0]"


def test_deep_file_is_refused_by_the_cli_in_bounded_memory(db_url: str, tmp_path: Path) -> None:
    out = _probe("cli", db_url, _deep_package(tmp_path / "deep.json", DEPTH))
    assert out["peak_mib"] < PEAK_MIB, out
    assert out["exit"] == 1, out
    assert "nested too deeply" in out["stderr"]


def _post(settings: Settings, pm: dict[str, str], body: bytes) -> Any:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        return client.post(
            "/api/imports/ocds", content=body, headers={**pm, "Content-Type": "application/json"}
        )


def test_nesting_at_the_limit_is_read_and_one_deeper_is_refused(
    settings: Settings, pm: dict[str, str]
) -> None:
    def body(levels: int) -> bytes:
        rel = release(ocid="ocds-depth")
        rel["x"] = json.loads('{"a":' * levels + "1" + "}" * levels)
        return json.dumps(package(rel)).encode()

    # Inside a release 31 levels pass the body's own check; the stream allows the package's 3 more.
    assert _post(settings, pm, body(31)).status_code == 200
    refused = _post(settings, pm, body(40))
    assert refused.status_code == 422, refused.text
    assert "nested too deeply" in refused.json()["detail"]


def test_a_release_above_the_size_limit_is_413(settings: Settings, pm: dict[str, str]) -> None:
    small = settings.model_copy(update={"max_release_bytes": 64 * 1024})
    rel = release(ocid="ocds-big")
    rel["description"] = "x" * (200 * 1024)
    response = _post(small, pm, json.dumps(package(release(ocid="ocds-fine"), rel)).encode())
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["error"] == "release_too_large"
    assert body["problems"][0]["path"] == "releases[1]"
    assert (
        _post(small, pm, json.dumps(package(release(ocid="ocds-fine"))).encode()).status_code == 200
    )
