"""Protections at the edge, for every response: security headers and a body that must keep coming.

Pure ASGI (no BaseHTTPMiddleware): one wrapper of `send` and `receive`, no threadpool hop.
Headers another layer already set (the web pages' CSP, a route's own Cache-Control) win.
"""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000; includeSubDomains"
BODY_TIMEOUT = 30.0
"""Seconds a client may take to send the next chunk of a request body before a 408."""


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path in {"/healthz", "/openapi.json"}


class SecurityHeaders:
    """nosniff and Referrer-Policy everywhere, no-store on the API, HSTS outside development."""

    def __init__(self, app: ASGIApp, *, hsts: bool, body_timeout: float = BODY_TIMEOUT) -> None:
        self.app = app
        self.hsts = hsts
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response; refuse a body that stalls with 408."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
        if _is_api(scope["path"]):
            extra.append((b"cache-control", b"no-store"))
        if self.hsts:
            extra.append((b"strict-transport-security", HSTS))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message["headers"] = headers
            await send(message)

        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # waiting for a disconnect while streaming is not a stall
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                # A client trickling its body holds a worker slot; answer and let it go.
                raise HTTPException(408, "the request body did not arrive in time") from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, timed_receive, send_with_headers)
