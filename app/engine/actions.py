"""Declared on-enter actions. The case service implements them; the engine only validates."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.engine.params import ParamSpec

# An action spec is a parameter spec; the alias keeps the public name the service expects.
ActionSpec = ParamSpec

ACTION_SPECS: Mapping[str, ActionSpec] = MappingProxyType(
    {
        # Open a case of another workflow about the same subject, by default as a child.
        "open_case": ActionSpec(
            required=("workflow",),
            optional=("as_child",),
            types={"workflow": "str", "as_child": "bool"},
            defaults={"as_child": True},
        ),
        # Cancel every child case that is not yet in a final state.
        "cancel_open_children": ActionSpec(),
        # Set case.data[field] = value.
        "set_case_field": ActionSpec(
            required=("field", "value"), types={"field": "str", "value": "any"}
        ),
        # Remove case.data[field] for each field; `route` also clears the case's route.
        "clear_case_fields": ActionSpec(required=("fields",), types={"fields": "list[str]"}),
        # Mark the case's open deadlines of each of `kinds` met, with the transition's
        # evidence (their reminders stop).
        "meet_deadlines": ActionSpec(required=("kinds",), types={"kinds": "list[str]"}),
        # Move the contract's end date and value to the case's new_end_date and new_value
        # (a signed extension), using up the extension options it exercised.
        "apply_contract_extension": ActionSpec(),
        # Create a deadline of `kind` dated `days_from_now` days after entry, or after the
        # date in case.data[`from_field`] when the case has one; the transition named by
        # `met_by` marks it met (its reminders stop).
        "schedule_deadline": ActionSpec(
            required=("kind", "days_from_now"),
            optional=("met_by", "from_field"),
            types={"kind": "str", "days_from_now": "int", "met_by": "str", "from_field": "str"},
        ),
    }
)
