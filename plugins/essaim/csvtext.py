"""CSV text as the site publishes it (open data, the figures of /chiffres/): comma-separated,
one header row, "\\n" line ends, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Contributors' text as a spreadsheet shows it, never runs it: a cell that would start a
    formula gets a leading apostrophe (the JSON export keeps the exact value)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A header row and rows; text cells neutralised, numbers written as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(neutralise(cell) if isinstance(cell, str) else cell for cell in row)
    return buffer.getvalue()
