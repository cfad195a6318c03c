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
