"""Split long lists into numbered pages with stable URLs (`.../page/2/`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Page:
    """One page of a list."""

    number: int
    count: int  # number of pages
    items: Sequence[Any]
    total: int
    url_of: Callable[[int], str]

    @property
    def url(self) -> str:
        """This page's URL."""
        return self.url_of(self.number)

    @property
    def previous_url(self) -> str | None:
        """URL of the previous page, if any."""
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """URL of the next page, if any."""
        return self.url_of(self.number + 1) if self.number < self.count else None

    def numbers(self) -> list[int | None]:
        """Page numbers to link to, with None for an ellipsis: 1 … 4 5 6 … 20."""
        wanted = {1, self.count, self.number - 1, self.number, self.number + 1}
        shown = sorted(n for n in wanted if 1 <= n <= self.count)
        result: list[int | None] = []
        for n in shown:
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        return result


def paginate(items: Sequence[Any], size: int, url_of: Callable[[int], str]) -> list[Page]:
    """Pages of at most `size` items (always at least one page, possibly empty)."""
    count = max(1, -(-len(items) // size))
    return [
        Page(number, count, items[(number - 1) * size : number * size], len(items), url_of)
        for number in range(1, count + 1)
    ]
