"""What a transition's form asks for, and turning the posted form into the service's call.

The fields are the option's declared `inputs` (derived from its guards' own descriptions, as
GET /api/cases/{id}/transitions gives them): the page asks for exactly what the API documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.cases.schemas import DataInputOut, Evidence, TransitionOption
from app.engine.catalog import GUARDS
from app.engine.model import TransitionDef


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
    data: list[DataInputOut] = field(default_factory=list)
    evidence: list[EvidenceSlot] = field(default_factory=list)
    fillable: frozenset[str] = frozenset()
    """Blocker codes this form's own inputs can satisfy (listing options sends none)."""

    def offered(self, option: TransitionOption) -> bool:
        """Whether to offer the form: allowed, or held back only by what the form asks for."""
        return option.allowed or all(b.code in self.fillable for b in option.blocked_by)


def transition_form(option: TransitionOption, tdef: TransitionDef | None) -> TransitionForm:
    """The fields of a transition's form, from the inputs the option declares."""
    fillable = {"reason_required", "evidence_required"}
    # A guard that asks for input is one the form itself can satisfy.
    fillable |= {
        ref.name
        for ref in (tdef.guards if tdef else ())
        if any(p.asks is not None for p in GUARDS[ref.name].params.params)
    }
    slots = [EvidenceSlot(e.kind, e.title, e.required) for e in option.inputs.evidence]
    needed = max(option.requires_evidence - sum(s.required for s in slots), 0)
    slots += [EvidenceSlot(None, "Evidence link", True) for _ in range(needed)]
    if not needed:
        slots.append(EvidenceSlot(None, "Another evidence link", False))
    return TransitionForm(
        option.requires_reason, list(option.inputs.data), slots, frozenset(fillable)
    )


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
