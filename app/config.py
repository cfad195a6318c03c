"""Settings, read from the environment with the HANDOVER_ prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]
"""The repository: migrations, workflows and the default SQLite file live here."""
# Absolute, so a command started from another folder uses the repository's database
# rather than creating an empty one where it was started.
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'handover.db'}"
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev-secret-change-me"})


class Settings(BaseSettings):
    """Everything configurable about a Handover instance."""

    # The repository's .env, then one in the working folder (which wins where both set a key).
    model_config = SettingsConfigDict(
        env_prefix="HANDOVER_", env_file=(ROOT / ".env", ".env"), extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    """Development and test allow the placeholder secret; production refuses it."""
    database_url: str = DEFAULT_DATABASE_URL
    """SQLAlchemy URL; PostgreSQL (postgresql+psycopg://…) in production. The default is
    handover.db in the repository, wherever the command is started from."""
    secret_key: str = "dev-secret-change-me"  # noqa: S105 - refused in production
    """Signs webhooks (when no webhook secret is set); must be set outside development.
    List cursors are opaque, not signed: they carry no more than the client could ask for."""
    timezone: str = "Europe/London"
    """Local time zone for reminder delivery times."""
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    """Largest JSON request body accepted (413 above)."""
    max_upload_bytes: int = Field(default=256 * 1_048_576, ge=1024)
    """Largest OCDS upload accepted (413 above)."""
    max_release_bytes: int = Field(default=4 * 1_048_576, ge=1024)
    """Largest single OCDS release an import holds in memory (413 above)."""
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    db_queue_timeout: float = Field(default=5.0, gt=0)
    """How long a request waits for a free database connection before a 503 with Retry-After."""
    auth_failures_per_address: int = Field(default=30, ge=1)
    """Failed authentications a client address may make in a minute before 429."""
    auth_failures_per_token: int = Field(default=5, ge=1)
    """Failed authentications with one token in a minute before 429 (revoked, expired)."""
    token_cache_seconds: float = Field(default=5.0, ge=0)
    """How long a token's actor is trusted without a query; revocations here apply at once,
    another instance's within this time. 0 turns the cache off."""
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    """`handover serve`: a request line and headers not complete this long after the
    connection (or the request's first byte) opened are answered 408 and closed."""
    body_stall_seconds: float = Field(default=10.0, gt=0)
    """`handover serve`: a request body that sends no byte for this long is answered 408."""

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_sender: str = "handover@localhost"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    scheduler_enabled: bool = True
    """Run the reminder scheduler inside the service process."""
    scheduler_interval_seconds: float = Field(default=60.0, gt=0)
    reminder_lease_seconds: int = Field(default=300, ge=30)
    """How long a runner's claim on a due reminder lasts; longer than any one send."""
    workflows_dir: str = "workflows"
    route_lead_days: dict[str, int] = {}
    """Procurement or build days per delivery route, overriding the defaults, as JSON:
    HANDOVER_ROUTE_LEAD_DAYS='{"reprocure": 300}'. They set route-decision deadlines."""
    transition_days: int = Field(default=90, ge=0, le=3650)
    """Days of handover and parallel running every route needs after procurement."""
    # Government Commercial Function (Cabinet Office), "Exiting Major IT Contracts: Guidance
    # for Departments" (November 2017): a large expiring IT contract is one with spend over
    # about £20m a year, and its complete exit and transition "typically, in reality, takes
    # four years". Route lead times scale with size and tier (app/portfolio/states.py).
    major_contract_annual_value: int = Field(default=20_000_000, ge=0)
    """Yearly value (GBP) from which a contract counts as a major IT contract."""
    major_exit_days: int = Field(default=1461, ge=0, le=7300)
    """Days the slowest route plus transition takes on a major contract (four years)."""
    lead_time_tier_factors: dict[int, float] = {1: 1.0, 2: 1.0, 3: 1.0}
    """Multiplier on route lead times by contract tier (1 most critical), as JSON:
    HANDOVER_LEAD_TIME_TIER_FACTORS='{"1": 1.5, "2": 1.25}'. 1.0 (no scaling) by default:
    no guidance gives a factor per tier, so a department sets its own."""
    audit_key_file: Path | None = None
    """The audit chain's HMAC keys, outside the database (`key-id hex-secret` a line, the
    last signs). Required in production; development generates one outside the repository."""
    audit_anchor_file: Path | None = None
    """Append-only file of signed chain checkpoints, outside the database. Required in
    production; development keeps one per database beside the generated key."""
    audit_anchor_every: int = Field(default=1000, ge=1)
    """Anchor the chain head each time it passes a multiple of this many events."""
    assessment_booking_weeks: int = Field(default=4, ge=0, le=52)
    """Weeks before a phase ends to book its service assessment: the GOV.UK Service Manual
    ("Book a service assessment") says at least 4; some departments ask for 5."""

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key in PLACEHOLDER_SECRETS or len(self.secret_key) < 32
        ):
            raise ValueError(
                "HANDOVER_SECRET_KEY must be set to a random value of at least 32 characters"
                " in production (for example: python -c 'import secrets;"
                " print(secrets.token_urlsafe(48))')"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
