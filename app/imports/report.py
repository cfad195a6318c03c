"""What an OCDS import reports, and how it refuses a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.contracts.models import Contract
from app.errors import PayloadTooLarge, Unprocessable
from app.imports.ocds_model import OcdsError, OcdsSkipError

_RANK = {"unchanged": 0, "updated": 1, "created": 2}


class OcdsImportError(Unprocessable):
    """The file is not importable; nothing from it was written."""

    code = "invalid_ocds"

    @classmethod
    def of(cls, errors: list[OcdsError]) -> OcdsImportError:
        """One error for the file, listing every problem found."""
        more = len(errors) - 1
        detail = str(errors[0]) + (f" (and {more} more problem(s))" if more else "")
        problems = [
            {"path": e.path, "release_id": e.release_id, "message": e.message} for e in errors
        ]
        return cls(detail, problems=problems)


class ReleaseTooLarge(PayloadTooLarge):
    """One release is bigger than the import holds in memory; nothing was written."""

    code = "release_too_large"


@dataclass
class ImportReport:
    """What one file did: counts per release, skipped releases and the contracts touched."""

    file: str
    releases: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    tender_only: int = 0
    """Releases skipped as pipeline entries: a tender with no award or contract yet."""
    skipped: list[dict[str, str | None]] = field(default_factory=list)
    outcomes: dict[str, tuple[int, str]] = field(default_factory=dict)

    def count(self, contract: Contract, outcome: str) -> None:
        """Count one release's outcome; a contract keeps its strongest outcome in the file."""
        if outcome != "skipped":
            setattr(self, outcome, getattr(self, outcome) + 1)
        assert contract.ocid is not None
        kept = self.outcomes.get(contract.ocid)
        shown = "unchanged" if outcome == "skipped" else outcome
        if kept is None or _RANK[shown] > _RANK[kept[1]]:
            self.outcomes[contract.ocid] = (contract.id, shown)

    def skip(self, exc: OcdsSkipError) -> None:
        """Report a release that was left out, and why."""
        self.skipped.append(
            {
                "path": exc.path,
                "release_id": exc.release_id,
                "ocid": exc.ocid,
                "reason": exc.message,
            }
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as the API and the CLI show it."""
        return {
            "file": self.file,
            "releases": self.releases,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "tender_only": self.tender_only,
            "skipped": self.skipped,
            "contracts": [
                {"id": cid, "ocid": ocid, "outcome": outcome}
                for ocid, (cid, outcome) in self.outcomes.items()
            ],
        }
