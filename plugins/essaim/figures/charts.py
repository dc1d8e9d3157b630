"""Charts drawn at build time as SVG text: no JavaScript, readable without colour (each bar
carries its number), printable. A chart is an image (`role="img"`) named by its title; what it
shows is read by a screen reader from the data table printed beside it, so the bars and their
labels are hidden from assistive technologies (`aria-hidden`) rather than read twice.

Every text is escaped here (labels come from records and territory.yml).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from ..wording import number

BAR = 22  # height of a bar, in SVG units (the SVG scales to its container's width)
GAP = 8
LABEL_WIDTH = 260
CHART_WIDTH = 720
FONT = 14


@dataclass(frozen=True)
class Row:
    """One line of a figure: its label and its values (one per column), a link if it has one."""

    label: str
    values: tuple[int, ...]
    url: str = ""
    short: str = ""  # the label under a column, when the chart has little room


def _text(value: str, most: int = 38) -> str:
    """A label as drawn: shortened with an ellipsis (the table beside gives it whole)."""
    return escape(value if len(value) <= most else value[: most - 1].rstrip() + "…")


def _opening(ident: str, title: str, height: int) -> list[str]:
    """An SVG image named by its title, its drawing hidden from screen readers (the table
    beside it is what they read)."""
    ident = escape(ident)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-titre" viewBox="0 0 {CHART_WIDTH} {height}" width="{CHART_WIDTH}" '
        f'height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{ident}-titre">{escape(title)}</title>',
        '<g aria-hidden="true">',
    ]


def bar_chart(ident: str, title: str, rows: list[Row], column: int = 0) -> Markup:
    """Horizontal bars of one column of `rows`, the largest as wide as the chart allows."""
    largest = max((row.values[column] for row in rows), default=0) or 1
    width = CHART_WIDTH - LABEL_WIDTH - 60
    height = len(rows) * (BAR + GAP) + GAP
    parts = _opening(ident, title, height)
    for index, row in enumerate(rows):
        y = GAP + index * (BAR + GAP)
        value = row.values[column]
        length = max(round(width * value / largest) if value else 0, 1)
        middle = f"{y + BAR / 2 + FONT / 3:g}"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" font-size="{FONT}">'
            f"{_text(row.label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" class="bar"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" font-size="{FONT}">{number(value)}</text>'
        )
    parts += ["</g>", "</svg>"]
    return Markup("".join(parts))


def column_chart(ident: str, title: str, rows: list[Row], column: int = 0) -> Markup:
    """Vertical columns of one column of `rows` (months, left to right), each with its number."""
    largest = max((row.values[column] for row in rows), default=0) or 1
    step = CHART_WIDTH / max(len(rows), 12)  # a column is never wider than a year's month
    plot = 200
    height = plot + 60
    parts = _opening(ident, title, height)
    for index, row in enumerate(rows):
        value = row.values[column]
        tall = round(plot * value / largest) if value else 0
        x = index * step + step * 0.15
        wide = step * 0.7
        centre, top = x + wide / 2, 20 + plot - tall
        parts.append(
            f'<rect x="{x:.1f}" y="{top}" width="{wide:.1f}" height="{max(tall, 1)}" class="bar"/>'
            f'<text x="{centre:.1f}" y="{top - 6}" text-anchor="middle" font-size="12">{number(value)}</text>'
            f'<text x="{centre:.1f}" y="{plot + 40}" text-anchor="middle" font-size="12">'
            f"{_text(row.short or row.label, 10)}</text>"
        )
    parts += ["</g>", "</svg>"]
    return Markup("".join(parts))
