"""CI's dependency audit: pip-audit over the virtualenv and npm audit over package.json.

A known vulnerability fails the build. Where the advisory data cannot be reached (this
workplace serves PyPI's project pages but not its per-version JSON that pip-audit reads, and
npm's registry refuses the POST npm audit makes), each tool says so in one line and the build
carries on: an audit that checked nothing must not read as a pass, nor stop every build.

Usage: python .ci/audit.py [--python PATH]    (exit 1 on a known vulnerability)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def pip_verdict(report: dict[str, Any]) -> tuple[bool, list[str]]:
    """From pip-audit's JSON: whether the build may go on, and the lines to print."""
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if "skip_reason" in d]
    found = [(d, v) for d in deps for v in d.get("vulns", [])]
    lines = [
        f"pip-audit: {d['name']} {d['version']} has {v['id']}"
        f" (fixed in {', '.join(v.get('fix_versions') or []) or 'no release yet'})"
        for d, v in found
    ]
    audited = len(deps) - len(skipped)
    if not deps or audited == 0:
        lines.append(
            f"pip-audit: not checked: the advisory data for all {len(deps)} packages could not"
            " be reached from here (PyPI's per-version JSON API); carrying on"
        )
    elif skipped:
        lines.append(f"pip-audit: {audited} packages audited, {len(skipped)} could not be")
    elif not found:
        lines.append(f"pip-audit: {audited} packages audited, no known vulnerability")
    return not found, lines


def npm_verdict(report: dict[str, Any]) -> tuple[bool, list[str]]:
    """From `npm audit --json`: whether the build may go on, and the lines to print."""
    if "error" in report or "statusCode" in report:
        why = str(report.get("message") or report.get("error", {}).get("summary") or "error")
        status = why.split(" - ")[0][:80]  # the status, not the address it came from
        return True, [f"npm audit: not checked: the advisory endpoint answered {status}"]
    counts = report.get("metadata", {}).get("vulnerabilities", {})
    total = int(counts.get("total", sum(v for k, v in counts.items() if k != "total")))
    if total == 0:
        return True, ["npm audit: no known vulnerability"]
    names = ", ".join(sorted(report.get("vulnerabilities", {}))) or "see npm audit"
    return False, [f"npm audit: {total} known vulnerabilities ({names})"]


def _pip_audit(python: str) -> tuple[bool, list[str]]:
    argv = [python, "-m", "pip_audit", "--skip-editable", "-s", "pypi", "-f", "json"]
    argv += ["--progress-spinner", "off"]
    try:
        out = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            argv, capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return True, [f"pip-audit: not checked: {exc}"]
    try:
        return pip_verdict(json.loads(out.stdout))
    except ValueError:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return True, [f"pip-audit: not checked: {last[:160]}"]


def _npm_audit() -> tuple[bool, list[str]]:
    if shutil.which("npm") is None:
        return True, ["npm audit: not checked: npm is not installed"]
    try:
        return _npm_audit_in_a_copy()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return True, [f"npm audit: not checked: {exc}"]


def _npm_audit_in_a_copy() -> tuple[bool, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(ROOT / "package.json", tmp)
        # A lock file from the registry's metadata alone: nothing is downloaded or built.
        lock = ["npm", "install", "--package-lock-only", "--no-audit", "--no-fund"]
        made = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            lock, cwd=tmp, capture_output=True, text=True, timeout=300, check=False
        )
        if made.returncode != 0:
            return True, ["npm audit: not checked: could not resolve package.json's packages"]
        audit = ["npm", "audit", "--json"]
        out = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            audit, cwd=tmp, capture_output=True, text=True, timeout=300, check=False
        )
    try:
        return npm_verdict(json.loads(out.stdout))
    except ValueError:
        return True, ["npm audit: not checked: it printed no report"]


def main(argv: list[str]) -> int:
    """Run both audits; 1 when either found a known vulnerability."""
    python = argv[argv.index("--python") + 1] if "--python" in argv else sys.executable
    ok = True
    for passed, lines in (_pip_audit(python), _npm_audit()):
        print("\n".join(lines), flush=True)
        ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
