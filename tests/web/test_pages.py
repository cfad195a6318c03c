"""The pages through the in-process client: the same services as the API, errors as GOV.UK."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.auth.service import Actor
from app.clock import FrozenClock
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.schemas import ContractPatch
from tests.web.conftest import CONTRACT, post_form, register, sign_in


def _pm(client: TestClient, web_user: Callable[..., str]) -> TestClient:
    web_user("priya", "programme_manager")
    return sign_in(client, "priya")


def test_every_page_has_a_title_one_h1_and_a_strict_csp(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    contract_id = register(client)
    case = post_form(client, f"/contracts/{contract_id}/cases", {})
    assert case.status_code == 303
    for path in (
        "/",
        "/contracts",
        f"/contracts/{contract_id}",
        "/contracts/new",
        f"/contracts/{contract_id}/edit",
        case.headers["location"],
        case.headers["location"] + "/history",
        "/notifications",
        "/audit",
        "/sign-in",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.text.count("<h1") == 1, path
        assert re.search(r"<title>[^<]+ \u2013 Handover</title>", page.text), path
        policy = page.headers["content-security-policy"]
        assert "unsafe-inline" not in policy
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce and f'nonce="{nonce.group(1)}"' in page.text
        assert ' style="' not in page.text, path
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"


def test_register_shows_the_apis_validation_as_an_error_summary(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    bad = {**CONTRACT, "reference": "", "end_date": "2028-02-31", "notice_period_days": "-3"}
    response = post_form(client, "/contracts/new", bad)
    assert response.status_code == 422
    assert "<title>Error: Register a contract" in response.text
    assert "govuk-error-summary" in response.text
    for field in ("reference", "end_date", "notice_period_days"):
        assert f'href="#{field}"' in response.text
    assert 'value="Hosting and service desk"' in response.text  # the input is kept


def test_the_form_records_the_termination_assistance_notice_as_a_number(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    # Model Services Contract Schedule 8.5: the notice days are a contract term.
    _pm(client, web_user)
    response = post_form(
        client, "/contracts/new", {**CONTRACT, "termination_assistance_notice_days": "six"}
    )
    assert response.status_code == 422
    assert 'href="#termination_assistance_notice_days"' in response.text
    contract_id = register(client, termination_assistance_notice_days="183")
    page = client.get(f"/contracts/{contract_id}")
    assert "183 days before the end date" in page.text
    edit = client.get(f"/contracts/{contract_id}/edit")
    assert 'value="183"' in edit.text


def test_a_duplicate_reference_is_refused_in_words(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    register(client)
    again = post_form(client, "/contracts/new", CONTRACT)
    assert again.status_code == 409
    assert "already has reference" in again.text


def test_list_filters_sorts_and_keeps_the_filter_in_the_url(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    register(client)
    register(client, reference="WEB-002", title="Payroll", end_date="2026-12-31")
    page = client.get("/contracts?q=payroll")
    assert "WEB-002" in page.text and "WEB-001" not in page.text
    assert 'value="payroll"' in page.text
    ordered = client.get("/contracts?sort=end_date").text
    assert ordered.index("WEB-002") < ordered.index("WEB-001")
    reverse = client.get("/contracts?sort=-end_date").text
    assert reverse.index("WEB-001") < reverse.index("WEB-002")
    wrong = client.get("/contracts?ends_before=soon")
    assert wrong.status_code == 422
    assert 'href="#ends_before"' in wrong.text


def test_a_stale_edit_says_who_changed_what_and_keeps_the_input(
    client: TestClient,
    web_user: Callable[..., str],
    db: sessionmaker[Session],
    clock: FrozenClock,
    settings: Settings,
) -> None:
    _pm(client, web_user)
    contract_id = register(client)
    form = client.get(f"/contracts/{contract_id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version
    with db.begin() as session:  # someone else saves first
        contract = contracts.get(session=session, contract_id=contract_id)
        other = Actor(id=99, name="sam", roles=frozenset({"contract_manager"}))
        contracts.update(
            session=session,
            contract=contract,
            patch=ContractPatch(notice_period_days=90),
            actor=other,
            now=clock.now(),
            settings=settings,
        )
    mine = {**CONTRACT, "title": "My better title", "version": version.group(1)}
    response = post_form(client, f"/contracts/{contract_id}/edit", mine)
    assert response.status_code == 409
    assert "sam changed this contract (notice_period_days)" in response.text
    assert 'value="My better title"' in response.text
    again = post_form(
        client,
        f"/contracts/{contract_id}/edit",
        {**mine, "version": str(int(version.group(1)) + 1)},
    )
    assert again.status_code == 303


def test_transitions_are_forms_and_refusals_keep_the_input(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    contract_id = register(client)
    case_url = post_form(client, f"/contracts/{contract_id}/cases", {}).headers["location"]
    page = client.get(case_url).text
    assert 'name="trigger" value="triage"' in page
    assert "This needs one of these roles: senior_responsible_owner." in page  # why not
    fired = post_form(client, case_url + "/transitions", {"trigger": "triage", "reason": ""})
    assert fired.status_code == 303
    post_form(client, case_url + "/transitions", {"trigger": "start_review"})
    refused = post_form(
        client,
        case_url + "/transitions",
        {
            "trigger": "record_decomposition",
            "reason": "Kept reason",
            "evidence-0-title": "Contract",
            "evidence-0-url": "https://example.gov.uk/contract",
        },
    )
    assert refused.status_code == 422
    assert "<title>Error: " in refused.text
    assert "spend_analysis" in refused.text
    assert "Kept reason" in refused.text
    assert 'value="https://example.gov.uk/contract"' in refused.text
    stale = post_form(
        client, case_url + "/transitions", {"trigger": "start_review", "expected_version": "1"}
    )
    assert stale.status_code == 409
    assert "govuk-error-summary" in stale.text
    history = client.get(case_url + "/history").text
    assert "Start review" in history and "Triage" in history


def test_a_viewers_forged_transition_post_gets_403(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    _pm(client, web_user)
    contract_id = register(client)
    case_url = post_form(client, f"/contracts/{contract_id}/cases", {}).headers["location"]
    web_user("vic", "viewer")
    sign_in(client, "vic")
    page = client.get(case_url).text
    assert 'value="triage"' not in page  # the page does not offer it
    forged = post_form(client, case_url + "/transitions", {"trigger": "triage"})
    assert forged.status_code == 403
    assert post_form(client, "/contracts/new", CONTRACT).status_code == 403
