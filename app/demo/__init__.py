"""Demo data: people in every role and a living portfolio a new user can explore."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import service as auth
from app.auth.models import User
from app.cases.service import Ctx
from app.clock import Clock
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.contracts.schemas import ContractCreate, ContractPatch
from app.demo.data import DEMO_CONTRACTS, DEMO_USERS, REAL_CONTRACTS
from app.demo.desk import Desk
from app.demo.stories import tell_stories
from app.hooks import install_hooks
from app.imports.samples import ocds_samples
from app.imports.service import import_ocds
from app.workflows.registry import WorkflowRegistry


def load_demo(
    *,
    session: Session,
    clock: Clock,
    registry: WorkflowRegistry,
    if_empty: bool,
    real_data: Path | None = None,
) -> list[str] | None:
    """Create the demo users and portfolio; return 'name roles token' lines, or None if skipped."""
    if if_empty and session.scalar(select(func.count()).select_from(User)):
        return None
    install_hooks()
    now = clock.now()
    lines = ["# demo users: name, roles, API token (send as 'Authorization: Bearer <token>')"]
    people: dict[str, auth.Actor] = {}
    for name, display, roles in DEMO_USERS:
        user = auth.create_user(
            session=session,
            name=name,
            display_name=display,
            roles=roles,
            email=f"{name}@handover.example",
            now=now,
        )
        token = auth.issue_token(session=session, user=user, now=now)
        people[name] = auth.Actor(id=user.id, name=name, roles=frozenset(roles))
        lines.append(f"{name:<7} {','.join(roles):<26} {token}")
    ids = {
        key: contracts.create(
            session=session,
            data=ContractCreate.model_validate(data),
            actor=people["priya"],
            now=now,
        ).id
        for key, data in DEMO_CONTRACTS.items()
    }
    samples = ocds_samples()
    folder = real_data or (samples / "contracts-finder" if samples else None)
    if folder is not None:
        ids |= _import_real(session, people["priya"], clock, folder)
    ctx = Ctx(session=session, registry=registry, clock=clock, actor=people["priya"])
    tell_stories(Desk(ctx=ctx, people=people, registry=registry, clock=clock), ids)
    return lines


def _import_real(session: Session, actor: auth.Actor, clock: Clock, folder: Path) -> dict[str, int]:
    """Import the real Contracts Finder files that fit, when the data is beside the repository."""
    ids: dict[str, int] = {}
    for key, name in REAL_CONTRACTS.items():
        path = folder / name
        if not path.is_file():
            continue
        with path.open("rb") as stream:
            report = import_ocds(
                session=session, stream=stream, source_file=name, actor=actor, now=clock.now()
            )
        if not report.outcomes:
            continue
        contract_id = next(iter(report.outcomes.values()))[0]
        ids[key] = contract_id
        contract = session.get(Contract, contract_id)
        assert contract is not None
        if contract.tier is None:  # published data has no tier: set it as triage would
            contracts.update(
                session=session,
                contract=contract,
                patch=ContractPatch(tier=2, reason="Tier set for the demo"),
                actor=actor,
                now=clock.now(),
            )
    return ids
