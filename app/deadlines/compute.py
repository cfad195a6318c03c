"""Pure deadline computation: contract terms in, dated deadlines out (no database, no clock)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from app.deadlines.terms import (
    ASSESSMENT_BOOKING_WEEKS,
    PUBLICATION_WINDOW_DAYS,
    ROUTE_TITLES,
    ContractTerms,
    DeadlineSpec,
    LeadTimes,
)
from app.workdays import (
    ENGLAND_WALES,
    is_working_day,
    last_day_of_days_beginning_with,
    previous_working_day,
    subtract_working_days,
)


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
        # awarded under it (Procurement Act 2023 ss.53, 80; transitional rules in
        # SI 2024/716 as amended by SI 2024/959).
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
