"""Walking a run of audit rows in seq order: every link and signature checked."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from app.audit.chain import event_hash
from app.audit.keys import KeyRing
from app.audit.stored import JSON_COLUMNS, SIGNED, mac_message, signed_json

# Rows are (id, hash, *SIGNED) as app.audit.stored.rows_query reads them.
ID, HASH, KEY, PREV, SEQ = 0, 1, 2, 3, 4
_NAMES = ("id", "hash", *SIGNED)


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
        # Keyed contexts to copy: the key schedule is paid once per key, not once per event.
        self.contexts = {k: hmac.new(v, digestmod=hashlib.sha256) for k, v in ring.keys.items()}
        self.seg = Segment(lo)
        self.prev, self.expected, self.keyed = prev, lo, False
        self.suspect: Problem | None = None

    def feed(self, rows: Sequence[Sequence[Any]]) -> bool:
        """Check a batch; False once the chain is broken (the walk stops there)."""
        i, n = self._fast_run(rows, 0), len(rows)
        while i < n:
            row = rows[i]
            i += 1
            seq = row[SEQ]
            if seq < self.expected:
                self._stray(seq, row[ID])
            elif seq > self.expected:
                self.seg.problem = self.suspect or Problem(
                    self.expected,
                    row[ID],
                    f"no event at seq {self.expected}: the next is event {row[ID]} at seq {seq}"
                    " (events are missing)",
                )
                return False
            elif (detail := self._check(row)) is None:
                self._accept(row)
            elif self.suspect is None:
                # Another row at this seq may yet be the chain's own: decide when seq moves on.
                self.suspect = Problem(seq, row[ID], f"event {row[ID]} at seq {seq} {detail}")
            i = self._fast_run(rows, i)
        return True

    def _fast_run(self, rows: Sequence[Sequence[Any]], i: int) -> int:
        """Accept rows from `i` while each is the usual case; the index of the first that is not.

        The usual case: the next keyed event, linked, its MAC right, at no marked seq. It is
        almost every row, so this loop keeps everything in locals (a method call and a few
        attribute reads per row cost a third of the walk).
        """
        if self.suspect is not None or not self.keyed:
            return i
        prev, expected, marks, contexts = self.prev, self.expected, self.marks, self.contexts
        start, n, compare = i, len(rows), hmac.compare_digest
        while i < n:
            row = rows[i]
            base = contexts.get(row[KEY])
            if row[SEQ] != expected or row[PREV] != prev or expected in marks or base is None:
                break
            mac = base.copy()
            mac.update(signed_json(row[KEY:]).encode())
            if not compare(mac.hexdigest(), row[HASH]):
                break
            prev, expected, i = row[HASH], expected + 1, i + 1
        if i > start:
            seg = self.seg
            seg.events += i - start
            seg.last_seq, seg.last_hash = expected - 1, prev
            self.prev, self.expected = prev, expected
        return i

    def finish(self) -> Segment:
        """The walk's findings once every row has been fed."""
        if self.seg.problem is None and self.suspect is not None:
            self.seg.problem = self.suspect
        return self.seg

    def _stray(self, seq: int, event_id: int) -> None:
        if len(self.seg.strays) < 100:
            self.seg.strays.append((seq, event_id))

    def _accept(self, row: Sequence[Any]) -> None:
        seg, seq, hash_ = self.seg, row[SEQ], row[HASH]
        if self.suspect is not None:  # the chain's own row came after a stray at this seq
            self._stray(self.suspect.seq, cast(int, self.suspect.event_id))
            self.suspect = None
        if seg.events == 0:
            seg.first_prev = row[PREV]
        keyed = row[KEY] is not None
        if not keyed and not self.keyed and seg.first_legacy is None:
            seg.first_legacy = (seq, row[ID])
        self.keyed = self.keyed or keyed
        seg.events += 1
        seg.last_seq, seg.last_hash, seg.last_keyed = seq, hash_, keyed
        if seq in self.marks:
            seg.marks[seq] = (hash_, row[ID])
        self.prev, self.expected = hash_, seq + 1

    def _check(self, row: Sequence[Any]) -> str | None:
        key_id = row[KEY]
        if self.prev is not None and row[PREV] != self.prev:
            return "does not link to the event before it (history was cut or reordered)"
        if key_id is None:
            return self._check_public(row)
        try:
            mac = self.ring.mac(key_id, mac_message(row[KEY:]))
        except KeyError:
            return f"is signed with key {key_id!r}, which the audit key file does not hold"
        if not hmac.compare_digest(mac, row[HASH]):
            return "is forged or altered: its MAC does not match its columns"
        return None

    def _check_public(self, row: Sequence[Any]) -> str | None:
        if self.keyed:
            return "has no key id after keyed events: it was not written by Handover"
        fields = dict(zip(_NAMES, row, strict=True))
        for name in JSON_COLUMNS:
            fields[name] = json.loads(fields[name])
        fields["at"] = datetime.fromisoformat(fields["at"]).replace(tzinfo=UTC)
        if event_hash(row[PREV], fields) != row[HASH]:
            return "has been altered: its hash does not match its content"
        return None
