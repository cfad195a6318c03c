"""Request and response bodies for contracts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from app.contracts.currencies import ISO_4217
from app.contracts.regime import Regime
from app.params import JsonInt

Text300 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=300)
]
MAX_AMOUNT = Decimal("1e13")  # ten trillion: above any public contract, catches unit slips
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)
"""Contract dates outside this range are typing slips; refusing them keeps date arithmetic
(notice periods, extensions, working days) far from the calendar's ends."""


def _json_date(value: Any) -> Any:
    # Lax parsing reads the number 0 as 1970-01-01 (Unix time); a JSON date is a string.
    if isinstance(value, bool | int | float):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


def _sane(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


ContractDate = Annotated[
    date,
    AfterValidator(_sane),
    BeforeValidator(_json_date),
    # The range in the document too, so a client (or a fuzzer) can know it.
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])"
            r"-(0[1-9]|[12][0-9]|3[01])$",
        }
    ),
]
ContractCalendar = Literal["england_wales", "scotland", "northern_ireland"]


class Strict(BaseModel):
    """Input models refuse unknown fields; their ints and bools are strict (no false for 0)."""

    model_config = ConfigDict(extra="forbid")


class Buyer(Strict):
    """The contracting authority."""

    name: Text300
    identifier: Annotated[str, StringConstraints(max_length=200)] | None = None


class Supplier(Strict):
    """A supplier; Companies House number when known."""

    name: Text300
    companies_house_number: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, to_upper=True, pattern=r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$"
            ),
        ]
        | None
    ) = None


class Money(Strict):
    """An amount in an ISO 4217 currency."""

    amount: Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=16, decimal_places=2)]
    currency: Annotated[str, StringConstraints(to_upper=True, min_length=3, max_length=3)]

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, v: str) -> str:
        if v not in ISO_4217:
            raise ValueError(f"{v} is not an ISO 4217 currency code")
        return v


class BreakClause(Strict):
    """A date the buyer may end the contract early, with its notice."""

    date: ContractDate
    notice_days: Annotated[int, Field(ge=0, le=3650), JsonInt]


class ExtensionOption(Strict):
    """An optional extension, exercised by notice before the current end."""

    months: Annotated[int, Field(ge=1, le=240), JsonInt]
    notice_days: Annotated[int, Field(ge=0, le=3650), JsonInt]


class ContractFields(Strict):
    """The contract terms shared by create and patch."""

    description: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    suppliers: Annotated[list[Supplier], Field(max_length=100)] = []
    value: Money | None = None
    start_date: ContractDate | None = None
    end_date: ContractDate | None = None
    max_end_date: ContractDate | None = None
    date_signed: ContractDate | None = None
    notice_period_days: Annotated[int, Field(ge=0, le=3650), JsonInt] | None = None
    notice_in_working_days: Annotated[bool, Field(strict=True)] = False
    termination_assistance_notice_days: Annotated[int, Field(ge=0, le=3650), JsonInt] | None = None
    """Days before expiry by which the buyer calls for exit services by a termination
    assistance notice (Model Services Contract Schedule 8.5; CCS Call-Off Schedule 10)."""
    calendar: ContractCalendar = "england_wales"
    """Bank holidays the contract's own notice periods count on (the contract names it)."""
    renewal: Literal["fixed_term", "buyer_option", "automatic"] | None = None
    """How the term can continue: fixed_term (it expires), buyer_option (the buyer must
    exercise an option by its deadline) or automatic (it renews unless notice is served)."""
    agreement: Literal["contract", "framework", "dps"] | None = None
    """contract (the default; call-offs are contracts), framework or dps (no exit deadlines)."""
    regime: Regime | None = None
    """The law the contract was let under; on create, inferred from its dates when not given
    (signed, or else started, from 24 February 2025: pa2023; before: pcr2015)."""
    break_clauses: Annotated[list[BreakClause], Field(max_length=50)] = []
    extension_options: Annotated[list[ExtensionOption], Field(max_length=20)] = []
    tier: Annotated[int, Field(ge=1, le=3), JsonInt] | None = None
    exit_plan_url: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ContractCreate(ContractFields):
    """POST /api/contracts."""

    reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=100)
    ]
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=500)
    ]
    buyer: Buyer
    ocid: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


class ContractPatch(ContractFields):
    """PATCH /api/contracts/{id}: only the fields sent change."""

    # Not nullable: a contract keeps its reference, title and buyer (null is a 422).
    reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=100)
    ] = None  # type: ignore[assignment]
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"\S", max_length=500)
    ] = None  # type: ignore[assignment]
    buyer: Buyer = None  # type: ignore[assignment]
    version: Annotated[int, Field(ge=1), JsonInt] | None = None
    """The version the change was made against (or send If-Match)."""
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None
    """Why the terms changed; kept in the audit trail."""


class DeadlineOut(BaseModel):
    """A deadline derived from contract terms or case state."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    date: date
    contract_id: int | None
    case_id: int | None
    status: str
    detail: str | None = None
    unverified: bool | None = None
    """True when derived from contract terms no person has confirmed yet (an import's dates
    may already include extensions); None where the list does not say."""


class CaseSummary(BaseModel):
    """A case about the contract, as listed on the contract."""

    id: int
    workflow: str
    state: str
    final: bool


class MoneyOut(BaseModel):
    """An amount as every response shows it: a decimal string with exactly two places."""

    amount: Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$", examples=["12000000.00"])]
    currency: Annotated[str, Field(examples=["GBP"])]


class ContractSummary(BaseModel):
    """A contract as lists show it: its terms, without its deadlines and cases.

    `GET /api/contracts/{id}` has those; a list leaves the fields out rather than show them
    empty, so no client reads a list item as a contract without deadlines.
    """

    id: int
    reference: str
    title: str
    description: str | None
    buyer: dict[str, Any]
    suppliers: list[dict[str, Any]]
    value: MoneyOut | None
    start_date: date | None
    end_date: date | None
    max_end_date: date | None
    date_signed: date | None
    notice_period_days: int | None
    notice_in_working_days: bool
    termination_assistance_notice_days: int | None
    calendar: str
    regime: str
    agreement: str
    renewal: str | None
    break_clauses: list[dict[str, Any]]
    extension_options: list[dict[str, Any]]
    tier: int | None
    exit_plan_url: str | None
    ocid: str | None
    source: str
    terms_verified: bool
    """False until a person confirms imported terms from the signed contract."""
    terms_verified_at: datetime | None
    terms_verified_by: str | None
    terms_hints: list[str]
    """Unverified hints on the real terms from the imported text and tender period."""
    version: int
    created_at: datetime
    updated_at: datetime


class ContractOut(ContractSummary):
    """One contract as the REST contract names its fields, with its deadlines and cases."""

    deadlines: list[DeadlineOut] = []
    cases: list[CaseSummary] = []


class TermsConfirm(BaseModel):
    """POST /api/contracts/{id}/terms/confirm: the terms checked against the signed contract."""

    model_config = ConfigDict(extra="forbid")

    version: Annotated[int, Field(ge=1), JsonInt] | None = None
    """The version the terms were checked against (or send If-Match)."""
    start_date: date | None = None
    end_date: date | None = None
    """The corrected end of the current term, when the imported one was wrong."""
    max_end_date: date | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    """What was checked, e.g. "clause 3.1: 3 years + 2 x 1-year options"; kept in the audit."""
