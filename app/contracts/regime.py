"""Which procurement law a contract was let under, and what that asks of its exit."""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

Regime = Literal["pcr2015", "pa2023", "other"]
REGIMES: tuple[Regime, ...] = ("pcr2015", "pa2023", "other")
PA2023: Final = "pa2023"
PCR2015: Final = "pcr2015"
# The Procurement Act 2023 (Commencement No. 3 and Transitional and Saving Provisions)
# Regulations 2024 (SI 2024/716; as made, for 28 October 2024), as amended by the
# (Amendment) Regulations 2024 (SI 2024/959, from 17 September 2024, e.g. reg. 2(7)(a) on
# the Schedule's heading), brought the Act into force on 24 February 2025; by regulation 5
# a procurement begun before then, and the contract it awarded, stays under the Public
# Contracts Regulations 2015 until it ends. https://www.legislation.gov.uk/uksi/2024/716
PA2023_COMMENCEMENT = date(2025, 2, 24)


def infer_regime(*, date_signed: date | None, start_date: date | None) -> Regime:
    """The regime a contract's dates suggest: signed (or started) from 24 Feb 2025 is pa2023.

    A hint, not a finding: a contract signed after commencement from a procurement begun
    before it is still PCR 2015, so people correct it on the contract. No date at all is
    `pcr2015`, because every incumbent being exited today was let under the 2015 rules.
    """
    known = date_signed or start_date
    if known is None:
        return PCR2015
    return PA2023 if known >= PA2023_COMMENCEMENT else PCR2015


def has_act_notices(regime: str | None) -> bool:
    """Whether the Act's contract notices (UK7 contract details, UK11 termination) apply."""
    return regime == PA2023
