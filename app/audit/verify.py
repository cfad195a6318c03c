"""Verifying the chain: streamed, optionally in parallel ranges, against the anchors outside."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from sqlalchemy import Connection, Select, create_engine, func, select

from app.audit import anchors
from app.audit.anchors import Anchor
from app.audit.keys import KeyRing
from app.audit.models import GENESIS_HASH, AuditHead
from app.audit.setup import AuditSetup
from app.audit.stored import EVENTS, rows_query
from app.audit.walk import Problem, Segment, Walker

BATCH = 5000
PARALLEL_FROM = 200_000
"""Fewer events than this are walked in one process: starting workers costs more."""


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of recomputing the chain."""

    ok: bool
    events: int
    first_bad: int | None
    problem: str | None
    strays: tuple[int, ...] = ()
    anchored_seq: int | None = None
    """The last anchored position the chain was checked against."""
    since_seq: int | None = None
    """With since_checkpoint: the verified checkpoint the walk started from."""
    last_seq: int | None = None
    last_hash: str | None = None
    """The last event the walk accepted: the head a checkpoint anchors."""


def walk_range(
    conn: Connection, ring: KeyRing, lo: int, hi: int | None, prev: str | None, marks: set[int]
) -> Segment:
    """Walk the rows with seq in [lo, hi] (hi None: to the end), streaming in batches."""
    stmt = rows_query(conn.dialect.name).where(EVENTS.c.seq >= lo)
    if hi is not None:
        stmt = stmt.where(EVENTS.c.seq <= hi)
    walker = Walker(ring, lo, prev, marks)
    for batch in _batches(conn, stmt):
        if not walker.feed(batch):
            break
    return walker.finish()


def _batches(conn: Connection, stmt: Select[Any]) -> Iterator[Sequence[Sequence[Any]]]:
    # The driver's own cursor: the query selects only plain text and integers, so
    # SQLAlchemy's rows would add a third to the cost of each event for nothing.
    compiled = stmt.compile(dialect=conn.dialect)
    params: Any = compiled.params
    if compiled.positiontup is not None:
        params = [compiled.params[name] for name in compiled.positiontup]
    raw = conn.connection.dbapi_connection
    assert raw is not None
    # On PostgreSQL a named (server-side) cursor streams; SQLite steps through the table.
    cursor = raw.cursor(name="audit_walk") if conn.dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        cursor.close()


def _walk_in_worker(url: str, ring: KeyRing, lo: int, hi: int | None, marks: set[int]) -> Segment:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return walk_range(conn, ring, lo, hi, None, marks)
    finally:
        engine.dispose()


def _segments(
    conn: Connection, ring: KeyRing, start: tuple[int, str | None], marks: set[int], workers: int
) -> list[Segment]:
    lo, prev = start
    top = conn.execute(select(func.max(EVENTS.c.seq))).scalar() or 0
    if workers <= 1 or top - lo < PARALLEL_FROM:
        return [walk_range(conn, ring, lo, None, prev, marks)]
    step = (top - lo + workers) // workers
    bounds = [(lo + i * step, lo + (i + 1) * step - 1) for i in range(workers)]
    url = conn.engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(workers - 1, mp_context=get_context("spawn")) as pool:
        # The first range runs here, with the known start; the last runs open-ended so
        # events appended meanwhile are walked too.
        futures = [
            pool.submit(_walk_in_worker, url, ring, b_lo, None if i == workers - 1 else b_hi, marks)
            for i, (b_lo, b_hi) in enumerate(bounds[1:], 1)
        ]
        first = walk_range(conn, ring, bounds[0][0], bounds[0][1], prev, marks)
        return [first, *(f.result() for f in futures)]


def _join(segments: list[Segment]) -> tuple[Segment, list[Problem]]:
    """Link the segments end to start; every problem found, in seq order."""
    total = Segment(segments[0].lo)
    problems: list[Problem] = []
    for seg in segments:
        if total.last_seq is not None and seg.events:
            if seg.first_prev != total.last_hash or seg.lo != total.last_seq + 1:
                problems.append(Problem(seg.lo, None, f"the chain breaks at seq {seg.lo}"))
            if total.last_keyed and seg.first_legacy is not None:
                seq, event_id = seg.first_legacy
                problems.append(
                    Problem(
                        seq,
                        event_id,
                        f"event {event_id} at seq {seq} has no key id after"
                        " keyed events: it was not written by Handover",
                    )
                )
        if seg.problem is not None:
            problems.append(seg.problem)
        total.strays += seg.strays
        total.marks.update(seg.marks)
        total.events += seg.events
        if seg.events:
            total.last_seq, total.last_hash = seg.last_seq, seg.last_hash
            total.last_keyed = seg.last_keyed
        if seg.problem is not None or (seg.events == 0 and seg is not segments[-1]):
            break  # nothing after a break is linked to the chain
    problems.sort(key=lambda p: p.seq)
    return total, problems


def verify(
    conn: Connection, audit: AuditSetup, *, since_checkpoint: bool = False, workers: int = 1
) -> VerifyResult:
    """Recompute the chain, check it against every anchor, and name the first bad event."""
    try:
        ring = audit.ring()
        anchored = anchors.read(audit)
    except RuntimeError as exc:  # AuditKeyError, AnchorError: nothing can be trusted
        return VerifyResult(False, 0, None, f"cannot verify: {exc}")
    start: tuple[int, str | None] = (1, GENESIS_HASH)
    checkpoint = _last_checkpoint(anchored) if since_checkpoint else None
    if checkpoint is not None:
        start = (checkpoint.seq, None)  # its own hash is checked against the anchor below
        anchored = [a for a in anchored if a.seq >= checkpoint.seq]
    head = conn.execute(select(AuditHead.seq, AuditHead.hash)).one()  # before the walk
    marks = {a.seq for a in anchored} | {head.seq}
    total, problems = _join(_segments(conn, ring, start, marks, workers))
    problems += _against_anchors(total, anchored)
    problems += _against_head(total, head.seq, head.hash)
    problems.sort(key=lambda p: p.seq)
    anchored_seq = max((a.seq for a in anchored), default=None)
    return _result(total, problems, anchored_seq, checkpoint)


def _last_checkpoint(anchored: list[Anchor]) -> Anchor | None:
    checkpoints = [a for a in anchored if a.kind == anchors.CHECKPOINT]
    return checkpoints[-1] if checkpoints else None


def _against_anchors(total: Segment, anchored: list[Anchor]) -> list[Problem]:
    problems = []
    for a in anchored:
        where = f"anchor file line {a.line}, {a.at}"
        if total.last_seq is None or a.seq > total.last_seq:
            ends = total.last_seq or 0
            problems.append(
                Problem(
                    a.seq,
                    None,
                    f"the anchored head seq {a.seq} ({where}) is missing:"
                    f" the chain ends at seq {ends} (its tail was cut)",
                )
            )
            break
        hash_, event_id = total.marks.get(a.seq, ("", None))
        if hash_ != a.hash:
            problems.append(
                Problem(
                    a.seq,
                    event_id,
                    f"event {event_id} at seq {a.seq} is not the one"
                    f" anchored ({where}): the chain was rewritten from there or before",
                )
            )
    return problems


def _against_head(total: Segment, seq: int, hash_: str) -> list[Problem]:
    if seq == 0 and total.last_seq is None:
        return []
    if total.last_seq is None or seq > total.last_seq:
        ends = total.last_seq or 0
        return [Problem(seq, None, f"chain head says seq {seq}; events end at {ends}")]
    found, event_id = total.marks.get(seq, ("", None))
    if found != hash_:
        return [Problem(seq, event_id, f"chain head at seq {seq} names another hash")]
    return []


def _result(
    total: Segment, problems: list[Problem], anchored_seq: int | None, checkpoint: Anchor | None
) -> VerifyResult:
    strays = tuple(event_id for _seq, event_id in sorted(total.strays))
    since = checkpoint.seq if checkpoint else None
    if problems:
        first = problems[0]
        detail = first.detail + (f"; also {len(strays)} stray row(s)" if strays else "")
        return VerifyResult(
            False, total.events, first.event_id, detail, strays, anchored_seq, since
        )
    if strays:
        seq, event_id = min(total.strays)
        detail = (
            f"{len(strays)} stray row(s) not on the chain, the first event {event_id} at seq"
            f" {seq}; the chain itself verifies"
        )
        return VerifyResult(False, total.events, event_id, detail, strays, anchored_seq, since)
    return VerifyResult(
        True, total.events, None, None, (), anchored_seq, since, total.last_seq, total.last_hash
    )
