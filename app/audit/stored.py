"""A keyed event as stored: the texts its MAC covers, and the SQL that writes and reads them.

The MAC signs the columns' own stored text (JSON columns as written, the instant as UTC
text), so verifying reads each row and hashes it: no JSON is parsed or re-encoded, and no
database's way of normalising JSON can change what was signed.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    TIMESTAMP,
    ColumnElement,
    Insert,
    Select,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    select,
    type_coerce,
)
from sqlalchemy import cast as sql_cast

from app.audit.models import AuditEvent

EVENTS = cast(Table, AuditEvent.__table__)
EVENT_FIELDS = (
    "seq",
    "at",
    "actor",
    "roles",
    "action",
    "case_id",
    "contract_id",
    "trigger",
    "from_state",
    "to_state",
    "reason",
    "evidence",
    "details",
)
"""An event's own fields: what its chain hash covers (app/audit/chain.py)."""
SIGNED = ("key_id", "prev_hash", *EVENT_FIELDS)
"""The signed columns, in the order of the JSON array the MAC covers."""
JSON_COLUMNS = ("roles", "evidence", "details")
AT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_text(value: Any) -> str:
    """The text a JSON column stores for a value (compact, UTF-8)."""
    return _encode(value)


def at_text(at: datetime) -> str:
    """An instant as the signed text: UTC, microseconds, as SQLite stores it."""
    return at.astimezone(UTC).strftime(AT_FORMAT)


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not a stored column's type")


def _array_encoder() -> Callable[[Sequence[Any]], str]:
    # JSONEncoder.encode builds its C encoder anew on every call; built once here it gives
    # the same text (same separators, no ASCII escaping) in two thirds of the time, which
    # matters at a million events a verify.
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _encode
    chunks = make(None, _refuse, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda texts: "".join(chunks(texts, 0))


signed_json = _array_encoder()
"""The JSON array text of a row's signed columns, exactly as `_encode` writes it."""


def mac_message(texts: Sequence[Any]) -> bytes:
    """What a keyed event's hash signs: the JSON array of its signed columns as stored."""
    return signed_json(texts).encode()


def row_values(fields: dict[str, Any], key_id: str, prev_hash: str) -> dict[str, Any]:
    """The values an event's row stores, JSON columns and the instant as their texts."""
    values = {**fields, "key_id": key_id, "prev_hash": prev_hash, "at": at_text(fields["at"])}
    for name in JSON_COLUMNS:
        values[name] = json_text(fields[name])
    return values


def signed_texts(values: dict[str, Any]) -> tuple[Any, ...]:
    """The signed columns of `row_values`, in MAC order."""
    return tuple(values[name] for name in SIGNED)


def insert_statement(dialect: str) -> Insert:
    """INSERT of events from `row_values`, the texts stored exactly as given, returning each
    new row's (id, seq); executed with a list, it is batched (ids in no promised order)."""
    params: dict[str, Any] = {c.key: bindparam(c.key) for c in EVENTS.columns if c.key != "id"}
    for name in JSON_COLUMNS:
        text = bindparam(name, type_=Text)
        # PostgreSQL's json type keeps the text it is given; SQLite stores the text itself.
        params[name] = sql_cast(text, JSON) if dialect == "postgresql" else text
    if dialect == "postgresql":
        # The signed text names a UTC wall time: read it as UTC whatever the session's zone.
        params["at"] = func.timezone("UTC", sql_cast(bindparam("at", type_=Text), TIMESTAMP()))
    else:
        params["at"] = bindparam("at", type_=Text)
    return insert(EVENTS).values(params).returning(EVENTS.c.id, EVENTS.c.seq)


def rows_query(dialect: str) -> Select[Any]:
    """(id, hash, *signed texts) of every event, oldest first: what verify reads."""
    at: ColumnElement[Any]
    texts: dict[str, ColumnElement[Any]] = {name: EVENTS.c[name] for name in SIGNED}
    if dialect == "postgresql":
        at = func.to_char(func.timezone("UTC", EVENTS.c.at), "YYYY-MM-DD HH24:MI:SS.US")
        for name in JSON_COLUMNS:
            texts[name] = sql_cast(EVENTS.c[name], Text)
    else:
        at = type_coerce(EVENTS.c.at, String())
        for name in JSON_COLUMNS:
            texts[name] = type_coerce(EVENTS.c[name], Text())
    texts["at"] = at
    return select(EVENTS.c.id, EVENTS.c.hash, *texts.values()).order_by(EVENTS.c.seq, EVENTS.c.id)
