"""Imports every model so Base.metadata is complete (Alembic and tests use this)."""

from app.audit.models import AuditEvent, AuditHead
from app.auth.models import ApiToken, User
from app.contracts.models import Contract, ContractSupplier
from app.db.base import Base

__all__ = ["ApiToken", "AuditEvent", "AuditHead", "Base", "Contract", "ContractSupplier", "User"]
