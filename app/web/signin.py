"""Passwords (argon2id), server-side web sessions and throttled sign-in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.models import User
from app.auth.service import Actor
from app.errors import NotFound, Unprocessable
from app.web.models import SignInAttempt, UserPassword, WebSession

IDLE_TIMEOUT = timedelta(minutes=60)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD = 10
DEMO_PASSWORD = "handover-demo"  # noqa: S105 - published in the README, for the demo users only
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the user is unknown, so timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


@dataclass(frozen=True)
class SignedIn:
    """A signed-in browser: who, and the session's CSRF token."""

    actor: Actor
    display_name: str
    csrf_token: str
    session_id: int


class SignInRefused(Exception):
    """Wrong name or password (one message for both), or too many failures."""

    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.throttled = throttled


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(*, session: Session, name: str, password: str, now: datetime) -> None:
    """Set (or replace) a user's web password; every live session of theirs ends."""
    if len(password) < MIN_PASSWORD:
        raise Unprocessable(f"a password needs at least {MIN_PASSWORD} characters")
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user named {name!r}")
    row = session.get(UserPassword, user.id)
    encoded = _hasher.hash(password)
    if row is None:
        session.add(UserPassword(user_id=user.id, password_hash=encoded, updated_at=now))
    else:
        row.password_hash, row.updated_at = encoded, now
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.flush()


def ensure_demo_passwords(*, session: Session, names: list[str], now: datetime) -> int:
    """Give the named demo users the demo password when they have none; how many got it."""
    given = 0
    for name in names:
        user_id = session.scalar(select(User.id).where(User.name == name))
        if user_id is not None and session.get(UserPassword, user_id) is None:
            set_password(session=session, name=name, password=DEMO_PASSWORD, now=now)
            given += 1
    return given


def _recent_failures(session: Session, now: datetime, username: str, address: str) -> bool:
    since = now - THROTTLE_WINDOW
    by_user = session.scalar(
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.username == username, SignInAttempt.at > since)
    )
    by_address = session.scalar(
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.address == address, SignInAttempt.at > since)
    )
    return (by_user or 0) >= MAX_FAILURES_PER_USER or (by_address or 0) >= MAX_FAILURES_PER_ADDRESS


def sign_in(
    *, session: Session, username: str, password: str, address: str, now: datetime
) -> tuple[str, SignedIn]:
    """Check the password and open a session; the cookie value and who signed in."""
    username = username.strip()[:100]
    if _recent_failures(session, now, username, address):
        raise SignInRefused(
            "Too many failed sign-ins. Wait 15 minutes, then try again.", throttled=True
        )
    user = session.scalar(select(User).where(User.name == username))
    stored = session.get(UserPassword, user.id) if user is not None else None
    try:
        _hasher.verify(stored.password_hash if stored else _DUMMY_HASH, password)
        ok = stored is not None and user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        session.add(SignInAttempt(username=username, address=address, at=now))
        session.flush()
        raise SignInRefused("Enter a correct username and password.")
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + ABSOLUTE_TIMEOUT,
        address=address[:64],
    )
    session.add(row)
    session.flush()
    actor = Actor(id=user.id, name=user.name, roles=frozenset(user.roles))
    audit.record(session=session, actor=actor, action="user.signed_in", at=now)
    return token, SignedIn(actor, user.display_name or user.name, row.csrf_token, row.id)


def current(*, session: Session, token: str, now: datetime) -> SignedIn | None:
    """The live session a cookie names, or None (unknown, revoked, idle or expired)."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.last_seen_at + IDLE_TIMEOUT <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    # Touch at most once a minute: every page view need not be a write.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    actor = Actor(id=user.id, name=user.name, roles=frozenset(user.roles))
    return SignedIn(actor, user.display_name or user.name, row.csrf_token, row.id)


def sign_out(*, session: Session, signed_in: SignedIn, now: datetime) -> None:
    """End the session server-side: the cookie is worthless from now on."""
    row = session.get(WebSession, signed_in.session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        audit.record(session=session, actor=signed_in.actor, action="user.signed_out", at=now)
