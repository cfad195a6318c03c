"""The portfolio bench on a small portfolio, so it cannot rot; it asserts no speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pg import scratch_database
from bench.portfolio import measure
from tests.conftest import PG_URL

pytestmark = pytest.mark.bench_smoke


def test_the_portfolio_bench_serves_the_page_and_the_report(tmp_path: Path) -> None:
    if PG_URL:
        with scratch_database("portfolio_smoke") as url:
            assert url is not None, "TEST_DATABASE_URL is set but its server does not answer"
            times = measure("postgresql", url, contracts=40, requests=2)
    else:
        times = measure("sqlite", f"sqlite:///{tmp_path}/portfolio.db", contracts=40, requests=2)
    assert len(times["page"]) == len(times["api"]) == 2
    assert all(ms > 0 for ms in times["page"] + times["api"])
