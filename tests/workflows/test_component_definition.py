"""The service_component definition: each route walked, routes sent back, extension limits."""

from __future__ import annotations

from app.engine import WorkflowDefinition
from tests.workflows.component_walks import (
    component_to_route_approved,
    walk_build_in_house,
    walk_buy_commodity,
    walk_decommission,
    walk_insource_operation,
    walk_reprocure,
    walk_retain_extend,
)
from tests.workflows.walker import CL, CM, CONTRACT, SO, SRO, Case, codes


def test_component_insource_operation(defs: dict[str, WorkflowDefinition]) -> None:
    visited = walk_insource_operation(defs)
    assert visited.count("parallel_running") == 2 and visited[-1] == "operation_live"
    assert not {"discovery", "alpha"} & set(visited)  # not a digital service build


def test_component_build_in_house(defs: dict[str, WorkflowDefinition]) -> None:
    visited = walk_build_in_house(defs)
    assert visited.count("alpha") == 2 and "alpha_reassessment" in visited


def test_component_reprocure(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_reprocure(defs)[-1] == "new_contract_live"


def test_component_buy_commodity(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_buy_commodity(defs)[-1] == "commodity_live"


def test_component_retain_extend(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_retain_extend(defs)[-1] == "extended"


def test_component_decommission(defs: dict[str, WorkflowDefinition]) -> None:
    assert walk_decommission(defs)[-1] == "decommissioned"


def test_route_sent_back_and_reproposed(defs: dict[str, WorkflowDefinition]) -> None:
    case = Case(defs["service_component"])
    case.state = "assessed"
    case.fire("propose_route", "owen", [SO], data={"route": "reprocure"})
    assert case.refused("return_route", "sarah", [SRO], reason=None) == {"reason_required"}
    case.fire("return_route", "sarah", [SRO], expect="assessed")
    case.fire("propose_route", "cleo", [CL], data={"route": "buy_commodity"})
    # The earlier proposer may now approve: four-eyes looks at the latest proposal.
    case.fire("approve_route", "owen", [SRO], expect="route_approved")
    assert case.data["route"] == "buy_commodity"


def test_extension_without_recorded_limits(defs: dict[str, WorkflowDefinition]) -> None:
    # A contract with no latest end date or value: the limits cannot be checked, so the
    # extension is refused until they are recorded (or, for the value, a change notice).
    bare = {**CONTRACT, "max_end_date": None, "value": None}
    case = component_to_route_approved(defs, "retain_extend", contract=bare)
    data = {"justification": "bridge", "new_end_date": "2030-01-31", "new_value": 99}
    verdict = case.check("request_extension", "cam", [CM], data=data)
    assert codes(verdict) == {"date_not_after", "value_change_needs_evidence"}
    assert "max end date is not recorded" in verdict.blocked_by[0].detail
    # Without a new value the 10% check cannot run: it is required.
    no_value = {k: v for k, v in data.items() if k != "new_value"}
    assert "data_required" in case.refused("request_extension", "cam", [CM], data=no_value)
