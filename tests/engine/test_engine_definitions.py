"""Loading and validating workflow definitions."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.engine import (
    DefinitionError,
    Problem,
    check_directory,
    content_version,
    load_directory,
    parse_definition,
)
from tests.engine.helpers import FIXTURES, MINI


def test_happy_load(review: Any) -> None:
    assert review.name == "contract_review"
    assert review.label == "1"
    assert review.initial == "intake"
    assert list(review.states) == [
        "intake",
        "triaged",
        "decomposed",
        "awaiting_approval",
        "approved",
        "fast_tracked",
        "cancelled",
    ]
    assert review.states["intake"].tags == ("gds:discovery",)
    assert review.states["approved"].final
    opened = review.states["approved"].on_enter[0]
    assert opened.name == "open_case"
    assert dict(opened.params) == {"workflow": "contract_exit", "as_child": True}
    assert review.states["cancelled"].on_enter[0].name == "cancel_open_children"
    triage = review.transitions[0]
    assert triage.roles == frozenset({"programme_manager"})
    assert triage.guards[0].name == "contract_field_present"
    assert dict(triage.guards[0].params) == {"field": "tier"}
    submit = review.transitions[2]
    assert submit.requires_reason and submit.requires_evidence == 1
    assert review.transitions[3].not_by_actor_of == "submit_for_approval"
    assert len(review.version) == 12


def test_star_source_is_every_non_final_state_except_dest(review: Any) -> None:
    cancel = review.transitions[-1]
    assert cancel.sources == ("intake", "triaged", "decomposed", "awaiting_approval")


def test_version_stable_across_key_order_and_changes_with_content() -> None:
    doc = yaml.safe_load((FIXTURES / "contract_review.yaml").read_text())
    reordered = dict(reversed(list(doc.items())))
    reordered["states"] = [dict(reversed(list(s.items()))) for s in doc["states"]]
    first = parse_definition(doc, "a.yaml")
    assert parse_definition(reordered, "b.yaml").version == first.version
    changed = copy.deepcopy(doc)
    changed["states"][0]["title"] = "Intake (new)"
    assert parse_definition(changed, "c.yaml").version != first.version
    assert first.version == content_version(doc)


def test_stored_body_reparses_to_same_version(mini: dict[str, Any]) -> None:
    # An unquoted YAML date becomes a date object; the body stores it as a string.
    mini["transitions"][0]["guards"] = [{"date_not_after": {"field": "d", "limit": "x"}}]
    doc = yaml.safe_load(yaml.safe_dump(mini).replace("limit: x", "limit: 2025-12-31"))
    defn = parse_definition(doc, "m.yaml")
    assert defn.transitions[0].guards[0].params["limit"] == "2025-12-31"
    assert parse_definition(dict(defn.body), "stored").version == defn.version


def test_problem_str() -> None:
    assert str(Problem("f.yaml", "states.a", "oops")) == "f.yaml: states.a: oops"


def test_malformed_yaml(problems_of: Any) -> None:
    file, problems = problems_of("name: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{file}: (document): invalid YAML:")


def test_not_a_mapping(problems_of: Any) -> None:
    file, problems = problems_of("- just\n- a list\n")
    assert problems == [f"{file}: (document): must be a mapping"]


def test_missing_wrong_typed_and_unknown_keys(problems_of: Any, mini: dict[str, Any]) -> None:
    del mini["initial"]
    mini["title"] = 5
    mini["colour"] = "blue"
    mini["transitions"][0]["when"] = "now"
    mini["transitions"][1]["requires_evidence"] = True
    mini["states"][0]["final"] = "no"
    file, problems = problems_of(mini)
    assert f"{file}: initial: is required" in problems
    assert f"{file}: title: must be a string" in problems
    assert f"{file}: states.a.final: must be true or false" in problems
    assert f"{file}: transitions[1].requires_evidence: must be an integer" in problems
    assert any(p.startswith(f"{file}: (document): unknown key 'colour'") for p in problems)
    assert any(p.startswith(f"{file}: transitions[0]: unknown key 'when'") for p in problems)


def test_states_must_be_a_list(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["states"] = "a, b"
    file, problems = problems_of(mini)
    assert f"{file}: states: must be a list" in problems


@pytest.mark.parametrize(
    ("where", "path"),
    [("initial", "initial"), ("source", "transitions[0].source"), ("dest", "transitions[0].dest")],
)
def test_unknown_state(problems_of: Any, mini: dict[str, Any], where: str, path: str) -> None:
    if where == "initial":
        mini["initial"] = "zz"
    else:
        mini["transitions"][0][where] = "zz"
    file, problems = problems_of(mini)
    assert f"{file}: {path}: unknown state 'zz'" in problems


def test_duplicate_state_names(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["states"].append({"name": "a", "title": "A again"})
    file, problems = problems_of(mini)
    assert problems == [f"{file}: states[3]: duplicate state name 'a' (first at states[0])"]


def test_unreachable_state(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["states"].append({"name": "c", "title": "C"})
    mini["transitions"].append(
        {"trigger": "skip", "source": "c", "dest": "done", "roles": ["admin"]}
    )
    file, problems = problems_of(mini)
    assert problems == [f"{file}: states.c: unreachable from initial state 'a'"]


def test_dead_end_state(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["states"].append({"name": "c", "title": "C"})
    mini["transitions"].append({"trigger": "park", "source": "a", "dest": "c", "roles": ["admin"]})
    file, problems = problems_of(mini)
    assert problems == [f"{file}: states.c: non-final state has no outgoing transition"]


def test_unknown_guard(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["transitions"][0]["guards"] = ["moon_is_full"]
    file, problems = problems_of(mini)
    assert len(problems) == 1
    assert problems[0].startswith(f"{file}: transitions[0].guards[0]: unknown guard 'moon_is_full'")


def test_guard_parameters(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["transitions"][0]["guards"] = [
        {"has_children": {"colour": "red"}},
        "contract_field_present",
        {"date_within_days": {"field": "d", "of": "today", "days": "thirty"}},
        {"all_children_final": "yes"},
        ["not", "a", "guard"],
    ]
    file, problems = problems_of(mini)
    g = f"{file}: transitions[0].guards"
    assert problems == [
        f"{g}[0]: unknown parameter 'colour' for guard 'has_children' (expected: min, workflow)",
        f"{g}[1]: guard 'contract_field_present' requires parameter 'field'",
        f"{g}[2]: parameter 'days' of guard 'date_within_days' must be an integer",
        f"{g}[3]: parameters of guard 'all_children_final' must be a mapping",
        f"{g}[4]: must be a guard name or a one-key mapping {{name: {{params}}}}",
    ]


def test_actions(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["states"][1]["on_enter"] = [
        {"action": "launch_rocket"},
        {"action": "open_case", "params": {"as_child": "yes"}},
        {"action": "schedule_deadline", "params": {"kind": "notice", "days_from_now": 3, "x": 1}},
    ]
    file, problems = problems_of(mini)
    s = f"{file}: states.b.on_enter"
    assert problems[0].startswith(f"{s}[0]: unknown action 'launch_rocket' (known: ")
    assert problems[1:] == [
        f"{s}[1].params: action 'open_case' requires parameter 'workflow'",
        f"{s}[1].params: parameter 'as_child' of action 'open_case' must be true or false",
        f"{s}[2].params: unknown parameter 'x' for action 'schedule_deadline'"
        " (expected: kind, days_from_now, met_by, from_field)",
    ]


def test_roles(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["transitions"][0]["roles"] = ["wizard"]
    mini["transitions"][1]["roles"] = []
    file, problems = problems_of(mini)
    assert problems == [
        f"{file}: transitions[0].roles: unknown role 'wizard'",
        f"{file}: transitions[1].roles: must name at least one role",
    ]


def test_four_eyes_names_unknown_trigger(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["transitions"][1]["approval"] = {"not_by_actor_of": "propose"}
    file, problems = problems_of(mini)
    path = "transitions[1].approval.not_by_actor_of"
    assert problems == [f"{file}: {path}: unknown trigger 'propose'"]


def test_same_trigger_and_source_without_distinguishing_guards(
    problems_of: Any, mini: dict[str, Any]
) -> None:
    mini["transitions"].append({"trigger": "go", "source": "a", "dest": "done", "roles": ["admin"]})
    file, problems = problems_of(mini)
    assert problems == [
        f"{file}: transitions[2]: trigger 'go' from 'a' (as transitions[0]) has the same guards;"
        " no guard tells them apart"
    ]


def test_same_trigger_and_source_told_apart_by_guards(mini: dict[str, Any]) -> None:
    mini["transitions"][0]["guards"] = [{"data_field_in": {"field": "x", "values": [1]}}]
    mini["transitions"].append({"trigger": "go", "source": "a", "dest": "done", "roles": ["admin"]})
    assert len(parse_definition(mini, "m.yaml").transitions) == 3


def test_transition_out_of_final_state(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["transitions"].append(
        {"trigger": "reopen", "source": "done", "dest": "a", "roles": ["admin"]}
    )
    file, problems = problems_of(mini)
    message = "no transition may leave final state 'done'"
    assert problems == [f"{file}: transitions[2].source: {message}"]


def test_reports_every_problem_at_once(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["initial"] = "zz"
    mini["transitions"][0]["roles"] = ["wizard"]
    mini["transitions"][1]["guards"] = ["nope"]
    mini["states"][1]["on_enter"] = ["nope"]
    _, problems = problems_of(mini)
    assert len(problems) == 4


def _write(directory: Path, name: str, doc: Any) -> None:
    (directory / name).write_text(yaml.safe_dump(doc, sort_keys=False))


def test_load_directory_collects_problems_across_files(tmp_path: Path) -> None:
    good = copy.deepcopy(MINI)
    good["states"][2]["on_enter"] = [{"action": "open_case", "params": {"workflow": "ghost"}}]
    bad = copy.deepcopy(MINI)
    bad["name"] = "other"
    bad["initial"] = "zz"
    twin = copy.deepcopy(MINI)
    twin["title"] = "Mini twin"
    _write(tmp_path, "a_mini.yaml", good)
    _write(tmp_path, "b_other.yml", bad)
    _write(tmp_path, "c_twin.yaml", twin)
    expected = [
        f"{tmp_path / 'b_other.yml'}: initial: unknown state 'zz'",
        f"{tmp_path / 'c_twin.yaml'}: name: workflow 'mini' is also defined in "
        f"{tmp_path / 'a_mini.yaml'}",
        f"{tmp_path / 'a_mini.yaml'}: states.done.on_enter[0].params.workflow:"
        " unknown workflow 'ghost'",
    ]
    assert [str(p) for p in check_directory(tmp_path)] == expected
    with pytest.raises(DefinitionError) as info:
        load_directory(tmp_path)
    assert [str(p) for p in info.value.problems] == expected


def test_load_directory_happy(tmp_path: Path) -> None:
    _write(tmp_path, "mini.yaml", MINI)
    other = copy.deepcopy(MINI)
    other["name"] = "parent"
    other["transitions"][0]["guards"] = [{"has_children": {"workflow": "mini"}}]
    _write(tmp_path, "parent.yaml", other)
    assert check_directory(tmp_path) == []
    assert sorted(load_directory(tmp_path)) == ["mini", "parent"]


def test_missing_directory(tmp_path: Path) -> None:
    problems = check_directory(tmp_path / "nope")
    assert [p.message for p in problems] == ["is not a directory"]


def test_duplicate_yaml_key(problems_of: Any) -> None:
    file, problems = problems_of("name: a\nname: b\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{file}: (document): invalid YAML:")
    assert "found duplicate key 'name'" in problems[0]


def test_a_self_loop_is_no_way_out(problems_of: Any, mini: dict[str, Any]) -> None:
    mini["states"].append({"name": "c", "title": "C"})
    mini["transitions"] += [
        {"trigger": "park", "source": "a", "dest": "c", "roles": ["admin"]},
        {"trigger": "poke", "source": "c", "dest": "c", "roles": ["admin"]},
    ]
    file, problems = problems_of(mini)
    assert problems == [f"{file}: states.c: non-final state has no outgoing transition"]


def test_guard_order_does_not_tell_transitions_apart(
    problems_of: Any, mini: dict[str, Any]
) -> None:
    x = {"data_field_in": {"field": "x", "values": [1]}}
    y = {"data_required": {"fields": ["y"]}}
    mini["transitions"][0]["guards"] = [x, y]
    mini["transitions"].append(
        {"trigger": "go", "source": "a", "dest": "done", "roles": ["admin"], "guards": [y, x]}
    )
    file, problems = problems_of(mini)
    assert problems == [
        f"{file}: transitions[2]: trigger 'go' from 'a' (as transitions[0]) has the same guards;"
        " no guard tells them apart"
    ]


def test_deadline_met_by_unknown_trigger(problems_of: Any, mini: dict[str, Any]) -> None:
    params = {"kind": "notice", "days_from_now": 3, "met_by": "sign"}
    mini["states"][1]["on_enter"] = [{"action": "schedule_deadline", "params": params}]
    file, problems = problems_of(mini)
    path = "states.b.on_enter[0].params.met_by"
    assert problems == [f"{file}: {path}: unknown trigger 'sign'"]


def test_a_guard_limit_may_not_come_from_the_request(
    problems_of: Any, mini: dict[str, Any]
) -> None:
    mini["transitions"][0]["guards"] = [
        {"date_not_after": {"field": "d", "limit": "max_end_date"}},
        {"date_not_after": {"field": "d", "limit": "data.max_end_date"}},
        {"date_not_after": {"field": "d", "limit": "contract.max_end_date"}},
        {"date_not_before": {"field": "d", "limit": "2027-01-31"}},
        {"date_within_days": {"field": "d", "of": "today", "days": 3}},
    ]
    _file, problems = problems_of(mini)
    assert [p.split(": ", 2)[1] for p in problems] == [
        "transitions[0].guards[0]",
        "transitions[0].guards[1]",
    ]
    assert "'max_end_date' would be read from the request" in problems[0]
