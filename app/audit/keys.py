"""The audit keys: HMAC keys kept outside the database, rotatable, named by a key id."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

KEY_BYTES = 32


class AuditKeyError(RuntimeError):
    """The audit key file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class KeyRing:
    """Every key that ever signed this chain, by id; the last one signs new events."""

    keys: dict[str, bytes]
    current_id: str
    _keyed: dict[str, hmac.HMAC] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[KeyRing], tuple[dict[str, bytes], str]]:
        """Pickle the keys alone (for verify's worker processes), not the HMAC contexts."""
        return (KeyRing, (self.keys, self.current_id))

    @property
    def current(self) -> bytes:
        """The key new events are signed with."""
        return self.keys[self.current_id]

    def mac(self, key_id: str, message: bytes) -> str:
        """HMAC-SHA256 of a message under one key, hex; KeyError when the id is unknown."""
        keyed = self._keyed.get(key_id)
        if keyed is None:
            # Copying a keyed context skips the key schedule: a third of the cost per event.
            keyed = self._keyed[key_id] = hmac.new(self.keys[key_id], digestmod=hashlib.sha256)
        mac = keyed.copy()
        mac.update(message)
        return mac.hexdigest()


def parse(text: str, source: str) -> KeyRing:
    """Read a key file: one `key-id hex-secret` a line, `#` comments; the last key is current."""
    keys: dict[str, bytes] = {}
    last = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) > 32:
            raise AuditKeyError(f"{source}:{number}: expected 'key-id hex-secret'")
        try:
            secret = bytes.fromhex(parts[1])
        except ValueError:
            raise AuditKeyError(f"{source}:{number}: the secret is not hexadecimal") from None
        if len(secret) < 16:
            raise AuditKeyError(f"{source}:{number}: the secret is shorter than 16 bytes")
        keys[parts[0]] = secret
        last = parts[0]
    if not keys:
        raise AuditKeyError(f"{source}: no key in the audit key file")
    return KeyRing(keys, last)


def new_key_line(now: datetime | None = None) -> str:
    """A fresh key line: an id that sorts by date and a random 256-bit secret."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d")
    return f"{stamp}-{secrets.token_hex(3)} {secrets.token_hex(KEY_BYTES)}\n"


def create_key_file(path: Path) -> bool:
    """Create a key file holding one new key, readable by its owner only; False if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once must not both write a different first key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as out:
        out.write("# Handover audit keys: 'key-id hex-secret'; the last line signs new events.\n")
        out.write("# Never delete a line: each old event is verified with its own key.\n")
        out.write(new_key_line())
    return True


def rotate(path: Path) -> str:
    """Append a new key to the file (it signs from now on) and return its id."""
    line = new_key_line()
    with path.open("a") as out:
        out.write(line)
    return line.split()[0]


_cache: dict[Path, tuple[float, KeyRing]] = {}


def load(path: Path) -> KeyRing:
    """The key ring in a file, re-read when the file changes (a rotation needs no restart)."""
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise AuditKeyError(f"cannot read the audit key file {path}: {exc.strerror}") from None
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    ring = parse(path.read_text(), str(path))
    _cache[path] = (mtime, ring)
    return ring
