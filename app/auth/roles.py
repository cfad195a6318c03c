"""The roles a user may hold (DESIGN.md section 1)."""

from enum import StrEnum


class Role(StrEnum):
    """A role; a user may hold several."""

    programme_manager = "programme_manager"
    service_owner = "service_owner"
    commercial_lead = "commercial_lead"
    contract_manager = "contract_manager"
    senior_responsible_owner = "senior_responsible_owner"
    assessor = "assessor"
    viewer = "viewer"
    admin = "admin"


ALL_ROLES: frozenset[str] = frozenset(r.value for r in Role)

EVIDENCE_ROLES: tuple[Role, ...] = (
    Role.senior_responsible_owner,
    Role.programme_manager,
    Role.contract_manager,
    Role.commercial_lead,
    Role.service_owner,
)
"""Who acts on evidence: marks a deadline met and hands a service line over."""
