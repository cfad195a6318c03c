"""One-pass streaming of releases out of OCDS packages with ijson."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from app.imports.ocds_model import MissingCompiledRelease, OcdsError, OcdsTooLarge
from app.jsonbody import MAX_DEPTH, BodyValueError, check_value

NOT_OCDS = "not an OCDS release or record package"
_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})
_SCALARS = frozenset({"null", "boolean", "integer", "double", "number", "string"})

Found = tuple[str, dict[str, Any]]
MAX_DOCUMENT_DEPTH = MAX_DEPTH + 3
"""Arrays and objects open at once, from the root: a record's compiledRelease sits 3 deep."""
MAX_RELEASE_BYTES = 4 * 1_048_576
"""Largest single release read into memory (413 above); published releases are ~100 KB."""
_PREFIX_PARTS = 4
"""The router only ever compares prefixes this deep; deeper ones are cut, not joined."""


class _Router:
    """Routes parse events: builds releases, skips everything else, remembers top-level keys."""

    def __init__(self, reader: _CountingReader, max_release_bytes: int) -> None:
        self.reader = reader
        self.max_release_bytes = max_release_bytes
        self.started = 0
        self.builder: Any = None
        self.depth = 0
        self.target: str | None = None
        self.head_key: str | None = None
        self.head: dict[str, Any] = {}
        self.is_package = False
        self.release_index = -1
        self.record_index = -1
        self.record_ocid: str | None = None
        self.record_has_compiled = False

    def where(self) -> str:
        """JSON path of the item being read, for error messages."""
        if self.target is not None:
            return self.target
        if self.record_index >= 0:
            return f"records[{self.record_index}]"
        if self.release_index >= 0:
            return f"releases[{self.release_index}]"
        return "$"

    def feed(self, prefix: str, event: str, value: Any) -> Found | None:
        """Consume one parse event; return a finished release if there is one."""
        if self.depth:
            return self._subtree(event, value)
        if prefix == "releases.item":
            return self._release_item(event, value)
        if prefix == "records.item" or prefix.startswith("records.item."):
            return self._record_event(prefix, event, value)
        if prefix in ("releases", "records"):
            self._package_array(prefix, event)
        elif prefix == "":
            self._top(event)
        elif "." not in prefix:
            self._head_value(prefix, event, value)
        return None

    def _begin(self, event: str, value: Any, target: str | None, build: bool) -> Found | None:
        # build=False walks a subtree without keeping it (package metadata we never use).
        self.builder = ijson.ObjectBuilder() if build else None
        self.target = target
        self.depth = 0
        # A bare release's top-level values count from the start of the document.
        self.started = self.reader.count if target is not None else 0
        return self._subtree(event, value)

    def _subtree(self, event: str, value: Any) -> Found | None:
        if self.builder is not None:
            if self.reader.count - self.started > self.max_release_bytes:
                self._too_large()
            self.builder.event(event, value)
        if event in _OPEN:
            self.depth += 1
        elif event in _CLOSE:
            self.depth -= 1
        if self.depth:
            return None
        built: Any = self.builder.value if self.builder is not None else None
        target, self.builder, self.target = self.target, None, None
        if self.head_key is not None:
            if built is not None:
                self.head[self.head_key] = built
            self.head_key = None
            return None
        assert target is not None
        return target, built

    def _too_large(self) -> None:
        path = self.target or "$"
        limit = self.max_release_bytes
        raise OcdsTooLarge(path, f"release is larger than {limit} bytes", release_path=path)

    def _top(self, event: str) -> None:
        if event in ("map_key", "end_map", "start_map"):
            return
        kind = "an array" if event == "start_array" else "a single value"
        raise OcdsError("$", f"{NOT_OCDS}: the document is {kind}, not an object")

    def _head_value(self, key: str, event: str, value: Any) -> None:
        # Top-level values are kept only while the document may still be a bare release.
        if event in _SCALARS:
            if not self.is_package:
                if self.reader.count > self.max_release_bytes:
                    self._too_large()
                self.head[key] = value
            return
        self.head_key = key
        self._begin(event, value, None, build=not self.is_package)

    def _package_array(self, key: str, event: str) -> None:
        if event == "start_array":
            self.is_package = True
            self.head.clear()
        elif event != "end_array":
            raise OcdsError(key, f"{NOT_OCDS}: '{key}' is not an array")

    def _release_item(self, event: str, value: Any) -> Found | None:
        self.release_index += 1
        path = f"releases[{self.release_index}]"
        if event != "start_map":
            raise OcdsError(path, "release is not a JSON object", release_path=path)
        return self._begin(event, value, path, build=True)

    def _record_event(self, prefix: str, event: str, value: Any) -> Found | None:
        if prefix == "records.item":
            return self._record_bounds(event)
        if prefix == "records.item.ocid" and isinstance(value, str):
            self.record_ocid = value
        elif prefix == "records.item.compiledRelease" and event != "null":
            path = f"records[{self.record_index}].compiledRelease"
            if event != "start_map":
                raise OcdsError(path, "compiledRelease is not a JSON object", release_path=path)
            self.record_has_compiled = True
            self._begin(event, value, path, build=True)
        return None

    def _record_bounds(self, event: str) -> Found | None:
        if event == "start_map":
            self.record_index += 1
            self.record_ocid, self.record_has_compiled = None, False
            return None
        if event == "end_map":
            if self.record_has_compiled:
                return None
            stub = MissingCompiledRelease(ocid=self.record_ocid)
            return f"records[{self.record_index}]", stub
        if event == "map_key":
            return None
        path = f"records[{self.record_index + 1}]"
        raise OcdsError(path, "record is not a JSON object", release_path=path)

    def finish(self) -> Iterator[Found]:
        """After the last event: yield a bare release, or reject a non-OCDS document."""
        if self.is_package:
            return
        if self.head.get("ocid") is not None and "tag" in self.head:
            yield "$", self.head
            return
        raise OcdsError("$", f"{NOT_OCDS}: no 'releases' or 'records' array and not a release")


def _check_storable(path: str, release: Any) -> None:
    # Text with NUL cannot be stored in PostgreSQL; say where it is instead of failing late.
    try:
        check_value(release)
    except BodyValueError as exc:
        where = path + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in exc.path)
        raise OcdsError(where, exc.message, release_path=path) from None


def _json_error_text(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else ""
    # yajl2_c sometimes reports bytes (e.g. for invalid UTF-8); show them as text.
    message = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(exc)
    # yajl puts the offending text on line 2 and a caret under it on line 3; fold them into one.
    lines = message.splitlines()
    if len(lines) >= 3 and "^" in lines[2] and lines[1].strip():
        col = lines[2].index("^")
        near = f"{lines[1][:col].lstrip()}>>>{lines[1][col:].rstrip()}"
        return f"{lines[0].strip()} at: {near}"
    return " ".join(line.strip() for line in lines[:1]) or type(exc).__name__


class _CountingReader:
    """Counts bytes handed to the parser so JSON errors can name a byte offset."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        """Read from the wrapped stream, counting bytes."""
        chunk = self.stream.read(size)
        self.count += len(chunk)
        return chunk


class _TooDeep(Exception):
    """More arrays and objects open at once than MAX_DOCUMENT_DEPTH."""


def _events(reader: _CountingReader) -> Iterator[tuple[str, str, Any]]:
    """ijson.parse's (prefix, event, value), but refusing deep nesting before it piles up.

    ijson.parse keeps a joined prefix per open level, which costs memory quadratic in the
    depth (gigabytes for a 100 KB body); basic_parse keeps nothing, so the path lives here.
    """
    path: list[str] = []
    for event, value in ijson.basic_parse(reader, use_float=False):
        if event == "map_key":
            prefix = _prefix(path[:-1])
            path[-1] = value
        elif event in _OPEN:
            if len(path) >= MAX_DOCUMENT_DEPTH:
                raise _TooDeep
            prefix = _prefix(path)
            path.append("" if event == "start_map" else "item")
        elif event in _CLOSE:
            path.pop()
            prefix = _prefix(path)
        else:
            prefix = _prefix(path)
        yield prefix, event, value


def _prefix(path: list[str]) -> str:
    if len(path) <= _PREFIX_PARTS:
        return ".".join(path)
    return ".".join(path[:_PREFIX_PARTS]) + ".\N{HORIZONTAL ELLIPSIS}"


def iter_releases(
    stream: BinaryIO, *, max_release_bytes: int = MAX_RELEASE_BYTES
) -> Iterator[Found]:
    """Yield (json_path, release) for each release in a package, record package or release."""
    reader = _CountingReader(stream)
    router = _Router(reader, max_release_bytes)
    try:
        for prefix, event, value in _events(reader):
            found = router.feed(prefix, event, value)
            if found is not None:
                _check_storable(*found)
                yield found
    except _TooDeep:
        where = router.where()
        message = (
            f"nested too deeply: more than {MAX_DOCUMENT_DEPTH} arrays or objects open at once"
        )
        raise OcdsError(where, message, release_path=router.target) from None
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        where = router.where()
        if reader.count == 0:
            raise OcdsError(where, "invalid JSON: the document is empty") from exc
        detail = _json_error_text(exc)
        message = f"invalid JSON (within the first {reader.count} bytes): {detail}"
        raise OcdsError(where, message) from exc
    yield from router.finish()
