"""The Jinja environment: our templates, then GOV.UK Frontend's macros."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "built"
"""What `make assets` built; absent without node/npm (the pages are then unstyled)."""


def day(value: date | datetime | None) -> str:
    """A date as people read it: 3 December 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def _when(value: datetime | None) -> str:
    """An instant as people read it, to the minute (UTC)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y at %H:%M} UTC"


def humanise(value: Any) -> str:
    """snake_case to a sentence: notice_deadline -> Notice deadline."""
    text = str(value or "").replace("_", " ")
    return text[:1].upper() + text[1:]


def _choice(value: str) -> dict[str, str]:
    """A select item for a snake_case value."""
    return {"value": value, "text": humanise(value)}


def make_templates() -> Jinja2Templates:
    """Templates with the GOV.UK macros importable as govuk_frontend_jinja/components/…."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(HERE / "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = day
    env.filters["when"] = _when
    env.filters["humanise"] = humanise
    env.filters["humanise_choice"] = _choice
    env.globals["styled"] = (ASSETS / "handover.css").is_file()
    return Jinja2Templates(env=env)


templates = make_templates()
