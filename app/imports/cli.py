"""`handover import …` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from app.clock import SystemClock
from app.config import get_settings
from app.db.command import command_sessions
from app.errors import DomainError
from app.imports import service

import_cli = typer.Typer(help="Import contracts from open data.", no_args_is_help=True)


@import_cli.command("ocds")
def import_ocds(
    paths: Annotated[list[Path], typer.Argument(help="OCDS release or record package files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print each report as JSON.")] = False,
) -> None:
    """Import OCDS packages, each file in its own transaction; exit 1 if any file failed."""
    failed = 0
    settings = get_settings()
    with command_sessions(settings) as factory:
        for path in paths:
            try:
                # One transaction per file: a bad file is rolled back, the others stay.
                with path.open("rb") as fh, factory.begin() as session:
                    report = service.import_ocds(
                        session=session,
                        stream=fh,
                        source_file=str(path),
                        actor=None,
                        now=SystemClock().now(),
                        settings=settings,
                        max_release_bytes=settings.max_release_bytes,
                    )
            except (DomainError, OSError) as exc:
                failed += 1
                _print_failure(path, exc, as_json)
                continue
            _print_report(report.as_dict(), as_json)
    if failed:
        raise typer.Exit(1)


def _print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report))
        return
    typer.echo(
        f"{report['file']}: {report['releases']} release(s): created {report['created']},"
        f" updated {report['updated']}, unchanged {report['unchanged']},"
        f" skipped {len(report['skipped'])}"
    )
    for item in report["skipped"]:
        ident = f" (id {item['release_id']})" if item["release_id"] else ""
        typer.echo(f"  skipped {item['path']}{ident}: {item['reason']}")


def _print_failure(path: Path, exc: Exception, as_json: bool) -> None:
    if isinstance(exc, DomainError):
        body = {"file": str(path), **exc.body()}
    else:
        body = {"file": str(path), "error": "unreadable", "detail": str(exc)}
    if as_json:
        typer.echo(json.dumps(body), err=True)
        return
    typer.echo(f"error: {path}: {body['detail']}; nothing from this file was imported", err=True)
    for problem in body.get("problems", [])[1:]:
        typer.echo(f"  {problem['path']}: {problem['message']}", err=True)
