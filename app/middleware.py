"""ASGI middleware: request ids with access logs, the body size limit, NUL refusal."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi_tools import HttpMiddleware, on_response_start
from app.errors import BadRequest, PayloadTooLarge
from app.logs import request_id_var

log = logging.getLogger("handover.access")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestContext(HttpMiddleware):
    """Give each request an id (X-Request-ID, echoed back) and log one access line."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request inside its id."""
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        # Echoed in a header and written to every log line: only a plain token is kept.
        rid = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        started, status = time.perf_counter(), 500

        def add_id(message: Message) -> None:
            nonlocal status
            status = message["status"]
            message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]

        try:
            await self.app(scope, receive, on_response_start(send, add_id))
        finally:
            extra: dict[str, Any] = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            log.info("%s %s %s", scope["method"], scope["path"], status, extra=extra)
            request_id_var.reset(token)


class RefuseNul(HttpMiddleware):
    """Refuse a NUL character in the path or query with 400: no database stores it in text."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on unless its path or query string carries NUL."""
        if "\x00" in scope["path"] or b"%00" in scope["query_string"].lower():
            body = BadRequest("the path or query string contains a NUL character").body()
            await _send_json(send, 400, body)
            return
        await self.app(scope, receive, send)


class BodyLimit(HttpMiddleware):
    """Refuse bodies above a size with 413, counting streamed bytes, not only Content-Length."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_limit: int,
        upload_limit: int,
        upload_prefix: str | tuple[str, ...] = "/api/imports/",
    ) -> None:
        super().__init__(app)
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.upload_prefix = upload_prefix

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length, then count the body as it streams."""
        path: str = scope["path"]
        limit = self.upload_limit if path.startswith(self.upload_prefix) else self.default_limit
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _send_413(send, limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # An HTTPException: FastAPI turns other errors raised while reading
                    # the body into a generic 400.
                    raise HTTPException(413, f"request body is larger than {limit} bytes")
            return message

        await self.app(scope, counting_receive, send)


async def _send_413(send: Send, limit: int) -> None:
    await _send_json(
        send, 413, PayloadTooLarge(f"request body is larger than {limit} bytes").body()
    )


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})
