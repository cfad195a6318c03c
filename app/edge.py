"""Protections at the edge, for every response: the security headers.

Pure ASGI (no BaseHTTPMiddleware): one wrapper of `send` and `receive`, no threadpool hop.
Headers another layer already set (the web pages' CSP, a route's own Cache-Control) win.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi_tools import HttpMiddleware, on_response_start

HSTS = b"max-age=31536000; includeSubDomains"


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path in {"/healthz", "/openapi.json"}


class SecurityHeaders(HttpMiddleware):
    """nosniff and Referrer-Policy everywhere, no-store on the API, HSTS outside development."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        super().__init__(app)
        self.hsts = hsts

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response."""
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
        if _is_api(scope["path"]):
            extra.append((b"cache-control", b"no-store"))
        if self.hsts:
            extra.append((b"strict-transport-security", HSTS))

        def add_headers(message: Message) -> None:
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            message["headers"] = headers + [(k, v) for k, v in extra if k not in present]

        await self.app(scope, receive, on_response_start(send, add_headers))
