"""New contracts from one chunk of an OCDS file, inserted together (see service.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.service import Actor
from app.config import Settings
from app.contracts import service as contracts
from app.contracts.models import Contract
from app.db.bulk import insert_objects
from app.imports.models import ContractOcdsRelease
from app.imports.ocds_read import ContractData, OcdsError, iter_releases, map_release

Item = tuple[str, ContractData | OcdsError]
"""One release of a chunk: its path and its mapping, or why it could not be mapped."""


def read_chunks(stream: BinaryIO, *, max_release_bytes: int, size: int) -> Iterator[list[Item]]:
    """The file's releases mapped, `size` at a time; a stream error follows the chunk before."""
    chunk: list[Item] = []
    try:
        for path, release in iter_releases(stream, max_release_bytes=max_release_bytes):
            try:
                chunk.append((path, map_release(release, path)))
            except OcdsError as exc:
                chunk.append((path, exc))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    except OcdsError:
        # The releases read before a broken one are imported (then rolled back) as before.
        yield chunk
        raise
    yield chunk


@dataclass
class CreateBatch:
    """Contracts prepared from releases, not yet written, in release order."""

    contracts: list[Contract] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    releases: list[ContractOcdsRelease] = field(default_factory=list)
    ocids: set[str] = field(default_factory=set)

    def add(self, contract: Contract, details: dict[str, Any], raw: ContractOcdsRelease) -> None:
        """Queue one prepared contract and the release it came from."""
        assert contract.ocid is not None
        self.contracts.append(contract)
        self.details.append(details)
        self.releases.append(raw)
        self.ocids.add(contract.ocid)

    def flush(
        self, session: Session, *, actor: Actor | None, now: datetime, settings: Settings
    ) -> list[Contract]:
        """Write the queued contracts, deadlines, reminders and audit events; empty the batch."""
        done = self.contracts
        if done:
            contracts.create_many(
                session=session,
                contracts=done,
                details=self.details,
                actor=actor,
                now=now,
                settings=settings,
                action="contract.imported",
            )
            for contract, raw in zip(done, self.releases, strict=True):
                raw.contract_id = contract.id
            insert_objects(session, self.releases, ids=False)
        self.contracts, self.details, self.releases, self.ocids = [], [], [], set()
        return done


class Known:
    """What the database holds for a chunk's ocids, read once for the chunk."""

    def __init__(self, session: Session, chunk: list[Item]) -> None:
        self.session = session
        self.wanted = {item.ocid for _, item in chunk if isinstance(item, ContractData)}
        self.ocids = set(
            session.scalars(select(Contract.ocid).where(Contract.ocid.in_(self.wanted)))
        )
        self._taken: dict[tuple[str, str], int] | None = None

    def taken(self) -> dict[tuple[str, str], int]:
        """(buyer, reference) -> id of contracts holding one of the chunk's ocids as reference."""
        if self._taken is None:
            self._taken = contracts.taken_keys(self.session, self.wanted)
        return self._taken

    def touched(self) -> None:
        """A release was written one by one: an update may have moved a buyer, so read again."""
        self._taken = None
