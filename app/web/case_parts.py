"""A component's dependencies and handover checklist on its case page: what it shows, who may act.

Who may change them is read from the API routers' own role checks, which lines may be added
from the dependency service's own rules, and the posted forms are checked by the API's own
request bodies: the page adds no rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.auth.service import Actor
from app.cases import dependencies, dependency_router
from app.cases.context import children_of
from app.cases.models import Case
from app.cases.service import Ctx
from app.handover import present
from app.handover import router as handover_router
from app.handover.schemas import CompleteIn, OwnerIn, TaskOut
from app.web import case_parts_queries
from app.web.case_forms import EvidenceSlot, TransitionForm, read_submission
from app.web.permissions import may, roles_of

PLANNERS = roles_of(dependency_router.Planner)
WORKERS = roles_of(handover_router.Worker)
# The one evidence link "Mark as done" asks for (the API takes at least one).
COMPLETION = TransitionForm(False, evidence=[EvidenceSlot(None, "Evidence link", True)])
DONE = {
    "dependency-added": "Dependency added.",
    "dependency-removed": "Dependency removed.",
    "owner-assigned": "Owner assigned.",
    "task-done": "Task marked as done.",
}
"""The success banners after a redirect, by the `done` query value (never user text)."""


@dataclass(frozen=True)
class CaseParts:
    """The dependencies and checklist sections of a service component's page."""

    shown: bool
    depends_on: list[Case] = field(default_factory=list)
    candidates: list[Case] = field(default_factory=list)
    can_plan: bool = False
    tasks: list[TaskOut] = field(default_factory=list)
    can_work: bool = False
    users: list[str] = field(default_factory=list)

    @property
    def choices(self) -> list[dict[str, str]]:
        """The lines that may be added, as select items."""
        return [{"value": str(c.id), "text": f"{c.title} (case {c.id})"} for c in self.candidates]

    @property
    def user_choices(self) -> list[dict[str, str]]:
        """The people a task may be given to, as select items."""
        return [{"value": name, "text": name} for name in self.users]


def is_component(case: Case) -> bool:
    """Whether the case is a service component of a review (the only kind with dependencies)."""
    return case.workflow == dependencies.COMPONENT_WORKFLOW and case.parent_id is not None


def parts_of(ctx: Ctx, case: Case, actor: Actor) -> CaseParts:
    """What the case page shows of the component's dependencies and handover tasks."""
    if not is_component(case):
        return CaseParts(shown=False)
    needed = dependencies.listed(ctx.session, case)
    can_plan = may(actor, PLANNERS)
    tasks = present.tasks_out(ctx.session, case.id)
    can_work = may(actor, WORKERS)
    return CaseParts(
        shown=True,
        depends_on=needed,
        candidates=_candidates(ctx, case, {c.id for c in needed}) if can_plan else [],
        can_plan=can_plan,
        tasks=tasks,
        can_work=can_work,
        users=case_parts_queries.user_names(ctx.session)
        if can_work and any(t.status == "open" for t in tasks)
        else [],
    )


def _candidates(ctx: Ctx, case: Case, listed: set[int]) -> list[Case]:
    """The review's other lines the dependency service would accept now."""
    siblings = children_of(ctx.session, case.parent_id or 0)
    # The service's own rules (same review, not cancelled, no cycle), not a copy of them.
    return [
        c
        for c in siblings
        if c.id not in listed and not dependencies.refusals(ctx.session, case, c)
    ]


def version_of(form: FormData, name: str = "expected_version") -> int | None:
    """The version the user saw, as the form carried it (None when missing or not a number)."""
    value = str(form.get(name) or "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@dataclass
class Posted:
    """A posted task form: the API's request body, or its problems keyed by field id."""

    body: Any
    errors: dict[str, str]


def read_owner(form: FormData, prefix: str) -> Posted:
    """The assign-owner form as the API's PATCH body."""
    owner = str(form.get("owner") or "").strip()
    if not owner:
        return Posted(None, {f"{prefix}-owner": "Choose who is to get this done"})
    try:
        body = OwnerIn.model_validate(
            {"owner": owner[:100], "version": version_of(form, "version")}
        )
    except ValidationError:  # only a forged version can fail here: the owner is checked above
        return Posted(None, {f"{prefix}-owner": "Reload the page and try again"})
    return Posted(body, {})


def read_completion(form: FormData, prefix: str) -> Posted:
    """The mark-as-done form as the API's complete body: a reason and one evidence link."""
    submitted = read_submission(form, COMPLETION, prefix)
    if submitted.errors:
        return Posted(None, submitted.errors)
    try:
        body = CompleteIn.model_validate(
            {
                "evidence": submitted.evidence,
                "reason": (submitted.reason or "")[:2000] or None,
                "version": version_of(form, "version"),
            }
        )
    except ValidationError as exc:
        return Posted(None, _completion_errors(exc, prefix))
    return Posted(body, {})


def _completion_errors(exc: ValidationError, prefix: str) -> dict[str, str]:
    """The API's validation problems as the form's fields."""
    errors: dict[str, str] = {}
    for problem in exc.errors():
        where = str(problem["loc"][0]) if problem["loc"] else ""
        if where == "evidence":
            errors[f"{prefix}-evidence-0-url"] = "Give a link to the evidence that this is done"
        elif where == "reason":
            errors[f"{prefix}-reason"] = "Enter the reason in words"
        else:
            errors[f"{prefix}-evidence-0-url"] = "Reload the page and try again"
    return errors
