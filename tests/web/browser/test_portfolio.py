"""The digital leader's portfolio in real Chromium, on the demo portfolio: lands on it, reads
the figures and charts, follows a figure to the contracts behind it; axe finds nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator

from app.clock import SystemClock
from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.demo import load_demo
from app.web import signin
from app.workflows.registry import WorkflowRegistry
from tests.web.browser.conftest import (
    PASSWORD,
    Server,
    axe,
    new_page,
    screenshot,
    serve,
    sign_in,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Handover serving the demo portfolio (its believable figures), Sam the SRO with a password."""
    folder = tmp_path_factory.mktemp("portfolio")
    url = f"sqlite:///{folder / 'handover.db'}"
    upgrade(url)
    settings = Settings(database_url=url)
    engine = make_engine(settings)
    clock = SystemClock()
    with make_sessionmaker(engine).begin() as session:
        loaded = load_demo(
            session=session,
            clock=clock,
            registry=WorkflowRegistry.from_directory("workflows"),
            real_data=Path(folder / "no-samples"),
            settings=settings,
        )
        assert loaded is not None
        signin.set_password(session=session, name="sam", password=PASSWORD, now=clock.now())
    engine.dispose()
    with serve(url, folder) as running:
        yield running


def test_the_leader_follows_a_figure_to_its_contracts(
    browser: Browser, demo: Server, javascript: bool
) -> None:
    page, csp = new_page(browser, javascript=javascript)
    run = f"portfolio-{'js' if javascript else 'nojs'}"
    sign_in(page, demo.base, "sam")
    assert page.url == f"{demo.base}/portfolio"  # the SRO lands on the portfolio
    assert page.locator("h1").inner_text() == "Portfolio"
    assert page.get_by_role("img", name=re.compile("Annual spend by standing")).count() == 1
    assert page.get_by_role("img", name=re.compile("lead supplier")).count() == 1
    screenshot(page, f"{run}-01-portfolio")
    assert axe(page, javascript=javascript) == []

    # The biggest supplier's spend leads to exactly its contracts.
    first = page.locator("#suppliers ~ .govuk-grid-row tbody tr").first
    supplier = first.locator("th").inner_text()
    first.get_by_role("link").click()
    page.wait_for_load_state()
    assert "/contracts?" in page.url and "lead_supplier=" in page.url
    assert "behind a portfolio figure" in page.locator("#portfolio-figure").inner_text()
    rows = page.locator("tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert supplier in rows.nth(i).locator("td").nth(2).inner_text()
    screenshot(page, f"{run}-02-supplier-contracts")
    assert axe(page, javascript=javascript) == []

    # Back on the portfolio, the moved figure lists contracts; one opens.
    page.goto(f"{demo.base}/portfolio")
    page.locator("#figure-moved").click()
    page.wait_for_load_state()
    assert "standing=moved" in page.url
    listed = page.locator("tbody tr").count()
    assert listed >= 1 and f"{listed} contract" in page.get_by_role("status").inner_text()
    page.locator("tbody tr a").first.click()
    page.wait_for_load_state()
    assert re.search(r"/contracts/\d+$", page.url)

    # The filter form works without JavaScript; the CSV download is served to the session.
    page.goto(f"{demo.base}/portfolio")
    page.get_by_label("Tier").select_option("1")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "tier=1" in page.url and page.get_by_label("Tier").input_value() == "1"
    csv = page.request.get(f"{demo.base}/portfolio.csv?tier=1")
    assert csv.ok and csv.text().startswith("section,item,measure")
    screenshot(page, f"{run}-03-tier-1")
    assert axe(page, javascript=javascript) == []
    assert csp.refused == []
    page.context.close()


def _count_of(link: Locator) -> int:
    """The number a count link shows (its visually hidden words after it)."""
    return int(link.inner_text().split()[0])


def test_the_leader_follows_a_route_and_what_is_due(
    browser: Browser, demo: Server, javascript: bool
) -> None:
    page, csp = new_page(browser, javascript=javascript)
    run = f"portfolio-due-{'js' if javascript else 'nojs'}"
    sign_in(page, demo.base, "sam")
    assert page.get_by_role("img", name=re.compile("route each line takes")).count() == 1

    # The largest route's spend leads to the contracts on that route.
    page.locator("#routes ~ .govuk-grid-row tbody tr a[id^=route-]").first.click()
    page.wait_for_load_state()
    assert "route=" in page.url
    assert "spend on the route" in page.locator("#portfolio-figure").inner_text()
    assert page.locator("tbody tr").count() >= 1
    screenshot(page, f"{run}-01-route-contracts")
    assert axe(page, javascript=javascript) == []

    # A deadline count leads to the Deadlines page up to the horizon: the same count.
    page.goto(f"{demo.base}/portfolio")
    due = page.locator("#due ~ .govuk-grid-row a[id^=due-]").first
    expected = _count_of(due)
    due.click()
    page.wait_for_load_state()
    assert "until=" in page.url and page.get_by_label("Up to").input_value()
    assert page.get_by_role("status").inner_text().startswith(f"{expected} deadline")
    screenshot(page, f"{run}-02-deadlines-due")
    assert axe(page, javascript=javascript) == []

    # A waiting approvals count leads to those cases.
    page.goto(f"{demo.base}/portfolio")
    waiting = page.locator("#due ~ .govuk-grid-row a[id^=waiting-]").first
    expected = _count_of(waiting)
    waiting.click()
    page.wait_for_load_state()
    assert "/cases?" in page.url
    assert page.get_by_role("status").inner_text().startswith(f"{expected} case")
    screenshot(page, f"{run}-03-cases-waiting")
    assert axe(page, javascript=javascript) == []
    assert csp.refused == []
    page.context.close()
