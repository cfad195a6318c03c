"""Handover's own OCDS files for the demo: fictional contracts, dated from today.

The demo imports these through the real importer when the published Contracts Finder samples
are not beside the repository, so its imported-contract stories are there on any machine.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

PUBLISHER = {"name": "Handover demo (fictional data)"}
LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _party(pid: str, name: str, role: str, coh: str | None = None) -> dict[str, Any]:
    party: dict[str, Any] = {"id": pid, "name": name, "roles": [role]}
    if coh is not None:
        party["identifier"] = {"scheme": "GB-COH", "id": coh, "legalName": name}
    return party


def _release(
    today: date,
    key: str,
    *,
    title: str,
    description: str,
    buyer: str,
    suppliers: list[tuple[str, str | None]],
    amount: int,
    ends_in: int,
    years: int,
) -> dict[str, Any]:
    """One award release: a buyer, its suppliers (name, Companies House number), a period."""
    end = today + timedelta(days=ends_in)
    start = end - timedelta(days=round(365.25 * years)) + timedelta(days=1)
    ocid = f"ocds-hvdemo-{key}"
    supplier_parties = [
        _party(f"{key}-s{i}", name, "supplier", coh) for i, (name, coh) in enumerate(suppliers)
    ]
    return {
        "ocid": ocid,
        "id": f"{ocid}-award",
        "date": _stamp(start - timedelta(days=30)),
        "tag": ["award"],
        "initiationType": "tender",
        "buyer": {"id": f"{key}-b", "name": buyer},
        "parties": [_party(f"{key}-b", buyer, "buyer"), *supplier_parties],
        "tender": {"id": f"{key}-t", "title": title, "description": description},
        "awards": [
            {
                "id": f"{key}-a",
                "status": "active",
                "value": {"amount": amount, "currency": "GBP"},
                "suppliers": [{"id": p["id"], "name": p["name"]} for p in supplier_parties],
                "contractPeriod": {"startDate": _stamp(start), "endDate": _stamp(end)},
            }
        ],
    }


def demo_releases(today: date) -> dict[str, dict[str, Any]]:
    """The fictional award releases by story key (the keys REAL_CONTRACTS uses).

    Each ends more than 455 days from today, so none has missed choosing its routes (a
    year's build and 90 days' handover before the end, no notice period being published).
    """
    return {
        "triaged": _release(
            today,
            "housing",
            title="Housing management system",
            description="Rents, repairs and lettings for 18,000 council homes.",
            buyer="Borsetshire County Council",
            suppliers=[("Ambridge Digital Ltd", "09876543")],
            amount=2_100_000,
            ends_in=560,
            years=5,
        ),
        "withdrawn": _release(
            today,
            "sdaas",
            title="Software development as a service",
            description="Agile delivery teams called off for digital projects.",
            buyer="University of Felpersham",
            suppliers=[
                ("Hollerton Software Ltd", "08123456"),
                ("Penny Hassett Code Ltd", "07234567"),
                ("Loxley Barrett Labs", None),
            ],
            amount=1_000_000,
            ends_in=480,
            years=4,
        ),
        "decomposed": _release(
            today,
            "cyber",
            title="Cyber security services",
            description="Security operations centre and IT health checks.",
            buyer="Midsomer Integrated Care Board",
            suppliers=[("Causton Cyber Ltd", "06345678"), ("Badger's Drift Security", None)],
            amount=25_000_000,
            ends_in=520,
            years=4,
        ),
        "approved": _release(
            today,
            "dictation",
            title="Digital dictation, speech recognition and outsourced transcription",
            description="Dictation software for clinicians and a typing service for letters.",
            buyer="Holby City Hospitals NHS Trust",
            suppliers=[("Wyvern Voice Ltd", "05456789")],
            amount=6_000_000,
            ends_in=610,
            years=5,
        ),
        "imported": _release(
            today,
            "medical",
            title="Medical IT futures framework agreement",
            description="Clinical systems advice and integration for medical centres.",
            buyer="Casterbridge Health Informatics",
            suppliers=[("Mellstock Systems Ltd", "04567890"), ("Weatherbury IT", None)],
            amount=3_500_000,
            ends_in=500,
            years=3,
        ),
    }


def demo_files(today: date) -> list[tuple[str, dict[str, Any]]]:
    """The demo's OCDS files: a release package (one contract's tender, then every award)
    and a record package, as publishers issue both."""
    releases = demo_releases(today)
    housing = releases["triaged"]
    tender = {
        **{k: housing[k] for k in ("ocid", "buyer", "tender")},
        "parties": housing["parties"][:1],  # the buyer: no supplier until the award
        "id": f"{housing['ocid']}-tender",
        "date": _stamp(date.fromisoformat(housing["date"][:10]) - timedelta(days=90)),
        "tag": ["tender"],
    }
    package = {
        "uri": "https://handover.example/demo/releases.json",
        "version": "1.1",
        "publisher": PUBLISHER,
        "license": LICENCE,
        "publishedDate": _stamp(today),
        "releases": [tender, *(r for k, r in releases.items() if k != "imported")],
    }
    medical = releases["imported"]
    record = {
        "uri": "https://handover.example/demo/records.json",
        "version": "1.1",
        "publisher": PUBLISHER,
        "license": LICENCE,
        "publishedDate": _stamp(today),
        "records": [
            {
                "ocid": medical["ocid"],
                "releases": [
                    {"url": "https://handover.example/demo/releases.json", **_ref(medical)}
                ],
                "compiledRelease": {**medical, "id": f"{medical['ocid']}-compiled"},
            }
        ],
    }
    return [("handover-demo-releases.json", package), ("handover-demo-records.json", record)]


def _ref(release: dict[str, Any]) -> dict[str, Any]:
    return {"date": release["date"], "tag": release["tag"]}
