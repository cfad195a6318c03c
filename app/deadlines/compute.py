"""Pure deadline computation: contract terms in, dated deadlines out (no database, no clock)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from app.workdays import (
    ENGLAND_WALES,
    is_working_day,
    last_day_of_days_beginning_with,
    previous_working_day,
    subtract_working_days,
)

# Procurement Act 2023 s.53(1): publish the contract details notice (form UK7) "before the
# end of the period of 30 days beginning with the day" the contract is entered into;
# s.80(1): the contract termination notice (form UK11) likewise from the day it ends.
# https://www.legislation.gov.uk/ukpga/2023/54/section/53 and /section/80. "Beginning
# with the day" counts that day as day 1, so the 30th and last day is day + 29.
PUBLICATION_WINDOW_DAYS = 30
# GOV.UK Service Manual, "Book a service assessment": book at least 4 weeks before the
# assessment is needed (five is one department's practice). Overridable by the setting
# HANDOVER_ASSESSMENT_BOOKING_WEEKS.
ASSESSMENT_BOOKING_WEEKS = 4

ROUTES: tuple[str, ...] = (
    "build_in_house",
    "insource_operation",
    "reprocure",
    "reprocure_call_off",
    "buy_commodity",
    "retain_extend",
    "decommission",
)

# Days from choosing a route to having the replacement contracted or ready, before
# transition starts. Rough UK public-sector norms, deliberately on the cautious side:
_DEFAULT_PROCUREMENT_DAYS: Mapping[str, int] = MappingProxyType(
    {
        # GDS discovery, alpha and beta plus civil-service recruitment: about a year.
        "build_in_house": 365,
        # Insourcing an operation: TUPE measures and consultation (reg. 13), employee
        # liability information 28 days before the transfer (reg. 11), knowledge transfer
        # and parallel running: about six months before the 90 days' transition.
        "insource_operation": 180,
        # Open/competitive flexible procedure (Procurement Act 2023): market engagement,
        # tender period, evaluation, assessment summaries, 8-working-day standstill.
        # Also used when the procedure is not yet known, because it is the slower one.
        "reprocure": 270,
        # Further competition under a framework (e.g. CCS Technology Services): ~4 months.
        "reprocure_call_off": 120,
        # G-Cloud / commodity SaaS: search, shortlist, direct award: ~3 months.
        "buy_commodity": 90,
        # Data migration, archiving, retention and user communications: ~6 months.
        "decommission": 180,
        # Business case, approvals and a contract modification notice: ~2 months.
        "retain_extend": 60,
    }
)


# What each route value means, for sentences: build_in_house keeps its value (stored data
# and the API stay compatible) but means building a digital service, not insourcing.
ROUTE_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "build_in_house": "Build a digital service in-house",
        "insource_operation": "Insource an operation",
        "reprocure": "Re-procure",
        "reprocure_call_off": "Re-procure by a framework call-off",
        "buy_commodity": "Buy a commodity service",
        "retain_extend": "Retain and extend",
        "decommission": "Decommission",
    }
)


@dataclass(frozen=True)
class BreakClause:
    """A date the buyer may end the contract early, given notice_days' notice."""

    date: date
    notice_days: int


@dataclass(frozen=True)
class ExtensionOption:
    """An optional extension of `months`, to be decided notice_days before the term ends."""

    months: int
    notice_days: int


@dataclass(frozen=True)
class ContractTerms:
    """The contract terms that deadlines are computed from; None means unknown."""

    start_date: date | None = None
    end_date: date | None = None
    max_end_date: date | None = None
    notice_period_days: int | None = None
    notice_in_working_days: bool = False
    break_clauses: Sequence[BreakClause] = ()
    extension_options: Sequence[ExtensionOption] = ()
    date_signed: date | None = None
    actual_end_date: date | None = None
    calendar: str = ENGLAND_WALES
    """The bank-holiday calendar the contract's own notice periods count on."""
    termination_assistance_notice_days: int | None = None
    """Days before expiry to serve the termination assistance notice; None when no such term."""
    renewal: str | None = None
    """fixed_term, buyer_option or automatic; None when not recorded."""
    regime: str = "pa2023"
    """The law the contract was let under. Only pa2023 contracts owe the Act's UK7 and UK11
    notices; callers pass the contract's own (pure computations default to the Act)."""

    def __post_init__(self) -> None:
        # Fail loudly on nonsense rather than silently computing a wrong legal date.
        if self.notice_period_days is not None and self.notice_period_days < 0:
            raise ValueError("notice_period_days must not be negative")
        days = self.termination_assistance_notice_days
        if days is not None and days < 0:
            raise ValueError("termination_assistance_notice_days must not be negative")
        for clause in self.break_clauses:
            if clause.notice_days < 0:
                raise ValueError("break clause notice_days must not be negative")
        for option in self.extension_options:
            if option.months <= 0 or option.notice_days < 0:
                raise ValueError("extension options need months > 0 and notice_days >= 0")


@dataclass(frozen=True)
class LeadTimes:
    """Days needed per delivery route to procure or build, plus days to transition."""

    procurement_days: Mapping[str, int] = field(default_factory=lambda: _DEFAULT_PROCUREMENT_DAYS)
    # Typical exit-plan transition period: three months of parallel running and handover.
    transition_days: int = 90

    def for_route(self, route: str) -> int:
        """Procurement days for a route; ValueError when the route is unknown."""
        try:
            return self.procurement_days[route]
        except KeyError:
            raise ValueError(f"no lead time for delivery route {route!r}") from None

    def longest(self) -> tuple[str, int]:
        """The route with the longest lead time and its days (the conservative choice)."""
        return max(self.procurement_days.items(), key=lambda item: (item[1], item[0]))


@dataclass(frozen=True)
class DeadlineSpec:
    """A computed deadline: kind, identity within its contract or case, date and a sentence."""

    kind: str
    key: str
    date: date
    detail: str


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def extended_end_date(end_date: date, months: int) -> date:
    """The end of a term `months` longer; a term ending on a month's last day stays so."""
    # A term ending 30 April and extended by a month ends 31 May, not 30 May: the
    # extension runs for whole months from the day after the original end.
    moved = add_months(end_date, months)
    if end_date.day == calendar.monthrange(end_date.year, end_date.month)[1]:
        return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return moved


def assessment_booking_date(planned_phase_end: date, weeks: int = ASSESSMENT_BOOKING_WEEKS) -> date:
    """The date to book a service assessment by: `weeks` (default 4) before the phase ends."""
    try:
        return planned_phase_end - timedelta(weeks=weeks)
    except OverflowError:  # in the calendar's first weeks: as early as there is
        return date.min


def assessment_booking_deadline(
    phase: str, planned_phase_end: date, weeks: int = ASSESSMENT_BOOKING_WEEKS
) -> DeadlineSpec:
    """The assessment_booking deadline for a phase (e.g. "alpha") of a component case."""
    when = assessment_booking_date(planned_phase_end, weeks)
    return _spec(
        "assessment_booking",
        f"assessment_booking:{phase}",
        when,
        f"Book the {phase} service assessment by this date: it is needed by "
        f"{planned_phase_end.isoformat()} and must be booked {weeks} weeks ahead (Service Manual)",
    )


def notice_date(terms: ContractTerms) -> date | None:
    """The last day to serve notice: end date minus the notice period, or None if unknown."""
    if terms.end_date is None or terms.notice_period_days is None:
        return None
    try:
        if terms.notice_in_working_days:
            return subtract_working_days(terms.end_date, terms.notice_period_days, terms.calendar)
        return terms.end_date - timedelta(days=terms.notice_period_days)
    except OverflowError:  # before the calendar starts: there is no such day
        return None


def termination_assistance_date(terms: ContractTerms) -> date | None:
    """The last day to call for exit assistance: end date minus the notice days, or None."""
    # Model Services Contract Schedule 8.5 (Exit Management) and CCS Call-Off Schedule 10:
    # the buyer requires Termination Assistance by a written Termination Assistance Notice
    # served at least the stated period (often six, or four, months) before expiry. The
    # period is the contract's own, in calendar days, counted back from the current end.
    if terms.end_date is None or terms.termination_assistance_notice_days is None:
        return None
    try:
        return terms.end_date - timedelta(days=terms.termination_assistance_notice_days)
    except OverflowError:  # before the calendar starts: there is no such day
        return None


def route_decision_date(terms: ContractTerms, route: str, lead_times: LeadTimes) -> date | None:
    """The last day to choose `route`: end date minus lead, transition and notice times."""
    return _decision_date(terms, lead_times.for_route(route), lead_times)


def route_decision_deadline(
    terms: ContractTerms, route: str, lead_times: LeadTimes
) -> DeadlineSpec | None:
    """The route_decision deadline for a component whose route has been chosen."""
    when = route_decision_date(terms, route, lead_times)
    if when is None or terms.end_date is None:
        return None
    return _spec(
        "route_decision",
        f"route_decision:{route}",
        when,
        f"Start the route '{ROUTE_TITLES.get(route, route)}' ({route}) by this date: "
        f"{lead_times.for_route(route)} days to deliver "
        f"and {lead_times.transition_days} days' transition must fit before "
        f"{terms.end_date.isoformat()}, after the notice period",
        terms.calendar,
    )


def _decision_date(terms: ContractTerms, procurement_days: int, lead: LeadTimes) -> date | None:
    # Counting back from the notice date (not the end date) subtracts the notice period
    # in working days where the contract says so.
    served_by = notice_date(terms)
    if served_by is None and terms.end_date is not None:
        served_by = terms.end_date  # no notice period recorded: treat it as zero
    if served_by is None:
        return None
    try:
        return served_by - timedelta(days=procurement_days + lead.transition_days)
    except OverflowError:
        return None


def compute_contract_deadlines(
    terms: ContractTerms, *, lead_times: LeadTimes | None = None, today: date
) -> list[DeadlineSpec]:
    """Every deadline the terms imply, sorted by date; missing inputs omit their deadlines."""
    lead = lead_times if lead_times is not None else LeadTimes()
    specs: list[DeadlineSpec] = [
        *_total(_notice, terms),
        *_total(_termination_assistance, terms),
        *_total(_extension_options, terms),
        *_total(_break_clauses, terms),
        *_total(lambda t: _route_decision(t, lead), terms),
        *_total(lambda t: _exit_plan_review(t, today), terms),
        *_total(_hard_stop, terms),
    ]
    if terms.actual_end_date is not None:
        # The contract has ended: obligations dated after the end no longer apply.
        specs = [s for s in specs if s.date <= terms.actual_end_date]
    if terms.regime == "pa2023":
        # PCR 2015 contracts publish no UK7/UK11: the Act's notices apply to contracts
        # awarded under it (Procurement Act 2023 ss.53, 80; SI 2024/1013 transitional rules).
        specs += _total(_publication_notices, terms)
    specs = [_flagged(s, terms.calendar) for s in specs]
    return sorted(specs, key=lambda s: (s.date, s.kind, s.key))


def _total(
    build: Callable[[ContractTerms], list[DeadlineSpec]], terms: ContractTerms
) -> list[DeadlineSpec]:
    # The API refuses dates outside 1900-2200, but terms may come from older rows or case data:
    # a deadline that would fall outside the calendar (year 1 or 9999) is left out, not a 500.
    try:
        return build(terms)
    except (OverflowError, ValueError):
        return []


def _spec(
    kind: str, key: str, when: date, detail: str, calendar: str = ENGLAND_WALES
) -> DeadlineSpec:
    return _flagged(_raw(kind, key, when, detail), calendar)


def _raw(kind: str, key: str, when: date, detail: str) -> DeadlineSpec:
    return DeadlineSpec(kind=kind, key=key, date=when, detail=detail)


def _flagged(spec: DeadlineSpec, calendar: str) -> DeadlineSpec:
    # Notices are served by people: flag dates that fall on a weekend or a bank holiday of
    # the calendar the contract names.
    when = spec.date
    if is_working_day(when, calendar):
        return spec
    try:
        act_by = previous_working_day(when, calendar).isoformat()
    except OverflowError:  # the calendar's first day has no working day before it
        act_by = "the day before"
    detail = spec.detail + (
        f" ({when.strftime('%A')} {when.isoformat()} is not a working day: act by {act_by})"
    )
    return DeadlineSpec(kind=spec.kind, key=spec.key, date=when, detail=detail)


def _notice(terms: ContractTerms) -> list[DeadlineSpec]:
    when = notice_date(terms)
    if when is None or terms.end_date is None:
        return []
    unit = "working days" if terms.notice_in_working_days else "days"
    end = terms.end_date.isoformat()
    # A UK public contract does not lawfully roll on: a fixed term or a buyer's option that is
    # not exercised expires on its end date, with nothing to replace it (the cliff edge).
    if terms.renewal == "automatic":
        consequence = f"it renews automatically beyond {end}"
    elif terms.renewal in ("fixed_term", "buyer_option"):
        consequence = f"plan for it to expire on {end}: it does not roll on, it stops"
    elif terms.extension_options:
        runs_to = extended_end_date(terms.end_date, terms.extension_options[0].months)
        consequence = f"the contract may run on to {runs_to.isoformat()}"
    elif terms.max_end_date is not None and terms.max_end_date > terms.end_date:
        consequence = f"the contract may run on to {terms.max_end_date.isoformat()}"
    else:
        consequence = f"the contract may roll on beyond {terms.end_date.isoformat()}"
    return [
        _raw(
            "notice",
            "notice",
            when,
            f"Serve notice by this date ({terms.notice_period_days} {unit} before the "
            f"{terms.end_date.isoformat()} end date) or {consequence}",
        )
    ]


def _termination_assistance(terms: ContractTerms) -> list[DeadlineSpec]:
    when = termination_assistance_date(terms)
    if when is None or terms.end_date is None:
        return []
    days = terms.termination_assistance_notice_days
    return [
        _raw(
            "termination_assistance_notice",
            "termination_assistance_notice",
            when,
            f"Call for exit assistance by this date: serve the termination assistance notice "
            f"{days} days before the {terms.end_date.isoformat()} end date, as the contract "
            f"requires, so the supplier's exit services run up to the handover "
            f"(Model Services Contract Schedule 8.5, Exit Management)",
        )
    ]


def _extension_options(terms: ContractTerms) -> list[DeadlineSpec]:
    if terms.end_date is None:
        return []
    specs = []
    months_before = 0
    for index, option in enumerate(terms.extension_options):
        # Option i extends the term as already extended by options 0..i-1. Months are
        # summed from the original end date so month-end clamping never drifts.
        term_end = extended_end_date(terms.end_date, months_before) if index else terms.end_date
        new_end = extended_end_date(terms.end_date, months_before + option.months)
        specs.append(
            _raw(
                "extension_option",
                f"extension_option:{index}",
                term_end - timedelta(days=option.notice_days),
                f"Decide on extension option {index + 1} ({option.months} months, to "
                f"{new_end.isoformat()}) by this date: {option.notice_days} days before the "
                f"term ends on {term_end.isoformat()}" + _lapse(terms, term_end),
            )
        )
        months_before += option.months
    return specs


def _lapse(terms: ContractTerms, term_end: date) -> str:
    # Only a buyer's option lapses if not exercised; the contract then stops on that date.
    if terms.renewal != "buyer_option":
        return ""
    return f"; missed, the option lapses and the contract expires on {term_end.isoformat()}"


def _break_clauses(terms: ContractTerms) -> list[DeadlineSpec]:
    # Two clauses on one date would share a key: keep the longer notice (earlier deadline).
    longest: dict[date, int] = {}
    for clause in terms.break_clauses:
        longest[clause.date] = max(clause.notice_days, longest.get(clause.date, 0))
    return [
        _raw(
            "break_clause",
            f"break_clause:{break_on.isoformat()}",
            break_on - timedelta(days=notice_days),
            f"Serve notice by this date to use the break clause on {break_on.isoformat()} "
            f"({notice_days} days' notice)",
        )
        for break_on, notice_days in sorted(longest.items())
    ]


def _route_decision(terms: ContractTerms, lead: LeadTimes) -> list[DeadlineSpec]:
    route, days = lead.longest()
    when = _decision_date(terms, days, lead)
    if when is None or terms.end_date is None:
        return []
    return [
        _raw(
            "route_decision",
            "route_decision",
            when,
            f"Choose delivery routes by this date: assumes the slowest route ({route}, "
            f"{days} days) plus {lead.transition_days} days' transition and the notice "
            f"period before {terms.end_date.isoformat()}",
        )
    ]


def _exit_plan_review(terms: ContractTerms, today: date) -> list[DeadlineSpec]:
    start = terms.start_date
    if start is None:
        return []
    years = max(1, today.year - start.year)
    while add_months(start, 12 * years) < today:
        years += 1
    review = add_months(start, 12 * years)
    # An open-ended contract (no end date) still needs its exit plan reviewed.
    if terms.end_date is not None and review >= terms.end_date:
        return []
    return [
        _raw(
            "exit_plan_review",
            f"exit_plan_review:{review.isoformat()}",
            review,
            f"Review and update the exit plan (contract anniversary, year {years})",
        )
    ]


def _hard_stop(terms: ContractTerms) -> list[DeadlineSpec]:
    if terms.max_end_date is not None:
        when, why = terms.max_end_date, "the latest possible end date"
    elif terms.end_date is not None and terms.extension_options:
        # With options but no recorded maximum, the end date is not a hard stop: the
        # last possible end is after every option has been taken.
        months = sum(o.months for o in terms.extension_options)
        when = extended_end_date(terms.end_date, months)
        why = "the end date with every extension option taken (no maximum end date recorded)"
    elif terms.end_date is not None:
        when, why = terms.end_date, "the end date (no maximum end date recorded)"
    else:
        return []
    return [
        _raw(
            "hard_stop",
            "hard_stop",
            when,
            f"The contract cannot run beyond this date ({why}): replacements must be live",
        )
    ]


def _publication_notices(terms: ContractTerms) -> list[DeadlineSpec]:
    specs = []
    window = PUBLICATION_WINDOW_DAYS
    if terms.date_signed is not None:
        specs.append(
            _raw(
                "contract_details_notice",
                "contract_details_notice",
                last_day_of_days_beginning_with(terms.date_signed, window),
                f"Publish the contract details notice (UK7) by this date: within the 30 days "
                f"beginning with signature on {terms.date_signed.isoformat()} "
                f"(Procurement Act 2023 s.53)",
            )
        )
    if terms.actual_end_date is not None:
        specs.append(
            _raw(
                "termination_notice",
                "termination_notice",
                last_day_of_days_beginning_with(terms.actual_end_date, window),
                f"Publish the contract termination notice (UK11) by this date: within the 30 "
                f"days beginning with the day the contract ended, "
                f"{terms.actual_end_date.isoformat()} (Procurement Act 2023 s.80)",
            )
        )
    return specs
