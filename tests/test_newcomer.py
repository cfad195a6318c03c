"""A newcomer's clone: the repository alone sets up, serves the full demo and passes its tests.

The checkout's HEAD is cloned into a temporary folder with nothing beside it (no published
samples, an origin that is a URL, no HANDOVER_* settings, not CI). It runs there on this
interpreter with PYTHONPATH pointing at the clone, rather than in a fresh virtualenv: a venv
means downloading ~40 packages (over a minute here, and a network dependency), while what can
regress is the repository's content, and `make test` builds its venv from pyproject.toml
anyway. Uncommitted changes are not in the clone: it tests what a `git clone` would get.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import URLError

import pytest

from app.config import ROOT
from tests.conftest import SAMPLES, samples_present

pytestmark = [
    pytest.mark.newcomer,
    pytest.mark.skipif(
        bool(os.environ.get("TEST_DATABASE_URL")),
        reason="the newcomer's clone runs on SQLite, which the SQLite pass of the suite covers",
    ),
]

# The suite's fast part that depends most on what the repository carries: the OCDS fixtures
# and the published-sample gate, the demo, the README, the contract representations.
FAST = [
    "tests/imports",
    "tests/test_readme.py",
    "tests/test_demo.py::test_demo_portfolio",
    "tests/contracts/test_representations.py",
]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HEAD of this checkout, cloned where no samples lie beside it."""
    where = tmp_path_factory.mktemp("newcomer") / "handover"
    head = git("rev-parse", "HEAD", cwd=ROOT).strip()
    git("clone", "--quiet", "--no-checkout", str(ROOT), str(where), cwd=ROOT)
    git("checkout", "--quiet", "--detach", head, cwd=where)
    # A clone from a hosting service: its origin does not lead to a folder of samples.
    git("remote", "set-url", "origin", "https://example.invalid/handover.git", cwd=where)
    return where


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=120
    ).stdout


def newcomer_env(clone: Path) -> dict[str, str]:
    """This environment as a newcomer has it: no settings, not CI, the clone's code."""
    drop = ("HANDOVER_", "TEST_DATABASE_URL", "CI", "PYTHONPATH", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "PYTHONPATH": str(clone)}


def in_clone(
    clone: Path, module: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGS` in the clone, as the newcomer would run it."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=clone,
        env={**newcomer_env(clone), **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def handover(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return in_clone(clone, "app.cli", *args)


def pytest_in(clone: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The output of a passing pytest run in the clone."""
    result = in_clone(clone, "pytest", "-q", "-p", "no:cacheprovider", *args, env=env)
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def served(clone: Path) -> Iterator[tuple[str, list[str]]]:
    """What `make run` does in the clone: migrate, load the demo, serve; (base URL, tokens)."""
    for step in (("db", "upgrade"), ("workflows", "check")):
        done = handover(clone, *step)
        assert done.returncode == 0, (step, done.stderr)
    loaded = handover(clone, "demo", "--if-empty")
    assert loaded.returncode == 0, loaded.stderr
    first, *rest = loaded.stdout.splitlines()
    assert first.startswith("demo: 13 contracts and ")
    assert first.endswith(
        "5 of the contracts imported from Handover's own fictional OCDS files, as the published"
        " samples were not found (set HANDOVER_OCDS_SAMPLES to use them)"
    )
    tokens = [line.split()[-1] for line in rest if "hov_" in line]
    assert len(tokens) == 8
    port = free_port()
    log = clone.parent / "serve.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=clone,
            env={**newcomer_env(clone), "HANDOVER_SCHEDULER_ENABLED": "false"},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server, log)
        yield base, tokens
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_clone_migrates_and_serves_the_full_demo(
    clone: Path, served: tuple[str, list[str]]
) -> None:
    base, tokens = served
    # The database is the repository's own file; the tokens are kept beside it.
    assert (clone / "handover.db").is_file()
    assert (clone / "handover.db.demo-tokens").is_file()
    assert get(f"{base}/healthz") == {"status": "ok"}
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    contracts = get(f"{base}/api/contracts?limit=100", headers)["items"]
    assert len(contracts) == 13
    assert sorted(c["source"] for c in contracts).count("ocds") == 5
    # A second `make run` prints the same, still valid, tokens.
    again = handover(clone, "demo", "--if-empty")
    assert again.returncode == 0, again.stderr
    assert [line.split()[-1] for line in again.stdout.splitlines() if "hov_" in line] == tokens


def test_the_clones_fast_suite_passes_and_says_what_it_skipped(
    clone: Path, served: tuple[str, list[str]]
) -> None:
    out = pytest_in(clone, "-k", "not 100k", *FAST)
    tail = out[-3000:]
    skips = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert len(skips) == 1, tail
    assert "needs the published OCDS samples" in skips[0] and "HANDOVER_OCDS_SAMPLES" in skips[0]
    summary = out.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary and "error" not in summary


def test_no_test_disappears_without_the_samples(clone: Path) -> None:
    # Parametrised over a manifest of names, the sample tests are collected either way.
    def collected(env: dict[str, str]) -> int:
        out = pytest_in(clone, "--collect-only", env=env)
        match = re.search(r"(\d+) tests? collected", out)
        assert match, out[-2000:]
        return int(match.group(1))

    without = collected({})  # an empty parameter list would have failed the collection
    if samples_present():
        assert without == collected({"HANDOVER_OCDS_SAMPLES": str(SAMPLES)})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        body: dict[str, Any] = json.loads(response.read())
        return body


def wait_until_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if get(f"{base}/healthz") == {"status": "ok"}:
                return
        except (URLError, ConnectionError):
            pass
        # Waiting on a real server starting in another process: there is no clock to inject.
        time.sleep(0.2)
    pytest.fail("the server did not answer /healthz within 60 s")
