"""Imports every `app.<package>.models` module so Base.metadata is complete (Alembic, tests)."""

from __future__ import annotations

import importlib
import pkgutil

import app
from app.db.base import Base


def import_all_models() -> None:
    """Import each package's models module; packages add tables without editing this file."""
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name.endswith(".models") and module.name != __name__:
            importlib.import_module(module.name)


import_all_models()

__all__ = ["Base", "import_all_models"]
