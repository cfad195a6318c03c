"""The real application plus one route that fails unexpectedly, for tests/server.py."""

from __future__ import annotations

from app.main import create_app

app = create_app()


@app.get("/test/boom")
def boom() -> None:
    """Fail the way a bug would: an exception no handler knows."""
    raise RuntimeError("boom")
