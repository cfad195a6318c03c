"""What a transition asks of the person firing it, derived from its guards' descriptions.

Forms (the API's `inputs`, the web pages) are built from this, so a guard that checks a
request field is also the one place saying the field is asked for, of what type, with
which choices, and whether it may be left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.engine.catalog import GUARDS
from app.engine.context import label, payload_key
from app.engine.model import TransitionDef

# When two guards ask for the same field, the more specific type wins.
_PRECEDENCE = ("text", "number", "date", "choice")
HINTS = {"date": "YYYY-MM-DD", "number": "A number, such as 1250000.50"}


@dataclass(frozen=True, slots=True)
class DataInput:
    """A request field to fill in."""

    name: str
    title: str
    type: str
    required: bool
    choices: tuple[object, ...] | None = None
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceInput:
    """An evidence item of a kind to attach."""

    kind: str
    title: str
    required: bool


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a transition asks for."""

    data: tuple[DataInput, ...] = ()
    evidence: tuple[EvidenceInput, ...] = ()


def transition_inputs(t: TransitionDef) -> Inputs:
    """The inputs of one transition, in the order its guards ask for them."""
    data: dict[str, DataInput] = {}
    evidence: dict[str, EvidenceInput] = {}
    for ref in t.guards:
        spec = GUARDS[ref.name].params
        conditional = "when_field" in ref.params
        for param in spec.params:
            if param.asks is None or param.name not in ref.params:
                continue
            required = not (param.optional_input or conditional)
            raw = ref.params[param.name]
            for value in [
                v for v in (raw if isinstance(raw, list) else [raw]) if isinstance(v, str)
            ]:
                if param.asks == "evidence":
                    old = evidence.get(value)
                    need = required or (old is not None and old.required)
                    evidence[value] = EvidenceInput(value, _title(value), need)
                    continue
                key = payload_key(value)
                if key is None or param.root or param.of_workflow is not None:
                    continue
                choices = ref.params.get(param.choices) if param.choices else None
                new = DataInput(
                    name=key,
                    title=_title(key),
                    type=param.asks,
                    required=required,
                    choices=tuple(choices) if isinstance(choices, list) else None,
                    hint=HINTS.get(param.asks),
                )
                data[key] = _merge_one(data[key], new) if key in data else new
    return Inputs(tuple(data.values()), tuple(evidence.values()))


def _merge_one(a: DataInput, b: DataInput) -> DataInput:
    """The same field asked twice in one transition: required if either guard requires it."""
    typed = b if _PRECEDENCE.index(b.type) > _PRECEDENCE.index(a.type) else a
    return replace(typed, required=a.required or b.required, choices=typed.choices or a.choices)


def merged_inputs(candidates: Sequence[TransitionDef]) -> Inputs:
    """The inputs of one trigger with several candidates (told apart by what is sent).

    A field is required only when every candidate requires it; choices are pooled, so an
    outcome with one candidate per value offers them all.
    """
    each = [transition_inputs(t) for t in candidates]
    if len(each) == 1:
        return each[0]
    data: dict[str, DataInput] = {}
    evidence: dict[str, EvidenceInput] = {}
    for inputs in each:
        for d in inputs.data:
            data[d.name] = _pool(data[d.name], d) if d.name in data else d
        for e in inputs.evidence:
            old = evidence.get(e.kind)
            evidence[e.kind] = (
                e if old is None else replace(e, required=old.required and e.required)
            )
    needed = set.intersection(*[{d.name for d in i.data if d.required} for i in each])
    evidence_needed = set.intersection(*[{e.kind for e in i.evidence if e.required} for i in each])
    return Inputs(
        tuple(replace(d, required=d.name in needed) for d in data.values()),
        tuple(replace(e, required=e.kind in evidence_needed) for e in evidence.values()),
    )


def _pool(a: DataInput, b: DataInput) -> DataInput:
    typed = b if _PRECEDENCE.index(b.type) > _PRECEDENCE.index(a.type) else a
    choices = None
    if a.choices is not None or b.choices is not None:
        pooled = list(a.choices or ())
        pooled += [c for c in b.choices or () if c not in pooled]
        choices = tuple(pooled)
    return replace(typed, choices=choices)


def _title(name: str) -> str:
    return label(name).capitalize()
