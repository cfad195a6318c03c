"""Money as Handover keeps and shows it: an exact decimal with two places, in every currency."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
"""The register's unit (a Numeric(18, 2) column): amounts are held to the cent."""


def to_cents(amount: Decimal) -> Decimal:
    """The amount as stored: rounded half up to two places."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(amount: Decimal) -> str:
    """The canonical text of an amount: digits, a point and two places ("12000000.00")."""
    return format(to_cents(amount), "f")
