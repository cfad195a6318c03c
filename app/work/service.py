"""Gathering "my work": the one place the home page and GET /api/me/work both read from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.auth.roles import Role
from app.cases.models import Case
from app.cases.service import Ctx, definition_of
from app.deadlines.models import Deadline, InAppNotification
from app.deadlines.policy import DEFAULT_POLICY, POLICY_OVERRIDES, ReminderPolicy
from app.delivery.channels import roles_for
from app.engine.model import TransitionDef
from app.work import queries

HORIZON_DAYS = 90
BANNER_DAYS = 14
"""A deadline this close (or passed) puts the banner on the home page."""


@dataclass(frozen=True)
class WorkItem:
    """An open case with what the user's roles let them do next in its state."""

    case: Case
    actions: list[TransitionDef]
    approvals: list[TransitionDef]
    assigned: bool


@dataclass(frozen=True)
class DueItem:
    """A deadline with how close it is."""

    deadline: Deadline
    days: int
    urgency: str
    colour: str


@dataclass(frozen=True)
class MyWork:
    """Everything the home page shows."""

    items: list[WorkItem]
    deadlines: list[DueItem]
    notifications: list[InAppNotification]
    labels: dict[int, str]

    @property
    def approvals(self) -> list[WorkItem]:
        """The cases waiting for the user's approval (someone else proposed)."""
        return [i for i in self.items if i.approvals]

    @property
    def soon(self) -> list[DueItem]:
        """Deadlines due within BANNER_DAYS from today."""
        return [d for d in self.deadlines if 0 <= d.days <= BANNER_DAYS]


def urgency(due: date, today: date) -> tuple[str, str]:
    """A tag's text and colour class for a deadline's closeness."""
    days = (due - today).days
    if days < 0:
        return "Overdue", "govuk-tag--red"
    if days <= BANNER_DAYS:
        return f"Due in {days} day{'s' if days != 1 else ''}", "govuk-tag--orange"
    if days <= 30:
        return f"Due in {days} days", "govuk-tag--yellow"
    return f"Due in {days} days", "govuk-tag--grey"


def _open_to(ctx: Ctx, case: Case) -> list[TransitionDef]:
    """The transitions from the case's state that the user's roles may fire."""
    roles = ctx.actor.roles
    return [
        t
        for t in definition_of(ctx, case).transitions
        if case.state in t.sources and (Role.admin in roles or not t.roles.isdisjoint(roles))
    ]


def _work_item(
    ctx: Ctx, case: Case, mine: list[TransitionDef], history: dict[str, str]
) -> WorkItem | None:
    """What the user may do on one case now; four-eyes steps they proposed are not theirs."""
    actions: list[TransitionDef] = []
    approvals: list[TransitionDef] = []
    for t in mine:
        if t.not_by_actor_of is None:
            actions.append(t)
        elif history.get(t.not_by_actor_of) != ctx.actor.name:
            approvals.append(t)
    assigned = case.assignee == ctx.actor.name
    if not (actions or approvals or assigned):
        return None
    return WorkItem(case, actions, approvals, assigned)


def work_items(ctx: Ctx, limit: int = 50) -> list[WorkItem]:
    """Open cases where the user's roles can act now, assigned ones first, then newest."""
    open_to = [(c, _open_to(ctx, c)) for c in queries.open_cases(ctx.session)]
    # One query for the proposers of every case with a four-eyes step, not one per case.
    four_eyes = {c.id for c, ts in open_to if any(t.not_by_actor_of for t in ts)}
    histories = queries.trigger_histories(ctx.session, four_eyes)
    items = [
        item
        for c, ts in open_to
        if (item := _work_item(ctx, c, ts, histories.get(c.id, {}))) is not None
    ]
    items.sort(key=lambda i: (not i.assigned, -i.case.updated_at.timestamp()))
    return items[:limit]


def reach(ctx: Ctx) -> queries.Reach:
    """Which deadlines are the user's: those Handover reminds them of, and their cases'.

    Reminders go to the roles of the kind's policy, or to the fallback role when nobody
    holds any of them; escalations (after the date) also go to the escalation roles
    (delivery.roles_for decides both, so this cannot drift from who is actually told).
    """
    mine = frozenset(ctx.actor.roles)

    def told(policy: ReminderPolicy, escalation: bool) -> bool:
        above = policy.escalation_roles if escalation else ()
        return not mine.isdisjoint(roles_for(ctx.session, policy.recipient_roles, above))

    return queries.Reach(
        before=frozenset(k for k, p in POLICY_OVERRIDES.items() if told(p, False)),
        after=frozenset(k for k, p in POLICY_OVERRIDES.items() if told(p, True)),
        others_before=told(DEFAULT_POLICY, False),
        others_after=told(DEFAULT_POLICY, True),
        named=frozenset(POLICY_OVERRIDES),
        assignee=ctx.actor.name,
    )


def my_work(ctx: Ctx) -> MyWork:
    """The user's actions, approvals, own deadlines in the next 90 days, unread notifications."""
    today = ctx.clock.today()
    items = work_items(ctx)
    due = [
        DueItem(d, (d.date - today).days, *urgency(d.date, today))
        for d in queries.deadlines_due(ctx.session, today, reach(ctx), HORIZON_DAYS)
    ]
    labels = queries.contract_titles(
        ctx.session,
        {d.deadline.contract_id for d in due if d.deadline.contract_id}
        | {i.case.contract_id for i in items if i.case.contract_id},
    )
    notices = queries.unread_notifications(ctx.session, ctx.actor.id)
    return MyWork(items=items, deadlines=due, notifications=notices, labels=labels)
