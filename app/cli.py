"""The `handover` command: the same operations for operators and cron."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from app.auth import service as auth
from app.clock import SystemClock
from app.config import get_settings
from app.db.session import make_engine, make_sessionmaker
from app.deadlines.cli import reminders_cli
from app.errors import DomainError
from app.hooks import install_hooks
from app.imports.cli import import_cli
from app.workflows.cli import workflows_cli

cli = typer.Typer(help="Handover: leave outsourced IT contracts on time.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
users_cli = typer.Typer(help="Users and API tokens.", no_args_is_help=True)
audit_cli = typer.Typer(help="The audit trail.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(workflows_cli, name="workflows")
cli.add_typer(reminders_cli, name="reminders")
cli.add_typer(import_cli, name="import")


@cli.callback()
def _setup() -> None:
    # Every command changes data through the services, which need the same hooks as the app
    # (an imported contract gets its deadlines, a migrated case its audit and deadlines).
    install_hooks()


@contextmanager
def transaction() -> Iterator[Session]:
    """One session and transaction for a command, committed on success."""
    engine = make_engine(get_settings())
    try:
        with make_sessionmaker(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only).")] = 1,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    settings = get_settings()
    if workers > 1 and settings.is_sqlite:
        raise fail("several workers need PostgreSQL: SQLite has one writer")
    uvicorn.run(
        "app.asgi:app", host=host, port=port, workers=workers, log_config=None, access_log=False
    )


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to a revision (default: the newest)."""
    from app.db.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@users_cli.command("create")
def users_create(
    name: str,
    role: Annotated[list[str], typer.Option("--role", help="A role; repeat for several.")],
    email: Annotated[str | None, typer.Option(help="Where e-mail reminders go.")] = None,
    expires_days: Annotated[
        int | None, typer.Option(help="Token lifetime in days (default: no expiry).", min=1)
    ] = None,
) -> None:
    """Create a user and print a new API token alone on the last line."""
    now = SystemClock().now()
    try:
        with transaction() as session:
            user = auth.create_user(session=session, name=name, roles=role, email=email, now=now)
            expires = now + timedelta(days=expires_days) if expires_days else None
            token = auth.issue_token(session=session, user=user, now=now, expires_at=expires)
    except DomainError as exc:
        raise fail(exc.detail) from None
    typer.echo(f"created {name} with roles {', '.join(sorted(set(role)))}; token (shown once):")
    typer.echo(token)


@users_cli.command("token")
def users_token(
    name: str,
    expires_days: Annotated[int | None, typer.Option(min=1)] = None,
) -> None:
    """Issue another token for an existing user, printed alone on the last line."""
    from sqlalchemy import select

    from app.auth.models import User

    now = SystemClock().now()
    with transaction() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise fail(f"no user named {name!r}")
        expires = now + timedelta(days=expires_days) if expires_days else None
        token = auth.issue_token(session=session, user=user, now=now, expires_at=expires)
    typer.echo(token)


@users_cli.command("revoke")
def users_revoke(name: str) -> None:
    """Revoke every token of a user."""
    try:
        with transaction() as session:
            count = auth.revoke_user_tokens(session=session, name=name, now=SystemClock().now())
    except DomainError as exc:
        raise fail(exc.detail) from None
    typer.echo(f"revoked {count} token(s) of {name}")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the audit hash chain; exit 1 naming the first bad event."""
    from app.audit.chain import verify

    with transaction() as session:
        result = verify(session)
    if result.ok:
        typer.echo(f"ok: {result.events} events, chain intact")
        return
    raise fail(f"chain broken at event {result.first_bad}: {result.problem}")


@cli.command()
def demo(
    if_empty: Annotated[bool, typer.Option(help="Only when the database has no users.")] = False,
    tokens_file: Annotated[str, typer.Option(help="Where to write demo tokens.")] = (
        ".handover-demo-tokens"
    ),
) -> None:
    """Load demo users, contracts and cases; write the demo tokens to a local file."""
    from app.demo import load_demo
    from app.workflows.registry import WorkflowRegistry

    registry = WorkflowRegistry.from_directory(get_settings().workflows_dir)
    with transaction() as session:
        lines = load_demo(
            session=session, clock=SystemClock(), registry=registry, if_empty=if_empty
        )
    if lines is None:
        typer.echo("demo data already loaded")
        return
    path = Path(tokens_file)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)  # bearer tokens: readable by the person running the demo only
    typer.echo("\n".join(lines))


def main() -> None:
    """Entry point of the `handover` console script."""
    cli()


if __name__ == "__main__":
    main()
