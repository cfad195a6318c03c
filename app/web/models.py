"""Web sign-in: passwords, server-side sessions and sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class UserPassword(Base):
    """A user's web password, as an argon2id hash (API tokens are separate)."""

    __tablename__ = "user_password"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    """The argon2id encoded hash, parameters included."""
    updated_at: Mapped[datetime]


class WebSession(Base):
    """A signed-in browser; the cookie holds a random id whose SHA-256 is stored here."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """Hex SHA-256 of the cookie's value: a database leak does not sign anyone in."""
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    """Sent back in a hidden field by every form that changes something."""
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    """Idle timeout runs from here."""
    expires_at: Mapped[datetime]
    """Absolute timeout, whatever the activity."""
    revoked_at: Mapped[datetime | None]
    """Set by sign-out (or an operator); the row stays as a record."""
    address: Mapped[str | None] = mapped_column(String(64))


class SignInAttempt(Base):
    """One failed sign-in, kept to slow down guessing per user and per address."""

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
