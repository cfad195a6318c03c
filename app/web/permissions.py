"""Who may use the import and deadline pages: read from the API's own role checks."""

from __future__ import annotations

from typing import Any, get_args

from app.auth.roles import Role
from app.auth.service import Actor
from app.deadlines import router as deadlines_api
from app.errors import Forbidden
from app.imports import router as imports_api


def roles_of(dependency: Any) -> frozenset[str]:
    """The roles an API `Annotated[Actor, Depends(require_roles(...))]` lets through."""
    # One place for each rule: the page asks the API's dependency, never a second list.
    for meta in get_args(dependency)[1:]:
        roles = getattr(getattr(meta, "dependency", None), "required_roles", None)
        if roles is not None:
            return frozenset(roles)
    raise TypeError(f"{dependency!r} is not a require_roles dependency")


IMPORTERS = roles_of(imports_api.Importer)
WAIVERS = roles_of(deadlines_api.Waiver)
RESOLVERS = roles_of(deadlines_api.Resolver)


def may(actor: Actor, roles: frozenset[str]) -> bool:
    """Whether the actor holds one of the roles (the sets already include admin)."""
    return actor.has_any(roles | {Role.admin.value})


def require(actor: Actor, roles: frozenset[str]) -> None:
    """The API's 403, in the same words, when the actor lacks every role."""
    if not may(actor, roles):
        raise Forbidden(
            f"this needs one of the roles: {', '.join(sorted(roles))}", code="role_required"
        )
