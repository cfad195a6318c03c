"""Short REST walks through the shipped workflows, for tests of one rule each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

DOC = "https://docs.example.gov.uk/"
ASSESSMENT = {"users": "caseworkers", "data_assets": "cases", "dependencies": "identity"}
CONTRACT: dict[str, Any] = {
    "reference": "HO-FLOW-1",
    "title": "Hosting and support",
    "buyer": {"name": "Home Office"},
    "tier": 2,
    "value": {"amount": "1000000.00", "currency": "GBP"},
    "start_date": "2020-01-01",
    "end_date": "2027-09-30",
    "max_end_date": "2028-03-31",
    "notice_period_days": 90,
    "extension_options": [{"months": 6, "notice_days": 90}],
}


def ev(*kinds: str) -> list[dict[str, str]]:
    """One evidence item per kind."""
    return [{"title": k.replace("_", " "), "url": DOC + k, "kind": k} for k in kinds]


def body(res: Response) -> dict[str, Any]:
    """The JSON object a response carries (httpx types `json()` as Any)."""
    data: dict[str, Any] = res.json()
    return data


def codes(res: Any) -> list[str]:
    """The problem codes of an error response."""
    return [p.get("code") for p in res.json().get("problems", [])]


@dataclass
class Flow:
    """A client and the people who move cases along (headers per role)."""

    client: TestClient
    pm: dict[str, str]
    sro: dict[str, str]
    owner: dict[str, str]
    commercial: dict[str, str]
    manager: dict[str, str]

    def contract(self, **terms: Any) -> dict[str, Any]:
        """A contract registered by the programme manager."""
        res = self.client.post("/api/contracts", json={**CONTRACT, **terms}, headers=self.pm)
        assert res.status_code == 201, res.text
        return body(res)

    def get(self, case: dict[str, Any]) -> dict[str, Any]:
        """The case as it is now."""
        res = self.client.get(f"/api/cases/{case['id']}", headers=self.pm)
        assert res.status_code == 200, res.text
        return body(res)

    def send(
        self, who: dict[str, str], case: dict[str, Any], trigger: str, **fields: Any
    ) -> Response:
        """POST a transition; the raw response."""
        res: Response = self.client.post(  # TestClient types its result as Any
            f"/api/cases/{case['id']}/transitions", json={"trigger": trigger, **fields}, headers=who
        )
        return res

    def fire(
        self, who: dict[str, str], case: dict[str, Any], trigger: str, **fields: Any
    ) -> dict[str, Any]:
        """A transition that must succeed; the case after it."""
        res = self.send(who, case, trigger, **fields)
        assert res.status_code == 200, f"{trigger}: {res.text}"
        after: dict[str, Any] = body(res)["case"]
        return after

    def review(self, contract: dict[str, Any]) -> dict[str, Any]:
        """A contract review, triaged and under review."""
        res = self.client.post(
            "/api/cases",
            json={"workflow": "contract_review", "contract_id": contract["id"]},
            headers=self.pm,
        )
        assert res.status_code == 201, res.text
        review = self.fire(self.pm, res.json(), "triage")
        return self.fire(self.pm, review, "start_review")

    def component(self, review: dict[str, Any], name: str) -> dict[str, Any]:
        """A new component of the review, assessed."""
        res = self.client.post(
            f"/api/cases/{review['id']}/components", json={"name": name}, headers=self.pm
        )
        assert res.status_code == 201, res.text
        return self.fire(self.owner, res.json(), "assess", data=ASSESSMENT)

    def propose(self, component: dict[str, Any], route: str) -> dict[str, Any]:
        """Propose a route (by the service owner)."""
        return self.fire(
            self.owner, component, "propose_route", reason="per the DMA", data={"route": route}
        )

    def approve_route(self, component: dict[str, Any], route: str) -> dict[str, Any]:
        """Propose a route and have the SRO approve it."""
        proposed = self.propose(component, route)
        return self.fire(self.sro, proposed, "approve_route", reason="agreed")

    def submit(self, review: dict[str, Any]) -> dict[str, Any]:
        """Decompose, appraise and submit the review to the SRO."""
        review = self.fire(
            self.pm,
            review,
            "record_decomposition",
            evidence=ev("contract_documents", "spend_analysis"),
        )
        review = self.fire(
            self.pm,
            review,
            "appraise_options",
            evidence=ev("delivery_model_assessment", "should_cost_model"),
        )
        return self.fire(self.pm, review, "submit_for_approval")

    def approved_review(
        self, routes: list[str], **terms: Any
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A contract, a review with one component per route, routes and review approved."""
        review = self.review(self.contract(**terms))
        parts = [
            self.approve_route(self.component(review, f"Line {i}"), route)
            for i, route in enumerate(routes)
        ]
        review = self.fire(self.sro, self.submit(review), "approve", reason="routes agreed")
        return review, [self.get(p) for p in parts]


def make_flow(
    client: TestClient,
    pm: dict[str, str],
    sro: dict[str, str],
    make_user: Callable[..., dict[str, str]],
) -> Flow:
    """The people a flow needs."""
    return Flow(
        client=client,
        pm=pm,
        sro=sro,
        owner=make_user("sol", "service_owner"),
        commercial=make_user("chen", "commercial_lead"),
        manager=make_user("colin", "contract_manager"),
    )
