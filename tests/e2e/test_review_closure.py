"""A review closes once its exit is finished: closed, or cancelled by the SRO."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.e2e.flow import codes, make_flow


def test_a_cancelled_exit_lets_the_review_close(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> None:
    flow = make_flow(client, pm, sro, make_user)
    review, (component,) = flow.approved_review(["retain_extend"])
    (exit_case,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    review = flow.fire(flow.pm, review, "start_transition")
    res = flow.send(flow.pm, review, "close")
    assert res.status_code == 422 and codes(res) == ["all_children_final", "child_in_state"]
    flow.fire(flow.sro, exit_case, "cancel", reason="Every line is kept on the extended contract")
    flow.fire(flow.sro, component, "cancel", reason="Extension not needed after all")
    closed = flow.fire(flow.pm, review, "close")
    assert (closed["state"], closed["final"]) == ("closed", True)
