"""Jinja filters for dates and labels in the build's language (essaim/wording.py) and the A–Z
lists, registered for every template."""

from __future__ import annotations

from ..records.model import slugify
from ..site import mailto
from ..wording import (
    date_text,
    event_when,
    hours_rows,
    km,
    label,
    legal_form_label,
    month_text,
    number,
    plural,
    time_text,
)


def by_month(events) -> list[tuple[str, list]]:
    """Group events by month (`2026-03`), keeping their order."""
    groups: list[tuple[str, list]] = []
    for event in events:
        key = f"{event.start.year}-{event.start.month:02d}"
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(event)
    return groups


FILTERS = {
    "by_month": by_month,
    "slugify_city": slugify,
    "date_text": date_text,
    "number": number,
    "month_text": month_text,
    "time_text": time_text,
    "event_when": event_when,
    "label": label,
    "legal_form": legal_form_label,
    "plural": plural,
    "km": km,
    "mailto": mailto,
    "hours_rows": hours_rows,
}
