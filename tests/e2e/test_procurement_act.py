"""Procurement Act 2023 in the reprocure route: tender notice, standstill, 30-day notices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from tests.e2e.flow import Flow, codes, ev, make_flow


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def _advance_to(clock: FrozenClock, day: date) -> None:
    clock.advance(days=(day - clock.today()).days)


def test_an_open_procedure_observes_the_standstill(flow: Flow, clock: FrozenClock) -> None:
    _, (hosting,) = flow.approved_review(["reprocure"])
    chen = flow.commercial
    hosting = flow.fire(chen, hosting, "start_requirements")
    hosting = flow.fire(chen, hosting, "engage_market")
    res = flow.send(chen, hosting, "start_tender", data={"procedure": "open"})
    assert res.status_code == 422 and codes(res) == ["evidence_kinds"]
    assert "tender_notice" in res.json()["detail"]
    hosting = flow.fire(
        chen, hosting, "start_tender", data={"procedure": "open"}, evidence=ev("tender_notice")
    )
    hosting = flow.fire(chen, hosting, "record_evaluation", evidence=ev("evaluation_report"))
    assert clock.today() == date(2026, 11, 25)  # a Wednesday
    res = flow.send(flow.sro, hosting, "award", reason="Best value", evidence=ev("award_notice"))
    assert res.status_code == 422 and codes(res) == ["date_not_after"]
    published = {"award_notice_date": "2026-11-25"}
    hosting = flow.fire(
        flow.sro, hosting, "award", reason="Best value", data=published, evidence=ev("award_notice")
    )
    # PA 2023 s.51(2) and s.123: eight UK working days beginning with Wednesday 25 November
    # (the day itself counts; Monday 30 November, St Andrew's Day, does not) end with
    # Monday 7 December.
    _advance_to(clock, date(2026, 12, 9))
    early = {"contract_signed_date": "2026-12-07"}
    res = flow.send(flow.manager, hosting, "sign_contract", data=early)
    assert res.status_code == 422 and codes(res) == ["after_working_days"]
    assert "from 2026-12-08" in res.json()["detail"]
    signed = {"contract_signed_date": "2026-12-08"}
    hosting = flow.fire(flow.manager, hosting, "sign_contract", data=signed)
    # PA 2023 s.53(1): due within the 30 days beginning with signature (8 December), so by
    # 6 January, counted from signature, not from when it was recorded.
    due = [(d["kind"], d["date"]) for d in hosting["deadlines"] if d["status"] == "pending"]
    assert ("contract_details_notice", "2027-01-06") in due


def test_a_framework_call_off_may_be_signed_at_once(flow: Flow) -> None:
    _, (hosting,) = flow.approved_review(["reprocure"])
    chen = flow.commercial
    hosting = flow.fire(chen, hosting, "start_requirements")
    hosting = flow.fire(chen, hosting, "engage_market")
    hosting = flow.fire(chen, hosting, "start_tender", data={"procedure": "framework_call_off"})
    hosting = flow.fire(chen, hosting, "record_evaluation", evidence=ev("evaluation_report"))
    today = {"award_notice_date": "2026-11-25"}
    hosting = flow.fire(
        flow.sro,
        hosting,
        "award",
        reason="Top of the call-off",
        data=today,
        evidence=ev("award_notice"),
    )
    hosting = flow.fire(
        flow.manager, hosting, "sign_contract", data={"contract_signed_date": "2026-11-25"}
    )
    assert hosting["state"] == "contracted"
