"""How the site words things for people, in the build's language: dates, times, event dates,
opening hours, distances, closed-list labels, how it names an offer and a need.

Shared by every part that writes for people (pages, search results, feeds, print): it lives here,
not in one part's room. The Jinja filters of the templates (pages/filters.py) are made of it.
French, the source language, keeps its typography (« 1er mars », « 18 h 30 »); the other
languages take Babel's dates, times and numbers (CLDR), and their words from the catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal

from .i18n import N_, SOURCE_LANGUAGE, _, active_language
from .records.hours import Span, regular_week
from .records.model import Directory
from .records.taxonomy import Theme, vocabulary
from .records.taxonomy import legal_form_label as french_legal_form_label

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
# Babel's patterns of a date in the other languages (CLDR's words, the site's order).
DATE_PATTERNS = {"en": ("d MMMM y", "EEEE d MMMM y"), "es": ("d 'de' MMMM 'de' y", "EEEE d 'de' MMMM 'de' y")}
MONTH_PATTERNS = {"en": "MMMM y", "es": "MMMM 'de' y"}


def french() -> bool:
    """Whether the build speaks the source language (French typography)."""
    return active_language() == SOURCE_LANGUAGE


def month_names(short: bool = False) -> list[str]:
    """The twelve months, January first, in the build's language (`short`: abbreviated)."""
    if french():
        return MONTHS_SHORT if short else MONTHS
    names = get_month_names(
        "abbreviated" if short else "wide", context="stand-alone", locale=active_language()
    )
    return [names[month] for month in range(1, 13)]


def date_text(value: date | datetime | None, weekday: bool = False) -> str:
    """`5 mars 2026` (or `jeudi 5 mars 2026`); `5 March 2026`, `5 de marzo de 2026`."""
    if value is None:
        return ""
    if not french():
        return format_date(value, DATE_PATTERNS[active_language()][weekday], locale=active_language())
    text = f"{'1er' if value.day == 1 else value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def month_text(value: date | datetime) -> str:
    """`mars 2026`; `March 2026`, `marzo de 2026`."""
    if not french():
        return format_date(value, MONTH_PATTERNS[active_language()], locale=active_language())
    return f"{MONTHS[value.month - 1]} {value.year}"


def time_text(value: datetime) -> str:
    """`18 h 30` (French typography), `18 h` on the hour; `18:30` in the other languages."""
    if not french():
        return format_time(value, "H:mm", locale=active_language())
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def clock_text(text: str) -> str:
    """`09:30` → `9 h 30` (`9:30`), `14:00` → `14 h` (`14:00`), `24:00` → `minuit`."""
    hour, minute = (int(part) for part in text.split(":"))
    if hour in (0, 24) and not minute:
        return _("minuit")
    if not french():
        return f"{hour}:{minute:02d}"
    return f"{hour} h {minute:02d}" if minute else f"{hour} h"


def spans_text(spans: tuple[Span, ...]) -> str:
    """One day's openings: `9 h – 12 h et 14 h – 18 h (sur rendez-vous)`, `fermé`."""
    if not spans:
        return _("fermé")
    if len(spans) == 1 and spans[0].start == "00:00" and spans[0].end == "24:00":
        text = [_("jour et nuit")]
    else:
        text = [f"{clock_text(s.start)} – {clock_text(s.end)}" for s in spans]
    conjunction = " " + _("et") + " "
    joined = ", ".join(text[:-1]) + (conjunction if len(text) > 1 else "") + text[-1]
    comments = sorted({s.comment for s in spans if s.comment})
    return joined + (f" ({', '.join(comments)})" if comments else "")


def day_names() -> list[str]:
    """Monday to Sunday, capitalised, in the build's language."""
    if french():
        return [day.capitalize() for day in WEEKDAYS]
    names = get_day_names("wide", context="stand-alone", locale=active_language())
    return [names[index].capitalize() for index in range(7)]


def hours_rows(value: str, country: str = "FR") -> dict | None:
    """The rows of a weekly table of opening hours in OSM syntax: `rows` as (day, text) Monday
    to Sunday, then public holidays when the expression names them; `varies` when some weeks of
    the year differ. None when the value is not OSM syntax (shown as written)."""
    return _hours_rows(value, country, active_language())


@lru_cache(maxsize=4096)
def _hours_rows(value: str, country: str, language: str) -> dict | None:
    """`hours_rows`, kept per expression and language (many actors share theirs, and the page,
    the booklets and the poster all show it): the caller reads it, never changes it."""
    week = regular_week(value, country)
    if week is None:
        return None
    rows = []
    for index, (day, spans) in enumerate(zip(day_names(), week.days, strict=True)):
        text = spans_text(spans)
        if not spans and index in week.unknown:
            text = _("à confirmer")
        rows.append((day, text))
    if week.holidays is not None:
        rows.append((_("Jours fériés"), spans_text(week.holidays)))
    return {"rows": rows, "varies": week.varies}


def event_when(event) -> str:
    """When an event takes place: `jeudi 5 mars 2026, 18 h – 20 h`."""
    start = event.start
    text = date_text(start, weekday=True)
    end = event.end
    if end is not None and end.date() != start.date():
        if event.all_day:
            return _("du %(start)s au %(end)s") % {"start": text, "end": date_text(end, weekday=True)}
        return _("du %(start)s au %(end)s") % {
            "start": f"{text}, {time_text(start)}",
            "end": f"{date_text(end, weekday=True)}, {time_text(end)}",
        }
    if event.all_day:
        return text
    if end is not None:
        return f"{text}, {time_text(start)} – {time_text(end)}"
    return f"{text}, {time_text(start)}"


def label(value: str, vocabulary_name: str) -> str:
    """The label of a closed-list value (`event_kinds`, `stages`, `needs`, `wheelchair`) in the
    build's language (the vocabulary's French goes through the catalogues)."""
    entry = vocabulary().get(vocabulary_name, {}).get(value, value)
    return _(entry["label"] if isinstance(entry, dict) else entry)


def legal_form_label(value: str, plural: bool = False) -> str:
    """The label of a legal form value in the build's language (the value itself if unknown)."""
    return _(french_legal_form_label(value, plural))


def translated(value: Any) -> Any:
    """A table of labels (the vocabulary, a category map) with every text in the build's language."""
    if isinstance(value, dict):
        return {key: translated(child) for key, child in value.items()}
    return _(value) if isinstance(value, str) else value


def translate_themes(
    directory: Directory, source: dict[str, Theme], said: dict[str, Any] | None = None
) -> None:
    """Give the Directory's themes their labels and descriptions in the build's language, from
    the territory's taxonomy as written (`source`): those territory.yml gives in that language
    (`said`: `translations.<lang>.themes`), else Essaim's own through the catalogues, else as
    written. A French build keeps them as they are."""
    if french():
        return
    for slug, theme in source.items():
        given = (said or {}).get(slug) or {}
        shown = replace(
            theme,
            label=given.get("label") or _(theme.label),
            description=given.get("description") or (_(theme.description) if theme.description else ""),
        )
        directory.themes[slug] = shown
        if slug in directory.by_theme:
            directory.by_theme[slug].theme = shown


def decimal(value: float) -> str:
    """A number with one decimal: `3,5` in French, `3.5` in English."""
    if french():
        return f"{value:.1f}".replace(".", ",")
    return format_decimal(round(value, 1), "0.0", locale=active_language())


# Languages whose CLDR data groups a number's digits only from five on (minimumGroupingDigits 2,
# which Babel does not read): Spanish writes « 1000 » but « 10.000 », as Intl.NumberFormat does
# in the browser (messages.js), so a count reads the same on the page and after a search.
GROUPED_FROM_FIVE_DIGITS = {"es", "pl", "pt_PT"}


def number(value: int) -> str:
    """A whole number as the build's language writes it (CLDR, through Babel): « 12 500 » in
    French, « 12,500 » in English, « 12.500 » in Spanish."""
    language = active_language()
    grouped = abs(value) >= 10_000 or language not in GROUPED_FROM_FIVE_DIGITS
    return format_decimal(value, locale=language, group_separator=grouped)


def km(value: float) -> str:
    """A distance as the site writes it: `3,5 km`, `12 km` (whole kilometres from 10 on)."""
    return f"{round(value)} km" if value >= 10 else f"{decimal(value)} km"


def record_text(record, field: str) -> tuple[str, bool]:
    """A record's `name`, `summary` or `description` (its Markdown body) in the build's language:
    its translation (`translations.<lang>` in its file), else as written; and whether it was
    translated. An event's name is its `title`."""
    said = (record.fields.get("translations") or {}).get(active_language()) or {}
    key = "title" if field == "name" and record.KIND == "event" else field
    if said.get(key):
        return str(said[key]), True
    written = {"name": record.name, "summary": record.summary, "description": record.body}[field]
    return written, False


# A record's `name`, `summary` or `description` as a page shows it: the text, and the language it
# is written in when not the page's (Site.shown). The parts that write a record's texts outside
# a template (feeds, calendars, JSON-LD, the map) take one, and need not know the Site.
Shown = Callable[[Any, str], tuple[str, "str | None"]]


def own_text(record, field: str) -> tuple[str, str | None]:
    """A record's text as written, taken to be in the page's language: the `Shown` of a
    one-language site."""
    return {"name": record.name, "summary": record.summary, "description": record.body}[field], None


def plural(count: int, singular: str, many: str) -> str:
    """`1 acteur`, `3 acteurs`: French gives 0 and 1 the singular, English and Spanish 1 only.
    For words that are data (a table's); the templates' own strings use `ngettext`."""
    one = count <= 1 if french() else count == 1
    return f"{number(count)} {singular if one else many}"


# How the site words an offer and a need, in one place: the board, the record pages, the home
# page, the feeds, search and the prefilled messages all read this table (`offer_need_words`).
OFFER_NEED_WORDS: dict[str, dict[str, str]] = {
    "need": {
        "label": N_("Besoin"),  # « Besoin · Locaux »
        "plural": N_("Besoins"),  # the board's filter
        "noun": N_("besoin"),  # « votre besoin », in messages and search
        "by": N_("Cherché"),  # « Cherché par La Ruche »
        "verb": N_("cherche"),  # « La Ruche cherche « … » »
        "answer": N_("Je peux aider"),  # the link that answers it
        "heading": N_("Pour son besoin"),  # a heading of the record's matches
        "answered": N_("offre y répond"),  # « 2 offres y répondent »
        "answered_many": N_("offres y répondent"),
    },
    "offer": {
        "label": N_("Offre"),
        "plural": N_("Offres"),
        "noun": N_("offre"),
        "by": N_("Proposé"),
        "verb": N_("propose"),
        "answer": N_("Répondre"),
        "heading": N_("Pour son offre"),
        "answered": N_("besoin lui correspond"),
        "answered_many": N_("besoins lui correspondent"),
    },
}


def offer_need_words() -> dict[str, dict[str, str]]:
    """OFFER_NEED_WORDS in the build's language."""
    return {kind: {key: _(text) for key, text in words.items()} for kind, words in OFFER_NEED_WORDS.items()}
