"""Signed checkpoints of the chain head, appended to a file outside the database."""

from __future__ import annotations

import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.audit.setup import AuditSetup

log = logging.getLogger(__name__)

HEAD = "head"
CHECKPOINT = "checkpoint"


class AnchorError(RuntimeError):
    """The anchor file cannot be read, or a line in it is not one this chain's keys signed."""


@dataclass(frozen=True)
class Anchor:
    """The chain passed through event `seq` with hash `hash` at `at`; signed by `key_id`.

    kind "head" is written as the service commits; "checkpoint" by `handover audit checkpoint`
    once the chain up to it has been verified."""

    seq: int
    hash: str
    at: str
    key_id: str
    kind: str = HEAD
    line: int = 0


def _message(kind: str, seq: int, hash_: str, at: str) -> bytes:
    return f"anchor:{kind}\n{seq}\n{hash_}\n{at}".encode()


def sign(
    audit: AuditSetup, seq: int, hash_: str, *, kind: str = HEAD, now: datetime | None = None
) -> dict[str, Any]:
    """A signed anchor record of (seq, hash), as a line of the anchor file holds it."""
    ring = audit.ring()
    at = (now or datetime.now(UTC)).isoformat()
    mac = ring.mac(ring.current_id, _message(kind, seq, hash_, at))
    return {
        "kind": kind,
        "seq": seq,
        "hash": hash_,
        "at": at,
        "key_id": ring.current_id,
        "mac": mac,
    }


def append(audit: AuditSetup, record: dict[str, Any]) -> None:
    """Append a signed record to the anchor file and make it durable before returning."""
    if audit.anchor_file is None:
        raise AnchorError("no anchor file is configured (HANDOVER_AUDIT_ANCHOR_FILE)")
    audit.anchor_file.parent.mkdir(parents=True, exist_ok=True)
    # One write() of a short line to an O_APPEND file: workers appending at once never
    # interleave, and nothing already written is ever rewritten.
    fd = os.open(audit.anchor_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(record) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def write(
    audit: AuditSetup, seq: int, hash_: str, *, kind: str = HEAD, now: datetime | None = None
) -> dict[str, Any]:
    """Sign and append an anchor of (seq, hash); the record written."""
    record = sign(audit, seq, hash_, kind=kind, now=now)
    append(audit, record)
    return record


def anchor_if_due(audit: AuditSetup, first_seq: int, seq: int, hash_: str) -> None:
    """Anchor a committed head that passed a multiple of `anchor_every` events."""
    if audit.anchor_file is None or seq // audit.anchor_every == first_seq // audit.anchor_every:
        return
    try:
        write(audit, seq, hash_)
    except (OSError, AnchorError, RuntimeError):
        # The transaction has committed: failing now would only hide that from the client.
        # verify still checks every anchor written; this one is missing, and the log says so.
        log.exception("could not anchor the audit chain at seq %d", seq)


def read(audit: AuditSetup) -> list[Anchor]:
    """Every anchor in the file, oldest first, each signature checked; [] without a file."""
    if audit.anchor_file is None or not audit.anchor_file.exists():
        return []
    ring = audit.ring()
    found: list[Anchor] = []
    with audit.anchor_file.open() as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{audit.anchor_file}:{number}"
            try:
                rec = json.loads(line)
                anchor = Anchor(
                    int(rec["seq"]), rec["hash"], rec["at"], rec["key_id"], rec["kind"], number
                )
            except (ValueError, KeyError, TypeError):
                raise AnchorError(f"{where}: not an anchor line") from None
            if anchor.key_id not in ring.keys:
                raise AnchorError(
                    f"{where}: signed with key {anchor.key_id!r},"
                    " which the audit key file does not hold"
                )
            expected = ring.mac(
                anchor.key_id, _message(anchor.kind, anchor.seq, anchor.hash, anchor.at)
            )
            if not hmac.compare_digest(expected, str(rec.get("mac", ""))):
                raise AnchorError(f"{where}: the anchor's signature does not match")
            found.append(anchor)
    return found
