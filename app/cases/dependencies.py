"""Dependencies between a review's components: this line needs that one live first.

Cabinet Office, "Guidance on exiting major IT contracts" (2017): service transition is
planned around the dependencies between services, and a service is not cut over before the
services it relies on are running. A dependency joins two component cases of the same
review; none on itself and no cycles (a cycle could never cut over). Each change is audited
and bumps the waiting case's version, so it is written against the version the client saw.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.audit import service as audit
from app.cases import dependency_queries as queries
from app.cases.ctx import Ctx
from app.cases.models import Case, ComponentDependency
from app.errors import NotFound, Unprocessable
from app.etag import check_version

COMPONENT_WORKFLOW = "service_component"
CANCELLED = "cancelled"


def listed(session: Session, case: Case) -> list[Case]:
    """The component cases `case` depends on."""
    return queries.depends_on(session, case.id)


def add(ctx: Ctx, *, case: Case, other: Case, if_match: int | None) -> bool:
    """Record that `case` needs `other` live first; False when it already did (no change)."""
    check_version("case", case.version, if_match=if_match, expected=None)
    if queries.edge(ctx.session, case.id, other.id) is not None:
        return False  # recorded already, so it met the rules then: saying it again is no change
    problems = refusals(ctx.session, case, other)
    if problems:
        raise Unprocessable(
            " ".join(p["message"] for p in problems), code="invalid_dependency", problems=problems
        )
    now = ctx.clock.now()
    ctx.session.add(ComponentDependency(case_id=case.id, depends_on_id=other.id, created_at=now))
    _changed(ctx, case, other, "component.dependency_added")
    return True


def remove(ctx: Ctx, *, case: Case, other: Case, if_match: int | None) -> None:
    """Drop the dependency of `case` on `other` (404 when there is none)."""
    check_version("case", case.version, if_match=if_match, expected=None)
    found = queries.edge(ctx.session, case.id, other.id)
    if found is None:
        raise NotFound(f"case {case.id} does not depend on case {other.id}")
    ctx.session.delete(found)
    _changed(ctx, case, other, "component.dependency_removed")


def refusals(session: Session, case: Case, other: Case) -> list[dict[str, str]]:
    """Why `case` may not depend on `other`: each rule broken, as a problem."""
    found: list[dict[str, str]] = []
    for c in (case, other):
        if c.workflow != COMPONENT_WORKFLOW or c.parent_id is None:
            found.append(_problem("not_a_component", f"case {c.id} is not a service component."))
    if found:
        return found
    if other.state == CANCELLED:
        # A cancelled line never goes live: depending on it would block the cutover for good.
        return [_problem("cancelled_line", f"case {other.id} is cancelled; it will never be live.")]
    if case.id == other.id:
        return [_problem("self_dependency", f"case {case.id} cannot depend on itself.")]
    if case.parent_id != other.parent_id:
        found.append(
            _problem(
                "other_review",
                f"case {other.id} belongs to review #{other.parent_id}, not #{case.parent_id}:"
                " dependencies join lines of the same review.",
            )
        )
        return found
    path = _path(queries.review_edges(session, case.parent_id or 0), other.id, case.id)
    if path is not None:
        chain = " -> ".join(f"#{i}" for i in [case.id, *path])
        found.append(_problem("cycle", f"this would make a cycle: {chain}."))
    return found


def _path(edges: dict[int, list[int]], start: int, goal: int) -> list[int] | None:
    """A path start -> ... -> goal along the dependencies, or None (depth first)."""
    stack: list[list[int]] = [[start]]
    seen: set[int] = set()
    while stack:
        path = stack.pop()
        node = path[-1]
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack += [[*path, nxt] for nxt in edges.get(node, ())]
    return None


def _problem(code: str, message: str) -> dict[str, str]:
    return {"field": "other_id", "code": code, "message": message}


def _changed(ctx: Ctx, case: Case, other: Case, action: str) -> None:
    """Bump the waiting case's version (its ETag) and audit the change."""
    now = ctx.clock.now()
    case.updated_at = now
    # Forced: with a frozen clock the value may not change, and the UPDATE bumps the version.
    flag_modified(case, "updated_at")
    ctx.session.flush()
    audit.record(
        session=ctx.session,
        actor=ctx.actor,
        action=action,
        at=now,
        case_id=case.id,
        contract_id=case.contract_id,
        details={"depends_on": other.id, "depends_on_title": other.title, "version": case.version},
    )
