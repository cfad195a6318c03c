"""The contract_exit definition: by serving notice, by running to expiry, and under PCR 2015."""

from __future__ import annotations

from app.engine import WorkflowDefinition
from tests.workflows.walks import walk_exit


def test_exit_by_serving_notice(defs: dict[str, WorkflowDefinition]) -> None:
    assert "notice_served" in walk_exit(defs, serve=True)


def test_exit_by_running_to_expiry(defs: dict[str, WorkflowDefinition]) -> None:
    assert "running_to_expiry" in walk_exit(defs, serve=False)


def test_a_pcr2015_exit_closes_without_a_termination_notice(
    defs: dict[str, WorkflowDefinition],
) -> None:
    # Procurement Act 2023 s.80 (contract termination notice, UK11): contracts under the Act.
    assert "closed" in walk_exit(defs, serve=True, regime="pcr2015")
