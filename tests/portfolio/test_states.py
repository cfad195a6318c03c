"""The portfolio's grouping of states names states the shipped definitions have."""

from __future__ import annotations

from datetime import date

from app.config import Settings
from app.deadlines.terms import LeadTimes
from app.portfolio import queries, states
from app.workflows.registry import WorkflowRegistry


def test_every_grouped_state_exists_and_every_state_is_grouped() -> None:
    registry = WorkflowRegistry.from_directory(Settings().workflows_dir)
    component = set(registry.latest("service_component").states)
    assert component >= states.DECIDING | states.MOVED | states.STAYING
    # Every route the portfolio names has a lead time, so cliff edges can rate its lines.
    assert set(states.ROUTES) <= set(LeadTimes().procurement_days)
    for workflow, state in queries.APPROVAL_STATES:
        assert state in registry.latest(workflow).states, (workflow, state)


def test_financial_years_run_from_april() -> None:
    assert states.financial_year(date(2027, 3, 31)) == 2026
    assert states.financial_year(date(2027, 4, 1)) == 2027
    assert states.year_label(2099) == "2099-00"
