"""The checklist's items, who they fall to, and when each is due before the exit date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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
# Offsets count back from the exit date (the contract's end date), so the legal work,
# which needs the supplier and third parties to sign, falls due first.
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


def due_date(item_key: str, exit_date: date | None) -> date | None:
    """When the item is due: the exit date less the item's offset (None without one)."""
    item = BY_KEY.get(item_key)
    if item is None or exit_date is None:
        return None
    try:
        return exit_date - timedelta(days=item.days_before_exit)
    except OverflowError:  # an exit date in the calendar's first days
        return None
