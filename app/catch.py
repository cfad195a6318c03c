"""The last line of error handling: an unexpected exception becomes a 500 on a live connection.

Starlette's handler for ``Exception`` sits in ServerErrorMiddleware, which sends the 500 and
then re-raises, so uvicorn logs the error again and drops the client's keep-alive connection
without saying so. This pure ASGI middleware sits inside it, answers and swallows instead.
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("handover.errors")
BODY = {"error": "internal_error", "detail": "an unexpected error occurred; it has been logged"}


class CatchUnexpected:
    """Log an unhandled exception once and answer 500 in the one error shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; on an exception before the response started, send the 500."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
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
