"""Delivery configuration: which channels are on, the notifiers, and who receives what.

Recipients: a reminder row is addressed to one person (or the webhook), chosen from the
active users who hold the policy's roles when the row is planned. The people change
after planning (a role given or taken away, a user deactivated, a new e-mail address),
so each deadline records the roster it was planned for (`roster_fingerprint`) and every
scheduler pass, before it sends anything, re-targets the open deadlines planned for
another roster (roster.reconcile): newcomers get the slots still to come, rows of people
who left are cancelled. An unchanged roster costs one query per pass.

Nobody to tell: when no active user holds any of a reminder's roles it goes to the
senior responsible owner, else to the admins; an escalation with no senior responsible
owner also goes to the admins. Every pass reports the roles nobody holds (warnings).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.clock import Clock
from app.config import Settings
from app.delivery.notifiers import Notifier, SmtpNotifier, WebhookNotifier


def enabled_channels(settings: Settings, policy_channels: Iterable[str]) -> list[str]:
    """The policy's channels that are configured, plus the webhook when a URL is set."""
    out = [ch for ch in policy_channels if ch == "in_app" or (ch == "email" and settings.smtp_host)]
    if settings.webhook_url and "webhook" not in out:
        out.append("webhook")
    return out


@dataclass(frozen=True)
class Recipient:
    """One (channel, address) pair, with the user behind it when there is one."""

    channel: str
    address: str
    user_id: int | None


USERS_CACHE = "handover.active_users"


@dataclass
class _People:
    """One transaction's read of who may be reminded, and its digest once computed."""

    transaction: object
    users: list[User]
    roster: str | None = None


def _people(session: Session) -> _People:
    """This transaction's snapshot of the active users.

    Its lifetime is the session's root transaction (a bulk import plans reminders for
    thousands of deadlines on one read); a user added, changed or deleted and not yet
    flushed in this session starts a new snapshot.
    """
    cached = session.info.get(USERS_CACHE)
    pending = any(isinstance(o, User) for o in (*session.new, *session.dirty, *session.deleted))
    if (
        not isinstance(cached, _People)
        or cached.transaction is not session.get_transaction()
        or pending
    ):
        users = list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))
        cached = _People(session.get_transaction(), users)
        session.info[USERS_CACHE] = cached
    return cached


def _active_users(session: Session) -> list[User]:
    return _people(session).users


FALLBACK_ROLES = ("senior_responsible_owner", "admin")


def roster_fingerprint(session: Session) -> str:
    """A digest of who may be reminded: active users, their roles and e-mail addresses."""
    people = _people(session)
    cached = people.roster
    if cached is None:
        text = "\n".join(
            f"{u.id}|{u.name}|{(u.email or '').lower()}|{','.join(sorted(u.roles or []))}"
            for u in people.users
        )
        cached = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        people.roster = cached
    return cached


def _held(session: Session, roles: Iterable[str]) -> bool:
    wanted = frozenset(roles)
    return any(wanted.intersection(u.roles or []) for u in _active_users(session))


def roles_for(
    session: Session, roles: Iterable[str], escalation_roles: Iterable[str] = ()
) -> tuple[str, ...]:
    """The roles to address: `roles`, else the first fallback someone holds; see the notes.

    With `escalation_roles` (an escalation) those come first, and the admins are added
    when nobody holds any of them.
    """
    out = tuple(roles)
    if not _held(session, out):
        out = next(((r,) for r in FALLBACK_ROLES if _held(session, (r,))), FALLBACK_ROLES[-1:])
    escalate = tuple(escalation_roles)
    if escalate and not _held(session, escalate):
        escalate += ("admin",)
    return escalate + out


def unheld_roles(session: Session, roles: Iterable[str]) -> list[str]:
    """Which of the roles no active user holds, sorted."""
    return sorted(r for r in set(roles) if not _held(session, (r,)))


def people_named(session: Session, who: Iterable[Recipient]) -> list[str]:
    """The names of the users among the recipients (for the audit trail: no addresses)."""
    ids = {r.user_id for r in who if r.user_id is not None}
    return sorted(u.name for u in _active_users(session) if u.id in ids)


def recipients(
    session: Session, *, roles: Iterable[str], channels: Iterable[str], settings: Settings
) -> list[Recipient]:
    """Who gets a reminder: active users holding any role, per channel; one webhook."""
    wanted = frozenset(roles)
    users = [u for u in _active_users(session) if wanted.intersection(u.roles or [])]
    out: list[Recipient] = []
    for channel in channels:
        if channel == "webhook" and settings.webhook_url:
            out.append(Recipient("webhook", settings.webhook_url, None))
        elif channel == "email":
            seen: set[str] = set()
            for u in users:
                if u.email and u.email.lower() not in seen:
                    seen.add(u.email.lower())
                    out.append(Recipient("email", u.email.lower(), u.id))
        elif channel == "in_app":
            out.extend(Recipient("in_app", u.name, u.id) for u in users)
    return out


@dataclass
class Channels:
    """The notifiers that talk to the outside world; in_app needs none (it is a row)."""

    email: Notifier | None = None
    webhook: Notifier | None = None

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> Channels:
        """Notifiers for the configured SMTP relay and webhook endpoint."""
        email = webhook = None
        if settings.smtp_host:
            email = SmtpNotifier(
                settings.smtp_host,
                settings.smtp_port,
                sender=settings.smtp_sender,
                starttls=settings.smtp_starttls,
                ssl=settings.smtp_ssl,
                username=settings.smtp_username,
                password=settings.smtp_password,
                clock=clock,
            )
        if settings.webhook_url:
            secret = settings.webhook_secret or settings.secret_key
            webhook = WebhookNotifier(
                settings.webhook_url, secret, settings.webhook_timeout_seconds, clock=clock
            )
        return cls(email=email, webhook=webhook)

    def for_channel(self, channel: str) -> Notifier | None:
        """The notifier of an external channel, or None."""
        return {"email": self.email, "webhook": self.webhook}.get(channel)
