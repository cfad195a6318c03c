"""The page count every paged web list shows: whole pages of PAGE_SIZE rows, never zero."""

from __future__ import annotations

import pytest

from app.web.queries import PAGE_SIZE, page_count


@pytest.mark.parametrize(
    ("total", "pages"),
    [
        (0, 1),
        (1, 1),
        (PAGE_SIZE, 1),
        (PAGE_SIZE + 1, 2),
        (2 * PAGE_SIZE, 2),
        (10 * PAGE_SIZE + 3, 11),
    ],
)
def test_page_count(total: int, pages: int) -> None:
    assert page_count(total) == pages
