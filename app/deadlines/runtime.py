"""Wiring of the deadlines package into the application: hooks and the scheduler."""

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Register hooks on the application at creation time."""
    del app


def start(app: FastAPI) -> None:
    """Start background work (the in-process scheduler) in the lifespan."""
    del app


def stop(app: FastAPI) -> None:
    """Stop background work cleanly on shutdown."""
    del app
