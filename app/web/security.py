"""Security headers and a per-request CSP nonce, as a pure ASGI middleware (no extra hops)."""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from app.asgi_tools import HttpMiddleware, on_response_start

# ReDoc's page loads its files from a CDN with an inline script: it keeps its own rules.
# /docs (Swagger UI) is served from /assets with no inline script, under the same CSP.
_NO_CSP = ("/redoc",)


def csp(nonce: str) -> str:
    """The Content-Security-Policy of a page: own files, one nonce, nothing inline."""
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "font-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )


class SecurityHeaders(HttpMiddleware):
    """Adds CSP (with a fresh nonce in `request.state.csp_nonce`) and the usual headers."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, adding the headers to its response."""
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope["path"]

        def add_headers(message: Message) -> None:
            headers = MutableHeaders(scope=message)
            headers.setdefault("X-Content-Type-Options", "nosniff")
            headers.setdefault("Referrer-Policy", "same-origin")
            headers.setdefault("X-Frame-Options", "DENY")
            headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
            headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
            if not path.startswith(_NO_CSP):
                headers.setdefault("Content-Security-Policy", csp(nonce))
            if headers.get("content-type", "").startswith("text/html"):
                # Pages show case data: no shared cache keeps them.
                headers.setdefault("Cache-Control", "no-store")

        await self.app(scope, receive, on_response_start(send, add_headers))
