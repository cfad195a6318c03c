"""GET /api/cases/{id}/transitions declares each transition's inputs for a form."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.cases.context import case_view, contract_view
from app.cases.models import Case
from app.engine.context import CASE_FIELDS, CONTRACT_FIELDS


def test_the_submit_form_is_declared(client: Any, pm: dict[str, str], open_case: Any) -> None:
    case = open_case()
    res = client.get(f"/api/cases/{case['id']}/transitions", headers=pm)
    assert res.status_code == 200, res.text
    (submit,) = [o for o in res.json() if o["trigger"] == "submit_for_approval"]
    assert submit["inputs"] == {
        "data": [
            {
                "name": "decision_date",
                "title": "Decision date",
                "label": "Decision date",
                "type": "date",
                "required": True,
                "choices": None,
                "hint": "YYYY-MM-DD",
            }
        ],
        "evidence": [],
    }
    assert submit["requires_evidence"] == 1


def test_guards_may_name_what_the_views_hold(
    db: sessionmaker[Session], contract: dict[str, Any], open_case: Any
) -> None:
    case = open_case()
    with db.begin() as session:
        row = session.get(Case, case["id"])
        assert row is not None
        assert CASE_FIELDS - {"parent", "depends_on"} == set(case_view(row))
        assert set(contract_view(session, contract["id"])) >= CONTRACT_FIELDS
