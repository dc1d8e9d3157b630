"""French as the site writes it: dates, times, event dates, closed-list labels, plurals.

Shared by every part that writes for people (pages, search results, feeds): it lives here, not
in one part's room. The Jinja filters of the templates (pages/filters.py) are made of it.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from .records.hours import Span, regular_week
from .records.taxonomy import vocabulary

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
MONTHS_SHORT = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
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


def clock_fr(text: str) -> str:
    """`09:30` → `9 h 30`, `14:00` → `14 h`, `24:00` → `minuit`."""
    hour, minute = (int(part) for part in text.split(":"))
    if hour in (0, 24) and not minute:
        return "minuit"
    return f"{hour} h {minute:02d}" if minute else f"{hour} h"


def spans_fr(spans: tuple[Span, ...]) -> str:
    """One day's openings: `9 h – 12 h et 14 h – 18 h (sur rendez-vous)`, `fermé`."""
    if not spans:
        return "fermé"
    if len(spans) == 1 and spans[0].start == "00:00" and spans[0].end == "24:00":
        text = ["jour et nuit"]
    else:
        text = [f"{clock_fr(s.start)} – {clock_fr(s.end)}" for s in spans]
    joined = ", ".join(text[:-1]) + (" et " if len(text) > 1 else "") + text[-1]
    comments = sorted({s.comment for s in spans if s.comment})
    return joined + (f" ({', '.join(comments)})" if comments else "")


@lru_cache(maxsize=4096)
def hours_rows(value: str, country: str = "FR") -> dict | None:
    """The rows of a weekly table of opening hours in OSM syntax, in French: `rows` as (day,
    text) Monday to Sunday, then public holidays when the expression names them; `varies`
    when some weeks of the year differ. None when the value is not OSM syntax (shown as
    written). Kept per expression (many actors share theirs, and the page, the booklets and
    the poster all show it): the caller reads it, never changes it."""
    week = regular_week(value, country)
    if week is None:
        return None
    rows = []
    for index, spans in enumerate(week.days):
        text = spans_fr(spans)
        if not spans and index in week.unknown:
            text = "à confirmer"
        rows.append((WEEKDAYS[index].capitalize(), text))
    if week.holidays is not None:
        rows.append(("Jours fériés", spans_fr(week.holidays)))
    return {"rows": rows, "varies": week.varies}


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


def km(value: float) -> str:
    """A distance as the site writes it: `3,5 km`, `12 km` (whole kilometres from 10 on)."""
    return f"{value:.1f} km".replace(".", ",") if value < 10 else f"{round(value)} km"


def plural(count: int, singular: str, many: str) -> str:
    """`1 acteur`, `3 acteurs` (French: 0 and 1 take the singular)."""
    return f"{count} {singular if count <= 1 else many}"


# How the site words an offer and a need, in one place: the board, the record pages, the home
# page, the feeds, search and the prefilled messages all read this table.
OFFER_NEED_WORDS: dict[str, dict[str, str]] = {
    "need": {
        "label": "Besoin",  # « Besoin · Locaux »
        "plural": "Besoins",  # the board's filter
        "noun": "besoin",  # « votre besoin », in messages and search
        "by": "Cherché",  # « Cherché par La Ruche »
        "verb": "cherche",  # « La Ruche cherche « … » »
        "answer": "Je peux aider",  # the link that answers it
        "heading": "Pour son besoin",  # a heading of the record's matches
        "answered": "offre y répond",  # « 2 offres y répondent »
        "answered_many": "offres y répondent",
    },
    "offer": {
        "label": "Offre",
        "plural": "Offres",
        "noun": "offre",
        "by": "Proposé",
        "verb": "propose",
        "answer": "Répondre",
        "heading": "Pour son offre",
        "answered": "besoin lui correspond",
        "answered_many": "besoins lui correspondent",
    },
}
