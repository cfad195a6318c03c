"""Run one OCDS import in this process and print its status and peak memory as JSON.

Used by test_import_limits in a subprocess, so the peak measured is the import's own.
Usage: python -m tests.imports.memory_probe api|cli DATABASE_URL FILE
"""

from __future__ import annotations

import json
import resource
import sys
from datetime import UTC, datetime
from pathlib import Path

ADDRESS_SPACE = 3 * 1024**3
"""A ceiling so a regression fails this probe with MemoryError instead of exhausting the host."""


def _api(db_url: str, body: bytes) -> dict[str, object]:
    from fastapi.testclient import TestClient

    from app.auth import service as auth
    from app.config import Settings
    from app.main import create_app

    settings = Settings(database_url=db_url, environment="test", scheduler_enabled=False)
    app = create_app(settings)
    now = datetime.now(UTC)
    with app.state.sessionmaker.begin() as session:
        user = auth.create_user(session=session, name="probe", roles=["contract_manager"], now=now)
        token = auth.issue_token(session=session, user=user, now=now)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(
            "/api/imports/ocds",
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    return {"status": response.status_code, "body": response.json()}


def _cli(path: str) -> dict[str, object]:
    from app.cli import cli

    # Outside standalone mode click returns typer.Exit's code instead of exiting.
    code = cli(["import", "ocds", "--json", path], standalone_mode=False)
    return {"exit": code or 0}


def main() -> None:
    """Run the import named on the command line; print the outcome and ru_maxrss in MiB."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    mode, db_url, path = sys.argv[1:4]
    out = _api(db_url, Path(path).read_bytes()) if mode == "api" else _cli(path)
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
