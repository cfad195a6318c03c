"""Walking a run of audit rows in seq order: every link, signature and column checked."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select

from app.audit.chain import HASHED_FIELDS, event_hash, mac_message
from app.audit.keys import KeyRing
from app.audit.models import AuditEvent

EVENTS = cast(Table, AuditEvent.__table__)
# The fields after seq and at, in the order the query below returns them.
_PLAIN = tuple(name for name in HASHED_FIELDS if name not in ("seq", "at"))
COLUMNS = [
    EVENTS.c[name] for name in ("id", "seq", "key_id", "prev_hash", "hash", "body", "at", *_PLAIN)
]
ROWS = select(*COLUMNS).order_by(EVENTS.c.seq, EVENTS.c.id)


@dataclass(frozen=True)
class Problem:
    """Where the chain first fails: the position, the row (None when missing) and why."""

    seq: int
    event_id: int | None
    detail: str


@dataclass
class Segment:
    """What a walk over one seq range found; segments are joined by their end links."""

    lo: int
    first_prev: str | None = None
    last_seq: int | None = None
    last_hash: str | None = None
    last_keyed: bool = False
    first_legacy: tuple[int, int] | None = None
    """(seq, id) of the first unkeyed event before any keyed one in this segment."""
    events: int = 0
    problem: Problem | None = None
    strays: list[tuple[int, int]] = field(default_factory=list)
    """(seq, id) of rows that sit at a position the chain already holds."""
    marks: dict[int, tuple[str, int]] = field(default_factory=dict)
    """The accepted (hash, id) at each seq an anchor or the head names."""


class Walker:
    """Checks rows in (seq, id) order from position `lo`, given the hash before it if known."""

    def __init__(self, ring: KeyRing, lo: int, prev: str | None, marks: set[int]) -> None:
        self.ring, self.marks = ring, marks
        self.seg = Segment(lo)
        self.prev, self.expected, self.keyed = prev, lo, False
        self.suspect: Problem | None = None

    def feed(self, rows: Iterable[Sequence[Any]]) -> bool:
        """Check a batch; False once the chain is broken (the walk stops there)."""
        for row in rows:
            seq = row[1]
            if seq < self.expected:
                self._stray(seq, row[0])
                continue
            if seq > self.expected:
                self.seg.problem = self.suspect or Problem(
                    self.expected,
                    row[0],
                    f"no event at seq {self.expected}: the next is event {row[0]} at seq {seq}"
                    " (events are missing)",
                )
                return False
            detail = self._check(row)
            if detail is None:
                self._accept(row)
            elif self.suspect is None:
                # Another row at this seq may yet be the chain's own: decide when seq moves on.
                self.suspect = Problem(seq, row[0], f"event {row[0]} at seq {seq} {detail}")
        return True

    def finish(self) -> Segment:
        """The walk's findings once every row has been fed."""
        if self.seg.problem is None and self.suspect is not None:
            self.seg.problem = self.suspect
        return self.seg

    def _stray(self, seq: int, event_id: int) -> None:
        if len(self.seg.strays) < 100:
            self.seg.strays.append((seq, event_id))

    def _accept(self, row: Sequence[Any]) -> None:
        seg, seq = self.seg, row[1]
        if self.suspect is not None:  # the chain's own row came after a stray at this seq
            self._stray(self.suspect.seq, cast(int, self.suspect.event_id))
            self.suspect = None
        if seg.events == 0:
            seg.first_prev = row[3]
        keyed = row[2] is not None
        if not keyed and not self.keyed and seg.first_legacy is None:
            seg.first_legacy = (seq, row[0])
        self.keyed = self.keyed or keyed
        seg.events += 1
        seg.last_seq, seg.last_hash, seg.last_keyed = seq, row[4], keyed
        if seq in self.marks:
            seg.marks[seq] = (row[4], row[0])
        self.prev, self.expected = row[4], seq + 1

    def _check(self, row: Sequence[Any]) -> str | None:
        _id, seq, key_id, prev_hash, hash_, body, at = row[:7]
        if self.prev is not None and prev_hash != self.prev:
            return "does not link to the event before it (history was cut or reordered)"
        if key_id is None:
            if self.keyed:
                return "has no key id after keyed events: it was not written by Handover"
            fields = dict(zip(_PLAIN, row[7:], strict=True))
            if event_hash(prev_hash, {**fields, "seq": seq, "at": at}) != hash_:
                return "has been altered: its hash does not match its content"
            return None
        try:
            mac = self.ring.mac(key_id, mac_message(key_id, prev_hash, body or ""))
        except KeyError:
            return f"is signed with key {key_id!r}, which the audit key file does not hold"
        if not hmac.compare_digest(mac, hash_):
            return "is forged or altered: its MAC does not match"
        try:
            signed = json.loads(body)
        except ValueError:
            return "has a signed body that is not JSON"
        if signed != {"seq": seq, "at": at.isoformat(), **dict(zip(_PLAIN, row[7:], strict=True))}:
            return "has been altered: its columns differ from the body its MAC signs"
        return None
