"""Shared helpers for the engine tests: no database anywhere."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.engine import DefinitionError, WorkflowDefinition, load_file
from tests.engine.helpers import FIXTURES, MINI


@pytest.fixture
def review() -> WorkflowDefinition:
    """The contract_review fixture definition."""
    return load_file(FIXTURES / "contract_review.yaml")


@pytest.fixture
def mini() -> dict[str, Any]:
    """A fresh deep copy of MINI to mutate."""
    return copy.deepcopy(MINI)


@pytest.fixture
def problems_of(tmp_path: Path) -> Callable[[Any], tuple[str, list[str]]]:
    """Write a document as YAML, load it, and return (file, problem strings)."""

    def run(doc: Any) -> tuple[str, list[str]]:
        path = tmp_path / "mini.yaml"
        path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False))
        with pytest.raises(DefinitionError) as info:
            load_file(path)
        return str(path), [str(p) for p in info.value.problems]

    return run
