"""What every case operation carries: the session, the registry, the clock, the actor, settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth.roles import ALL_ROLES
from app.auth.service import Actor
from app.clock import Clock
from app.config import Settings
from app.workflows.registry import WorkflowRegistry

# The actor of follow-on work the system does itself (cancelling children, say).
SYSTEM = Actor(id=0, name="system", roles=frozenset(ALL_ROLES))


@dataclass
class Ctx:
    """What every case operation needs: the session, the registry, the clock, the actor and
    the application's settings (channels, time zone, lead times)."""

    session: Session
    registry: WorkflowRegistry
    clock: Clock
    actor: Actor
    settings: Settings
