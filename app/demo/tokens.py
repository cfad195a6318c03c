"""The demo users' API tokens, kept per database so one demo never overwrites another's."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.auth.service import authenticate
from app.config import ROOT
from app.errors import Unauthorized

HEADER = "# demo users: name, roles, API token (send as 'Authorization: Bearer <token>')"
OTHER_DATABASES = ROOT / ".handover-demo-tokens.d"
"""Where the tokens of databases that are not SQLite files are kept, one file each."""


def tokens_path(database_url: str) -> Path:
    """The tokens file of a database: beside a SQLite file, else keyed by its URL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        db_file = Path(url.database).resolve()
        return db_file.with_name(db_file.name + ".demo-tokens")
    shown = url.render_as_string(hide_password=True)
    key = hashlib.sha256(shown.encode()).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{url.host or ''}-{url.database or ''}").strip("-")
    return OTHER_DATABASES / f"{url.get_backend_name()}-{slug}-{key}"


def save_tokens(path: Path, lines: list[str]) -> None:
    """Write the token lines, readable by the person running the demo only (bearer tokens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")


def live_tokens(session: Session, path: Path, now: datetime) -> list[str]:
    """The stored lines whose token still signs in to this database (others are stale)."""
    if not path.is_file():
        return []
    live = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        try:
            authenticate(session=session, token=line.split()[-1], now=now)
        except Unauthorized:
            continue
        live.append(line)
    return live
