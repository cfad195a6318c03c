"""A programme manager's day, over REST only: one Home Office contract from intake to closed.

Priya, a programme manager, takes an outsourced hosting contract through the three shipped
workflows (contract_review, service_component, contract_exit): triage, decomposition into
four service lines on four delivery routes, four-eyes route approvals, the SRO's approval
(which opens the contract exit), months of re-delivery on the injected clock, the exit and
the closure, and then reads the audit trail back to check it tells the whole story.

Nothing here touches the database or the services directly: every step is an HTTP call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from app.clock import FrozenClock

DOCS = "https://docs.example.gov.uk/home-office/ho-ipt-2019-0147"
FTS = "https://www.find-tender.service.gov.uk/Notice"
MOVED = "case.transitioned"

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


def _transition_defs(desk: Desk, who: Person, workflow: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = desk.get(who, f"/api/workflows/{workflow}")["transitions"]
    return result


def _applies(params: dict[str, Any], e: dict[str, Any]) -> bool:
    """Whether a guard with `when_field` (a request field) applied to the recorded request."""
    if "when_field" not in params:
        return True
    return e["details"]["data"].get(params["when_field"]) in params["when_values"]


def _check_decisions(desk: Desk, who: Person, events: list[dict[str, Any]], workflow: str) -> None:
    """Every decision recorded what its transition required: reason, evidence, four-eyes."""
    defs = _transition_defs(desk, who, workflow)
    last_actor: dict[str, str] = {}
    for e in events:
        if e["action"] != "case.transitioned":
            continue
        candidates = [
            t
            for t in defs
            if t["trigger"] == e["trigger"]
            and t["dest"] == e["to_state"]
            and (e["from_state"] in t["sources"] or "*" in t["sources"])
        ]
        assert candidates, e
        kinds = {x.get("kind") for x in e["evidence"]}

        def satisfied(
            t: dict[str, Any], e: dict[str, Any] = e, kinds: set[str | None] = kinds
        ) -> bool:
            if t["requires_reason"] and not (e["reason"] or "").strip():
                return False
            if len(e["evidence"]) < t["requires_evidence"]:
                return False
            wanted = {
                k
                for g in t["guards"]
                if g["name"] == "evidence_kinds" and _applies(g["params"], e)
                for k in g["params"]["kinds"]
            }
            return wanted <= kinds

        assert any(satisfied(t) for t in candidates), (workflow, e)
        for t in candidates:
            proposer = t["not_by_actor_of"]
            if proposer is not None and proposer in last_actor:
                assert e["actor"] != last_actor[proposer], (workflow, e["trigger"], e["actor"])
        last_actor[e["trigger"]] = e["actor"]


def test_programme_manager_takes_a_contract_from_intake_to_closed(
    client: TestClient, clock: FrozenClock, make_user: Callable[..., dict[str, str]]
) -> None:
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

    # ---- 09:00 The contract lands on Priya's desk --------------------------------------------
    res = client.post("/api/contracts", json=CONTRACT, headers=priya.headers)
    assert res.status_code == 201, res.text
    contract = res.json()
    assert contract["tier"] is None and contract["max_end_date"] == "2028-03-31"
    notice = [d for d in contract["deadlines"] if d["kind"] == "notice"]
    assert [d["date"] for d in notice] == [str(date(2027, 9, 30) - timedelta(days=180))]

    review = desk.open(priya, "contract_review", contract)
    assert (review["state"], review["final"], review["parent_id"]) == ("intake", False, None)
    assert review["contract_id"] == contract["id"]

    # ---- 09:10 Triage: the tier must be set first ---------------------------------------------
    problem = desk.refused(
        priya, review, "triage", 422, "transition_blocked", ["contract_field_present"]
    )
    assert "tier" in problem["detail"]
    stale = contract["version"]
    res = client.patch(
        f"/api/contracts/{contract['id']}",
        json={"tier": 2, "reason": "Tier 2: business-critical casework, complex exit"},
        headers={**priya.headers, "If-Match": f'"{stale}"'},
    )
    assert res.status_code == 200, res.text
    contract = res.json()
    assert contract["tier"] == 2 and contract["version"] == stale + 1
    assert res.headers["ETag"] == f'"{contract["version"]}"'
    res = client.patch(
        f"/api/contracts/{contract['id']}",
        json={"tier": 3},
        headers={**priya.headers, "If-Match": f'"{stale}"'},
    )
    assert res.status_code == 412, res.text
    review = desk.step(priya, review, "triage", to="triaged")
    assert review["data"]["stage"] == "triaged"
    review = desk.step(priya, review, "start_review", to="under_review")

    # ---- 10:00 Decomposition into service lines -----------------------------------------------
    decomposition_evidence = [ev("contract_documents"), ev("spend_analysis")]
    desk.refused(
        priya,
        review,
        "record_decomposition",
        422,
        "transition_blocked",
        ["has_children"],
        evidence=decomposition_evidence,
    )
    hosting = desk.component(
        priya,
        review,
        "Hosting",
        "Two Tier III data centres, 340 virtual machines, backup and disaster recovery.",
        "reprocure",
    )
    casework = desk.component(
        priya,
        review,
        "Case management application",
        "The bespoke Java casework system used by 4,200 caseworkers.",
        "build_in_house",
    )
    reporting = desk.component(
        priya,
        review,
        "Legacy reporting",
        "Business Objects reports on the 2012 data warehouse; superseded by the MI platform.",
        "decommission",
    )
    service_desk = desk.component(
        priya,
        review,
        "Service desk",
        "24x7 first- and second-line support for caseworkers.",
        "retain_extend",
    )
    components = [hosting, casework, reporting, service_desk]
    review = desk.step(
        priya, review, "record_decomposition", to="decomposed", evidence=decomposition_evidence
    )
    review = desk.case(priya, review)
    assert [c["title"] for c in review["children"]] == [c["title"] for c in components]
    assert review["rollup"]["children"] == 4 and review["rollup"]["open"] == 4
    assert review["rollup"]["by_route"] == {"undecided": 4}
    assert review["rollup"]["by_state"] == {"identified": 4}

    # ---- 11:00 Options appraisal: the Delivery Model Assessment and should-cost model -------
    desk.refused(
        priya,
        review,
        "appraise_options",
        422,
        "transition_blocked",
        ["evidence_required", "evidence_kinds"],
        evidence=[ev("delivery_model_assessment")],
    )
    review = desk.step(
        priya,
        review,
        "appraise_options",
        to="options_appraised",
        evidence=[ev("delivery_model_assessment"), ev("should_cost_model")],
    )
    # Nobody has proposed a route yet: submitting is blocked, and Handover says why.
    submit = desk.options(priya, review)["submit_for_approval"]
    assert submit["allowed"] is False and submit["dest"] == "awaiting_approval"
    assert [b["code"] for b in submit["blocked_by"]] == ["children_have"]
    detail = submit["blocked_by"][0]["detail"]
    assert "route" in detail
    assert all(f"#{c['id']} ({c['title']})" in detail for c in components), detail
    review = desk.case(priya, review)
    assert review["rollup"]["blocking"] == [
        {
            "trigger": "submit_for_approval",
            "dest": "awaiting_approval",
            "blocked_by": submit["blocked_by"],
        }
    ]
    desk.refused(dana, review, "submit_for_approval", 422, "transition_blocked", ["children_have"])

    # ---- 11:30 Each service line is assessed, then a route proposed ---------------------------
    desk.refused(
        sol,
        hosting,
        "assess",
        422,
        "transition_blocked",
        ["data_required"],
        data={"users": "Caseworkers and Border Force officers"},
    )
    assessments = {
        "Hosting": {
            "users": "All casework systems; 4,200 caseworkers indirectly",
            "data_assets": "Casework databases (OFFICIAL-SENSITIVE), backups for 7 years",
            "dependencies": "PSN connectivity, Home Office identity service",
        },
        "Case management application": {
            "users": "4,200 caseworkers in 11 sites",
            "data_assets": "Immigration case records, 14 million documents",
            "dependencies": "Hosting, Home Office identity service, payments",
        },
        "Legacy reporting": {
            "users": "38 performance analysts",
            "data_assets": "2012-era data warehouse snapshot",
            "dependencies": "Hosting; nightly extract from casework",
        },
        "Service desk": {
            "users": "4,200 caseworkers",
            "data_assets": "Incident history in the supplier's ITSM tool",
            "dependencies": "All service lines",
        },
    }
    hosting, casework, reporting, service_desk = (
        desk.step(sol, c, "assess", to="assessed", data=assessments[c["title"]]) for c in components
    )
    proposals = [
        (chen, hosting, "reprocure", "Commodity hosting; a Crown Hosting call-off is cheaper."),
        (sol, casework, "build_in_house", "Core capability; the DMA favours in-house delivery."),
        (sol, reporting, "decommission", "The MI platform already replaces every report."),
        (dana, service_desk, "retain_extend", "Bridge until the new hosting desk is mobilised."),
    ]
    proposed = []
    for who, component, route, why in proposals:
        component = desk.step(
            who, component, "propose_route", to="route_proposed", reason=why, data={"route": route}
        )
        assert component["route"] == route
        proposed.append(component)
    hosting, casework, reporting, service_desk = proposed

    # ---- 14:00 Dana submits the recommendation to the SRO -------------------------------------
    review = desk.step(dana, review, "submit_for_approval", to="awaiting_approval")

    # ---- 15:00 Four-eyes: the SRO approves each route; its proposer cannot ---------------------
    approved = []
    for (proposer, _, route, _), component in zip(proposals, proposed, strict=True):
        body = desk.refused(
            proposer,
            component,
            "approve_route",
            403,
            "four_eyes",
            ["four_eyes"] if proposer is dana else ["role_required", "four_eyes"],
            reason="I proposed it and I agree with it",
        )
        assert "propose_route" in body["detail"]
        component = desk.step(
            sam,
            component,
            "approve_route",
            to="route_approved",
            reason=f"Approved: {route.replace('_', ' ')} is the best value option in the DMA.",
        )
        approved.append(component)
    hosting, casework, reporting, service_desk = approved

    # What may the service owner do with the casework component now? Only discovery, once the
    # SRO has approved the review, and only with an assurance gate approval: the other routes'
    # first steps say why not.
    options = desk.options(sol, casework)
    discovery = options["start_discovery"]
    assert discovery["allowed"] is False
    assert [b["code"] for b in discovery["blocked_by"]] == ["parent_in_state", "evidence_kinds"]
    assert "awaiting_approval" in discovery["blocked_by"][0]["detail"]
    assert "assurance_gate_approval" in discovery["blocked_by"][1]["detail"]
    retirement = options["plan_retirement"]
    assert "data_field_in" in [b["code"] for b in retirement["blocked_by"]]
    assert any("build_in_house" in b["detail"] for b in retirement["blocked_by"])
    assert options["request_extension"]["blocked_by"][0]["code"] == "role_required"

    # ---- 16:00 The SRO approves the review; the submitter may not ----------------------------
    desk.refused(dana, review, "approve", 403, "four_eyes", ["four_eyes"], reason="Approved by me")
    desk.refused(sam, review, "approve", 422, "transition_blocked", ["reason_required"])
    review = desk.step(
        sam,
        review,
        "approve",
        to="approved",
        reason="Routes approved at the Investment Committee on 25 November 2026.",
    )
    exits = [c for c in review["children"] if c["workflow"] == "contract_exit"]
    assert len(exits) == 1 and exits[0]["state"] == "exit_planning"
    exit_case = desk.get(priya, f"/api/cases/{exits[0]['id']}")
    assert exit_case["parent_id"] == review["id"] and exit_case["contract_id"] == contract["id"]
    listed = desk.pages(priya, "/api/cases", parent_id=review["id"])
    assert [c["id"] for c in listed] == [c["id"] for c in components] + [exit_case["id"]]
    listed = desk.pages(priya, "/api/cases", parent_id=review["id"], workflow="contract_exit")
    assert [c["id"] for c in listed] == [exit_case["id"]]

    # ---- 16:30 Transition starts; closing is blocked while work is open ------------------------
    review = desk.step(priya, review, "start_transition", to="in_transition")
    body = desk.refused(
        priya,
        review,
        "close",
        422,
        "transition_blocked",
        ["all_children_final", "child_in_state"],
    )
    assert "5 child case(s) are not finished yet" in body["detail"]
    rollup = desk.case(priya, review)["rollup"]
    assert rollup["children"] == 5 and rollup["open"] == 5
    # The exit case is a child too, but only components are counted by route and state.
    assert rollup["components"] == 4
    assert rollup["by_state"] == {"route_approved": 4}
    assert rollup["by_route"] == {
        "reprocure": 1,
        "build_in_house": 1,
        "decommission": 1,
        "retain_extend": 1,
    }
    assert [(b["trigger"], [x["code"] for x in b["blocked_by"]]) for b in rollup["blocking"]] == [
        ("close", ["all_children_final", "child_in_state"])
    ]

    # ---- 17:00 The contract manager gets the supplier's exit plan agreed ----------------------
    exit_case = desk.step(
        colin, exit_case, "agree_exit_plan", to="notice_due", evidence=[ev("supplier_exit_plan")]
    )

    # ==== The weeks and months that follow, on the injected clock ==============================

    # ---- 2 December 2026: work starts on every route ------------------------------------------
    clock.advance(days=7)
    casework = desk.step(
        sol,
        casework,
        "start_discovery",
        to="discovery",
        evidence=[
            ev("assurance_gate_approval", "Discovery assurance gate: spend control approval")
        ],
    )
    hosting = desk.step(chen, hosting, "start_requirements", to="defining_requirements")
    reporting = desk.step(
        sol,
        reporting,
        "plan_retirement",
        to="retirement_planned",
        data={"planned_switch_off_date": "2027-06-30"},
    )

    # The extension: the first request runs past the contract's latest possible end. It is
    # refused with a 422 naming the limit; the case does not move (desk.refused checks both).
    extension = {
        "justification": "The service desk must run until the new hosting supplier's desk "
        "is live; re-procuring it alone for six months is poor value.",
        "new_value": "51500000.00",
    }
    body = desk.refused(
        colin,
        service_desk,
        "request_extension",
        422,
        "transition_blocked",
        ["date_not_after"],
        data={**extension, "new_end_date": "2028-09-30"},
    )
    assert "max end date" in body["detail"] and "2028-03-31" in body["detail"]
    service_desk = desk.step(
        colin,
        service_desk,
        "request_extension",
        to="extension_requested",
        data={**extension, "new_end_date": "2028-03-31"},
    )
    desk.refused(
        colin,
        service_desk,
        "approve_extension",
        403,
        "four_eyes",
        ["role_required", "four_eyes"],
        reason="Within the option",
    )
    service_desk = desk.step(
        sam,
        service_desk,
        "approve_extension",
        to="extension_approved",
        reason="Six months within the contract's extension option; value change under 10%.",
    )
    service_desk = desk.step(
        colin, service_desk, "record_extension", to="extended", evidence=[ev("contract_variation")]
    )
    assert service_desk["final"] is True
    # Recording the signed variation moves the contract's end date and value and uses up its
    # extension option, in the same request; nobody edits the contract by hand.
    stale = contract["version"]
    contract = desk.get(priya, f"/api/contracts/{contract['id']}")
    assert contract["version"] == stale + 1
    assert contract["end_date"] == "2028-03-31" and contract["extension_options"] == []
    assert contract["value"] == {"amount": "51500000.00", "currency": "GBP"}
    notice = [d["date"] for d in contract["deadlines"] if d["kind"] == "notice"]
    assert notice == [str(date(2028, 3, 31) - timedelta(days=180))]
    (variation,) = desk.pages(
        priya, "/api/audit/events", contract_id=contract["id"], action="contract.updated"
    )[-1:]
    assert variation["actor"] == "colin" and variation["at"] == desk.last_event["at"]
    assert variation["details"]["case_id"] == service_desk["id"]
    assert variation["details"]["changes"]["end_date"] == {
        "before": "2027-09-30",
        "after": "2028-03-31",
    }

    # ---- 13 January 2027: alpha; market engagement --------------------------------------------
    clock.advance(days=42)
    casework = desk.step(sol, casework, "start_alpha", to="alpha")
    hosting = desk.step(chen, hosting, "engage_market", to="market_engaged")

    # ---- 10 February 2027: the call-off competition opens -------------------------------------
    clock.advance(days=28)
    body = desk.refused(
        chen,
        hosting,
        "start_tender",
        422,
        "transition_blocked",
        ["data_field_in"],
        data={"procedure": "restricted"},
    )
    assert "framework_call_off" in body["detail"]
    hosting = desk.step(
        chen, hosting, "start_tender", to="tendering", data={"procedure": "framework_call_off"}
    )

    # ---- 7 April 2027: the alpha assessment is not met; tenders are evaluated ----------------
    clock.advance(days=56)
    casework = desk.step(
        asha,
        casework,
        "record_assessment",
        to="alpha_reassessment",
        data={"outcome": "not_met"},
        evidence=[ev("service_assessment_report", "Alpha service assessment: not met")],
    )
    hosting = desk.step(
        chen,
        hosting,
        "record_evaluation",
        to="tenders_evaluated",
        evidence=[ev("evaluation_report")],
    )

    # ---- 21 April 2027: reassessment passes; the award, four-eyes; the contract is signed ----
    clock.advance(days=14)
    desk.refused(
        asha, casework, "reassess", 403, "role_required", ["role_required"]
    )  # only the team says it is ready
    casework = desk.step(sol, casework, "reassess", to="alpha")
    casework = desk.step(
        asha,
        casework,
        "record_assessment",
        to="private_beta",
        data={"outcome": "met"},
        evidence=[ev("service_assessment_report", "Alpha service reassessment: met")],
    )
    desk.refused(
        chen,
        hosting,
        "award",
        403,
        "four_eyes",
        ["four_eyes"],
        reason="Highest scoring tender",
        data={"award_notice_date": str(clock.today())},
        evidence=[ev("award_notice")],
    )
    hosting = desk.step(
        dana,
        hosting,
        "award",
        to="awarded",
        reason="Highest scoring tender on quality and price (62/38 weighting).",
        data={"award_notice_date": str(clock.today())},
        evidence=[ev("award_notice")],
    )
    # A call-off under a framework: the standstill is voluntary, so it is signed the same day.
    signed = clock.today()
    assert signed == date(2027, 4, 21)
    desk.refused(
        colin,
        hosting,
        "sign_contract",
        422,
        "transition_blocked",
        ["date_not_after"],
        data={"contract_signed_date": str(signed + timedelta(days=7))},
    )
    hosting = desk.step(
        colin, hosting, "sign_contract", to="contracted", data={"contract_signed_date": str(signed)}
    )
    due = [d for d in hosting["deadlines"] if d["kind"] == "contract_details_notice"]
    # PA 2023 s.53(1): within the 30 days beginning with signature, so by signature + 29.
    assert [(d["date"], d["status"]) for d in due] == [
        (str(signed + timedelta(days=29)), "pending")
    ]

    # ---- 30 April 2027: the UK7 is published and the new supplier mobilised -------------------
    clock.advance(days=9)
    hosting = desk.step(
        colin,
        hosting,
        "mobilise",
        to="mobilised",
        data={"contract_details_notice_date": str(clock.today())},
        evidence=[ev("contract_details_notice")],
    )
    # Publishing the UK7 meets the deadline: its reminders stop, and the audit trail says who.
    due = [d for d in hosting["deadlines"] if d["kind"] == "contract_details_notice"]
    assert [d["status"] for d in due] == ["met"]
    met = desk.pages(priya, "/api/audit/events", case_id=hosting["id"], action="deadline.met")
    assert [(e["actor"], e["details"]["kind"]) for e in met] == [
        ("colin", "contract_details_notice")
    ]

    # ---- 30 May 2027: reporting users have moved to the MI platform ---------------------------
    clock.advance(days=30)
    reporting = desk.step(sol, reporting, "confirm_users_migrated", to="users_migrated")

    # ---- 30 June 2027: hosting live on the new contract; reporting archived and switched off -
    clock.advance(days=31)
    hosting = desk.step(sol, hosting, "go_live", to="new_contract_live")
    reporting = desk.step(
        colin, reporting, "archive_data", to="data_archived", evidence=[ev("data_archive_record")]
    )
    reporting = desk.step(sol, reporting, "switch_off", to="switched_off")

    # ---- 14 July 2027: beta assessment met; the supplier certifies data destruction ----------
    clock.advance(days=14)
    casework = desk.step(
        asha,
        casework,
        "record_assessment",
        to="public_beta",
        data={"outcome": "met"},
        evidence=[ev("service_assessment_report", "Beta service assessment: met")],
    )
    reporting = desk.step(
        colin,
        reporting,
        "confirm_decommissioned",
        to="decommissioned",
        evidence=[ev("data_destruction_certificate")],
    )

    # ---- 15 September 2027: the SRO serves notice, before the notice deadline ----------------
    advance_to(clock, date(2027, 9, 15))
    served = clock.today()
    assert served <= date(2028, 3, 31) - timedelta(days=180)
    desk.refused(
        sam,
        exit_case,
        "serve_notice",
        422,
        "transition_blocked",
        ["date_not_after"],
        reason="Exit on the extended end date",
        data={"notice_served_date": str(served + timedelta(days=1))},
        evidence=[ev("notice_letter")],
    )
    exit_case = desk.step(
        sam,
        exit_case,
        "serve_notice",
        to="notice_served",
        reason="Every service line has a new home; exit on the extended end date.",
        data={"notice_served_date": str(served)},
        evidence=[ev("notice_letter")],
    )
    exit_case = desk.step(colin, exit_case, "start_exit_period", to="exit_period")

    # ---- 10 November 2027: live assessment met; the casework service goes live ---------------
    advance_to(clock, date(2027, 11, 10))
    casework = desk.step(
        asha,
        casework,
        "record_assessment",
        to="ready_for_live",
        data={"outcome": "met"},
        evidence=[ev("service_assessment_report", "Live service assessment: met")],
    )
    desk.refused(sol, casework, "go_live", 422, "transition_blocked", ["evidence_kinds"])
    casework = desk.step(
        sol,
        casework,
        "go_live",
        to="live",
        evidence=[ev("assurance_gate_approval", "Live assurance gate: spend control approval")],
    )

    # ---- 12 January 2028: the handover --------------------------------------------------------
    advance_to(clock, date(2028, 1, 12))
    exit_case = desk.step(priya, exit_case, "start_handover", to="handover_in_progress")

    # ---- 31 March 2028: the contract ends ------------------------------------------------------
    advance_to(clock, date(2028, 3, 31))
    ended = clock.today()
    # The replaced lines' handover checklists (Model Services Contract Schedule 8.5) hold
    # the end until every mandatory item is done with evidence.
    desk.refused(
        colin,
        exit_case,
        "confirm_termination",
        422,
        "transition_blocked",
        ["handover_checklist_complete"],
        data={"termination_date": str(ended)},
    )
    for line in (hosting, casework):
        tasks = desk.get(colin, f"/api/cases/{line['id']}/handover-tasks")["items"]
        assert len(tasks) == 5 and {t["status"] for t in tasks} == {"open"}
        for task in tasks:
            res = desk.client.post(
                f"/api/handover-tasks/{task['id']}/complete",
                json={"evidence": [ev("handover_record", f"{task['title']}: done")]},
                headers=colin.headers,
            )
            assert res.status_code == 200, res.text
    exit_case = desk.step(
        colin,
        exit_case,
        "confirm_termination",
        to="terminated",
        data={"termination_date": str(ended)},
    )
    # Let in 2019, the contract stays under the Public Contracts Regulations 2015 to its end:
    # the Procurement Act 2023's contract termination notice (s.80, UK11) is not owed.
    assert exit_case["contract_id"] and not [
        d for d in exit_case["deadlines"] if d["kind"] == "termination_notice"
    ]
    # Still open: the exit case is not closed, so the review cannot close yet.
    body = desk.refused(
        priya, review, "close", 422, "transition_blocked", ["all_children_final", "child_in_state"]
    )
    assert f"#{exit_case['id']}" in body["detail"] and "terminated" in body["detail"]

    # ---- 14 April 2028: lessons learned; a PCR 2015 exit needs no UK11 ------------------------
    clock.advance(days=14)
    exit_case = desk.step(priya, exit_case, "close", to="closed", evidence=[ev("lessons_learned")])
    assert exit_case["final"] is True

    # ---- The review closes -----------------------------------------------------------------------
    review = desk.step(priya, review, "close", to="closed")
    review = desk.case(priya, review)
    assert review["final"] is True
    assert review["rollup"]["open"] == 0 and review["rollup"]["blocking"] == []
    assert review["rollup"]["by_state"] == {
        "new_contract_live": 1,
        "live": 1,
        "decommissioned": 1,
        "extended": 1,
    }
    assert [(c["title"], c["state"], c["route"]) for c in review["children"]] == [
        ("Hosting", "new_contract_live", "reprocure"),
        ("Case management application", "live", "build_in_house"),
        ("Legacy reporting", "decommissioned", "decommission"),
        ("Service desk", "extended", "retain_extend"),
        (exit_case["title"], "closed", None),
    ]
    contract = desk.get(priya, f"/api/contracts/{contract['id']}")
    assert {(c["workflow"], c["state"]) for c in contract["cases"]} == {
        ("contract_review", "closed"),
        ("service_component", "new_contract_live"),
        ("service_component", "live"),
        ("service_component", "decommissioned"),
        ("service_component", "extended"),
        ("contract_exit", "closed"),
    }

    # ==== End of day: the audit trail tells the whole story ====================================
    def story(case: dict[str, Any]) -> list[tuple[Any, ...]]:
        events = desk.pages(priya, f"/api/cases/{case['id']}/events", limit=500)
        return [
            (e["action"], e["trigger"], e["from_state"], e["to_state"], e["actor"])
            for e in events
            if e["action"] in {"case.opened", "case.transitioned", "component.created"}
        ]

    assert story(review) == [
        ("case.opened", None, None, "intake", "priya"),
        (MOVED, "triage", "intake", "triaged", "priya"),
        (MOVED, "start_review", "triaged", "under_review", "priya"),
        ("component.created", None, None, None, "priya"),
        ("component.created", None, None, None, "priya"),
        ("component.created", None, None, None, "priya"),
        ("component.created", None, None, None, "priya"),
        (MOVED, "record_decomposition", "under_review", "decomposed", "priya"),
        (MOVED, "appraise_options", "decomposed", "options_appraised", "priya"),
        (MOVED, "submit_for_approval", "options_appraised", "awaiting_approval", "dana"),
        (MOVED, "approve", "awaiting_approval", "approved", "sam"),
        (MOVED, "start_transition", "approved", "in_transition", "priya"),
        (MOVED, "close", "in_transition", "closed", "priya"),
    ]
    decided = [("case.opened", None, None, "identified", "priya")]
    assert story(hosting) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "chen"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "start_requirements", "route_approved", "defining_requirements", "chen"),
        (MOVED, "engage_market", "defining_requirements", "market_engaged", "chen"),
        (MOVED, "start_tender", "market_engaged", "tendering", "chen"),
        (MOVED, "record_evaluation", "tendering", "tenders_evaluated", "chen"),
        (MOVED, "award", "tenders_evaluated", "awarded", "dana"),
        (MOVED, "sign_contract", "awarded", "contracted", "colin"),
        (MOVED, "mobilise", "contracted", "mobilised", "colin"),
        (MOVED, "go_live", "mobilised", "new_contract_live", "sol"),
    ]
    assert story(casework) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "sol"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "start_discovery", "route_approved", "discovery", "sol"),
        (MOVED, "start_alpha", "discovery", "alpha", "sol"),
        (MOVED, "record_assessment", "alpha", "alpha_reassessment", "asha"),
        (MOVED, "reassess", "alpha_reassessment", "alpha", "sol"),
        (MOVED, "record_assessment", "alpha", "private_beta", "asha"),
        (MOVED, "record_assessment", "private_beta", "public_beta", "asha"),
        (MOVED, "record_assessment", "public_beta", "ready_for_live", "asha"),
        (MOVED, "go_live", "ready_for_live", "live", "sol"),
    ]
    assert story(reporting) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "sol"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "plan_retirement", "route_approved", "retirement_planned", "sol"),
        (MOVED, "confirm_users_migrated", "retirement_planned", "users_migrated", "sol"),
        (MOVED, "archive_data", "users_migrated", "data_archived", "colin"),
        (MOVED, "switch_off", "data_archived", "switched_off", "sol"),
        (MOVED, "confirm_decommissioned", "switched_off", "decommissioned", "colin"),
    ]
    assert story(service_desk) == [
        *decided,
        (MOVED, "assess", "identified", "assessed", "sol"),
        (MOVED, "propose_route", "assessed", "route_proposed", "dana"),
        (MOVED, "approve_route", "route_proposed", "route_approved", "sam"),
        (MOVED, "request_extension", "route_approved", "extension_requested", "colin"),
        (MOVED, "approve_extension", "extension_requested", "extension_approved", "sam"),
        (MOVED, "record_extension", "extension_approved", "extended", "colin"),
    ]
    assert story(exit_case) == [
        ("case.opened", None, None, "exit_planning", "sam"),
        (MOVED, "agree_exit_plan", "exit_planning", "notice_due", "colin"),
        (MOVED, "serve_notice", "notice_due", "notice_served", "sam"),
        (MOVED, "start_exit_period", "notice_served", "exit_period", "colin"),
        (MOVED, "start_handover", "exit_period", "handover_in_progress", "priya"),
        (MOVED, "confirm_termination", "handover_in_progress", "terminated", "colin"),
        (MOVED, "close", "terminated", "closed", "priya"),
    ]

    # The whole contract's trail, page by page, oldest first, is exactly the union of the
    # contract's own events and its cases' events.
    trail = desk.pages(priya, "/api/audit/events", contract_id=contract["id"], limit=40)
    seqs = [e["seq"] for e in trail]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and len(trail) > 40
    assert trail[0]["action"] == "contract.created" and trail[0]["actor"] == "priya"
    by_case: dict[int | None, list[dict[str, Any]]] = {}
    for e in trail:
        assert e["contract_id"] == contract["id"]
        by_case.setdefault(e["case_id"], []).append(e)
    cases = [review, hosting, casework, reporting, service_desk, exit_case]
    assert set(by_case) == {None, *(c["id"] for c in cases)}
    for case in cases:
        own = desk.pages(priya, f"/api/cases/{case['id']}/events", limit=500)
        assert [e["id"] for e in own] == [e["id"] for e in by_case[case["id"]]]
    contract_changes = [e for e in by_case[None] if e["action"] == "contract.updated"]
    assert contract_changes[0]["details"]["changes"].keys() == {"tier"}
    assert all(e["reason"] for e in contract_changes)
    last_decision = [e for e in trail if e["action"] == MOVED][-1]
    assert (last_decision["case_id"], last_decision["trigger"]) == (review["id"], "close")

    # Every decision carries what its transition required (reason, evidence of the right
    # kinds) and every approval is by someone other than its proposer.
    for case in cases:
        _check_decisions(desk, priya, by_case[case["id"]], case["workflow"])
    decisions = {(e["case_id"], e["trigger"]): e for e in trail if e["action"] == MOVED}
    for component in (hosting, casework, reporting, service_desk):
        proposal = decisions[(component["id"], "propose_route")]
        approval = decisions[(component["id"], "approve_route")]
        assert proposal["reason"] and approval["reason"]
        assert proposal["details"]["data"]["route"] == component["route"]
        assert approval["actor"] != proposal["actor"]
        assert "senior_responsible_owner" in approval["roles"]
    assert (
        decisions[(review["id"], "approve")]["actor"]
        != decisions[(review["id"], "submit_for_approval")]["actor"]
    )
    assert (
        decisions[(hosting["id"], "award")]["actor"]
        != decisions[(hosting["id"], "record_evaluation")]["actor"]
    )
    notice_event = decisions[(exit_case["id"], "serve_notice")]
    assert notice_event["details"]["data"] == {"notice_served_date": str(served)}
    assert [x["kind"] for x in notice_event["evidence"]] == ["notice_letter"]
    failed = [
        e
        for e in by_case[casework["id"]]
        if e["trigger"] == "record_assessment" and e["details"]["data"]["outcome"] == "not_met"
    ]
    assert len(failed) == 1 and failed[0]["to_state"] == "alpha_reassessment"

    verify = desk.get(priya, "/api/audit/verify")
    assert verify["ok"] is True and verify["first_bad"] is None
    assert verify["events"] >= len(trail)


def test_withdrawing_a_review_cancels_its_open_children(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    desk = Desk(client)
    priya = Person("priya", make_user("priya", "programme_manager"))
    sam = Person("sam", make_user("sam", "senior_responsible_owner"))
    sol = Person("sol", make_user("sol", "service_owner"))
    res = client.post(
        "/api/contracts",
        json={
            **CONTRACT,
            "reference": "HO-EUC-2020-0031",
            "title": "End-user computing",
            "tier": 1,
        },
        headers=priya.headers,
    )
    assert res.status_code == 201, res.text
    contract = res.json()

    # A review taken as far as approval, so the exit case is open too.
    review = desk.open(priya, "contract_review", contract)
    review = desk.step(priya, review, "triage", to="triaged")
    review = desk.step(priya, review, "start_review", to="under_review")
    laptops = desk.component(priya, review, "Laptops", "12,000 managed laptops", "buy_commodity")
    printing = desk.component(priya, review, "Print", "Managed print in 40 sites", "decommission")
    helpdesk = desk.component(priya, review, "Service desk", "End-user support", "reprocure")
    review = desk.step(
        priya,
        review,
        "record_decomposition",
        to="decomposed",
        evidence=[ev("contract_documents"), ev("spend_analysis")],
    )
    review = desk.step(
        priya,
        review,
        "appraise_options",
        to="options_appraised",
        evidence=[ev("delivery_model_assessment"), ev("should_cost_model")],
    )
    routes = {
        laptops["id"]: "buy_commodity",
        printing["id"]: "decommission",
        helpdesk["id"]: "reprocure",
    }
    children = []
    for child in (laptops, printing, helpdesk):
        child = desk.step(
            sol,
            child,
            "assess",
            to="assessed",
            data={"users": "All staff", "data_assets": "Asset register", "dependencies": "None"},
        )
        child = desk.step(
            sol,
            child,
            "propose_route",
            to="route_proposed",
            reason="As the DMA recommends",
            data={"route": routes[child["id"]]},
        )
        children.append(child)
    laptops, printing, helpdesk = children
    laptops = desk.step(
        sam, laptops, "approve_route", to="route_approved", reason="Commodity: buy it"
    )
    # Print is stopped by the SRO before the review is approved: withdrawing must leave it alone.
    printing = desk.step(
        sam, printing, "cancel", to="cancelled", reason="Print is covered by the estates contract"
    )
    review = desk.step(priya, review, "submit_for_approval", to="awaiting_approval")
    # A route only proposed is not approved: the review waits for the help desk's.
    body = desk.refused(
        sam,
        review,
        "approve",
        422,
        "transition_blocked",
        ["open_children_in_state"],
        reason="Routes approved",
    )
    assert f"#{helpdesk['id']}" in body["detail"] and "route_proposed" in body["detail"]
    helpdesk = desk.step(
        sam, helpdesk, "approve_route", to="route_approved", reason="Re-procure the desk"
    )
    review = desk.step(sam, review, "approve", to="approved", reason="Routes approved")
    (exit_summary,) = [c for c in review["children"] if c["workflow"] == "contract_exit"]

    # Only the SRO may withdraw, and must say why.
    desk.refused(
        priya,
        review,
        "withdraw",
        403,
        "role_required",
        ["role_required"],
        reason="No longer needed",
    )
    desk.refused(sam, review, "withdraw", 422, "transition_blocked", ["reason_required"])
    why = "The department is moving to a shared service; this review is superseded."
    review = desk.step(sam, review, "withdraw", to="withdrawn", reason=why)
    withdrawal = desk.last_event
    assert review["final"] is True
    states = {c["id"]: (c["state"], c["final"]) for c in review["children"]}
    assert states == {
        laptops["id"]: ("cancelled", True),
        printing["id"]: ("cancelled", True),
        helpdesk["id"]: ("cancelled", True),
        exit_summary["id"]: ("cancelled", True),
    }

    # Each open child has its own audit event, by the system, saying why.
    for child, was in (
        (laptops, "route_approved"),
        (helpdesk, "route_approved"),
        (exit_summary, "exit_planning"),
    ):
        events = desk.pages(priya, f"/api/cases/{child['id']}/events")
        cancels = [
            e for e in events if e["action"] == "case.transitioned" and e["to_state"] == "cancelled"
        ]
        assert len(cancels) == 1, cancels
        (cancel,) = cancels
        assert cancel["actor"] == "system" and cancel["trigger"] == "cancel"
        assert cancel["roles"] == []  # the system acts for the SRO; it holds no role itself
        assert cancel["from_state"] == was
        assert str(review["id"]) in cancel["reason"] and why in cancel["reason"]
        # Recorded in the same request, right after the review's own event.
        assert cancel["seq"] > withdrawal["seq"] and cancel["at"] == withdrawal["at"]
        assert cancel["details"]["workflow"] == child["workflow"]
        after = desk.get(priya, f"/api/cases/{child['id']}")
        assert (after["state"], after["final"]) == ("cancelled", True)
    # The child the SRO had already cancelled has only that one cancellation, by the SRO.
    events = desk.pages(priya, f"/api/cases/{printing['id']}/events")
    cancels = [e for e in events if e["to_state"] == "cancelled"]
    assert [(e["actor"], e["reason"]) for e in cancels] == [
        ("sam", "Print is covered by the estates contract")
    ]
    system = desk.pages(priya, "/api/audit/events", contract_id=contract["id"], actor="system")
    assert sorted(e["case_id"] for e in system if e["action"] == "case.transitioned") == sorted(
        [laptops["id"], helpdesk["id"], exit_summary["id"]]
    )
    assert all(e["action"] != "case.cancel_failed" for e in system)
    assert desk.get(priya, "/api/audit/verify")["ok"] is True
