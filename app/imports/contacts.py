"""Contact points (names, e-mails, phones) of imported OCDS releases, and who may see them.

They are personal data about the buyer's and suppliers' staff, kept only in the raw release
(contract_ocds_release.raw). Every response that shows them is built by `contacts_for`, and
the one rule of who sees them is CONTACT_ROLES: others get the parties with no contact
points and `redacted: true`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.auth.service import Actor
from app.contracts import service as contracts
from app.imports.models import ContractOcdsRelease
from app.imports.ocds_fields import ident, obj, objs, text
from app.imports.schemas import ContactPointOut, ContactsOut, PartyContactsOut

CONTACT_ROLES: frozenset[str] = frozenset(
    {
        Role.programme_manager,
        Role.contract_manager,
        Role.commercial_lead,
        Role.service_owner,
        Role.admin,
    }
)
"""Roles that deal with the buyer and suppliers and so need their people's contact details.
Viewers, assessors and senior responsible owners read the contract without them."""

_FIELDS = {"name": "name", "email": "email", "telephone": "telephone", "fax_number": "faxNumber"}


def latest_release_query(contract_id: int) -> Select[ContractOcdsRelease]:
    """The release most recently applied to a contract (the newest release date wins)."""
    return (
        select(ContractOcdsRelease)
        .where(ContractOcdsRelease.contract_id == contract_id)
        .order_by(ContractOcdsRelease.release_date.desc(), ContractOcdsRelease.id.desc())
        .limit(1)
    )


def _contact_point(value: Any) -> ContactPointOut | None:
    point = obj(value)
    fields = {ours: text(point.get(theirs)) for ours, theirs in _FIELDS.items()}
    fields["url"] = text(point.get("url"))
    return ContactPointOut(**fields) if any(fields.values()) else None


def _points(party: dict[str, Any]) -> list[ContactPointOut]:
    found = [_contact_point(party.get("contactPoint"))]
    found += [_contact_point(p) for p in objs(party.get("additionalContactPoints"))]
    return [p for p in found if p is not None]


def parties(raw: dict[str, Any]) -> list[PartyContactsOut]:
    """The release's parties with their contact points (OCDS 1.0's buyer block included)."""
    listed = [
        PartyContactsOut(
            id=ident(p.get("id")),
            name=text(p.get("name")),
            roles=[r for r in p.get("roles") or [] if isinstance(r, str)][:20],
            contact_points=_points(p),
        )
        for p in objs(raw.get("parties"))
    ]
    buyer = obj(raw.get("buyer"))
    buyer_points = _points(buyer)
    if buyer_points and not any(p.id == ident(buyer.get("id")) and p.id for p in listed):
        listed.append(
            PartyContactsOut(
                id=ident(buyer.get("id")),
                name=text(buyer.get("name")),
                roles=["buyer"],
                contact_points=buyer_points,
            )
        )
    return listed


def redact(found: list[PartyContactsOut], actor: Actor) -> tuple[list[PartyContactsOut], bool]:
    """The parties as `actor` may see them, and whether contact points are withheld from them."""
    if actor.has_any(CONTACT_ROLES):
        return found, False
    return [p.model_copy(update={"contact_points": []}) for p in found], True


def contacts_for(*, session: Session, contract_id: int, actor: Actor) -> ContactsOut:
    """The contact points of a contract's latest OCDS release, redacted for `actor`'s roles."""
    contracts.get(session=session, contract_id=contract_id)  # 404 for an unknown contract
    release = session.scalar(latest_release_query(contract_id))
    found = parties(release.raw) if release is not None and isinstance(release.raw, dict) else []
    shown, redacted = redact(found, actor)
    return ContactsOut(
        contract_id=contract_id,
        release_id=release.release_id if release is not None else None,
        parties=shown,
        redacted=redacted,
    )
