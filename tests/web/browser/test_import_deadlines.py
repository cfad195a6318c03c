"""The Import and Deadlines pages in Chromium, with JavaScript on and off, checked by axe."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.imports.helpers import package, release
from tests.web.browser.conftest import Server, checked, new_page, sign_in


def _ocds_file(folder: Path, run: str) -> Path:
    """A one-release package whose contract ends in about ten months (so it has deadlines)."""
    end = (datetime.now(UTC) + timedelta(days=300)).date().isoformat()
    doc = release(
        ocid=f"ocds-browser-{run}",
        id=f"ocds-browser-{run}-award",
        tender={"title": f"Browser import {run}"},
    )
    doc["awards"][0]["contractPeriod"]["endDate"] = f"{end}T00:00:00Z"
    path = folder / f"browser-{run}.json"
    path.write_text(json.dumps(package(doc)))
    return path


def _checked(page: Page, label: str, js: bool, violations: dict[str, object]) -> None:
    checked(page, label, js, violations, prefix="imports-deadlines")


def test_import_a_file_then_waive_one_of_its_deadlines(
    browser: Browser, server: Server, javascript: bool, tmp_path: Path
) -> None:
    run = "js" if javascript else "nojs"
    page, csp = new_page(browser, javascript=javascript)
    violations: dict[str, object] = {}
    sign_in(page, server.base, "priya")
    page.get_by_role("link", name="Imports", exact=True).click()
    page.wait_for_url("**/imports/history")
    _checked(page, f"{run}-01-history", javascript, violations)
    page.get_by_role("button", name="Import an OCDS file").click()
    page.wait_for_url("**/imports")
    # A refused file first: its problems, with their JSON paths, and an error summary.
    bad = tmp_path / "broken.json"
    bad.write_text('{"releases": [{"ocid": 7}]}')
    page.get_by_label("OCDS file").set_input_files(str(bad))
    page.get_by_role("button", name="Import file").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert "broken.json was not imported" in page.content()
    assert "releases[0]" in page.content()
    _checked(page, f"{run}-02-refused", javascript, violations)
    page.get_by_label("OCDS file").set_input_files(str(_ocds_file(tmp_path, run)))
    page.get_by_role("button", name="Import file").click()
    page.wait_for_load_state()
    assert f"browser-{run}.json was imported" in page.content()
    _checked(page, f"{run}-03-report", javascript, violations)
    # Deadlines: filter by kind through the GET form, open one, waive it with a reason.
    page.get_by_role("link", name="Deadlines", exact=True).click()
    page.wait_for_url("**/deadlines")
    assert page.locator("svg[role=img] title").first.text_content()
    _checked(page, f"{run}-04-deadlines", javascript, violations)
    page.get_by_label("Kind", exact=True).select_option("hard_stop")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/deadlines?kind=hard_stop**")
    row = page.locator("tr", has_text=f"Browser import {run}")
    row.get_by_role("link", name="Hard stop").click()
    page.wait_for_load_state()
    _checked(page, f"{run}-05-deadline", javascript, violations)
    page.get_by_role("button", name="Waive deadline").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    _checked(page, f"{run}-06-no-reason", javascript, violations)
    page.get_by_label("Waive this deadline").fill("The exit is handled by the framework call-off")
    page.get_by_role("button", name="Waive deadline").click()
    page.wait_for_load_state()
    assert "The exit is handled by the framework call-off" in page.content()
    _checked(page, f"{run}-07-waived", javascript, violations)
    # Back to the list keeps the filter.
    page.get_by_role("link", name="Back to deadlines").click()
    page.wait_for_url("**/deadlines?kind=hard_stop**")
    assert violations == {}
    assert csp.refused == []
    page.context.close()
