"""Confirming imported terms on the contract page in Chromium, JavaScript on and off, by axe.

Issue 14: Contracts Finder's end date sometimes already includes extensions, so imported
terms are unverified until a person confirms them from the signed contract.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.imports.helpers import package, release
from tests.web.browser.conftest import Server, checked, new_page, sign_in


def _ocds_file(folder: Path, run: str) -> Path:
    """A one-release package ending in about two years, so it has deadlines."""
    end = (datetime.now(UTC) + timedelta(days=730)).date().isoformat()
    doc = release(
        ocid=f"ocds-terms-{run}",
        id=f"ocds-terms-{run}-award",
        tender={"title": f"Terms check {run}", "description": "3 years + 1 + 1, maximum 5"},
    )
    doc["awards"][0]["contractPeriod"]["endDate"] = f"{end}T00:00:00Z"
    path = folder / f"terms-{run}.json"
    path.write_text(json.dumps(package(doc)))
    return path


def _checked(page: Page, label: str, js: bool, violations: dict[str, object]) -> None:
    checked(page, label, js, violations, prefix="terms-confirm")


def test_confirm_imported_terms_on_the_contract_page(
    browser: Browser, server: Server, javascript: bool, tmp_path: Path
) -> None:
    run = "js" if javascript else "nojs"
    page, csp = new_page(browser, javascript=javascript)
    violations: dict[str, object] = {}
    sign_in(page, server.base, "priya")
    page.goto(f"{server.base}/imports")
    page.get_by_label("OCDS file").set_input_files(str(_ocds_file(tmp_path, run)))
    page.get_by_role("button", name="Import file").click()
    page.wait_for_load_state()
    page.goto(f"{server.base}/contracts?q=ocds-terms-{run}")
    page.get_by_role("link", name=f"ocds-terms-{run}", exact=True).click()
    page.wait_for_load_state()
    assert "Terms not yet confirmed" in page.content()
    _checked(page, f"{run}-01-unverified", javascript, violations)
    page.get_by_label("End date of the current term").fill("2000-01-01")
    page.get_by_role("button", name="Confirm the terms").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert 'value="2000-01-01"' in page.content()
    _checked(page, f"{run}-02-refused", javascript, violations)
    page.get_by_label("End date of the current term").fill(
        (datetime.now(UTC) + timedelta(days=365)).date().isoformat()
    )
    page.get_by_label("What you checked (optional)").fill("Clause 3: three years plus options")
    page.get_by_role("button", name="Confirm the terms").click()
    page.wait_for_load_state()
    assert "Terms confirmed from the contract by" in page.content()
    _checked(page, f"{run}-03-confirmed", javascript, violations)
    assert violations == {}
    assert csp.refused == []
    page.context.close()
