"""The contract terms and lead times deadlines are computed from, and the legal windows they use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from app.workdays import ENGLAND_WALES

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
