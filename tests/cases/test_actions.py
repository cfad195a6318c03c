"""Every on-enter action the engine accepts has an implementation."""

from app.cases.service import ACTIONS
from app.engine import ACTION_SPECS


def test_every_declared_action_is_implemented() -> None:
    assert set(ACTION_SPECS) == set(ACTIONS)
