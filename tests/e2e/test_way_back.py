"""Ways back: an abandoned procurement, a reopened route, and notice served too late."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.clock import FrozenClock
from tests.e2e.flow import Flow, codes, ev, make_flow

OPEN = {"procedure": "open"}


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def test_an_abandoned_procurement_goes_back_to_requirements(flow: Flow) -> None:
    _, (hosting,) = flow.approved_review(["reprocure"])
    chen = flow.commercial
    hosting = flow.fire(chen, hosting, "start_requirements")
    hosting = flow.fire(chen, hosting, "engage_market")
    hosting = flow.fire(chen, hosting, "start_tender", data=OPEN, evidence=ev("tender_notice"))
    res = flow.send(chen, hosting, "abandon_procurement")
    assert res.status_code == 422 and codes(res) == ["reason_required"]
    assert flow.send(flow.owner, hosting, "abandon_procurement", reason="x").status_code == 403
    hosting = flow.fire(chen, hosting, "abandon_procurement", reason="No compliant tenders")
    assert hosting["state"] == "defining_requirements"
    # Tried again, evaluated, and abandoned once more before the award.
    hosting = flow.fire(chen, hosting, "engage_market")
    hosting = flow.fire(chen, hosting, "start_tender", data=OPEN, evidence=ev("tender_notice"))
    hosting = flow.fire(chen, hosting, "record_evaluation", evidence=ev("evaluation_report"))
    hosting = flow.fire(flow.sro, hosting, "abandon_procurement", reason="Budget withdrawn")
    assert hosting["state"] == "defining_requirements"


def test_the_sro_can_reopen_an_approved_route(flow: Flow) -> None:
    review = flow.review(flow.contract())
    part = flow.approve_route(flow.component(review, "Print"), "decommission")
    res = flow.send(flow.pm, part, "reopen_route", reason="Estates may take it")
    assert res.status_code == 403
    res = flow.send(flow.sro, part, "reopen_route")
    assert res.status_code == 422 and codes(res) == ["reason_required"]
    part = flow.fire(flow.sro, part, "reopen_route", reason="Estates may take it")
    assert (part["state"], part["route"]) == ("assessed", None)
    part = flow.approve_route(part, "reprocure")
    assert (part["state"], part["route"]) == ("route_approved", "reprocure")


def test_notice_served_after_the_notice_deadline_is_refused(flow: Flow, clock: FrozenClock) -> None:
    review, _ = flow.approved_review(["decommission"])
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    exit_case = flow.fire(
        flow.manager, exit_case, "agree_exit_plan", evidence=ev("supplier_exit_plan")
    )
    # End date 2027-09-30, 90 days' notice: the last day to serve it is 2 July 2027.
    clock.advance(days=(date(2027, 7, 10) - clock.today()).days)
    late = {"notice_served_date": "2027-07-03"}
    res = flow.send(
        flow.sro, exit_case, "serve_notice", reason="Exit", data=late, evidence=ev("notice_letter")
    )
    assert res.status_code == 422 and codes(res) == ["date_not_after"]
    assert "notice deadline (2027-07-02)" in res.json()["detail"]
    in_time = {"notice_served_date": "2027-07-02"}
    served = flow.fire(
        flow.sro,
        exit_case,
        "serve_notice",
        reason="Exit",
        data=in_time,
        evidence=ev("notice_letter"),
    )
    assert served["state"] == "notice_served"
