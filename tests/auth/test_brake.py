"""Failed authentications are slowed per address and per token (issue 13, finding 6)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from app.clock import FrozenClock
from app.config import Settings
from app.main import create_app

BAD = {"Authorization": "Bearer hov_" + "x" * 40}


def _client(settings: Settings, clock: FrozenClock, **limits: int) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=limits), clock))


def test_an_address_guessing_tokens_gets_429_with_retry_after(
    settings: Settings, clock: FrozenClock, make_user: Callable[..., dict[str, str]]
) -> None:
    good = make_user("gina", "viewer")
    with _client(settings, clock, auth_failures_per_address=5) as client:
        for n in range(5):
            res = client.get("/api/me", headers={"Authorization": f"Bearer hov_guess{n:040d}"})
            assert res.status_code == 401
        braked = client.get("/api/me", headers=BAD)
        assert braked.status_code == 429
        assert braked.json()["error"] == "rate_limited"
        assert 1 <= int(braked.headers["retry-after"]) <= 60
        # While braked a right token is refused too: a guesser learns nothing from 200 vs 429.
        assert client.get("/api/me", headers=good).status_code == 429
        clock.advance(seconds=61)
        assert client.get("/api/me", headers=good).status_code == 200


def test_one_token_tried_again_and_again_is_braked_on_its_own(
    settings: Settings, clock: FrozenClock
) -> None:
    with _client(settings, clock, auth_failures_per_token=3) as client:
        statuses = [client.get("/api/me", headers=BAD).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        other = {"Authorization": "Bearer hov_" + "y" * 40}
        assert client.get("/api/me", headers=other).status_code == 401


def test_a_missing_token_is_not_a_failed_guess(settings: Settings, clock: FrozenClock) -> None:
    with _client(settings, clock, auth_failures_per_address=2) as client:
        assert {client.get("/api/me").status_code for _ in range(5)} == {401}
