"""`handover audit …` commands: verify, checkpoint, rotate-key."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from app.audit import anchors, keys
from app.audit import setup as audit_setup
from app.audit.service import record_checkpoint
from app.audit.verify import VerifyResult, verify
from app.clock import SystemClock
from app.config import get_settings
from app.db.command import read_connection, transaction

audit_cli = typer.Typer(help="The audit trail.", no_args_is_help=True)

Since = Annotated[bool, typer.Option(help="Verify only what follows the last verified checkpoint.")]
Workers = Annotated[
    int, typer.Option(help="Processes that walk ranges of the chain in parallel.", min=1)
]


def _verified(since_checkpoint: bool, workers: int) -> VerifyResult:
    audit = audit_setup.configure(get_settings())
    with read_connection() as conn:
        return verify(conn, audit, since_checkpoint=since_checkpoint, workers=workers)


def _say(result: VerifyResult) -> None:
    if not result.ok:
        where = f" at event {result.first_bad}" if result.first_bad else ""
        typer.echo(f"error: chain broken{where}: {result.problem}", err=True)
        raise typer.Exit(1)
    since = f" after checkpoint seq {result.since_seq}" if result.since_seq else ""
    anchored = f", anchored up to seq {result.anchored_seq}" if result.anchored_seq else ""
    typer.echo(f"ok: {result.events} events{since}, chain intact{anchored}")


@audit_cli.command("verify")
def audit_verify(since_checkpoint: Since = False, workers: Workers = 1) -> None:
    """Recompute the chain against its anchors; exit 1 naming the first bad event."""
    _say(_verified(since_checkpoint, workers))


@audit_cli.command("checkpoint")
def audit_checkpoint(workers: Workers = 1) -> None:
    """Verify since the last checkpoint, then record and anchor the verified head."""
    result = _verified(True, workers)
    _say(result)
    audit = audit_setup.configure(get_settings())
    if result.last_seq is None or result.last_hash is None:
        raise typer.Exit(_error("the chain is empty: nothing to checkpoint"))
    now = SystemClock().now()
    # The verified head rather than the new event: --since-checkpoint starts from a position
    # this command has checked.
    anchor = anchors.sign(
        audit, result.last_seq, result.last_hash, kind=anchors.CHECKPOINT, now=now
    )
    with transaction() as session:
        record_checkpoint(
            session=session, result=result, anchor=anchor, now=now, settings=get_settings()
        )
    anchors.append(audit, anchor)  # after the commit: the file never names an unrecorded head
    typer.echo(f"checkpoint at seq {result.last_seq} anchored in {audit.anchor_file}")


@audit_cli.command("rotate-key")
def audit_rotate_key() -> None:
    """Append a new audit key to the key file (created if missing); it signs from now on."""
    settings = get_settings()
    path = settings.audit_key_file
    if path is None:
        if settings.environment == "production":
            raise typer.Exit(_error("HANDOVER_AUDIT_KEY_FILE must name the audit key file"))
        path = audit_setup.state_dir() / "audit-keys"
    if keys.create_key_file(path):
        typer.echo(f"created {path} with its first key {keys.load(path).current_id}")
        return
    if not os.access(path, os.W_OK):
        raise typer.Exit(_error(f"cannot write the audit key file {path}"))
    typer.echo(f"new audit key {keys.rotate(path)} in {path}; keep every older line")


def _error(message: str) -> int:
    typer.echo(f"error: {message}", err=True)
    return 1
