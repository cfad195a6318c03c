"""The shape every pure ASGI middleware here shares: HTTP only, and a look at the response start."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMiddleware:
    """A pure ASGI middleware that works on HTTP requests; other scopes pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Give an HTTP request to `handle`; lifespan and websocket scopes go on untouched."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request through `self.app`: each middleware's own work."""
        raise NotImplementedError


def on_response_start(send: Send, hook: Callable[[Message], None]) -> Send:
    """`send`, first showing the response-start message to `hook`, which may amend it."""

    async def hooked_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            hook(message)
        await send(message)

    return hooked_send
