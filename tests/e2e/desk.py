"""Handover as a programme manager's desk sees it over REST: people, evidence, checked calls.

Shared by the programme manager's day (test_programme_manager_day.py and its day_*.py phases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from app.clock import FrozenClock

DOCS = "https://docs.example.gov.uk/home-office/ho-ipt-2019-0147"
FTS = "https://www.find-tender.service.gov.uk/Notice"
MOVED = "case.transitioned"
# Why a review may not close while any child case is still open.
CHILDREN_OPEN = ["all_children_final", "child_in_state"]

# Realistic titles and addresses for each kind of evidence the workflows ask for.
EVIDENCE: dict[str, tuple[str, str]] = {
    "contract_documents": (
        "Signed contract HO-IPT-2019-0147 with schedules 1-27",
        f"{DOCS}/contract/signed-contract-and-schedules.pdf",
    ),
    "spend_analysis": (
        "Spend analysis by service line, FY2022/23 to FY2025/26",
        f"{DOCS}/review/spend-analysis.xlsx",
    ),
    "delivery_model_assessment": (
        "Delivery Model Assessment (Sourcing Playbook), v1.2",
        f"{DOCS}/review/delivery-model-assessment-v1.2.pdf",
    ),
    "should_cost_model": (
        "Should-cost model, public sector comparator",
        f"{DOCS}/review/should-cost-model.xlsx",
    ),
    "assurance_gate_approval": (
        "Digital and technology spend control approval",
        f"{DOCS}/casework/spend-control-approval.pdf",
    ),
    "service_assessment_report": (
        "Service assessment report",
        f"{DOCS}/casework/service-assessment.html",
    ),
    "evaluation_report": (
        "Tender evaluation report, hosting call-off",
        f"{DOCS}/hosting/evaluation-report.pdf",
    ),
    "award_notice": ("Contract award notice (UK6)", f"{FTS}/028811-2027"),
    "contract_details_notice": ("Contract details notice (UK7)", f"{FTS}/031207-2027"),
    "contract_variation": (
        "Contract variation CCN-041: six-month extension for the service desk",
        f"{DOCS}/contract/ccn-041-extension.pdf",
    ),
    "handover_record": ("Handover record", f"{DOCS}/exit/handover-record.pdf"),
    "data_archive_record": (
        "Record of archive: reporting warehouse to The National Archives transfer",
        f"{DOCS}/reporting/data-archive-record.pdf",
    ),
    "data_destruction_certificate": (
        "Supplier certificate of data destruction and asset return",
        f"{DOCS}/reporting/data-destruction-certificate.pdf",
    ),
    "supplier_exit_plan": ("Supplier exit plan, agreed version 3", f"{DOCS}/exit/exit-plan-v3.pdf"),
    "notice_letter": (
        "Notice of termination letter to the supplier",
        f"{DOCS}/exit/notice-of-termination.pdf",
    ),
    "termination_notice": ("Contract termination notice (UK11)", f"{FTS}/019934-2028"),
    "lessons_learned": ("Lessons learned report", f"{DOCS}/exit/lessons-learned.pdf"),
}

CONTRACT: dict[str, Any] = {
    "reference": "HO-IPT-2019-0147",
    "title": "Immigration platform technologies: hosting, application support and reporting",
    "description": (
        "Managed hosting of the immigration casework estate, support of the case management "
        "application, the legacy reporting suite and a 24x7 service desk."
    ),
    "buyer": {"name": "Home Office", "identifier": "GB-GOR-D1059"},
    "suppliers": [{"name": "Albion Managed Services Ltd", "companies_house_number": "04817392"}],
    "value": {"amount": "48000000.00", "currency": "GBP"},
    "start_date": "2019-10-01",
    "end_date": "2027-09-30",
    "max_end_date": "2028-03-31",
    "notice_period_days": 180,
    "extension_options": [{"months": 6, "notice_days": 90}],
}


@dataclass(frozen=True)
class Person:
    """Someone at the Home Office with a Handover account."""

    name: str
    headers: dict[str, str]


def ev(kind: str, title: str | None = None) -> dict[str, str]:
    """One evidence item of `kind` (the title may be made more specific)."""
    default_title, url = EVIDENCE[kind]
    return {"title": title or default_title, "url": url, "kind": kind}


def codes(body: dict[str, Any]) -> list[str]:
    """The codes of an error's problems, in order."""
    return [p["code"] for p in body.get("problems", [])]


class Desk:
    """Handover as seen from a browser tab: REST calls, each checked."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.last_event: dict[str, Any] = {}

    def get(self, who: Person, url: str, **params: Any) -> Any:
        res = self.client.get(url, headers=who.headers, params=params)
        assert res.status_code == 200, f"GET {url}: {res.status_code} {res.text}"
        return res.json()

    def case(self, who: Person, case: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.get(who, f"/api/cases/{case['id']}")
        return result

    def pages(self, who: Person, url: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated list, following `next`."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.get(who, url, **params, **({"cursor": cursor} if cursor else {}))
            items.extend(page["items"])
            cursor = page["next"]
            if cursor is None:
                return items

    def options(self, who: Person, case: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """What the caller may do next on the case, by trigger."""
        listed = self.get(who, f"/api/cases/{case['id']}/transitions")
        return {o["trigger"]: o for o in listed}

    def open(self, who: Person, workflow: str, contract: dict[str, Any]) -> dict[str, Any]:
        res = self.client.post(
            "/api/cases",
            json={"workflow": workflow, "contract_id": contract["id"]},
            headers=who.headers,
        )
        assert res.status_code == 201, res.text
        result: dict[str, Any] = res.json()
        return result

    def component(
        self, who: Person, review: dict[str, Any], name: str, description: str, route: str
    ) -> dict[str, Any]:
        res = self.client.post(
            f"/api/cases/{review['id']}/components",
            json={"name": name, "description": description, "route": route},
            headers=who.headers,
        )
        assert res.status_code == 201, res.text
        child: dict[str, Any] = res.json()
        assert child["workflow"] == "service_component" and child["parent_id"] == review["id"]
        assert child["state"] == "identified" and child["title"] == name
        assert child["data"]["suggested_route"] == route and child["route"] is None
        return child

    def _fire(
        self,
        who: Person,
        case: dict[str, Any],
        trigger: str,
        reason: str | None,
        data: dict[str, Any] | None,
        evidence: list[dict[str, str]] | None,
    ) -> Any:
        body: dict[str, Any] = {"trigger": trigger, "expected_version": case["version"]}
        if reason is not None:
            body["reason"] = reason
        if data:
            body["data"] = data
        if evidence:
            body["evidence"] = evidence
        return self.client.post(
            f"/api/cases/{case['id']}/transitions", json=body, headers=who.headers
        )

    def step(
        self,
        who: Person,
        case: dict[str, Any],
        trigger: str,
        *,
        to: str,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
        evidence: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Fire a trigger that must succeed; returns the case after it."""
        res = self._fire(who, case, trigger, reason, data, evidence)
        assert res.status_code == 200, f"{trigger} on case {case['id']}: {res.text}"
        body: dict[str, Any] = res.json()
        after: dict[str, Any] = body["case"]
        event = body["event"]
        assert after["state"] == to, (trigger, after["state"], to)
        assert after["version"] > case["version"]
        assert res.headers["ETag"] == f'"{after["version"]}"'
        assert event["action"] == "case.transitioned" and event["trigger"] == trigger
        assert (event["from_state"], event["to_state"]) == (case["state"], to)
        assert event["actor"] == who.name and event["case_id"] == case["id"]
        assert event["reason"] == reason and event["evidence"] == (evidence or [])
        self.last_event = event
        return after

    def refused(
        self,
        who: Person,
        case: dict[str, Any],
        trigger: str,
        status: int,
        error: str,
        problems: list[str],
        *,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
        evidence: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Fire a trigger that must be refused; the case must not change. Returns the error."""
        res = self._fire(who, case, trigger, reason, data, evidence)
        assert res.status_code == status, f"{trigger} on case {case['id']}: {res.text}"
        body: dict[str, Any] = res.json()
        assert body["error"] == error, body
        assert codes(body) == problems, body
        assert body["detail"], body
        again = self.case(who, case)
        assert (again["state"], again["version"]) == (case["state"], case["version"])
        return body


def advance_to(clock: Any, day: date) -> None:
    """Move the injected clock forward to the same time of day on `day`."""
    assert day > clock.today()
    clock.advance(days=(day - clock.today()).days)


@dataclass
class Day:
    """The desk, the clock and the people at work, and the contract and its cases as they stand."""

    desk: Desk
    clock: FrozenClock
    priya: Person
    sam: Person
    dana: Person
    chen: Person
    sol: Person
    asha: Person
    colin: Person
    contract: dict[str, Any] = field(default_factory=dict)
    review: dict[str, Any] = field(default_factory=dict)
    components: list[dict[str, Any]] = field(default_factory=list)
    hosting: dict[str, Any] = field(default_factory=dict)
    casework: dict[str, Any] = field(default_factory=dict)
    reporting: dict[str, Any] = field(default_factory=dict)
    service_desk: dict[str, Any] = field(default_factory=dict)
    exit_case: dict[str, Any] = field(default_factory=dict)
    served: date | None = None


def start_the_day(
    client: TestClient, clock: FrozenClock, make_user: Callable[..., dict[str, str]]
) -> Day:
    """Everyone signed up with their roles, on the morning of 25 November 2026."""
    desk = Desk(client)
    priya = Person("priya", make_user("priya", "programme_manager"))
    sam = Person("sam", make_user("sam", "senior_responsible_owner"))
    # Dana is the commercial director and deputy SRO: she can propose and submit, and as an
    # SRO she could approve, but never her own proposals.
    dana = Person("dana", make_user("dana", "commercial_lead", "senior_responsible_owner"))
    chen = Person("chen", make_user("chen", "commercial_lead"))
    sol = Person("sol", make_user("sol", "service_owner"))
    asha = Person("asha", make_user("asha", "assessor"))
    colin = Person("colin", make_user("colin", "contract_manager"))
    today = date(2026, 11, 25)
    assert clock.today() == today
    return Day(desk, clock, priya, sam, dana, chen, sol, asha, colin)
