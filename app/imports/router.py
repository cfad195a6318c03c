"""/api/imports: OCDS packages as a multipart file or a JSON body."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import IO, Annotated, Any, BinaryIO, cast

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile

from app.auth.deps import ClockDep, SettingsDep, require_roles
from app.auth.roles import Role
from app.auth.service import Actor
from app.db.session import SessionDep
from app.errors import BadRequest, DomainError
from app.imports import service
from app.imports.schemas import ImportReportOut
from app.jsonbody import StrictJSONRoute

router = APIRouter(prefix="/api/imports", tags=["imports"], route_class=StrictJSONRoute)

Importer = Annotated[
    Actor,
    Depends(require_roles(Role.programme_manager, Role.contract_manager, Role.commercial_lead)),
]
SPOOL_IN_MEMORY = 1_048_576
"""Bodies up to this size stay in memory; larger ones spill to a temporary file."""
BODY_NAME = "(request body)"


class UnsupportedMediaType(DomainError):
    """The body is neither multipart/form-data nor JSON."""

    status_code = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class Upload:
    """The package to import: a readable binary file and the name to record."""

    name: str
    file: IO[bytes]


async def read_upload(request: Request) -> AsyncIterator[Upload]:
    """Spool the package to a file before any database work; closed after the response."""
    if "authorization" not in request.headers:
        # Do not read an anonymous body at all: the auth dependency answers 401 next.
        yield Upload(BODY_NAME, io.BytesIO())
        return
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        try:
            part = form.get("file")
            if not isinstance(part, UploadFile):
                raise BadRequest(
                    "send the package as a multipart file field named 'file'", code="missing_file"
                )
            yield Upload(part.filename or "upload", part.file)
        finally:
            await form.close()
    elif media == "application/json" or media.endswith("+json"):
        with SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
            async for chunk in request.stream():
                spool.write(chunk)
            spool.seek(0)
            yield Upload(BODY_NAME, spool)
    else:
        raise UnsupportedMediaType(
            "send the package as multipart/form-data (field 'file') or as application/json"
        )


UploadDep = Annotated[Upload, Depends(read_upload)]
_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                },
            },
            "application/json": {"schema": {"type": "object", "description": "OCDS package"}},
        },
    }
}


@router.post("/ocds", openapi_extra=_BODY_DOC)
def import_ocds(
    upload: UploadDep,
    session: SessionDep,
    user: Importer,
    clock: ClockDep,
    settings: SettingsDep,
) -> ImportReportOut:
    """Import an OCDS release or record package; all or nothing, with a report."""
    report = service.import_ocds(
        max_release_bytes=settings.max_release_bytes,
        session=session,
        stream=cast(BinaryIO, upload.file),
        source_file=upload.name,
        actor=user,
        now=clock.now(),
        settings=settings,
    )
    return ImportReportOut.model_validate(report.as_dict())
