"""The contract exit: it ends only once the service lines are off it; notice may be reconsidered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

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


def _exit_case(flow: Flow, review: dict[str, Any]) -> dict[str, Any]:
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    result: dict[str, Any] = exit_case
    return result


def test_the_contract_ends_only_once_every_line_is_off_it(flow: Flow) -> None:
    review, (printing,) = flow.approved_review(["decommission"], regime="pa2023")
    exit_case = flow.fire(
        flow.manager, _exit_case(flow, review), "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    served = {"notice_served_date": "2026-11-25"}
    exit_case = flow.fire(
        flow.sro,
        exit_case,
        "serve_notice",
        reason="Exit",
        data=served,
        evidence=ev("notice_letter"),
    )
    exit_case = flow.fire(flow.manager, exit_case, "start_exit_period")
    exit_case = flow.fire(flow.manager, exit_case, "start_handover")
    ended = {"termination_date": "2026-11-20"}
    res = flow.send(flow.manager, exit_case, "confirm_termination", data=ended)
    assert res.status_code == 422 and codes(res) == ["open_siblings_in_state"]
    assert f"#{printing['id']}" in res.json()["detail"]
    owner = flow.owner
    switch_off = {"planned_switch_off_date": "2027-06-30"}
    printing = flow.fire(owner, printing, "plan_retirement", data=switch_off)
    printing = flow.fire(owner, printing, "confirm_users_migrated")
    printing = flow.fire(owner, printing, "archive_data", evidence=ev("data_archive_record"))
    printing = flow.fire(owner, printing, "switch_off")  # the certificate may follow the end
    exit_case = flow.fire(flow.manager, exit_case, "confirm_termination", data=ended)
    # PA 2023 s.80(1): the UK11 is due within the 30 days beginning with the day the
    # contract ended (day + 29), not counted from when the end was recorded.
    due = [d for d in exit_case["deadlines"] if d["kind"] == "termination_notice"]
    assert [(d["date"], d["status"]) for d in due] == [("2026-12-19", "pending")]


def test_the_sro_may_reconsider_running_to_expiry_before_the_notice_deadline(
    flow: Flow, clock: FrozenClock
) -> None:
    review, _ = flow.approved_review(["decommission"])
    exit_case = flow.fire(
        flow.manager, _exit_case(flow, review), "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    exit_case = flow.fire(flow.sro, exit_case, "run_to_expiry", reason="Replacement is late")
    res = flow.send(flow.pm, exit_case, "reconsider_notice", reason="Replacement is on time")
    assert res.status_code == 403
    res = flow.send(flow.sro, exit_case, "reconsider_notice")
    assert res.status_code == 422 and codes(res) == ["reason_required"]
    exit_case = flow.fire(flow.sro, exit_case, "reconsider_notice", reason="Replacement on time")
    assert exit_case["state"] == "notice_due"
    exit_case = flow.fire(flow.sro, exit_case, "run_to_expiry", reason="Replacement slipped")
    # End date 2027-09-30, 90 days' notice: the last day to serve it is 2 July 2027.
    clock.advance(days=(date(2027, 7, 3) - clock.today()).days)
    res = flow.send(flow.sro, exit_case, "reconsider_notice", reason="Too late now")
    assert res.status_code == 422 and codes(res) == ["date_not_after"]
    assert "2027-07-02" in res.json()["detail"]
