"""Keyboard only: sign in and act on a case without a mouse; focus is always visible."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from tests.web.browser.conftest import PASSWORD, Server, axe, new_page, screenshot

# GOV.UK's focus state: a yellow background or outline (and a dark underline for links).
FOCUS_VISIBLE = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'
    || s.backgroundColor === 'rgb(255, 221, 0)';
}"""


def _tab_to(page: Page, predicate: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            assert page.evaluate(FOCUS_VISIBLE), page.evaluate("document.activeElement.outerHTML")
            return
    raise AssertionError(f"Tab never reached: {predicate}")


def test_sign_in_and_act_with_the_keyboard_alone(
    browser: Browser, server: Server, javascript: bool
) -> None:
    page, csp = new_page(browser, javascript=javascript)
    page.goto(f"{server.base}/sign-in")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.evaluate(FOCUS_VISIBLE)
    _tab_to(page, "document.activeElement.id === 'username'")
    page.keyboard.type("priya")
    _tab_to(page, "document.activeElement.id === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.base}/")
    # Every link and button on My work can be reached, each with a visible focus.
    _tab_to(page, "document.activeElement.textContent.trim() === 'Contracts'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contracts")
    _tab_to(page, "document.activeElement.id === 'q'")
    page.keyboard.type("no such contract")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contracts?q=no+such+contract**")
    assert "0 contracts" in page.content()
    screenshot(page, f"keyboard-{'js' if javascript else 'nojs'}-contracts")
    assert axe(page, javascript=javascript) == []
    _tab_to(page, "document.activeElement.classList.contains('app-sign-out')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in")
    assert csp.refused == []
    page.context.close()
