"""What a transition's form asks for, and turning the posted form into the service's call.

`transition_form` is the one place the fields are derived (from the definition's guards and
requirements). When GET /api/cases/{id}/transitions gives each option its declared `inputs`,
this function becomes a reading of `option.inputs`; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.cases.schemas import Evidence, TransitionOption
from app.engine.context import payload_key
from app.engine.model import TransitionDef

_DATE_GUARDS = frozenset(
    {"date_not_after", "date_not_before", "optional_dates", "date_within_days"}
)


@dataclass(frozen=True)
class DataInput:
    """One value the transition takes into the case's data."""

    name: str
    title: str
    type: str = "text"  # text, date, choice
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceSlot:
    """One evidence link the form offers (of a kind the guards ask for, or any)."""

    kind: str | None
    title: str
    required: bool


@dataclass(frozen=True)
class TransitionForm:
    """Everything one transition's form shows."""

    reason_required: bool
    data: list[DataInput] = field(default_factory=list)
    evidence: list[EvidenceSlot] = field(default_factory=list)
    fillable: frozenset[str] = frozenset()
    """Blocker codes this form's own inputs can satisfy (listing options sends none)."""

    def offered(self, option: TransitionOption) -> bool:
        """Whether to offer the form: allowed, or held back only by what the form asks for."""
        return option.allowed or all(b.code in self.fillable for b in option.blocked_by)


def _title(name: str) -> str:
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def transition_form(option: TransitionOption, tdef: TransitionDef | None) -> TransitionForm:
    """The fields of a transition's form, from its guards and requirements."""
    data: dict[str, DataInput] = {}
    kinds: list[str] = []
    fillable = {"reason_required", "evidence_required"}
    for ref in tdef.guards if tdef else ():
        params = ref.params
        paths = [params["field"]] if isinstance(params.get("field"), str) else []
        paths += [p for p in params.get("fields", []) or [] if isinstance(p, str)]
        for path in paths:
            key = payload_key(path)
            if key is None:
                continue
            fillable.add(ref.name)
            values = params.get("values")
            if ref.name == "data_field_in" and isinstance(values, list):
                choices = tuple(str(v) for v in values)
                data[key] = DataInput(key, _title(key), "choice", True, choices)
            elif ref.name in _DATE_GUARDS:
                data.setdefault(
                    key, DataInput(key, _title(key), "date", ref.name != "optional_dates")
                )
            else:
                data.setdefault(key, DataInput(key, _title(key)))
        if ref.name in ("evidence_kinds", "value_change_needs_evidence"):
            fillable.add(ref.name)
        if ref.name == "evidence_kinds":
            kinds += [str(k) for k in params.get("kinds", [])]
        elif ref.name == "value_change_needs_evidence" and isinstance(params.get("kind"), str):
            kinds.append(params["kind"])
    slots = [EvidenceSlot(k, _title(k), True) for k in dict.fromkeys(kinds)]
    needed = max(option.requires_evidence - len(slots), 0)
    slots += [EvidenceSlot(None, "Evidence link", True) for _ in range(needed)]
    if not needed:
        slots.append(EvidenceSlot(None, "Another evidence link", False))
    return TransitionForm(option.requires_reason, list(data.values()), slots, frozenset(fillable))


def definition_for(
    transitions: tuple[TransitionDef, ...], trigger: str, state: str
) -> TransitionDef | None:
    """The definition's transition for a trigger from a state."""
    return next((t for t in transitions if t.trigger == trigger and state in t.sources), None)


@dataclass
class Submitted:
    """A posted transition form: what the service takes, or what is wrong with it."""

    reason: str | None
    data: dict[str, Any]
    evidence: list[dict[str, Any]]
    errors: dict[str, str]


def read_submission(form: FormData, spec: TransitionForm, prefix: str) -> Submitted:
    """The service's arguments from the posted form; each problem keyed by its field id."""
    errors: dict[str, str] = {}
    reason = str(form.get("reason") or "").strip() or None
    if spec.reason_required and not reason:
        errors[f"{prefix}-reason"] = "Enter the reason for this decision"
    data: dict[str, Any] = {}
    for item in spec.data:
        value = str(form.get(f"data-{item.name}") or "").strip()
        if value:  # a missing value is the guards' to refuse, with their own words
            data[item.name] = value
    evidence: list[dict[str, Any]] = []
    for n, slot in enumerate(spec.evidence):
        title = str(form.get(f"evidence-{n}-title") or "").strip()
        url = str(form.get(f"evidence-{n}-url") or "").strip()
        if not url and not title:
            continue  # an empty slot: the guards say if it was needed
        entry = {"title": title or slot.title, "url": url, "kind": slot.kind}
        try:
            evidence.append(Evidence.model_validate(entry).model_dump(exclude_none=True))
        except ValidationError:
            errors[f"{prefix}-evidence-{n}-url"] = (
                f"Enter a link starting https:// or http:// for {slot.title.lower()}"
            )
    return Submitted(reason, data, evidence, errors)
