"""The checklist's items, who they fall to, and when each is due before the exit date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.engine.context import as_date

# Routes on which another provider replaces the supplier's service line: each gets the
# checklist (retain_extend keeps the supplier; decommission switches the line off and has
# its own archive and destruction steps).
REPLACING_ROUTES = frozenset({"build_in_house", "insource_operation", "reprocure", "buy_commodity"})
TASK_STATUSES = ("open", "done")
"""open until someone completes it with evidence; done is final (the evidence stays)."""


@dataclass(frozen=True)
class Item:
    """One checklist item: its key, title, whether the exit waits on it, and its due offset."""

    key: str
    title: str
    mandatory: bool
    days_before_exit: int
    source: str


# Sources: Cabinet Office Model Services Contract, Schedule 8.5 (Exit Management): the
# supplier keeps registers of assets, sub-contracts and licences, and on exit transfers
# assets, novates or assigns sub-contracts and licences and hands over the buyer's data;
# Cabinet Office, "Guidance on exiting major IT contracts" (2017): plan data migration and
# its verification, IP and licences, third-party contracts and assets early; Government
# Functional Standard GovS 007 Security: a new service is assured before it goes live.
# Offsets count back from the exit date (exit_date below), so the legal work, which needs
# the supplier and third parties to sign, falls due first.
ITEMS: tuple[Item, ...] = (
    Item(
        "licence_ip",
        "Licence and IP novation or assignment",
        True,
        90,
        "Model Services Contract Schedule 8.5 (licences and IP register)",
    ),
    Item(
        "third_party_contracts",
        "Third-party contract novation",
        True,
        90,
        "Model Services Contract Schedule 8.5 (sub-contracts register)",
    ),
    Item(
        "data_migration",
        "Data migration and completeness check",
        True,
        30,
        "Guidance on exiting major IT contracts (2017): data migration and verification",
    ),
    Item(
        "security_accreditation",
        "Security accreditation of the new service",
        True,
        30,
        "GovS 007 Security: the new service is assured before it goes live",
    ),
    Item(
        "asset_transfer",
        "Asset transfer",
        True,
        0,
        "Model Services Contract Schedule 8.5 (assets register, transfer on exit)",
    ),
)
BY_KEY = {item.key: item for item in ITEMS}


# The dates a line leaves the supplier by, as the workflows record them. The items are the
# supplier's exit obligations for this line (Model Services Contract Schedule 8.5: assets,
# licences, sub-contracts and data move "on exit" of the service), so they fall due before
# the line's own exit, not the contract's: an insourced operation moves on its staff transfer
# date (TUPE 2006 reg. 4; service_component.yaml plan_staff_transfer, planned and no later
# than the contract's end) and a line is off the supplier at its recorded cutover. The whole
# exit ends on the exit case's termination date, or its de-scope date for a partial
# termination (contract_exit.yaml). The contract's end date is the latest any line can run
# to, so it is the fallback and a cap. The termination assistance notice date starts the
# exit period; it is not an exit date and is not used.
LINE_EXIT_FIELDS = ("staff_transfer_date", "cutover_date")
CONTRACT_EXIT_FIELDS = ("termination_date", "descoped_date")


def exit_date(
    line: Mapping[str, Any], exits: Iterable[Mapping[str, Any]], contract_end: date | None
) -> date | None:
    """The date a line leaves the supplier by: the earliest of its own cutover or transfer,
    its contract's exit (termination or de-scope) and the contract's end date."""
    found = [as_date(line.get(name)) for name in LINE_EXIT_FIELDS]
    found += [as_date(data.get(name)) for data in exits for name in CONTRACT_EXIT_FIELDS]
    found.append(contract_end)
    return min((d for d in found if d is not None), default=None)


def due_date(item_key: str, exit_date: date | None) -> date | None:
    """When the item is due: the exit date less the item's offset (None without one)."""
    item = BY_KEY.get(item_key)
    if item is None or exit_date is None:
        return None
    try:
        return exit_date - timedelta(days=item.days_before_exit)
    except OverflowError:  # an exit date in the calendar's first days
        return None
