"""Fixtures for the workflow definition tests."""

from __future__ import annotations

import pytest

from app.engine import WorkflowDefinition, load_directory
from tests.workflows.walker import WORKFLOWS


@pytest.fixture(scope="module")
def defs() -> dict[str, WorkflowDefinition]:
    return load_directory(WORKFLOWS)
