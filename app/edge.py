"""Protections at the edge, for every response: the security headers.

Pure ASGI (no BaseHTTPMiddleware): one wrapper of `send` and `receive`, no threadpool hop.
Headers another layer already set (the web pages' CSP, a route's own Cache-Control) win.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000; includeSubDomains"


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path in {"/healthz", "/openapi.json"}


class SecurityHeaders:
    """nosniff and Referrer-Policy everywhere, no-store on the API, HSTS outside development."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response."""
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

        await self.app(scope, receive, send_with_headers)
