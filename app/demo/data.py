"""The demo's people and hand-made contracts, modelled on typical UK government IT deals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

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


def _contract(**fields: Any) -> dict[str, Any]:
    return fields


DEMO_CONTRACTS: dict[str, dict[str, Any]] = {
    "euc": _contract(
        reference="DWP-EUC-2019-04",
        title="End-user computing and service desk",
        description="Laptops, desktop build, service desk and field support for 30,000 staff.",
        buyer={"name": "Department for Work and Pensions", "identifier": "GB-GOR-D10"},
        suppliers=[
            {"name": "Northgate Managed Services Ltd", "companies_house_number": "03216425"}
        ],
        value={"amount": Decimal("84500000"), "currency": "GBP"},
        start_date=date(2019, 4, 1),
        end_date=date(2027, 3, 31),
        max_end_date=date(2029, 3, 31),
        notice_period_days=180,
        extension_options=[{"months": 12, "notice_days": 180}, {"months": 12, "notice_days": 180}],
        tier=1,
    ),
    "hosting": _contract(
        reference="HO-HOST-2018-11",
        title="Data centre hosting and managed infrastructure",
        description="Two data centres, 1,400 virtual servers, backup and disaster recovery.",
        buyer={"name": "Home Office", "identifier": "GB-GOR-D22"},
        suppliers=[{"name": "Fujitsu Services Ltd", "companies_house_number": "00096056"}],
        value={"amount": Decimal("126000000"), "currency": "GBP"},
        start_date=date(2018, 11, 1),
        end_date=date(2027, 10, 31),
        max_end_date=date(2028, 10, 31),
        notice_period_days=90,
        notice_in_working_days=True,
        break_clauses=[{"date": date(2027, 4, 30), "notice_days": 120}],
        tier=1,
    ),
    "grants": _contract(
        reference="DFE-APPS-2021-02",
        title="Application maintenance for grants systems",
        description="Support and small change for six grant management applications.",
        buyer={"name": "Department for Education", "identifier": "GB-GOR-D6"},
        suppliers=[{"name": "Capgemini UK plc", "companies_house_number": "00943935"}],
        value={"amount": Decimal("18200000"), "currency": "GBP"},
        start_date=date(2021, 2, 1),
        end_date=date(2027, 6, 30),
        max_end_date=date(2028, 6, 30),
        notice_period_days=90,
        extension_options=[{"months": 12, "notice_days": 90}],
        tier=2,
    ),
    "network": _contract(
        reference="MOJ-NET-2020-07",
        title="Wide area network and telephony",
        description="WAN for 400 sites, SIP telephony and contact centre platform.",
        buyer={"name": "Ministry of Justice", "identifier": "GB-GOR-D18"},
        suppliers=[{"name": "BT plc", "companies_house_number": "04190816"}],
        value={"amount": Decimal("42000000"), "currency": "GBP"},
        start_date=date(2020, 7, 1),
        end_date=date(2026, 12, 31),
        max_end_date=date(2027, 12, 31),
        notice_period_days=60,
        tier=2,
    ),
    "contact": _contract(
        reference="HMRC-CC-2020-03",
        title="Contact centre platform and telephony",
        description="Cloud contact centre for 9,000 advisers, IVR and call recording.",
        buyer={"name": "HM Revenue and Customs", "identifier": "GB-GOR-D25"},
        suppliers=[{"name": "Capita Business Services Ltd", "companies_house_number": "02299747"}],
        value={"amount": Decimal("61000000"), "currency": "GBP"},
        start_date=date(2020, 3, 1),
        end_date=date(2028, 2, 29),
        max_end_date=date(2030, 2, 28),
        notice_period_days=270,
        extension_options=[{"months": 24, "notice_days": 270}],
        tier=1,
    ),
    "mainframe": _contract(
        reference="DVLA-MF-2017-09",
        title="Mainframe application support",
        description="COBOL application support and change for driver and vehicle records.",
        buyer={"name": "Driver and Vehicle Licensing Agency", "identifier": "GB-GOR-EA74"},
        suppliers=[{"name": "IBM United Kingdom Ltd", "companies_house_number": "00741598"}],
        value={"amount": Decimal("37500000"), "currency": "GBP"},
        start_date=date(2017, 9, 1),
        end_date=date(2027, 8, 31),
        max_end_date=date(2027, 8, 31),
        notice_period_days=120,
        tier=1,
    ),
    "payroll": _contract(
        reference="CO-HRP-2019-01",
        title="HR and payroll shared service",
        description="Payroll, HR self-service and pensions interface for 12,000 staff.",
        buyer={"name": "Cabinet Office", "identifier": "GB-GOR-D2"},
        suppliers=[{"name": "Shared Services Connected Ltd", "companies_house_number": "08572089"}],
        value={"amount": Decimal("9800000"), "currency": "GBP"},
        start_date=date(2019, 1, 1),
        end_date=date(2027, 12, 31),
        max_end_date=date(2028, 12, 31),
        notice_period_days=180,
        tier=3,
    ),
    "print": _contract(
        reference="DESNZ-PPS-2019-10",
        title="Print, scanning and post room services",
        description="Managed print in 60 offices, inbound scanning and outbound post.",
        buyer={"name": "Department for Energy Security and Net Zero"},
        suppliers=[{"name": "Printwise Managed Services Ltd"}],
        value={"amount": Decimal("6400000"), "currency": "GBP"},
        start_date=date(2019, 10, 1),
        end_date=date(2026, 9, 30),
        max_end_date=date(2026, 9, 30),
        notice_period_days=90,
        tier=3,
    ),
}

# Real Contracts Finder releases (../shared/data/ocds/contracts-finder) that fit the portfolio:
# digital and technology contracts from the published register.
REAL_CONTRACTS = {
    "synergy": "ocds-b5fd17raw-77499632-aad0-40d4-8084-06e0d032b29b.json",
    "sdaas": "ocds-b5fd17raw-1f59613d-9095-4a12-89ec-88d3372dda97.json",
    "cyber": "ocds-b5fd17raw-2151c2ad-a80a-4bdd-8346-c8917fe8578d.json",
    "dictation": "ocds-b5fd17raw-b34dca0d-b833-409e-ad68-99f6690e1e79.json",
    "medical_it": "ocds-b5fd17raw-5342c08b-e435-43e4-9bbb-479b61a61122.json",
}
