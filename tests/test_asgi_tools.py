"""The shared middleware shape: other scopes pass through; a hook sees only the response start."""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive, Scope, Send

from app.asgi_tools import HttpMiddleware, on_response_start


class _Tag(HttpMiddleware):
    """Marks HTTP requests it handled."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Tag the scope, then run the app."""
        scope["tagged"] = True
        await self.app(scope, receive, send)


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _receive() -> Message:
    return {"type": "http.request", "body": b""}


def test_only_http_scopes_are_handled() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    http: Scope = {"type": "http"}
    lifespan: Scope = {"type": "lifespan"}
    for scope in (http, lifespan):
        asyncio.run(_Tag(_app)(scope, _receive, send))
    assert http.get("tagged") is True and "tagged" not in lifespan
    assert len(sent) == 4


def test_the_hook_sees_and_amends_only_the_response_start() -> None:
    seen: list[str] = []
    sent: list[Message] = []

    def hook(message: Message) -> None:
        seen.append(message["type"])
        message["headers"] = [(b"x-hooked", b"1")]

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(_app({"type": "http"}, _receive, on_response_start(send, hook)))
    assert seen == ["http.response.start"]
    assert sent[0]["headers"] == [(b"x-hooked", b"1")] and sent[1]["type"] == "http.response.body"
