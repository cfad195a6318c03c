"""The reminder scheduler in the application: start and stop with the lifespan."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from app.config import Settings
from app.reminders.scheduler import Scheduler


def install(app: FastAPI) -> None:
    """No scheduler until the lifespan starts one."""
    app.state.reminder_scheduler = None


def start(app: FastAPI) -> None:
    """Start the in-process scheduler when enabled."""
    settings: Settings = app.state.settings
    if not settings.scheduler_enabled:
        return
    scheduler = Scheduler(
        sessions=app.state.sessionmaker,
        settings=settings,
        clock=app.state.clock,
        interval=settings.scheduler_interval_seconds,
        channels=getattr(app.state, "reminder_channels", None),
    )
    app.state.reminder_scheduler = scheduler
    scheduler.start()


def stop(app: FastAPI, timeout: float = 30.0) -> bool:
    """Stop the scheduler after the send in progress; whether its thread has ended."""
    scheduler: Scheduler | None = getattr(app.state, "reminder_scheduler", None)
    return scheduler is None or scheduler.stop(timeout)


async def stop_async(app: FastAPI, timeout: float = 30.0) -> bool:
    """stop() for an async lifespan: waits for the thread off the event loop."""
    scheduler: Scheduler | None = getattr(app.state, "reminder_scheduler", None)
    if scheduler is None:
        return True
    scheduler.request_stop()
    return await asyncio.to_thread(scheduler.stop, timeout)
