"""Opening hours in OpenStreetMap's syntax (`Mo-Fr 09:00-12:00,14:00-18:00; PH off`): checked by
a maintained parser (opening-hours-py), guessed from French free text, and read as a week.

OSM's syntax is what data·inclusion's `horaires_accueil` and the médiation numérique schema ask
for, and what the browser's `opening_hours` library reads to say « Ouvert maintenant ». Free
text already in files stays valid: `hours_problem` is a warning, with the OSM form when
`suggest_osm` can guess it.

`regular_week` reads an expression as the week a reader expects in a table. It evaluates the
expression over fixed reference weeks (2001 began on a Monday), never over the build's date,
so that a page is the same whatever day it is built: the week is the one most weeks of the
year have, `varies` says when some weeks differ (seasons, alternate weeks), and the public
holidays' hours are those of the first public holiday of 2001 in the territory's country.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import opening_hours

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
REFERENCE_MONDAY = datetime(2001, 1, 1)  # a Monday; weeks of 2001 have no 53rd and no leap day
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _parse(value: str, country: str | None = None) -> opening_hours.OpeningHours:
    if country:
        return opening_hours.OpeningHours(value, country=country)
    return opening_hours.OpeningHours(value)


def holidays_known(country: str) -> bool:
    """Whether the parser has the public holidays of `country` (ISO 3166, `FR`)."""
    try:
        opening_hours.OpeningHours("PH off", country=country)
    except (opening_hours.UnknownCountryError, ValueError, TypeError):
        return False
    return True


_LONG_NUMBER = re.compile(r"\d{5,}")  # no year, day or time has five digits


def parse_error(value: str) -> int | None:
    """None when `value` is valid OSM opening hours; else the 1-based character where the
    parser stopped. A number of five digits or more is refused here though the parser takes
    it (`20262026 Dec 25`): the browser's library loops on it."""
    if found := _LONG_NUMBER.search(value):
        return found.start() + 1
    try:
        _parse(value)
    except (SyntaxError, ValueError, opening_hours.ParserError) as error:
        found = _POSITION.search(str(error))
        return int(found.group(2)) if found else 1
    return None


def hours_problem(value: str) -> str | None:
    """The warning for an `opening_hours` value that is not OSM syntax (None when it is)."""
    where = parse_error(value)
    if where is None:
        return None
    rest = value[where - 1 :][:30]
    if where > 1 and rest:
        place = f"lisible jusqu'au caractère {where} (« {rest} »)"
    else:
        place = "illisible dès le début"
    guess = suggest_osm(value)
    advice = (
        f"écrivez « {guess} » si c'est bien cela"
        if guess
        else "écrivez par exemple « Mo-Fr 09:00-12:00,14:00-18:00; PH off » (du lundi au vendredi, "
        "fermé les jours fériés), ou remplissez la grille du formulaire"
    )
    return (
        f"les horaires ne sont pas dans la syntaxe d'OpenStreetMap, {place} : la page les montre "
        f"tels quels mais ne peut pas dire s'il est ouvert ; {advice}"
    )


# --- Free text → OSM --------------------------------------------------------------------------

_DAY_WORDS = {
    "lundi": 0, "lun": 0, "mardi": 1, "mar": 1, "mercredi": 2, "mer": 2, "jeudi": 3, "jeu": 3,
    "vendredi": 4, "ven": 4, "samedi": 5, "sam": 5, "dimanche": 6, "dim": 6,
}  # fmt: skip
_TOKEN = re.compile(
    r"(?P<time>\d{1,2}\s*(?:h|:)\s*(?:\d{2})?|\bmidi\b|\bminuit\b)"
    r"|(?P<dash>-|–|—|\ba\b|\bau\b|\bjusqu'?a\b)"
    r"|(?P<sep>[;,/.:\n]|\bet\b|\bouvert\b)"
    r"|(?P<day>[a-z]+)"
)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


def _clock(token: str) -> str | None:
    if token == "midi":
        return "12:00"
    if token == "minuit":
        return "24:00"
    hours, _, minutes = re.split(r"\s*(h|:)\s*", token, maxsplit=1)
    hour, minute = int(hours), int(minutes or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def _day_list(days: list[int]) -> str:
    """Mo,Tu,We,Fr → Mo-We,Fr."""
    days = sorted(set(days))
    parts, start = [], 0
    while start < len(days):
        end = start
        while end + 1 < len(days) and days[end + 1] == days[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{DAYS[days[start]]}-{DAYS[days[end]]}")
        else:
            parts.extend(DAYS[d] for d in days[start : end + 1])
        start = end + 1
    return ",".join(parts)


def suggest_osm(text: str) -> str | None:
    """The OSM form of simple French hours (« du lundi au vendredi de 9h à 12h et de 14h à
    18h, fermé les jours fériés » → `Mo-Fr 09:00-12:00,14:00-18:00; PH off`), checked by the
    parser; None when the text says more than days and times can hold."""
    plain = _plain(text)
    holidays_off = bool(re.search(r"ferme\w*\s+(?:les\s+)?(?:jours\s+)?feries", plain))
    plain = re.sub(r"ferme\w*\s+(?:les\s+)?(?:jours\s+)?feries", " ", plain)
    plain = re.sub(r"\btous\s+les\s+jours\b", " lundi au dimanche ", plain)
    plain = re.sub(r"\b(?:du|de|le|les|l'|d')(?=\s|$)", " ", plain)
    rules: list[tuple[list[int], list[str]]] = []
    days: list[int] = []
    times: list[str] = []
    pending_range = False
    last_day: int | None = None
    pending_time: str | None = None
    previous = ""
    times_follow_days = False
    for match in _TOKEN.finditer(plain):
        kind, token = match.lastgroup, match.group(0)
        previous, was = kind or "", previous
        if kind == "day":
            if token not in _DAY_WORDS:
                return None  # a word we do not know: say nothing rather than guess wrong
            if times_follow_days:  # the hours of the days before are complete
                rules.append((days, times))
                days, times, times_follow_days = [], [], False
            day = _DAY_WORDS[token]
            if pending_range and last_day is not None:
                span = range(last_day, day + 1) if day >= last_day else range(0)
                if not span:
                    return None
                days.extend(span)
            else:
                days.append(day)
            last_day, pending_range = day, False
        elif kind == "time":
            clock = _clock(token.replace(" ", ""))
            if clock is None:
                return None
            if pending_time is None:
                pending_time = clock
            else:
                if clock <= pending_time and clock != "24:00":
                    return None
                times.append(f"{pending_time}-{clock}")
                pending_time = None
                times_follow_days = bool(days)
            pending_range = False
        elif kind == "dash":
            pending_range = was == "day"  # « lundi au vendredi », « lundi-vendredi »
        # separators change nothing: days and times pair up by order
    if pending_time is not None or (days and not times) or (times and not days):
        return None
    if times:
        rules.append((days, times))
    if not rules:
        return None
    parts = [f"{_day_list(d)} {','.join(t)}" for d, t in rules]
    if holidays_off:
        parts.append("PH off")
    guess = "; ".join(parts)
    return guess if parse_error(guess) is None else None


# --- The week of a table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One opening of a day: `start`–`end` as HH:MM (end may be 24:00), with its comment."""

    start: str
    end: str
    comment: str = ""


@dataclass(frozen=True)
class Week:
    """What a weekly table shows: the spans of each day Monday to Sunday, those of public
    holidays (None when the expression says nothing of them), whether some weeks of the year
    differ from this one, and the days whose hours are unknown ("sur rendez-vous" alone)."""

    days: tuple[tuple[Span, ...], ...]
    holidays: tuple[Span, ...] | None
    varies: bool
    unknown: frozenset[int]


def _spans_by_day(hours: opening_hours.OpeningHours, first: datetime, days: int):
    """The open spans of each of `days` days from `first`, and the days with an unknown state,
    from one sweep of the parser's intervals (an interval over midnight is cut at midnight)."""
    spans: list[list[Span]] = [[] for _ in range(days)]
    unknown: set[int] = set()
    for start, end, state, comment in hours.intervals(first, first + timedelta(days=days)):
        index = (start - first).days
        while start < end and index < days:
            midnight = first + timedelta(days=index + 1)
            stop = min(end, midnight)
            if state == opening_hours.State.UNKNOWN:
                unknown.add(index)
            elif state == opening_hours.State.OPEN:
                end_text = "24:00" if stop == midnight else stop.strftime("%H:%M")
                spans[index].append(Span(start.strftime("%H:%M"), end_text, comment or ""))
            start, index = stop, index + 1
    return [tuple(day) for day in spans], unknown


# The reference weeks: four in a row (rules that alternate weeks, or every third), then one in
# four over the year (the seasons): 16 weeks, a quarter of the work of 52.
REFERENCE_WEEKS = (0, 1, 2, 3, *range(4, 52, 4))


@lru_cache(maxsize=65536)
def week_days(value: str) -> tuple[tuple[tuple[Span, ...], ...], frozenset[int], bool] | None:
    """The spans of each day of the week most reference weeks have, the days whose state is
    unknown, and whether some weeks differ; None when `value` is not OSM syntax."""
    if parse_error(value) is not None:
        return None
    try:
        hours = _parse(value)
    except (SyntaxError, ValueError, opening_hours.ParserError):
        return None
    weeks: Counter = Counter()
    for week in REFERENCE_WEEKS:
        spans, unknown = _spans_by_day(hours, REFERENCE_MONDAY + timedelta(weeks=week), 7)
        weeks[(tuple(spans), frozenset(unknown))] += 1
    (days, unknown), count = weeks.most_common(1)[0]
    return days, unknown, count < len(REFERENCE_WEEKS) or bool(_YEAR.search(value))


@lru_cache(maxsize=64)
def first_holiday(country: str) -> datetime | None:
    """The country's first public holiday of 2001 (1 January in most, not everywhere)."""
    try:
        holidays = opening_hours.OpeningHours("PH", country=country)
    except (opening_hours.UnknownCountryError, ValueError, TypeError):
        return None
    end = datetime(2002, 1, 1)
    for start, _, state, _ in holidays.intervals(datetime(2001, 1, 1), end):
        if state == opening_hours.State.OPEN:
            return start.replace(hour=0, minute=0)
    return None


@lru_cache(maxsize=65536)
def regular_week(value: str, country: str | None = "FR") -> Week | None:
    """The week of a weekly table (see the module's docstring); None when `value` is not OSM.
    Public holidays: the spans of the country's first holiday of 2001, when the expression
    names them (`PH`)."""
    found = week_days(value)
    if found is None:
        return None
    days, unknown, varies = found
    holidays = None
    day = first_holiday(country) if country and re.search(r"\bPH\b", value) else None
    if day is not None:
        try:
            with_holidays = _parse(value, country)
        except (SyntaxError, ValueError, opening_hours.ParserError, opening_hours.UnknownCountryError):
            return None
        holidays = _spans_by_day(with_holidays, day, 1)[0][0]
    return Week(days, holidays, varies, unknown)
