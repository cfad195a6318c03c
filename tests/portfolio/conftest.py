"""Portfolio tests: people acting on the shipped workflows through the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

ASSESSMENT = {"users": "Staff", "data_assets": "Case records", "dependencies": "Identity"}


def ev(kind: str) -> dict[str, str]:
    """An evidence item of a kind."""
    return {"kind": kind, "title": kind.replace("_", " "), "url": f"https://docs.example/{kind}"}


def gbp(amount: str) -> dict[str, str]:
    """An amount in pounds."""
    return {"amount": amount, "currency": "GBP"}


@dataclass
class Desk:
    """The people of a programme, each with their token, acting through the API."""

    client: TestClient
    people: dict[str, dict[str, str]]

    def fire(self, who: str, case_id: int, trigger: str, **body: Any) -> dict[str, Any]:
        """Fire a trigger that must succeed."""
        res = self.client.post(
            f"/api/cases/{case_id}/transitions",
            json={"trigger": trigger, "reason": f"{trigger} by {who}", **body},
            headers=self.people[who],
        )
        assert res.status_code == 200, res.text
        return dict(res.json())

    def contract(self, reference: str, **terms: Any) -> int:
        """Register a contract; its id."""
        body = {"reference": reference, "title": f"Contract {reference}", **terms}
        body.setdefault("buyer", {"name": "Home Office"})
        body.setdefault("tier", 2)
        res = self.client.post("/api/contracts", json=body, headers=self.people["priya"])
        assert res.status_code == 201, res.text
        return int(res.json()["id"])

    def review(self, contract_id: int, lines: list[str]) -> tuple[int, list[dict[str, Any]]]:
        """Open and decompose a review: its id and the component cases, in order."""
        res = self.client.post(
            "/api/cases",
            json={"workflow": "contract_review", "contract_id": contract_id},
            headers=self.people["priya"],
        )
        assert res.status_code == 201, res.text
        review = int(res.json()["id"])
        self.fire("priya", review, "triage")
        self.fire("priya", review, "start_review")
        children = []
        for name in lines:
            res = self.client.post(
                f"/api/cases/{review}/components", json={"name": name}, headers=self.people["priya"]
            )
            assert res.status_code == 201, res.text
            children.append(dict(res.json()))
        return review, children

    def money(self, component_id: int, who: str = "chris", **groups: Any) -> dict[str, Any]:
        """Record a line's money, which must succeed."""
        res = self.client.patch(
            f"/api/components/{component_id}/money", json=groups, headers=self.people[who]
        )
        assert res.status_code == 200, res.text
        return dict(res.json())

    def propose(self, case_id: int, route: str) -> None:
        """Assess and propose a route."""
        self.fire("olu", case_id, "assess", data=ASSESSMENT)
        self.fire("olu", case_id, "propose_route", data={"route": route})

    def approve_review(self, review: int, routes: dict[int, str]) -> None:
        """Propose and approve every line's route, then the review (four eyes throughout)."""
        for case_id, route in routes.items():
            self.propose(case_id, route)
            self.fire("sam", case_id, "approve_route")
        self.fire(
            "priya",
            review,
            "record_decomposition",
            evidence=[ev("contract_documents"), ev("spend_analysis")],
        )
        self.fire(
            "chris",
            review,
            "appraise_options",
            evidence=[ev("delivery_model_assessment"), ev("should_cost_model")],
        )
        self.fire("priya", review, "submit_for_approval")
        self.fire("sam", review, "approve")

    def commodity_live(self, case_id: int) -> None:
        """Take an approved buy_commodity line to live."""
        self.fire("chris", case_id, "start_shortlisting", data={"framework": "G-Cloud 14"})
        self.fire("chris", case_id, "evaluate_shortlist", evidence=[ev("evaluation_report")])
        self.fire("chris", case_id, "call_off", evidence=[ev("call_off_contract")])
        self.fire("olu", case_id, "start_migration")
        self.fire("olu", case_id, "go_live")


@pytest.fixture
def desk(client: TestClient, make_user: Callable[..., dict[str, str]]) -> Desk:
    """Priya (programme), Chris (commercial), Olu (service owner), Sam (SRO), Ana, Vic."""
    return Desk(
        client,
        {
            "priya": make_user("priya", "programme_manager"),
            "chris": make_user("chris", "commercial_lead"),
            "morgan": make_user("morgan", "contract_manager"),
            "olu": make_user("olu", "service_owner"),
            "sam": make_user("sam", "senior_responsible_owner"),
            "ana": make_user("ana", "assessor"),
            "vic": make_user("vic", "viewer"),
        },
    )
