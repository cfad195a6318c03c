"""The pages bench on the demo plus a few contracts, so it cannot rot; it asserts no speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pages import measure
from bench.pg import scratch_database
from tests.conftest import PG_URL

pytestmark = pytest.mark.bench_smoke


def test_the_pages_bench_times_each_page_against_its_api_twin(tmp_path: Path) -> None:
    if PG_URL:
        with scratch_database("pages_smoke") as url:
            assert url is not None, "TEST_DATABASE_URL is set but its server does not answer"
            times = measure("postgresql", url, extra=5, requests=2)
    else:
        times = measure("sqlite", f"sqlite:///{tmp_path}/pages.db", extra=5, requests=2)
    assert set(times) == {"home", "contracts", "case"}
    for pair in times.values():
        assert len(pair["page"]) == len(pair["api"]) == 2
        assert all(ms > 0 for ms in pair["page"] + pair["api"])
