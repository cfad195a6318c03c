"""A component's dependencies and handover checklist on its case page, over the API's services."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FrozenClock
from app.web import signin
from tests.e2e.flow import Flow, make_flow
from tests.web.conftest import PASSWORD, post_form, sign_in


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
    db: sessionmaker[Session],
    clock: FrozenClock,
) -> Flow:
    """The API's people, priya (programme manager) also signed in to the web pages."""
    made = make_flow(client, pm, sro, make_user)
    with db.begin() as session:
        signin.set_password(session=session, name="priya", password=PASSWORD, now=clock.now())
    sign_in(client, "priya")
    return made


@pytest.fixture
def vic(
    make_user: Callable[..., dict[str, str]], db: sessionmaker[Session], clock: FrozenClock
) -> dict[str, str]:
    """A viewer who can sign in to the web pages."""
    headers = make_user("vic", "viewer")
    with db.begin() as session:
        signin.set_password(session=session, name="vic", password=PASSWORD, now=clock.now())
    return headers


def _version(page: str, action: str) -> str:
    """The version a form on the page carries."""
    form = page[page.index(f'action="{action}"') :]
    found = re.search(r'name="(?:expected_)?version" value="(\d+)"', form)
    assert found, action
    return found.group(1)


def test_add_and_remove_dependencies_and_a_cycle_is_refused_as_an_error_summary(
    vic: dict[str, str], flow: Flow
) -> None:
    review = flow.review(flow.contract())
    a, b, c = (flow.component(review, name) for name in ("Hosting", "Service desk", "Network"))
    assert "Depends on" not in flow.client.get(f"/cases/{review['id']}").text  # not a line
    page = flow.client.get(f"/cases/{a['id']}").text
    assert "Depends on" in page and "Nothing: this line needs no other line live first" in page
    assert f'<option value="{b["id"]}">Service desk (case {b["id"]})</option>' in page
    assert f'<option value="{a["id"]}"' not in page  # not on itself
    url = f"/cases/{a['id']}/dependencies"
    added = post_form(
        flow.client, url, {"other_id": str(b["id"]), "expected_version": _version(page, url)}
    )
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"/cases/{a['id']}?done=dependency-added#dependencies"
    shown = flow.client.get(added.headers["location"]).text
    assert "govuk-notification-banner--success" in shown and "Dependency added." in shown
    assert f'<a class="govuk-link" href="/cases/{b["id"]}">Service desk</a>' in shown
    assert post_form(flow.client, f"/cases/{b['id']}/dependencies", {"other_id": str(c["id"])})
    # c -> a would close a -> b -> c: the select leaves a out, and a stale post is refused.
    page_c = flow.client.get(f"/cases/{c['id']}").text
    assert f'<option value="{a["id"]}"' not in page_c
    assert "each is listed already, cancelled, or would make a cycle" in page_c
    refused = post_form(
        flow.client,
        f"/cases/{c['id']}/dependencies",
        {"other_id": str(a["id"]), "expected_version": str(flow.get(c)["version"])},
    )
    assert refused.status_code == 422
    assert "<title>Error: " in refused.text and "govuk-error-summary" in refused.text
    chain = f"#{c['id']} -&gt; #{a['id']} -&gt; #{b['id']} -&gt; #{c['id']}"
    assert f'<a href="#dependency-other">This would make a cycle: {chain}.</a>' in refused.text
    remove = f"/cases/{a['id']}/dependencies/{b['id']}/remove"
    stale = post_form(flow.client, remove, {"expected_version": "1"})
    assert stale.status_code == 409 and "govuk-error-summary" in stale.text
    page = flow.client.get(f"/cases/{a['id']}").text
    removed = post_form(flow.client, remove, {"expected_version": _version(page, remove)})
    assert removed.status_code == 303
    assert "Dependency removed." in flow.client.get(removed.headers["location"]).text
    # A viewer sees the list, not the forms; a forged post is the API's 403.
    sign_in(flow.client, "vic")
    page_b = flow.client.get(f"/cases/{b['id']}").text
    assert "Network" in page_b and "/dependencies" not in page_b
    forged = post_form(flow.client, url, {"other_id": str(c["id"])})
    assert forged.status_code == 403


def _checklist(flow: Flow) -> dict[str, Any]:
    """A line bought as a commodity, its checklist opened by the first step of its route."""
    _, (line,) = flow.approved_review(["buy_commodity"])
    return flow.fire(flow.commercial, line, "start_shortlisting", data={"framework": "G-Cloud 14"})


def test_assign_an_owner_and_complete_a_task_with_evidence(flow: Flow) -> None:
    line = _checklist(flow)
    page = flow.client.get(f"/cases/{line['id']}").text
    assert "Handover checklist" in page and "Licence and IP novation or assignment" in page
    task_id = re.search(r'action="/handover-tasks/(\d+)/owner"', page)
    assert task_id
    task = f"/handover-tasks/{task_id.group(1)}"
    unknown = post_form(flow.client, f"{task}/owner", {"owner": "nobody", "version": "1"})
    assert unknown.status_code == 422
    assert f'href="#task{task_id.group(1)}-owner">No user named' in unknown.text
    forged = post_form(flow.client, f"{task}/owner", {"owner": "chen", "version": "0"})
    assert forged.status_code == 422 and "Reload the page and try again" in forged.text
    assigned = post_form(flow.client, f"{task}/owner", {"owner": "chen", "version": "1"})
    assert assigned.status_code == 303, assigned.text
    shown = flow.client.get(assigned.headers["location"]).text
    assert "Owner assigned." in shown and '<td class="govuk-table__cell">chen</td>' in shown
    missing = post_form(
        flow.client,
        f"{task}/complete",
        {"reason": "Deed signed by all three parties", "version": "2", "evidence-0-title": "Deed"},
    )
    assert missing.status_code == 422 and "<title>Error: " in missing.text
    assert "Enter a link starting https:// or http:// for evidence" in missing.text
    assert "Deed signed by all three parties</textarea>" in missing.text
    assert 'value="Deed"' in missing.text
    none = post_form(flow.client, f"{task}/complete", {"reason": "Signed", "version": "2"})
    assert none.status_code == 422
    url_field = f"task{task_id.group(1)}-evidence-0-url"
    assert f'<a href="#{url_field}">Give a link to the evidence that this is done</a>' in none.text
    assert f'id="{url_field}-error"' in none.text and "Signed</textarea>" in none.text
    proof = {
        "reason": "Deed signed by all three parties",
        "evidence-0-title": "Novation deed",
        "evidence-0-url": "https://docs.example.gov.uk/deed",
    }
    stale = post_form(flow.client, f"{task}/complete", {**proof, "version": "1"})
    assert stale.status_code == 409 and "govuk-error-summary" in stale.text
    done = post_form(flow.client, f"{task}/complete", {**proof, "version": "2"})
    assert done.status_code == 303, done.text
    shown = flow.client.get(done.headers["location"]).text
    assert "Task marked as done." in shown
    assert '<a class="govuk-link" href="https://docs.example.gov.uk/deed"' in shown
    assert f'action="{task}/complete"' not in shown  # done is final
    again = post_form(flow.client, f"{task}/complete", {**proof, "version": "3"})
    assert again.status_code == 409 and "is already done" in again.text
