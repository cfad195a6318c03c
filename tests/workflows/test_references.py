"""`handover workflows check` catches a misspelt name in any guard or action, one test a kind.

Each test copies the shipped definitions, misspells one name, and expects the one
problem line the check prints for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.engine import check_directory, load_directory
from app.workflows.named import code_name_problems

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def misspelt(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    """The problems of the shipped definitions with `old` replaced once by `new` in `file`."""
    shutil.copytree(WORKFLOWS, tmp_path / "wf")
    path = tmp_path / "wf" / file
    text = path.read_text()
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1))
    return [str(p).removeprefix(f"{path}: ") for p in check_directory(tmp_path / "wf")]


def test_the_shipped_definitions_are_clean() -> None:
    assert check_directory(WORKFLOWS) == []
    # Every workflow, state and field the code names is among them.
    assert code_name_problems(load_directory(WORKFLOWS), WORKFLOWS, every_workflow=True) == []


def test_a_misspelt_workflow_in_the_approval_guard(tmp_path: Path) -> None:
    """The reported typo: it used to pass the check and switch the route check off."""
    old = "open_children_in_state: {workflow: service_component"
    problems = misspelt(
        tmp_path, "contract_review.yaml", old, old.replace("component", "componnet")
    )
    assert problems == ["transitions[5].guards[2].workflow: unknown workflow 'service_componnet'"]


def test_a_misspelt_workflow_in_an_action(tmp_path: Path) -> None:
    problems = misspelt(
        tmp_path, "contract_review.yaml", "{workflow: contract_exit}", "{workflow: contract_exi}"
    )
    assert problems == [
        "states.approved.on_enter[0].params.workflow: unknown workflow 'contract_exi'"
    ]


def test_a_misspelt_state_of_another_workflow(tmp_path: Path) -> None:
    problems = misspelt(
        tmp_path, "contract_review.yaml", "states: [route_approved]", "states: [route_aproved]"
    )
    assert problems == [
        "transitions[5].guards[2].states: unknown state 'route_aproved'"
        " of workflow 'service_component'"
    ]


def test_a_misspelt_state_of_the_parent(tmp_path: Path) -> None:
    old = "parent_in_state: {states: ["
    problems = misspelt(tmp_path, "service_component.yaml", old, old + "approvd, ")
    assert len(problems) == 1
    assert problems[0].endswith(".states: unknown state 'approvd' of workflow 'contract_review'")


def test_a_misspelt_trigger(tmp_path: Path) -> None:
    problems = misspelt(tmp_path, "contract_exit.yaml", "met_by: close", "met_by: clsoe")
    assert problems == ["states.terminated.on_enter[0].params.met_by: unknown trigger 'clsoe'"]


def test_a_misspelt_case_field(tmp_path: Path) -> None:
    problems = misspelt(
        tmp_path, "contract_review.yaml", "field: case.data.stage", "field: case.data.stag"
    )
    assert problems == [
        "transitions[10].guards[0].field: unknown field 'stag' of workflow 'contract_review'"
    ]


def test_a_misspelt_child_field(tmp_path: Path) -> None:
    old = "children_have: {field: route"
    problems = misspelt(tmp_path, "contract_review.yaml", old, "children_have: {field: rout")
    assert problems == [
        "transitions[4].guards[1].field: unknown field 'rout' of workflow 'service_component'"
    ]


def test_a_misspelt_contract_field(tmp_path: Path) -> None:
    problems = misspelt(
        tmp_path,
        "contract_review.yaml",
        "contract_field_present: {field: tier}",
        "contract_field_present: {field: teir}",
    )
    assert problems == ["transitions[0].guards[0].field: unknown contract field 'teir'"]


def test_a_misspelt_field_in_an_action(tmp_path: Path) -> None:
    problems = misspelt(
        tmp_path,
        "contract_exit.yaml",
        "from_field: termination_date",
        "from_field: terminaton_date",
    )
    assert problems == [
        "states.terminated.on_enter[0].params.from_field:"
        " unknown field 'terminaton_date' of workflow 'contract_exit'"
    ]


def test_a_limit_from_the_request(tmp_path: Path) -> None:
    problems = misspelt(
        tmp_path, "contract_exit.yaml", "limit: contract.notice_deadline", "limit: notice_deadline"
    )
    assert len(problems) == 1
    assert "'notice_deadline' would be read from the request" in problems[0]


def test_a_misspelt_contract_field_as_a_limit(tmp_path: Path) -> None:
    """A limit no contract records could never be met (with allow_missing_limit, always)."""
    problems = misspelt(
        tmp_path,
        "contract_exit.yaml",
        "limit: contract.notice_deadline",
        "limit: contract.notice_dedline",
    )
    assert len(problems) == 1
    assert problems[0].endswith(".limit: unknown contract field 'notice_dedline'")


def test_a_limit_that_is_not_a_real_date(tmp_path: Path) -> None:
    """YAML reads 2020-13-45 as a date and refuses it: a clear line, not a traceback."""
    problems = misspelt(tmp_path, "contract_exit.yaml", "limit: today", "limit: 2020-13-45")
    assert len(problems) == 1
    assert "invalid YAML: a value is not a real date" in problems[0]


def test_the_command_exits_non_zero_with_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = "open_children_in_state: {workflow: service_component"
    misspelt(tmp_path, "contract_review.yaml", old, old.replace("component", "componnet"))
    monkeypatch.setenv("HANDOVER_WORKFLOWS_DIR", str(tmp_path / "wf"))
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["workflows", "check"])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "unknown workflow 'service_componnet'" in result.output


def test_a_misspelt_component_workflow(tmp_path: Path) -> None:
    problems = misspelt(
        tmp_path,
        "contract_review.yaml",
        "  workflow: service_component",
        "  workflow: service_comp",
    )
    assert "components.workflow: unknown workflow 'service_comp'" in problems


def test_a_name_the_code_relies_on(tmp_path: Path) -> None:
    shutil.copytree(WORKFLOWS, tmp_path / "wf")
    path = tmp_path / "wf" / "contract_exit.yaml"
    path.write_text(path.read_text().replace("termination_date", "ended_on"))
    assert check_directory(tmp_path / "wf") == []  # consistent in itself
    problems = code_name_problems(load_directory(tmp_path / "wf"), tmp_path / "wf")
    assert [p.message for p in problems] == [
        "no field 'termination_date' (deadlines/service.py: the contract's actual end is its"
        " exit's termination date)"
    ]
