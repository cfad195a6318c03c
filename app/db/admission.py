"""Admission to the database: at most as many requests hold a session as the pool has connections.

Without it, threads blocked waiting for a pool connection filled the threadpool, and requests
that held a connection could not get a thread to finish (and give it back): at 64 concurrent
requests the service completed nothing until the pool timed out. Waiting here happens on the
event loop, before any thread is taken, so an admitted request always finds a connection.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

from app.errors import DomainError


class DatabaseBusy(DomainError):
    """Every database connection stayed busy for the whole queue timeout."""

    status_code = 503
    code = "database_busy"


def pool_slots(engine: Engine) -> int:
    """How many connections the engine's pool can hand out at once."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        # _max_overflow is -1 for "unbounded": then the pool size is the only sane bound.
        return max(1, pool.size() + max(pool._max_overflow, 0))
    return 1


class Admission:
    """A FIFO of requests waiting for one of `slots` database sessions, for `timeout` seconds."""

    def __init__(self, slots: int, timeout: float) -> None:
        self.slots = slots
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._semaphore = asyncio.Semaphore(slots)

    def _current(self) -> asyncio.Semaphore:
        # A semaphore belongs to one event loop; test clients start a new loop each time.
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._semaphore = loop, asyncio.Semaphore(self.slots)
        return self._semaphore

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the block, or raise DatabaseBusy (503) after the timeout."""
        semaphore = self._current()
        try:
            async with asyncio.timeout(self.timeout):
                await semaphore.acquire()
        except TimeoutError:
            retry = str(max(1, math.ceil(self.timeout / 2)))
            raise DatabaseBusy(
                "the service is at capacity; retry shortly",
                headers={"Retry-After": retry},
            ) from None
        try:
            yield
        finally:
            semaphore.release()
