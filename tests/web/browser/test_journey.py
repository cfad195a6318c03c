"""A review from registration to approval, in Chromium, with JavaScript on and off."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page

from tests.web.browser.conftest import Server, axe, new_page, screenshot, sign_in, sign_out

# The workflow's own step titles (workflows/*.yaml), as the buttons show them.
TRIAGE, START = "Triage the contract", "Start the review"
ASSESS, PROPOSE, APPROVE_ROUTE = (
    "Record the assessment",
    "Propose a delivery route",
    "Approve the route",
)
DECOMPOSE, APPRAISE = "Record the service components", "Record the options appraisal"
SUBMIT, APPROVE = "Submit to the SRO for approval", "Approve the delivery routes"


class Visit:
    """One person's browser tab: pages checked with axe and photographed as they go."""

    def __init__(self, browser: Browser, server: Server, name: str, run: str, *, js: bool) -> None:
        self.page, self.csp = new_page(browser, javascript=js)
        self.base, self.run, self.shots, self.js = server.base, run, 0, js
        self.violations: dict[str, Any] = {}
        sign_in(self.page, self.base, name)
        self.check(f"{name}-home")

    def check(self, label: str) -> None:
        """axe finds nothing, and the page is in the artifacts folder."""
        self.shots += 1
        screenshot(self.page, f"{self.run}-{self.shots:02d}-{label}")
        found = axe(self.page, javascript=self.js)
        if found:
            self.violations[f"{label} {self.page.url}"] = found

    def go(self, path: str, label: str) -> Page:
        """Open a page of the site."""
        self.page.goto(self.base + path)
        self.check(label)
        return self.page

    def fire(self, title: str, **fields: str) -> None:
        """Fill in a transition's form and send it."""
        button = self.page.get_by_role("button", name=title, exact=True)
        form = self.page.locator("form").filter(has=button)
        for name, value in fields.items():
            field = form.locator(f'[name="{name}"]')
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        button.click()
        self.page.wait_for_load_state()
        assert "govuk-error-summary" not in self.page.content(), self.summary()
        self.check(title.lower().replace(" ", "-"))

    def summary(self) -> str:
        """The error summary's text, for a failing assertion."""
        box = self.page.locator(".govuk-error-summary")
        return box.inner_text() if box.count() else ""

    def open_link(self, text: str) -> None:
        """Follow a link by its text."""
        self.page.get_by_role("link", name=text, exact=True).first.click()
        self.page.wait_for_load_state()

    def done(self) -> None:
        """Sign out; nothing the CSP refused, and no accessibility violation, on the way."""
        sign_out(self.page)
        assert self.csp.refused == []
        assert self.violations == {}
        self.page.context.close()


def _register(visit: Visit, reference: str) -> str:
    page = visit.go("/contracts/new", "register")
    page.get_by_role("button", name="Register the contract").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    visit.check("register-errors")
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Title").fill("Hosting and service desk")
    page.get_by_label("Buyer").fill("Department for Browsers")
    page.get_by_label("End date", exact=False).first.fill("2028-03-31")
    page.get_by_label("Notice period in days", exact=False).fill("180")
    page.get_by_label("Tier", exact=False).fill("2")
    page.get_by_role("button", name="Register the contract").click()
    page.wait_for_load_state()
    assert reference in page.title()
    visit.check("contract")
    page.get_by_role("button", name="Open a contract review").click()
    page.wait_for_load_state()
    visit.check("review")
    return page.url.removeprefix(visit.base)


def test_a_review_from_registration_to_approval(
    browser: Browser, server: Server, javascript: bool
) -> None:
    run = "js" if javascript else "nojs"
    # A programme manager registers a contract, opens and triages a review, decomposes it.
    priya = Visit(browser, server, "priya", run, js=javascript)
    review = _register(priya, f"BR-{run}")
    priya.fire(TRIAGE)
    priya.fire(START)
    for name in ("Hosting", "Service desk"):
        priya.page.get_by_label("Name", exact=True).fill(name)
        priya.page.get_by_role("button", name="Add the component").click()
        priya.page.wait_for_load_state()
    priya.check("decomposed")
    components = [
        priya.page.get_by_role("link", name=n, exact=True).get_attribute("href")
        for n in ("Hosting", "Service desk")
    ]
    priya.go("/contracts", "contracts")
    priya.done()

    # A second programme manager (and service owner) assesses each and proposes routes.
    pat = Visit(browser, server, "pat", run, js=javascript)
    for href in components:
        pat.go(str(href), "component")
        pat.fire(
            ASSESS,
            **{
                "data-users": "Staff",
                "data-data_assets": "Tickets",
                "data-dependencies": "Directory",
            },
        )
        pat.fire(PROPOSE, **{"data-route": "reprocure", "reason": "A commodity market exists"})
    pat.done()

    # The SRO approves the routes.
    sam = Visit(browser, server, "sam", run, js=javascript)
    for href in components:
        sam.go(str(href), "component")
        sam.fire(APPROVE_ROUTE, reason="Value for money")
    sam.done()

    # Someone holding both roles records the evidence and submits: four-eyes stops them.
    dana = Visit(browser, server, "dana", run, js=javascript)
    dana.go(review, "review")
    evidence = {
        "evidence-0-title": "Contract",
        "evidence-0-url": "https://docs.example/c",
        "evidence-1-title": "Spend",
        "evidence-1-url": "https://docs.example/s",
    }
    dana.fire(DECOMPOSE, **evidence)
    dana.fire(APPRAISE, **evidence)
    dana.fire(SUBMIT)
    blocked = dana.page.locator("#blocked ~ *").all_inner_texts()
    assert any("Approve the delivery routes" in t for t in blocked)
    assert dana.page.get_by_role("button", name=APPROVE).count() == 0
    assert "so someone else must do 'approve'" in dana.page.content()  # the four-eyes reason
    dana.done()

    # The SRO sees it waiting on My work and approves it; the exit case opens.
    sam = Visit(browser, server, "sam", run, js=javascript)  # lands on the portfolio
    sam.go("/", "home")
    assert sam.page.get_by_role("link", name="Contract review: Hosting and service desk").count()
    sam.go(review, "review")
    sam.fire(APPROVE, reason="Routes agreed by the board")
    assert "Approved" in sam.page.locator("h1").inner_text()
    assert sam.page.get_by_role("link", name="Contract exit", exact=False).count() >= 1
    sam.go(review + "/history", "history")
    history = sam.page.locator(".moj-timeline").inner_text()
    for step in (
        "Triage",
        "Start review",
        "Record decomposition",
        "Submit for approval",
        "Approve",
    ):
        assert step in history, step
    sam.done()
