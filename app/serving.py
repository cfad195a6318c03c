"""How `handover serve` runs uvicorn: its limits, and a protocol that cuts stalled requests.

uvicorn (0.55) has no timeout for a request that never completes: a connection that sends
nothing, a header trickled a byte at a time, or a body that stops half-way holds its socket
for as long as the client likes. GuardedH11Protocol adds two timers at the protocol level,
where the bytes arrive, not in ASGI: an earlier `receive()` wrapper also fired while the app
itself waited for a disconnect and dropped connections under load.

- The request line and headers must be complete within `header_timeout_seconds` of the
  connection opening (or the next request's first byte): a total, so a trickle cannot
  keep it alive.
- A body must keep coming: no byte for `body_stall_seconds` while the server is reading
  is a stall. While uvicorn has paused reading (the app has not taken the body yet) the
  client owes nothing and no timer runs.

A stalled request is answered 408 when no response has started, and the connection closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import h11
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.config import get_settings

KEEP_ALIVE_SECONDS = 5
MAX_HEADER_BYTES = 16_384
_TIMEOUT_BODY = b"the request did not arrive in time"
TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_TIMEOUT_BODY), _TIMEOUT_BODY)
)


def uvicorn_options() -> dict[str, Any]:
    """The uvicorn settings `handover serve` (and the tests' real servers) use."""
    return {
        "http": "app.serving:GuardedH11Protocol",
        # An idle keep-alive connection is closed after 5 s; request heads above 16 KiB are
        # refused with 400.
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    }


@lru_cache
def _limits() -> tuple[float, float]:
    settings = get_settings()
    return settings.header_timeout_seconds, settings.body_stall_seconds


class _WatchedFlow(FlowControl):
    """uvicorn's flow control, telling the protocol when reading resumes."""

    def __init__(self, transport: asyncio.Transport, on_resume: Callable[[], None]) -> None:
        super().__init__(transport)
        self._on_resume = on_resume

    def resume_reading(self) -> None:
        """Resume reading, then restart the stall timer: the client owes bytes again."""
        was_paused = self.read_paused
        super().resume_reading()
        if was_paused:
            self._on_resume()


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline and a body stall timeout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout, self.body_stall = _limits()
        self._timer: asyncio.TimerHandle | None = None
        self._owed: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header deadline: a connection that sends nothing is a stall too."""
        super().connection_made(transport)
        self.flow = _WatchedFlow(transport, self._watch)
        self._watch()

    def data_received(self, data: bytes) -> None:
        """Hand the bytes to uvicorn, then see what the client still owes."""
        super().data_received(data)
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the timer with the connection."""
        self._cancel()
        super().connection_lost(exc)

    def _owes(self) -> str | None:
        if self.transport.is_closing() or self.flow.read_paused:
            return None  # reading is paused by us, not stalled by the client
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            return "body"
        if state is h11.IDLE and (self.cycle is None or self.conn.trailing_data[0]):
            return "head"  # the first request, or a next one begun, is not complete
        return None  # complete; between requests uvicorn's keep-alive timeout applies

    def _watch(self) -> None:
        owed = self._owes()
        if owed == "head" and self._owed == "head":
            return  # a deadline, not reset by each byte: a trickle cannot extend it
        self._cancel()
        self._owed = owed
        if owed is not None:
            delay = self.header_timeout if owed == "head" else self.body_stall
            self._timer = self.loop.call_later(delay, self._stalled)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._owed = None, None

    def _stalled(self) -> None:
        self._timer, self._owed = None, None
        if self._owes() is None:
            return
        if self.cycle is not None and self.cycle.waiting_for_100_continue:
            # The client waits for our 100 Continue, sent when the app first reads: not its stall.
            self._watch()
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()
