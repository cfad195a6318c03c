"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import error_handlers
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.cases.router import router as cases_router
from app.clock import Clock, SystemClock
from app.config import Settings, get_settings
from app.contracts.router import router as contracts_router
from app.db import readiness
from app.db.admission import Admission, pool_slots
from app.db.session import make_engine, make_sessionmaker
from app.deadlines import runtime as deadlines_runtime
from app.deadlines.router import router as deadlines_router
from app.health import router as health_router
from app.hooks import install_hooks
from app.imports.router import router as imports_router
from app.logs import configure_logging
from app.middleware import BodyLimit, RefuseNul, RequestContext
from app.portfolio.router import router as portfolio_router
from app.workflows.registry import WorkflowRegistry
from app.workflows.router import router as workflows_router


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the application for the given settings and clock."""
    settings = settings or get_settings()
    configure_logging(settings.log_format, settings.log_level)
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        readiness.report_at_start(engine)
        deadlines_runtime.start(app)
        try:
            yield
        finally:
            await deadlines_runtime.stop_async(app)
            engine.dispose()

    app = FastAPI(
        title="Handover",
        version="0.1.0",
        summary="Leave outsourced IT contracts and re-deliver the work as in-house services.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.admission = Admission(pool_slots(engine), settings.db_queue_timeout)
    app.state.clock = clock or SystemClock()
    # Invalid definitions stop start-up with every problem listed, not a 500 later.
    app.state.workflows = WorkflowRegistry.from_directory(settings.workflows_dir)
    error_handlers.install(app)
    app.add_middleware(
        BodyLimit, default_limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes
    )
    app.add_middleware(RefuseNul)
    app.add_middleware(RequestContext)
    routers = (
        auth_router,
        contracts_router,
        audit_router,
        workflows_router,
        cases_router,
        deadlines_router,
        imports_router,
        portfolio_router,
        health_router,
    )
    for router in routers:
        app.include_router(router)
    install_hooks()
    deadlines_runtime.install(app)

    return app
