"""CI's dependency audit (.ci/audit.py): a known vulnerability fails, an unreachable one says so."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from app.config import ROOT


def _audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# pip-audit's own JSON (`-f json`), as it prints it.
VULNERABLE = {
    "dependencies": [
        {"name": "fastapi", "version": "0.120.0", "vulns": []},
        {
            "name": "jinja2",
            "version": "3.1.2",
            "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": []}],
        },
    ],
    "fixes": [],
}
UNREACHABLE = {
    "dependencies": [
        {"name": "jinja2", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    ],
    "fixes": [],
}


def test_a_known_python_vulnerability_fails_the_build() -> None:
    ok, lines = _audit().pip_verdict(VULNERABLE)
    assert not ok
    assert lines == ["pip-audit: jinja2 3.1.2 has GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)"]


def test_clean_python_dependencies_pass() -> None:
    clean = {"dependencies": [{"name": "fastapi", "version": "0.120.0", "vulns": []}]}
    assert _audit().pip_verdict(clean) == (
        True,
        ["pip-audit: 1 packages audited, no known vulnerability"],
    )


def test_advisory_data_out_of_reach_is_one_line_and_not_a_failure() -> None:
    ok, lines = _audit().pip_verdict(UNREACHABLE)
    assert ok and len(lines) == 1 and lines[0].startswith("pip-audit: not checked:")


def test_npm_vulnerabilities_fail_and_an_unreachable_endpoint_does_not() -> None:
    audit = _audit()
    found = {
        "vulnerabilities": {"sass": {"severity": "high"}},
        "metadata": {"vulnerabilities": {"low": 0, "high": 1, "total": 1}},
    }
    assert audit.npm_verdict(found) == (False, ["npm audit: 1 known vulnerabilities (sass)"])
    clean = {"vulnerabilities": {}, "metadata": {"vulnerabilities": {"total": 0}}}
    assert audit.npm_verdict(clean) == (True, ["npm audit: no known vulnerability"])
    refused = {"message": "405 Method Not Allowed - POST https://registry.example/bulk"}
    ok, [line] = audit.npm_verdict({**refused, "statusCode": 405})
    assert (
        ok
        and line == "npm audit: not checked: the advisory endpoint answered 405 Method Not Allowed"
    )


def test_ci_runs_the_audit_before_the_tests() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    assert run.index(".ci/audit.py") < run.index("make test")
