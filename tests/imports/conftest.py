"""Fixtures of the OCDS import tests: where the published samples' two folders are."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cf(ocds_samples: Path) -> Path:
    """The 100 real Contracts Finder release packages."""
    return ocds_samples / "contracts-finder"


@pytest.fixture
def examples(ocds_samples: Path) -> Path:
    """The OCDS fictional example: stages, a release package and record packages."""
    return ocds_samples / "examples"
