"""Where a database's audit keys and anchors live: outside it, named by the settings."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from app.audit import keys
from app.audit.keys import AuditKeyError, KeyRing
from app.config import Settings

log = logging.getLogger(__name__)


def state_dir() -> Path:
    """Where development keeps its generated audit key and anchors: outside the repository."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "handover"


@dataclass(frozen=True)
class AuditSetup:
    """One database's audit key file and anchor file."""

    key_file: Path
    anchor_file: Path | None
    anchor_every: int

    def ring(self) -> KeyRing:
        """The keys that verify this chain; the last one signs."""
        return keys.load(self.key_file)


def _url_key(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername=parsed.drivername.split("+")[0], password=None).render_as_string()


def from_settings(settings: Settings) -> AuditSetup:
    """The audit setup the settings name; development fills the gaps, production refuses to."""
    key_file, anchor_file = settings.audit_key_file, settings.audit_anchor_file
    if settings.environment == "production" and (key_file is None or anchor_file is None):
        raise AuditKeyError(
            "HANDOVER_AUDIT_KEY_FILE and HANDOVER_AUDIT_ANCHOR_FILE must name files outside"
            " the database in production (create the key with `handover audit rotate-key`)"
        )
    if key_file is None:
        key_file = state_dir() / "audit-keys"
    if anchor_file is None and settings.environment == "development":
        digest = hashlib.sha256(_url_key(settings.database_url).encode()).hexdigest()[:16]
        anchor_file = state_dir() / "anchors" / f"{digest}.jsonl"
    # Outside production a missing key file is generated; production never invents a key.
    if settings.environment != "production" and keys.create_key_file(key_file):
        log.warning(
            "generated a development audit key at %s; it signs this machine's audit chains."
            " Set HANDOVER_AUDIT_KEY_FILE (outside the database and the repository) elsewhere",
            key_file,
        )
    return AuditSetup(key_file, anchor_file, settings.audit_anchor_every)


_registry: dict[str, AuditSetup] = {}


def configure(settings: Settings) -> AuditSetup:
    """Register the audit setup of the settings' database (the app and every command do)."""
    setup = from_settings(settings)
    _registry[_url_key(settings.database_url)] = setup
    setup.ring()  # fail at start, not at the first audited write
    return setup


def setup_for(url: str) -> AuditSetup:
    """The registered setup of a database, else the one the environment's settings name."""
    found = _registry.get(_url_key(url))
    if found is None:
        # Read afresh, not the cached process settings: a command or a script may have set
        # the environment after they were first read.
        found = configure(Settings(database_url=url))
    return found
