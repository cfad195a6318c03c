"""The case's Diagram tab: the workflow inline, current state and path taken, stages as text."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.conftest import post_form, register, sign_in


def test_diagram_tab_marks_the_current_stage_and_is_csp_safe(
    client: TestClient, web_user: Callable[..., str]
) -> None:
    web_user("priya", "programme_manager")
    sign_in(client, "priya")
    contract_id = register(client)
    case_url = post_form(client, f"/contracts/{contract_id}/cases", {}).headers["location"]
    case_id = case_url.rsplit("/", 1)[1]
    overview = client.get(case_url)
    assert f'href="/cases/{case_id}/diagram"' in overview.text
    page = client.get(f"{case_url}/diagram")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "<title>Diagram: " in page.text
    assert 'aria-current="page">Diagram<' in page.text
    assert "<svg" in page.text and "<style" not in page.text and ' style="' not in page.text
    assert 'tabindex="0" role="region" aria-label="Workflow diagram' in page.text
    ids = re.findall(r' id="(case-[^"]+)"', page.text)
    assert ids and all(i.startswith(f"case-{case_id}-diagram-") for i in ids)
    current = re.findall(r'<li aria-current="step">\s*<strong>([^<]+)</strong>', page.text)
    assert current == ["Intake"]
    assert 'class="state current"' in page.text
    assert client.get("/cases/999999/diagram").status_code == 404
    fired = post_form(client, case_url + "/transitions", {"trigger": "triage", "reason": ""})
    assert fired.status_code == 303
    after = client.get(f"{case_url}/diagram").text
    assert after.count('class="edge taken"') == 1
    assert re.search(
        r"Intake</strong>|Intake\s*<strong class=\"govuk-tag govuk-tag--grey\">Passed", after
    )
    assert "Path taken" in after and "Intake → " in after
