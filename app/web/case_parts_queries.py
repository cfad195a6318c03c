"""The case page parts' SQL: who a handover task can be given to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User


def user_names(session: Session) -> list[str]:
    """The login names of active users, in order (the API checks the one chosen exists)."""
    stmt = select(User.name).where(User.active.is_(True)).order_by(User.name)
    return list(session.scalars(stmt))
