"""The SQL of component dependencies: one edge, a case's dependencies, a review's edges."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.models import Case, ComponentDependency


def edge(session: Session, case_id: int, depends_on_id: int) -> ComponentDependency | None:
    """The dependency of `case_id` on `depends_on_id`, or None."""
    return session.get(ComponentDependency, (case_id, depends_on_id))


def depends_on(session: Session, case_id: int) -> list[Case]:
    """The cases `case_id` depends on, by id."""
    stmt = (
        select(Case)
        .join(ComponentDependency, ComponentDependency.depends_on_id == Case.id)
        .where(ComponentDependency.case_id == case_id)
        .order_by(Case.id)
    )
    return list(session.scalars(stmt))


def review_edges(session: Session, parent_id: int) -> dict[int, list[int]]:
    """Every dependency among the components of one review: waiting case -> cases it needs."""
    stmt = (
        select(ComponentDependency.case_id, ComponentDependency.depends_on_id)
        .join(Case, Case.id == ComponentDependency.case_id)
        .where(Case.parent_id == parent_id)
        .order_by(ComponentDependency.case_id, ComponentDependency.depends_on_id)
    )
    found: dict[int, list[int]] = defaultdict(list)
    for waiting, needed in session.execute(stmt):
        found[waiting].append(needed)
    return dict(found)
