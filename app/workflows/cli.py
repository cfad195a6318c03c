"""`handover workflows …` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from app.clock import SystemClock
from app.config import get_settings
from app.db.command import transaction
from app.engine import DefinitionError, check_directory, load_directory
from app.engine.guide import guide_markdown
from app.errors import DomainError
from app.workflows.migrate import migrate
from app.workflows.named import code_name_problems
from app.workflows.registry import WorkflowRegistry, workflows_path

workflows_cli = typer.Typer(help="Workflow definitions.", no_args_is_help=True)


@workflows_cli.command("check")
def check() -> None:
    """Validate every definition; print `file: path: message` lines and exit 1 on any problem."""
    directory = workflows_path(get_settings().workflows_dir)
    problems = check_directory(directory)
    if not problems:
        problems = code_name_problems(load_directory(directory), directory)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        raise typer.Exit(1)
    count = len([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    typer.echo(f"ok: {count} workflow definition(s) in {directory}")


@workflows_cli.command("guide")
def guide() -> None:
    """Print the guard and action reference (docs/guards.md) from their own descriptions."""
    typer.echo(guide_markdown(), nl=False)


@workflows_cli.command("migrate")
def migrate_cases(
    name: str,
    to: Annotated[str, typer.Option("--to", help="Target version hash or label.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report only; change nothing.")
    ] = False,
) -> None:
    """Move running cases of NAME to another definition version; every move is audited."""
    try:
        registry = WorkflowRegistry.from_directory(get_settings().workflows_dir)
    except DefinitionError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    try:
        with transaction() as session:
            report = migrate(
                session=session,
                registry=registry,
                name=name,
                to=to,
                now=SystemClock().now(),
                dry_run=dry_run,
            )
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    verb = "would move" if dry_run else "moved"
    typer.echo(f"{verb} {len(report.moved)} case(s) to {name} {report.target}: {report.moved}")
    if report.already:
        typer.echo(f"already on it: {report.already}")
    for case_id, why in report.blocked:
        typer.echo(f"cannot move case {case_id}: {why}")
