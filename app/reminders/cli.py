"""`handover reminders …` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from app.clock import SystemClock
from app.config import get_settings
from app.db.command import command_sessions, transaction
from app.reminders.actions import reminder_counts, requeue_failed
from app.reminders.roster import staffing_warnings
from app.reminders.scheduler import run_pass

reminders_cli = typer.Typer(help="Deadline reminders.", no_args_is_help=True)


@reminders_cli.command("run")
def run() -> None:
    """Run one scheduler pass (escalate, deliver due reminders), for cron."""
    settings = get_settings()
    with command_sessions(settings) as sessions:
        report = run_pass(sessions=sessions, settings=settings, clock=SystemClock())
    typer.echo(" ".join(f"{k}={v}" for k, v in report.as_dict().items()))
    for warning in report.warnings:
        typer.echo(f"warning: {warning}")


@reminders_cli.command("status")
def status() -> None:
    """Count reminders by status, then warn of reminder roles nobody holds."""
    with transaction() as session:
        counts = sorted(reminder_counts(session=session).items())
        warnings = staffing_warnings(session)
    for name, count in counts:
        typer.echo(f"{name} {count}")
    for warning in warnings:
        typer.echo(f"warning: {warning}")


@reminders_cli.command("requeue")
def requeue(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Reminder ids; all failed if none.")
    ] = None,
    reason: Annotated[
        str, typer.Option(help="Why, for the audit trail.")
    ] = "requeued by an operator",
) -> None:
    """Queue failed reminders again (after fixing what made them fail)."""
    with transaction() as session:
        done = requeue_failed(
            session=session,
            now=SystemClock().now(),
            actor=None,
            reminder_ids=ids or None,
            reason=reason,
        )
    typer.echo(f"requeued={len(done)}" + (" " + ",".join(map(str, done)) if done else ""))
