"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import error_handlers, openapi
from app.audit import setup as audit_setup
from app.audit.router import router as audit_router
from app.auth.brake import AuthBrake
from app.auth.cache import TokenCache
from app.auth.router import router as auth_router
from app.cases.dependency_router import router as dependencies_router
from app.cases.router import router as cases_router
from app.clock import Clock, SystemClock
from app.config import Settings, get_settings
from app.contracts.router import router as contracts_router
from app.db import readiness
from app.db.admission import Admission, pool_slots
from app.db.session import make_engine, make_reader_engine, make_sessionmaker
from app.deadlines.router import router as deadlines_router
from app.edge import SecurityHeaders
from app.engine import DefinitionError
from app.handover.router import router as handover_router
from app.health import router as health_router
from app.imports.router import router as imports_router
from app.logs import configure_logging
from app.middleware import BodyLimit, RefuseNul, RequestContext
from app.portfolio.router import router as portfolio_router
from app.reminders import runtime as reminders_runtime
from app.reminders.router import router as reminders_router
from app.web import install as install_web
from app.work.router import router as work_router
from app.workflows.named import code_name_problems
from app.workflows.registry import WorkflowRegistry, workflows_path
from app.workflows.router import router as workflows_router


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the application for the given settings and clock."""
    settings = settings or get_settings()
    configure_logging(settings.log_format, settings.log_level)
    audit_setup.configure(settings)  # a missing audit key stops start-up, not a write later
    engine = make_engine(settings)
    reader = make_reader_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        readiness.report_at_start(engine)
        reminders_runtime.start(app)
        try:
            yield
        finally:
            await reminders_runtime.stop_async(app)
            engine.dispose()
            if reader is not None:
                reader.dispose()

    app = FastAPI(
        title="Handover",
        version="0.1.0",
        summary="Leave outsourced IT contracts and re-deliver the work as in-house services.",
        lifespan=lifespan,
        docs_url=None,  # app.web serves /docs from the local Swagger UI build (offline)
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.admission = Admission(pool_slots(engine), settings.db_queue_timeout)
    app.state.reader_engine = reader
    app.state.reader_sessionmaker = make_sessionmaker(reader) if reader is not None else None
    app.state.reader_admission = (
        Admission(pool_slots(reader), settings.db_queue_timeout) if reader is not None else None
    )
    app.state.clock = clock or SystemClock()
    app.state.auth_brake = AuthBrake(
        per_address=settings.auth_failures_per_address,
        per_token=settings.auth_failures_per_token,
    )
    app.state.token_cache = TokenCache(settings.token_cache_seconds)
    # Invalid definitions stop start-up with every problem listed, not a 500 later.
    app.state.workflows = WorkflowRegistry.from_directory(settings.workflows_dir)
    # So do names the code relies on that the definitions lack, and unimplemented actions.
    named = code_name_problems(app.state.workflows.current, workflows_path(settings.workflows_dir))
    if named:
        raise DefinitionError(named)
    error_handlers.install(app)
    app.add_middleware(
        BodyLimit,
        default_limit=settings.max_body_bytes,
        upload_limit=settings.max_upload_bytes,
        # The web Import page posts the same files as the API: the same size limit.
        upload_prefix=("/api/imports/", "/imports"),
    )
    app.add_middleware(RefuseNul)
    app.add_middleware(RequestContext)
    # Outermost: every response, errors and 404s included, carries the headers.
    app.add_middleware(SecurityHeaders, hsts=settings.environment != "development")
    routers = (
        auth_router,
        work_router,
        contracts_router,
        audit_router,
        workflows_router,
        cases_router,
        dependencies_router,
        deadlines_router,
        handover_router,
        reminders_router,
        imports_router,
        portfolio_router,
        health_router,
    )
    for router in routers:
        app.include_router(router)
    install_web(app)
    openapi.install(app)
    reminders_runtime.install(app)

    return app
