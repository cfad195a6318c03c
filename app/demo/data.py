"""The demo's people and hand-made contracts, modelled on typical UK government IT deals."""

from __future__ import annotations

from datetime import date, timedelta
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


def demo_contracts(today: date) -> dict[str, dict[str, Any]]:
    """The hand-made contracts, dated from today so every story reads the same on any day."""

    def terms(end_in: int, years: int, notice: int, **more: Any) -> dict[str, Any]:
        # Dates in days from today; notice falls `notice` days before the end, and choosing
        # routes is due 455 days before notice (a year's build plus 90 days' handover).
        end = today + timedelta(days=end_in)
        start = end - timedelta(days=round(365.25 * years)) + timedelta(days=1)
        return {"start_date": start, "end_date": end, "notice_period_days": notice, **more}

    def later(days: int) -> date:
        return today + timedelta(days=days)

    return {
        # Under review: notice in about 17 months, routes to choose within about 9 weeks.
        "euc": _contract(
            reference="DWP-EUC-04",
            title="End-user computing and service desk",
            description="Laptops, desktop build, service desk and field support for 30,000 staff.",
            buyer={"name": "Department for Work and Pensions", "identifier": "GB-GOR-D10"},
            suppliers=[
                {"name": "Northgate Managed Services Ltd", "companies_house_number": "03216425"}
            ],
            value={"amount": Decimal("84500000"), "currency": "GBP"},
            **terms(700, 8, 180, max_end_date=later(700 + 740)),
            extension_options=[{"months": 12, "notice_days": 180}] * 2,
            tier=1,
        ),
        # Awaiting the SRO: a break clause in about 19 months, notice in working days.
        "hosting": _contract(
            reference="HO-HOST-11",
            title="Data centre hosting and managed infrastructure",
            description="Two data centres, 1,400 virtual servers, backup and disaster recovery.",
            buyer={"name": "Home Office", "identifier": "GB-GOR-D22"},
            suppliers=[{"name": "Fujitsu Services Ltd", "companies_house_number": "00096056"}],
            value={"amount": Decimal("126000000"), "currency": "GBP"},
            **terms(760, 9, 90, max_end_date=later(760 + 366), notice_in_working_days=True),
            break_clauses=[{"date": later(580), "notice_days": 120}],
            tier=1,
        ),
        # In transition: notice served today, well before it is due (in about 15 months).
        "grants": _contract(
            reference="DFE-APPS-02",
            title="Application maintenance for grants systems",
            description="Support and small change for six grant management applications.",
            buyer={"name": "Department for Education", "identifier": "GB-GOR-D6"},
            suppliers=[{"name": "Capgemini UK plc", "companies_house_number": "00943935"}],
            value={"amount": Decimal("18200000"), "currency": "GBP"},
            **terms(560, 6, 90, max_end_date=later(560 + 370)),
            extension_options=[{"months": 12, "notice_days": 90}],
            # Exit services are called for six months ahead (Model Services Contract
            # Schedule 8.5): the exit period starts with that notice.
            termination_assistance_notice_days=183,
            tier=2,
        ),
        # Still at intake six weeks before its end: notice was due 18 days ago.
        "network": _contract(
            reference="MOJ-NET-07",
            title="Wide area network and telephony",
            description="WAN for 400 sites, SIP telephony and contact centre platform.",
            buyer={"name": "Ministry of Justice", "identifier": "GB-GOR-D18"},
            suppliers=[{"name": "BT plc", "companies_house_number": "04190816"}],
            value={"amount": Decimal("42000000"), "currency": "GBP"},
            **terms(42, 6, 60, max_end_date=later(42 + 365)),
            tier=2,
        ),
        "contact": _contract(
            reference="HMRC-CC-03",
            title="Contact centre platform and telephony",
            description="Cloud contact centre for 9,000 advisers, IVR and call recording.",
            buyer={"name": "HM Revenue and Customs", "identifier": "GB-GOR-D25"},
            suppliers=[
                {"name": "Capita Business Services Ltd", "companies_house_number": "02299747"}
            ],
            value={"amount": Decimal("61000000"), "currency": "GBP"},
            **terms(820, 8, 270, max_end_date=later(820 + 740)),
            extension_options=[{"months": 24, "notice_days": 270}],
            tier=1,
        ),
        # On hold; it cannot be extended (its latest end is its end).
        "mainframe": _contract(
            reference="DVLA-MF-09",
            title="Mainframe application support",
            description="COBOL application support and change for driver and vehicle records.",
            buyer={"name": "Driver and Vehicle Licensing Agency", "identifier": "GB-GOR-EA74"},
            suppliers=[{"name": "IBM United Kingdom Ltd", "companies_house_number": "00741598"}],
            value={"amount": Decimal("37500000"), "currency": "GBP"},
            **terms(640, 10, 120, max_end_date=later(640)),
            tier=1,
        ),
        "payroll": _contract(
            reference="CO-HRP-01",
            title="HR and payroll shared service",
            description="Payroll, HR self-service and pensions interface for 12,000 staff.",
            buyer={"name": "Cabinet Office", "identifier": "GB-GOR-D2"},
            suppliers=[
                {"name": "Shared Services Connected Ltd", "companies_house_number": "08572089"}
            ],
            value={"amount": Decimal("9800000"), "currency": "GBP"},
            **terms(900, 9, 180, max_end_date=later(900 + 366)),
            tier=3,
        ),
        # Ended 75 days ago, every line replaced: its review is closed.
        "print": _contract(
            reference="DESNZ-PPS-10",
            title="Print, scanning and post room services",
            description="Managed print in 60 offices, inbound scanning and outbound post.",
            buyer={"name": "Department for Energy Security and Net Zero"},
            suppliers=[{"name": "Printwise Managed Services Ltd"}],
            value={"amount": Decimal("6400000"), "currency": "GBP"},
            **terms(-75, 7, 90, max_end_date=later(-75)),
            tier=3,
        ),
    }


# Real Contracts Finder releases (../shared/data/ocds/contracts-finder) that fit the portfolio,
# digital and technology contracts from the published register, by the story each one tells;
# without them the demo tells the same stories with app/demo/ocds.py's fictional releases.
REAL_CONTRACTS = {
    "triaged": "ocds-b5fd17raw-77499632-aad0-40d4-8084-06e0d032b29b.json",
    "withdrawn": "ocds-b5fd17raw-1f59613d-9095-4a12-89ec-88d3372dda97.json",
    "decomposed": "ocds-b5fd17raw-2151c2ad-a80a-4bdd-8346-c8917fe8578d.json",
    "approved": "ocds-b5fd17raw-b34dca0d-b833-409e-ad68-99f6690e1e79.json",
    "imported": "ocds-b5fd17raw-5342c08b-e435-43e4-9bbb-479b61a61122.json",
}
