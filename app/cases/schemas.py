"""Request and response bodies for cases."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.audit.schemas import AuditEventOut
from app.contracts.schemas import DeadlineOut
from app.params import MAX_ID, JsonInt

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=100)
]
Id = Annotated[int, Field(ge=1, le=MAX_ID), JsonInt]


class Strict(BaseModel):
    """Input models refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class CaseCreate(Strict):
    """POST /api/cases."""

    workflow: Name
    contract_id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    assignee: Name | None = None


class Evidence(Strict):
    """A document or link a decision rests on."""

    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=300)
    ]
    url: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^https?://\S+$")
    ]
    """An http(s) link: evidence someone else must be able to open."""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")] | None = None
    kind: Name | None = None
    """What it is (e.g. delivery_model_assessment); guards may ask for kinds."""


class TransitionRequest(Strict):
    """POST /api/cases/{id}/transitions."""

    trigger: Name
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None = None
    expected_version: Annotated[int, Field(ge=1), JsonInt] | None = None
    data: Annotated[dict[str, Any], Field(max_length=50)] = {}
    evidence: Annotated[list[Evidence], Field(max_length=50)] = []


class ComponentCreate(Strict):
    """POST /api/cases/{id}/components: one service line of the contract."""

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=200)
    ]
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    route: Name | None = None
    """A delivery route already in mind; it is proposed through the workflow."""


class ChildOut(BaseModel):
    """A child case as listed on its parent."""

    id: int
    workflow: str
    title: str
    state: str
    final: bool
    route: str | None


class CaseOut(BaseModel):
    """A case as the REST contract names its fields."""

    id: int
    workflow: str
    workflow_version: str
    title: str
    state: str
    state_title: str
    final: bool
    version: int
    contract_id: int | None
    parent_id: int | None
    component_id: int | None
    route: str | None
    assignee: str | None
    data: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    children: list[ChildOut] = []
    deadlines: list[DeadlineOut] = []
    rollup: dict[str, Any] | None = None


class BlockerOut(BaseModel):
    """Why a transition may not fire."""

    code: str
    detail: str


class DataInputOut(BaseModel):
    """A request field the transition asks for (from its guards' descriptions)."""

    name: str
    title: str
    label: str
    type: str
    """text, number, date or choice."""
    required: bool
    choices: list[Any] | None = None
    hint: str | None = None


class EvidenceInputOut(BaseModel):
    """An evidence kind the transition asks for."""

    kind: str
    title: str
    required: bool


class InputsOut(BaseModel):
    """What a transition asks of the person firing it: a form can be built from this."""

    data: list[DataInputOut] = []
    evidence: list[EvidenceInputOut] = []


class TransitionOption(BaseModel):
    """A trigger available from the current state, for the caller."""

    trigger: str
    title: str
    dest: str | None
    allowed: bool
    blocked_by: list[BlockerOut]
    requires_reason: bool
    requires_evidence: int
    inputs: InputsOut = InputsOut()


class TransitionResult(BaseModel):
    """The case after a transition, and the audit event recording it."""

    case: CaseOut
    event: AuditEventOut


class DependencyOut(BaseModel):
    """A component case another one needs live first."""

    id: int
    title: str
    state: str
    final: bool


class DependencyList(BaseModel):
    """The component cases a case depends on, and the case's version (its ETag)."""

    case_id: int
    version: int
    items: list[DependencyOut]
