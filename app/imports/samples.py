"""Where the published OCDS sample data lies: named by a setting, or beside the repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from app.config import ROOT

ENV = "HANDOVER_OCDS_SAMPLES"
"""Set to the folder holding `contracts-finder/` and `examples/` to put it anywhere."""
BESIDE = Path("shared") / "data" / "ocds"


def _origin_parent() -> Path | None:
    # A clone of a local checkout (as CI makes) keeps the original's path as its origin.
    try:
        url = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not url or "://" in url or "@" in url:
        return None
    return Path(url.removeprefix("file:")).resolve().parent


def ocds_samples() -> Path | None:
    """The sample folder, or None when neither the setting nor a neighbouring copy has it."""
    given = os.environ.get(ENV)
    if given:
        return Path(given)
    # Beside the checkout, or beside a folder holding it, or beside the origin of a clone.
    origin = _origin_parent()
    for parent in (*ROOT.parents, *((origin, *origin.parents) if origin else ())):
        if (parent / BESIDE).is_dir():
            return parent / BESIDE
    return None
