"""The scale bench on a small database, so it cannot rot; it asserts no speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pg import scratch_database
from bench.scale import measure, paths, ratios
from tests.conftest import PG_URL

pytestmark = pytest.mark.bench_smoke


def test_the_scale_bench_reads_every_path_and_compares_sizes(tmp_path: Path) -> None:
    if PG_URL:
        with scratch_database("scale_smoke") as url:
            assert url is not None, "TEST_DATABASE_URL is set but its server does not answer"
            times = measure("postgresql", url, contracts=30, requests=2)
    else:
        times = measure("sqlite", f"sqlite:///{tmp_path}/scale.db", contracts=30, requests=2)
    assert list(times) == list(paths(30)), "every path answered 200 with a body"
    assert all(len(ms) == 2 and min(ms) > 0 and cpu >= 0 for ms, cpu in times.values())
    lines = ratios("db", (30, times), (30, times))
    assert len(lines) == len(times) and all(line.endswith(" ok") for line in lines)
