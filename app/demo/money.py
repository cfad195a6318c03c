"""The demo's money: believable baselines, route costs and actuals for every service line."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.service import Actor
from app.cases.models import Case, Component
from app.clock import Clock
from app.portfolio import service
from app.portfolio.schemas import ContractMoneyIn, LineMoneyIn
from app.portfolio.states import DECIDING, IN_HOUSE_ROUTES, MOVED, financial_year

# Annual run cost on the incumbent contract, £, and where the figure came from.
BASELINES: dict[str, tuple[int, str]] = {
    "Laptops and desktop build": (6_400_000, "spend_analysis"),
    "Service desk": (3_100_000, "invoice_data"),
    "Field engineering": (2_250_000, "spend_analysis"),
    "Data centre hosting": (8_900_000, "invoice_data"),
    "Backup and disaster recovery": (1_350_000, "spend_analysis"),
    "Grants portal": (2_800_000, "invoice_data"),
    "Grants data warehouse": (1_150_000, "spend_analysis"),
    "Legacy reporting": (420_000, "estimate"),
    "Print and scanning": (960_000, "invoice_data"),
    "Post room": (310_000, "estimate"),
    "Security operations centre": (1_900_000, "spend_analysis"),
    "Penetration testing": (240_000, "invoice_data"),
    "Digital dictation and speech recognition": (730_000, "spend_analysis"),
    "Outsourced transcription": (1_600_000, "invoice_data"),
}
DEFAULT_BASELINE = (500_000, "estimate")
# Expected annual run cost and one-off transition cost, as shares of the baseline.
ROUTE_COST = {
    "build_in_house": (Decimal("0.70"), Decimal("0.60")),
    # Staff and tooling move across: cheaper to run than the margin, cheap to transition.
    "insource_operation": (Decimal("0.80"), Decimal("0.20")),
    "reprocure": (Decimal("0.85"), Decimal("0.15")),
    "buy_commodity": (Decimal("0.55"), Decimal("0.25")),
    "retain_extend": (Decimal("1.05"), Decimal("0.02")),
    "decommission": (Decimal("0"), Decimal("0.10")),
}
OVERRUN = Decimal("1.08")
"""Actuals come in a little above plan, as they do."""
UNALLOCATED_SHARE = Decimal("0.12")
"""Management charges and service credits not tied to one line."""


def _gbp(amount: Decimal) -> dict[str, str]:
    return {"amount": str(amount.quantize(Decimal("1"))), "currency": "GBP"}


def record_money(*, session: Session, clock: Clock, commercial: Actor, service_owner: Actor) -> int:
    """Give every demo service line its money; how many lines got some."""
    now, year = clock.now(), financial_year(clock.today())
    rows = session.execute(
        select(Component, Case).join(Case, Case.component_id == Component.id).order_by(Component.id)
    ).all()
    per_contract: dict[int, Decimal] = {}
    for component, case in rows:
        amount, source = BASELINES.get(component.name, DEFAULT_BASELINE)
        baseline = Decimal(amount)
        body: dict[str, object] = {
            "baseline": {"annual_cost": _gbp(baseline), "source": source, "financial_year": year},
            "appraisal": {
                "should_cost": _gbp(baseline * Decimal("0.8")),
                "public_sector_comparator": _gbp(baseline * Decimal("0.9")),
            },
        }
        if case.route in ROUTE_COST and case.state not in DECIDING:
            run, once = ROUTE_COST[case.route]
            body["route_cost"] = {
                "annual_run_cost": _gbp(baseline * run),
                "transition_cost": _gbp(baseline * once),
            }
        data = LineMoneyIn.model_validate(body)
        service.record_line(
            session=session, component_id=component.id, data=data, actor=commercial, now=now
        )
        if case.state in MOVED and case.route in ROUTE_COST:
            _record_actual(session, clock, service_owner, case, baseline)
        if component.contract_id is not None:
            per_contract[component.contract_id] = (
                per_contract.get(component.contract_id, Decimal(0)) + baseline
            )
    for contract_id, lines_total in per_contract.items():
        rest = ContractMoneyIn.model_validate(
            {"unallocated": _gbp(lines_total * UNALLOCATED_SHARE), "financial_year": year}
        )
        service.record_contract(
            session=session, contract_id=contract_id, data=rest, actor=commercial, now=now
        )
    return len(rows)


def _record_actual(
    session: Session, clock: Clock, actor: Actor, case: Case, baseline: Decimal
) -> None:
    """A moved line's actual cost from today: its route's expected cost, a little over."""
    assert case.route is not None and case.component_id is not None
    actual = baseline * ROUTE_COST[case.route][0] * OVERRUN
    moved: dict[str, object] = {
        "actual": {"annual_cost": _gbp(actual), "from_date": str(clock.today())}
    }
    if case.route in IN_HOUSE_ROUTES:
        moved["in_house"] = {"team_size": 12, "annual_run_cost": _gbp(actual)}
    service.record_line(
        session=session,
        component_id=case.component_id,
        data=LineMoneyIn.model_validate(moved),
        actor=actor,
        now=clock.now(),
    )
