"""The last line of error handling: an unexpected exception becomes a 500 on a live connection.

Starlette's handler for ``Exception`` sits in ServerErrorMiddleware, which sends the 500 and
then re-raises, so uvicorn logs the error again and drops the client's keep-alive connection
without saying so. This pure ASGI middleware sits inside it, answers and swallows instead.
"""

from __future__ import annotations

import json
import logging

from starlette.types import Message, Receive, Scope, Send

from app.asgi_tools import HttpMiddleware, on_response_start

log = logging.getLogger("handover.errors")
BODY = {"error": "internal_error", "detail": "an unexpected error occurred; it has been logged"}


class CatchUnexpected(HttpMiddleware):
    """Log an unhandled exception once and answer 500 in the one error shape."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; on an exception before the response started, send the 500."""
        started = False

        def mark_started(_message: Message) -> None:
            nonlocal started
            started = True

        try:
            await self.app(scope, receive, on_response_start(send, mark_started))
        except Exception:
            if started:  # half a response is out: only closing the connection tells the client
                raise
            log.exception("unhandled error")
            raw = json.dumps(BODY).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
            ]
            await send({"type": "http.response.start", "status": 500, "headers": headers})
            await send({"type": "http.response.body", "body": raw})
