"""`handover users set-password NAME`: a user's web password, prompted or read from stdin."""

from __future__ import annotations

import sys

import typer

from app.clock import SystemClock
from app.db.command import transaction
from app.errors import DomainError
from app.web import signin


def set_password(name: str) -> None:
    """Set a user's web password (prompts twice, or reads one line from stdin); ends their
    sessions."""
    if sys.stdin.isatty():
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with transaction() as session:
            signin.set_password(
                session=session, name=name, password=password, now=SystemClock().now()
            )
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"password set for {name}; their web sessions were signed out")
