"""Shared path and query parameter types."""

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2_147_483_647  # 32-bit INTEGER keys: larger ids cannot exist, and must not reach SQL

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
