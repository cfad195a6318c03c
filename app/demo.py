"""Demo data: people in every role and a portfolio of contracts a new user can explore."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import service as auth
from app.auth.models import User
from app.clock import Clock
from app.contracts import service as contracts
from app.contracts.schemas import ContractCreate

DEMO_USERS: list[tuple[str, str, list[str]]] = [
    ("priya", "Priya Shah, programme manager", ["programme_manager"]),
    ("sam", "Sam Okafor, senior responsible owner", ["senior_responsible_owner"]),
    ("chris", "Chris Lee, commercial lead", ["commercial_lead"]),
    ("morgan", "Morgan Ellis, contract manager", ["contract_manager"]),
    ("olu", "Olu Adeyemi, service owner", ["service_owner"]),
    ("ana", "Ana Costa, service assessor", ["assessor"]),
    ("vic", "Vic Turner, auditor (read only)", ["viewer"]),
    ("admin", "Administrator", ["admin"]),
]

DEMO_CONTRACTS: list[dict[str, Any]] = [
    {
        "reference": "DWP-EUC-2019-04",
        "title": "End-user computing and service desk",
        "description": "Laptops, desktop build, service desk and field support for 30,000 staff.",
        "buyer": {"name": "Department for Work and Pensions", "identifier": "GB-GOR-D10"},
        "suppliers": [
            {"name": "Northgate Managed Services Ltd", "companies_house_number": "03216425"}
        ],
        "value": {"amount": Decimal("84500000"), "currency": "GBP"},
        "start_date": date(2019, 4, 1),
        "end_date": date(2027, 3, 31),
        "max_end_date": date(2029, 3, 31),
        "notice_period_days": 180,
        "extension_options": [
            {"months": 12, "notice_days": 180},
            {"months": 12, "notice_days": 180},
        ],
        "tier": 1,
    },
    {
        "reference": "HO-HOST-2018-11",
        "title": "Data centre hosting and managed infrastructure",
        "description": "Two data centres, 1,400 virtual servers, backup and disaster recovery.",
        "buyer": {"name": "Home Office", "identifier": "GB-GOR-D22"},
        "suppliers": [{"name": "Fujitsu Services Ltd", "companies_house_number": "00096056"}],
        "value": {"amount": Decimal("126000000"), "currency": "GBP"},
        "start_date": date(2018, 11, 1),
        "end_date": date(2027, 10, 31),
        "max_end_date": date(2028, 10, 31),
        "notice_period_days": 90,
        "notice_in_working_days": True,
        "break_clauses": [{"date": date(2027, 4, 30), "notice_days": 120}],
        "tier": 1,
    },
    {
        "reference": "DFE-APPS-2021-02",
        "title": "Application maintenance for grants systems",
        "description": "Support and small change for six grant management applications.",
        "buyer": {"name": "Department for Education", "identifier": "GB-GOR-D6"},
        "suppliers": [{"name": "Capgemini UK plc", "companies_house_number": "00943935"}],
        "value": {"amount": Decimal("18200000"), "currency": "GBP"},
        "start_date": date(2021, 2, 1),
        "end_date": date(2027, 1, 31),
        "max_end_date": date(2028, 1, 31),
        "notice_period_days": 90,
        "extension_options": [{"months": 12, "notice_days": 90}],
        "tier": 2,
    },
    {
        "reference": "MOJ-NET-2020-07",
        "title": "Wide area network and telephony",
        "description": "WAN for 400 sites, SIP telephony and contact centre platform.",
        "buyer": {"name": "Ministry of Justice", "identifier": "GB-GOR-D18"},
        "suppliers": [{"name": "BT plc", "companies_house_number": "04190816"}],
        "value": {"amount": Decimal("42000000"), "currency": "GBP"},
        "start_date": date(2020, 7, 1),
        "end_date": date(2026, 12, 31),
        "max_end_date": date(2027, 12, 31),
        "notice_period_days": 60,
        "tier": 2,
    },
]


def load_demo(*, session: Session, clock: Clock, if_empty: bool) -> list[str] | None:
    """Create the demo users and portfolio; return 'name token' lines, or None if skipped."""
    if if_empty and session.scalar(select(func.count()).select_from(User)):
        return None
    now = clock.now()
    lines = ["# demo users: name, roles, API token (use as 'Authorization: Bearer <token>')"]
    actors = {}
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
        actors[name] = auth.Actor(id=user.id, name=name, roles=frozenset(roles))
        lines.append(f"{name:<7} {','.join(roles):<26} {token}")
    for data in DEMO_CONTRACTS:
        contracts.create(
            session=session,
            data=ContractCreate.model_validate(data),
            actor=actors["priya"],
            now=now,
        )
    return lines
