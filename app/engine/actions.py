"""Declared actions, each described by its parameters. The case service implements them.

An action runs on entering a state (`on_enter`) or when one transition fires (`actions`).
The engine only validates them; app/cases/service.py's ACTIONS holds the implementations,
and the application refuses to start when one is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.engine.params import Param, ParamSpec, spec

# An action spec is a parameter spec; the alias keeps the public name the service expects.
ActionSpec = ParamSpec

ACTION_SPECS: Mapping[str, ActionSpec] = MappingProxyType(
    {
        "open_handover_checklist": spec(
            doc="Give the service line its handover checklist (data migration, licence and IP,"
            " third-party contracts, assets, security accreditation) when its route replaces"
            " the supplier; once per case.",
        ),
        "open_case": spec(
            Param("workflow", names="workflow", doc="the workflow of the new case"),
            Param("as_child", "bool", required=False, default=True, doc="open it as a child"),
            doc="Open a case of another workflow about the same subject, by default as a child.",
        ),
        "cancel_open_children": spec(
            doc="Cancel every child case that is not yet in a final state (as the system).",
        ),
        "set_case_field": spec(
            Param("field", names="field", root="case.data.", defines=True, doc="the data key"),
            Param("value", "any", doc="the value it is set to"),
            doc="Set case.data[field] = value.",
        ),
        "clear_case_fields": spec(
            Param("fields", "list[str]", names="field", root="case.data.", doc="the data keys"),
            doc="Remove each of `fields` from case.data; `route` also clears the case's route.",
        ),
        "meet_deadlines": spec(
            Param("kinds", "list[str]", doc="deadline kinds"),
            doc="Mark the case's open deadlines of `kinds` met, with the transition's evidence.",
        ),
        "resolve_contract_deadlines": spec(
            Param("kinds", "list[str]", doc="deadline kinds"),
            Param("status", one_of=("met", "waived"), doc="what they become"),
            doc="Mark the contract's own open deadlines of `kinds` met or waived (audited).",
        ),
        "reopen_contract_deadlines": spec(
            Param("kinds", "list[str]", doc="deadline kinds"),
            doc="Reopen the contract's waived deadlines of `kinds` (a decision reversed).",
        ),
        "recompute_contract_deadlines": spec(
            doc="Recompute the contract's deadlines: once its exit records the end, only the"
            " publication duties remain.",
        ),
        "apply_contract_extension": spec(
            doc="Move the contract's end date and value to the case's new_end_date and"
            " new_value (a signed extension), using up the extension options it exercised.",
        ),
        "schedule_deadline": spec(
            Param("kind", doc="the deadline kind"),
            Param("days_from_now", "int", doc="days after entry (or after `from_field`)"),
            Param("met_by", required=False, names="trigger", doc="the trigger that meets it"),
            Param(
                "from_field",
                required=False,
                names="field",
                root="case.data.",
                doc="the case date it counts from, when recorded",
            ),
            doc="Create a deadline of `kind`, `days_from_now` days after entry or after the"
            " date in case.data[`from_field`]; the transition `met_by` marks it met.",
        ),
    }
)
