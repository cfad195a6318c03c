"""Request dependencies: the current user and role checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from app.auth.brake import AuthBrake
from app.auth.cache import TokenCache
from app.auth.roles import Role
from app.auth.service import TOKEN_PREFIX, Actor, authenticate_until, hash_token
from app.clock import Clock
from app.config import Settings
from app.db.session import SessionDep
from app.errors import Forbidden, Unauthorized

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


# The dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in
# the threadpool, a hop of ~50 µs each for a request that needs none.


async def get_clock(request: Request) -> Clock:
    """The application's clock (tests install a FrozenClock)."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]


async def get_app_settings(request: Request) -> Settings:
    """The application's settings (passed to services explicitly, never via the session)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_current_user(request: Request, session: SessionDep, clock: ClockDep) -> Actor:
    """The caller identified by the bearer token, or 401 (the token query only on a cache miss)."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized(
            "send an API token as 'Authorization: Bearer <token>'",
            code="missing_token",
            headers=_CHALLENGE,
        )
    scheme, _, token = header.partition(" ")
    token = token.strip()
    brake: AuthBrake = request.app.state.auth_brake
    address = request.client.host if request.client else "-"
    # Checked before the token is: while braked, a right guess is refused like a wrong one.
    brake.check(address=address, token=token, now=clock.now())
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        brake.failed(address=address, token="", now=clock.now())
        raise Unauthorized(
            "malformed Authorization header; expected 'Bearer hov_…'",
            code="invalid_token",
            headers=_CHALLENGE,
        )
    cache: TokenCache = request.app.state.token_cache
    key, now = hash_token(token), clock.now()
    cached = cache.get(key, now)
    if cached is not None:
        return cached
    try:
        actor, expires_at = await run_in_threadpool(
            authenticate_until, session=session, token=token, now=now
        )
    except Unauthorized as exc:
        brake.failed(address=address, token=token, now=clock.now())
        exc.headers.update(_CHALLENGE)
        raise
    cache.put(key, actor, expires_at, now)
    return actor


CurrentUser = Annotated[Actor, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency that lets through only actors holding one of the roles (or admin)."""
    allowed = frozenset(r.value for r in roles) | {Role.admin.value}

    async def check(user: CurrentUser) -> Actor:
        if not user.has_any(allowed):
            raise Forbidden(
                f"this needs one of the roles: {', '.join(sorted(allowed))}",
                code="role_required",
            )
        return user

    # Read by app.openapi: a route behind this check documents 403.
    check.required_roles = allowed  # type: ignore[attr-defined]
    return check
