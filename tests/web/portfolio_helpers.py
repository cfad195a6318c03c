"""Shared by the portfolio page tests: the API's figures, a figure's link, what a list shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.portfolio.conftest import Desk
from tests.portfolio.test_portfolio_totals import portfolio  # noqa: F401  (fixture)
from tests.web.conftest import sign_in

REFERENCE = re.compile(r'<a class="govuk-link" href="/contracts/\d+">([^<]+)</a>')


def api_get(people: Desk, path: str, **params: Any) -> Any:
    """The API's answer, as vic (who may read everything)."""
    res = people.client.get(path, params=params, headers=people.people["vic"])
    assert res.status_code == 200, res.text
    return res.json()


def href(html: str, anchor_id: str) -> str:
    """The link of the figure with the id."""
    found = re.search(rf'id="{anchor_id}" href="([^"]+)"', html)
    assert found, anchor_id
    return unescape(found.group(1))


def listed(client: TestClient, link: str) -> set[str]:
    """The references of the contracts a contracts list link shows."""
    page = client.get(link)
    assert page.status_code == 200, page.text
    return set(REFERENCE.findall(page.text))


@pytest.fixture
def leader(portfolio: Desk, web_user: Callable[..., str]) -> TestClient:  # noqa: F811
    """A digital leader (an SRO) signed in to the browser session of the same client."""
    web_user("dana", "senior_responsible_owner")
    return sign_in(portfolio.client, "dana")
