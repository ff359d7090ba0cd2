"""One page of a long list (members, the audit log): which rows, and the links to the pages
around it, keeping the list's filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 20
MAX_PAGE = 100_000


def page_number(raw: str | None) -> int:
    """The page asked for in the query string (1 when missing or not a number)."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        return 1
    return max(1, min(int(raw), MAX_PAGE))


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    number: int
    total: int
    path: str  # the list's own path
    filters: dict[str, str]  # the list's query, kept on every page link
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def url(self, number: int) -> str:
        query = {k: v for k, v in self.filters.items() if v}
        if number > 1:
            query["page"] = str(number)
        return self.path + (f"?{urlencode(query)}" if query else "")

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.pages else None


def offset(number: int, size: int = PAGE_SIZE) -> int:
    return (number - 1) * size
