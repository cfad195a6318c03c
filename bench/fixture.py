"""The bench's own database: a user, contracts and pingpong cases, made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, bindparam, select, text

from app.auth import service as auth
from app.cases.models import Case
from app.cases.service import Ctx, open_case
from app.clock import SystemClock
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.schemas import ContractCreate
from app.db.migrate import upgrade
from app.db.session import make_engine, make_sessionmaker
from app.workflows.registry import WorkflowRegistry
from bench.lean import metadata as lean_metadata

WORKFLOWS = Path(__file__).parent / "workflows"
CONTRACTS = 60  # more than one 50-item page
CONNECTIONS_MAX = 16


@dataclass
class Fixture:
    """What the runs need: the token, the cases each app fires, the case both apps read."""

    url: str
    token: str
    handover_cases: list[int]
    lean_cases: list[int]
    read_case: int
    engine: Engine

    def start_args(self, cases: list[int]) -> list[str]:
        """'id:trigger' per case: the trigger its current state takes first."""
        stmt = select(Case.id, Case.state).where(Case.id.in_(bindparam("ids", expanding=True)))
        with self.engine.connect() as conn:
            state = {row.id: row.state for row in conn.execute(stmt, {"ids": cases})}
        return [f"{c}:{'check' if state[c] == 'ready' else 'reset'}" for c in cases]


def prepare(url: str) -> Fixture:
    """Migrate, then make a user and token, 60 contracts and 33 pingpong cases."""
    upgrade(url)
    settings = Settings(database_url=url, workflows_dir=str(WORKFLOWS))
    engine = make_engine(settings)
    lean_metadata.create_all(engine)
    clock = SystemClock()
    registry = WorkflowRegistry.from_directory(settings.workflows_dir)
    with make_sessionmaker(engine).begin() as session:
        user = auth.create_user(
            session=session, name="bench", roles=["programme_manager"], now=clock.now()
        )
        token = auth.issue_token(session=session, user=user, now=clock.now())
        actor = auth.Actor(id=user.id, name="bench", roles=frozenset(user.roles))
        ids = [
            contracts.create(
                session=session,
                data=ContractCreate(
                    reference=f"BENCH-{i}",
                    title=f"Bench contract {i}",
                    buyer={"name": "Bench Council"},
                    suppliers=[{"name": f"Supplier {i % 7}"}],
                    start_date="2024-01-01",
                    end_date="2030-01-01",
                ),
                actor=actor,
                now=clock.now(),
                settings=settings,
            ).id
            for i in range(CONTRACTS)
        ]
        ctx = Ctx(session=session, registry=registry, clock=clock, actor=actor, settings=settings)
        cases = [
            open_case(ctx, workflow="pingpong", contract_id=ids[i % CONTRACTS]).id
            for i in range(2 * CONNECTIONS_MAX + 1)
        ]
    with engine.connect() as conn:  # plans from real statistics on PostgreSQL
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
            conn.commit()
    return Fixture(
        url=url,
        token=token,
        handover_cases=cases[:CONNECTIONS_MAX],
        lean_cases=cases[CONNECTIONS_MAX : 2 * CONNECTIONS_MAX],
        read_case=cases[-1],
        engine=engine,
    )
