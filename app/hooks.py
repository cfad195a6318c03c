"""The cross-package hooks every entry point needs: the app, the CLI and the demo."""

from __future__ import annotations

from app.cases import wiring as cases_wiring
from app.deadlines import runtime as deadlines_runtime


def install_hooks() -> None:
    """Register, once per process, the hooks that keep deadlines and cases in step."""
    cases_wiring.install()
    deadlines_runtime.install_hooks()
