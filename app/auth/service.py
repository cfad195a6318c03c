"""Creating users, issuing and checking tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.auth.actor import Actor as Actor  # re-exported: services and routers name it here
from app.auth.cache import forget_user_everywhere
from app.auth.models import ApiToken, User
from app.auth.roles import ALL_ROLES
from app.errors import Conflict, NotFound, Unauthorized, Unprocessable

TOKEN_PREFIX = "hov_"  # noqa: S105 - a public prefix, not a secret


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    *,
    session: Session,
    name: str,
    roles: Iterable[str],
    now: datetime,
    email: str | None = None,
    display_name: str | None = None,
) -> User:
    """Create a user after checking the name and roles."""
    role_list = sorted(set(roles))
    unknown = [r for r in role_list if r not in ALL_ROLES]
    if unknown:
        raise Unprocessable(
            f"unknown role(s): {', '.join(unknown)}; known: {', '.join(sorted(ALL_ROLES))}"
        )
    if not role_list:
        raise Unprocessable("a user needs at least one role")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Conflict(f"a user named {name!r} already exists", code="duplicate")
    user = User(name=name, roles=role_list, email=email, display_name=display_name, created_at=now)
    session.add(user)
    session.flush()
    return user


def user_named(*, session: Session, name: str) -> User | None:
    """The user with this name, if there is one."""
    return session.scalar(select(User).where(User.name == name))


def issue_token(
    *, session: Session, user: User, now: datetime, expires_at: datetime | None = None
) -> str:
    """Issue a new token for a user and return it; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=hash_token(token),
            prefix=token[:12],
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return token


def revoke_user_tokens(*, session: Session, name: str, now: datetime) -> int:
    """Revoke every live token of a user; returns how many were revoked."""
    user_id = session.scalar(select(User.id).where(User.name == name))
    if user_id is None:
        raise NotFound(f"no user named {name!r}")
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    _forget_now_and_at_commit(session, user_id)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _forget_now_and_at_commit(session: Session, user_id: int) -> None:
    # Now, so this instance refuses the token at once; and at commit, so a request that read
    # the row before the revocation committed cannot leave the old actor cached.
    forget_user_everywhere(user_id)
    event.listen(session, "after_commit", lambda _s: forget_user_everywhere(user_id), once=True)


def authenticate(*, session: Session, token: str, now: datetime) -> Actor:
    """The actor a token belongs to, or 401."""
    return authenticate_until(session=session, token=token, now=now)[0]


def authenticate_until(
    *, session: Session, token: str, now: datetime
) -> tuple[Actor, datetime | None]:
    """The actor a token belongs to and when the token expires, or 401."""
    row = session.execute(
        select(
            ApiToken.revoked_at, ApiToken.expires_at, User.id, User.name, User.roles, User.active
        )
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token))
    ).one_or_none()
    if row is None:
        raise Unauthorized("unknown token", code="invalid_token")
    if row.revoked_at is not None:
        raise Unauthorized("this token has been revoked", code="invalid_token")
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized("this token has expired", code="invalid_token")
    if not row.active:
        raise Unauthorized("this user is deactivated", code="invalid_token")
    return Actor(id=row.id, name=row.name, roles=frozenset(row.roles)), row.expires_at
