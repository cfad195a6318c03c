"""Demo data: people in every role and a living portfolio a new user can explore."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import service as auth
from app.auth.models import User
from app.cases.ctx import Ctx
from app.cases.models import Case
from app.clock import Clock
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.contracts.schemas import ContractCreate, ContractPatch
from app.demo.data import DEMO_USERS, REAL_CONTRACTS, demo_contracts
from app.demo.desk import Desk
from app.demo.money import record_money
from app.demo.ocds import demo_files, demo_releases
from app.demo.stories import tell_stories
from app.imports.samples import ocds_samples
from app.imports.service import import_ocds
from app.workflows.registry import WorkflowRegistry


@dataclass(frozen=True)
class DemoLoad:
    """What the demo loaded."""

    users: list[str]
    """One 'name roles token' line per demo user."""
    contracts: int
    imported: int
    cases: int
    samples: Path | None
    """The published Contracts Finder folder the imported contracts came from, or None when
    the demo's own fictional OCDS files stood in for them."""

    def summary(self) -> str:
        """One line: what was loaded, and where the imported contracts came from."""
        source = (
            f"the published Contracts Finder samples in {self.samples}"
            if self.samples is not None
            else "Handover's own fictional OCDS files, as the published samples were not found"
            " (set HANDOVER_OCDS_SAMPLES to use them)"
        )
        return (
            f"demo: {self.contracts} contracts and {self.cases} cases;"
            f" {self.imported} of the contracts imported from {source}"
        )


def has_users(session: Session) -> bool:
    """Whether the database already has users (the demo loads only into an empty one)."""
    return bool(session.scalar(select(func.count()).select_from(User)))


def real_samples(given: Path | None = None) -> Path | None:
    """The Contracts Finder folder holding every real release the demo uses, if there is one."""
    found = ocds_samples()
    folder = given or (found / "contracts-finder" if found else None)
    if folder is None or not all((folder / name).is_file() for name in REAL_CONTRACTS.values()):
        return None
    return folder


def load_demo(
    *,
    session: Session,
    clock: Clock,
    registry: WorkflowRegistry,
    settings: Settings,
    real_data: Path | None = None,
) -> DemoLoad | None:
    """Create the demo users and portfolio; None (nothing done) if the database has users."""
    if has_users(session):
        return None
    now = clock.now()
    lines = []
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
    made = demo_contracts(clock.today())
    ids = {
        key: contracts.create(
            session=session,
            data=ContractCreate.model_validate(data),
            actor=people["priya"],
            now=now,
            settings=settings,
        ).id
        for key, data in made.items()
    }
    samples = real_samples(real_data)
    imported = _import(session, people["priya"], clock, samples, settings)
    ids |= imported
    ctx = Ctx(
        session=session, registry=registry, clock=clock, actor=people["priya"], settings=settings
    )
    tell_stories(Desk(ctx=ctx, people=people, registry=registry, clock=clock), ids)
    record_money(
        session=session, clock=clock, commercial=people["chris"], service_owner=people["olu"]
    )
    return DemoLoad(
        users=lines,
        contracts=len(ids),
        imported=len(imported),
        cases=session.scalar(select(func.count()).select_from(Case)) or 0,
        samples=samples,
    )


def _import(
    session: Session, actor: auth.Actor, clock: Clock, samples: Path | None, settings: Settings
) -> dict[str, int]:
    """Import the contracts the imported stories use; their ids by story."""
    files: Iterator[tuple[str, BinaryIO]]
    if samples is not None:
        ocids = {key: Path(name).stem for key, name in REAL_CONTRACTS.items()}
        files = ((name, (samples / name).open("rb")) for name in REAL_CONTRACTS.values())
    else:
        ocids = {key: rel["ocid"] for key, rel in demo_releases(clock.today()).items()}
        files = _own_files(clock)
    for name, stream in files:
        with stream:
            import_ocds(
                session=session,
                stream=stream,
                source_file=name,
                actor=actor,
                now=clock.now(),
                settings=settings,
            )
    ids: dict[str, int] = {}
    for key, ocid in ocids.items():
        contract = session.scalar(select(Contract).where(Contract.ocid == ocid))
        assert contract is not None, f"the demo's OCDS import did not create {ocid}"
        ids[key] = contract.id
        if contract.tier is None:  # published data has no tier: set it as triage would
            contracts.update(
                session=session,
                contract=contract,
                patch=ContractPatch(tier=2, reason="Tier set for the demo"),
                actor=actor,
                now=clock.now(),
                settings=settings,
            )
    return ids


def _own_files(clock: Clock) -> Iterator[tuple[str, BinaryIO]]:
    for name, doc in demo_files(clock.today()):
        yield name, io.BytesIO(json.dumps(doc).encode())
