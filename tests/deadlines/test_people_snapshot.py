"""Who may be reminded is read once per transaction, not once per flush or per deadline."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth
from app.auth.models import User
from app.clock import FrozenClock
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.schemas import ContractCreate
from app.delivery.channels import recipients, roster_fingerprint


def _contract(n: int) -> ContractCreate:
    return ContractCreate.model_validate(
        {
            "reference": f"SNAP-{n}",
            "title": f"Contract {n}",
            "buyer": {"name": "Borsetshire Council"},
            "start_date": "2025-01-01",
            "end_date": "2028-06-30",
            "notice_period_days": 90,
        }
    )


def _count_user_reads(session: Session) -> list[str]:
    seen: list[str] = []

    @event.listens_for(session.get_bind(), "before_cursor_execute")
    def _count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        flat = " ".join(statement.split())
        if flat.startswith("SELECT") and ("FROM user " in flat or 'FROM "user" ' in flat):
            seen.append(statement)

    return seen


def test_one_transaction_reads_the_users_once(
    db: sessionmaker[Session], settings: Settings, clock: FrozenClock
) -> None:
    with db.begin() as session:
        auth.create_user(
            session=session, name="priya", roles=["programme_manager"], now=clock.now()
        )
    with db.begin() as session:
        reads = _count_user_reads(session)
        for n in range(5):  # each create flushes, plans reminders and fingerprints the roster
            contracts.create(
                session=session, data=_contract(n), actor=None, now=clock.now(), settings=settings
            )
        assert len(reads) == 1
    with db.begin() as session:  # a new transaction reads afresh
        reads = _count_user_reads(session)
        roster_fingerprint(session)
        assert len(reads) == 1


def test_a_user_pending_in_the_session_starts_a_new_snapshot(
    db: sessionmaker[Session], settings: Settings, clock: FrozenClock
) -> None:
    with db.begin() as session:
        auth.create_user(
            session=session, name="priya", roles=["programme_manager"], now=clock.now()
        )
    with db.begin() as session:
        before = roster_fingerprint(session)
        session.add(User(name="colin", roles=["programme_manager"], created_at=clock.now()))
        after = roster_fingerprint(session)
        assert after != before
        who = recipients(
            session, roles=["programme_manager"], channels=["in_app"], settings=settings
        )
        assert {r.address for r in who} == {"priya", "colin"}
