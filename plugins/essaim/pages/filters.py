"""Jinja filters for French dates and labels and the A–Z lists, registered for every template."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..records.model import slugify
from ..records.taxonomy import legal_form_label, vocabulary

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def date_fr(value: date | datetime | None, weekday: bool = False) -> str:
    """`5 mars 2026` (or `jeudi 5 mars 2026`)."""
    if value is None:
        return ""
    text = f"{'1er' if value.day == 1 else value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def month_fr(value: date | datetime) -> str:
    """`mars 2026`."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def time_fr(value: datetime) -> str:
    """`18 h 30` (French typography), `18 h` on the hour."""
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def event_when(event) -> str:
    """When an event takes place, in French: `jeudi 5 mars 2026, 18 h – 20 h`."""
    start = event.start
    text = date_fr(start, weekday=True)
    end = event.end
    if end is not None and end.date() != start.date():
        if event.all_day:
            return f"du {date_fr(start, weekday=True)} au {date_fr(end, weekday=True)}"
        return f"du {text}, {time_fr(start)} au {date_fr(end, weekday=True)}, {time_fr(end)}"
    if event.all_day:
        return text
    if end is not None:
        return f"{text}, {time_fr(start)} – {time_fr(end)}"
    return f"{text}, {time_fr(start)}"


def label(value: str, vocabulary_name: str) -> str:
    """French label of a closed-list value (`event_kinds`, `stages`, `needs`, `wheelchair`)."""
    entry = vocabulary().get(vocabulary_name, {}).get(value, value)
    return entry["label"] if isinstance(entry, dict) else entry


def plural(count: int, singular: str, many: str) -> str:
    """`1 acteur`, `3 acteurs` (French: 0 and 1 take the singular)."""
    return f"{count} {singular if count <= 1 else many}"


def by_month(events) -> list[tuple[str, list]]:
    """Group events by month (`2026-03`), keeping their order."""
    groups: list[tuple[str, list]] = []
    for event in events:
        key = f"{event.start.year}-{event.start.month:02d}"
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(event)
    return groups


def letter_anchors(records) -> list[tuple[Any, str]]:
    """Each record of an alphabetical list with its initial when it is the first of the list or
    of its letter (the anchor `#lettre-X` of the letter index), "" otherwise."""
    anchored, previous = [], None
    for record in records:
        letter = record.sort_letter
        anchored.append((record, letter if letter != previous else ""))
        previous = letter
    return anchored


FILTERS = {
    "by_month": by_month,
    "letter_anchors": letter_anchors,
    "slugify_city": slugify,
    "date_fr": date_fr,
    "month_fr": month_fr,
    "time_fr": time_fr,
    "event_when": event_when,
    "label": label,
    "legal_form": legal_form_label,
    "plural": plural,
}
