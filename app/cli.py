"""The `handover` command: the same operations for operators and cron."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from app.audit.cli import audit_cli
from app.auth import service as auth
from app.cli_errors import expected_failure
from app.clock import SystemClock
from app.config import get_settings
from app.db.command import check_ready, transaction
from app.db.readiness import shown
from app.errors import DomainError
from app.imports.cli import import_cli
from app.reminders.cli import reminders_cli
from app.workflows.cli import workflows_cli

cli = typer.Typer(help="Handover: leave outsourced IT contracts on time.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
users_cli = typer.Typer(help="Users and API tokens.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(workflows_cli, name="workflows")
cli.add_typer(reminders_cli, name="reminders")
cli.add_typer(import_cli, name="import")


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
    from app.audit.setup import configure as configure_audit
    from app.serving import uvicorn_options

    configure_audit(settings)  # a missing audit key is one line here, not a traceback per worker
    check_ready(settings)  # refuse to serve 500s from a database that is not migrated
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        # Keep-alive, header size, and the header deadline and body stall timeout.
        **uvicorn_options(),
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
    now = SystemClock().now()
    with transaction() as session:
        user = auth.user_named(session=session, name=name)
        if user is None:
            raise fail(f"no user named {name!r}")
        expires = now + timedelta(days=expires_days) if expires_days else None
        token = auth.issue_token(session=session, user=user, now=now, expires_at=expires)
    typer.echo(token)


@users_cli.command("set-password")
def users_set_password(name: str) -> None:
    """Set a user's web password (prompts twice, or reads one line from stdin)."""
    # Imported here: the web package pulls in the pages, which other commands do not need.
    from app.web.cli import set_password

    set_password(name)


@users_cli.command("revoke")
def users_revoke(name: str) -> None:
    """Revoke every token of a user."""
    try:
        with transaction() as session:
            count = auth.revoke_user_tokens(session=session, name=name, now=SystemClock().now())
    except DomainError as exc:
        raise fail(exc.detail) from None
    typer.echo(f"revoked {count} token(s) of {name}")


@cli.command()
def demo(
    if_empty: Annotated[
        bool, typer.Option(help="Succeed without loading when the database has users.")
    ] = False,
    tokens_file: Annotated[
        Path | None,
        typer.Option(help="Where to keep the demo tokens (default: one file per database)."),
    ] = None,
) -> None:
    """Load demo users, contracts and cases into an empty database and print their tokens."""
    from app.demo import has_users, load_demo
    from app.demo.data import DEMO_USERS
    from app.demo.tokens import HEADER, live_tokens, save_tokens, tokens_path
    from app.web.signin import DEMO_PASSWORD, ensure_demo_passwords
    from app.workflows.registry import WorkflowRegistry

    settings = get_settings()
    where = shown(settings.database_url)
    path = tokens_file or tokens_path(settings.database_url)
    registry = WorkflowRegistry.from_directory(settings.workflows_dir)
    clock = SystemClock()
    with transaction(settings) as session:
        loaded = None
        if not has_users(session):
            loaded = load_demo(session=session, clock=clock, registry=registry, settings=settings)
        elif not if_empty:
            raise fail(
                f"database {where} already has users: the demo loads only into an empty"
                " database (--if-empty to accept that and print its demo tokens)"
            )
        lines = loaded.users if loaded is not None else live_tokens(session, path, clock.now())
        demo_names = [name for name, _display, _roles in DEMO_USERS]
        ensure_demo_passwords(session=session, names=demo_names, now=clock.now())
    if loaded is not None:
        save_tokens(path, lines)
        typer.echo(loaded.summary())
    else:
        typer.echo(f"demo data already loaded in {where}")
    if not lines:
        typer.echo(
            f"no demo tokens of it on file ({path}): make one with 'handover users token NAME'"
        )
        return
    typer.echo("\n".join([HEADER, *lines]))
    typer.echo(f"web sign-in: any demo user above, password {DEMO_PASSWORD!r}")


def main() -> None:
    """Entry point of the `handover` console script: expected failures are one line, no trace."""
    try:
        cli()
    except Exception as exc:
        message = expected_failure(exc)
        if message is None:
            raise  # a bug: the traceback is what its report needs
        typer.echo(f"error: {message}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
