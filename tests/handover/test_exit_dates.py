"""Checklist items fall due before the line's own exit, not only the contract's end (issue 14).

Sources: Cabinet Office Model Services Contract, Schedule 8.5 (Exit Management): assets,
licences, sub-contracts and data move on exit of the service, so the items are due before the
line leaves the supplier; TUPE 2006 reg. 4: an insourced operation moves on its staff transfer
date; contract_exit.yaml: the exit ends on its termination (or de-scope) date. The contract's
end date is the fallback and the latest any line can run to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.handover.items import exit_date
from tests.e2e.flow import Flow, ev, make_flow
from tests.handover.test_checklist import END, _commodity_live, _to_handover, tasks

END_DATE = date.fromisoformat(END)


@pytest.fixture
def flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    return make_flow(client, pm, sro, make_user)


def _due(flow: Flow, line: dict[str, Any]) -> dict[str, str]:
    return {t["item"]: t["due_date"] for t in tasks(flow, line)}


def test_tupe_reg_4_an_insourced_operation_counts_back_from_its_staff_transfer(
    flow: Flow,
) -> None:
    _, (line,) = flow.approved_review(["insource_operation"])
    line = flow.fire(
        flow.owner, line, "plan_staff_transfer", data={"staff_transfer_date": "2027-06-01"}
    )
    # By hand: 90 days before 2027-06-01 is 2027-03-03, 30 days 2027-05-02; the contract ends
    # 2027-09-30, four months later, which the items no longer wait for.
    assert _due(flow, line) == {
        "licence_ip": "2027-03-03",
        "third_party_contracts": "2027-03-03",
        "data_migration": "2027-05-02",
        "security_accreditation": "2027-05-02",
        "asset_transfer": "2027-06-01",
    }


def test_a_line_without_its_own_date_counts_back_from_the_exit_then_the_contract_end(
    flow: Flow,
) -> None:
    review, (printing,) = flow.approved_review(["buy_commodity"])
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    printing = _commodity_live(flow, printing)
    assert _due(flow, printing)["asset_transfer"] == END  # no exit date yet: the contract end
    exit_case = _to_handover(flow, exit_case)
    for task in tasks(flow, printing):
        res = flow.client.post(
            f"/api/handover-tasks/{task['id']}/complete",
            json={"evidence": ev("handover_record")},
            headers=flow.manager,
        )
        assert res.status_code == 200, res.text
    ended = {"termination_date": "2026-11-25"}
    flow.fire(flow.manager, exit_case, "confirm_termination", data=ended)
    # The contract ended early, on 2026-11-25: the record now counts back from that day.
    assert _due(flow, printing) == {
        "licence_ip": "2026-08-27",
        "third_party_contracts": "2026-08-27",
        "data_migration": "2026-10-26",
        "security_accreditation": "2026-10-26",
        "asset_transfer": "2026-11-25",
    }


def test_the_earliest_exit_date_wins_and_the_contract_end_caps_it() -> None:
    assert exit_date({}, [], END_DATE) == END_DATE
    assert exit_date({}, [], None) is None
    transfer = {"staff_transfer_date": "2027-06-01"}
    assert exit_date(transfer, [], END_DATE) == date(2027, 6, 1)
    assert exit_date(transfer | {"cutover_date": "2027-05-20"}, [], END_DATE) == date(2027, 5, 20)
    assert exit_date({}, [{"descoped_date": "2027-04-30"}], END_DATE) == date(2027, 4, 30)
    assert exit_date({}, [{"termination_date": "2027-01-31"}], None) == date(2027, 1, 31)
    # A date after the contract's end cannot hold a line there: the end date caps it.
    assert exit_date({"cutover_date": "2028-01-01"}, [], END_DATE) == END_DATE
    # A value that is not a date is not an exit date.
    assert exit_date({"staff_transfer_date": "soon"}, [{"termination_date": 7}], END_DATE) == (
        END_DATE
    )
