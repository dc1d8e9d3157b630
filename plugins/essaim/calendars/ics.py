"""An actor's iCalendar file (Mobilizon, OpenAgenda, Gancio, Nextcloud, Google... all export
one) read with the icalendar library into events of our contract: one per VEVENT, its UID
kept, the actor as organizer, its themes as the event's.

- Times: a date is an all-day event (its DTEND, the day after, becomes the last day); a time
  with a known TZID or in UTC is converted to the territory's zone; a floating time, or one whose
  TZID the library does not know, is read in the territory's zone (and counted).
- Recurrence: the first RRULE is kept (UNTIL given the start's zone when it has none, as RFC
  5545 wants), EXDATEs in the territory's zone. A series that began before the kept year starts
  again at its first occurrence in it (COUNT lowered to match), so that a build never walks
  years of past occurrences; one that began more than ten years ago is left out. A series whose
  weekday or month day would change in the territory's zone is left out (its rule names days of
  its own zone). An occurrence moved or cancelled (RECURRENCE-ID) leaves the series (an EXDATE);
  a moved one becomes an event of its own.
- Left out, and counted: STATUS:CANCELLED, events without a title or a start, events over more
  than a year ago, and beyond MAX_EVENTS (those to come first, then the latest past ones).
Texts are cleaned (control and bidirectional characters) and cut to the contract's lengths;
nothing here touches the network or the disk.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

from ..records.load import one_line
from ..records.model import slugify

MAX_EVENTS = 500  # of one calendar in its snapshot
MAX_VEVENTS = 20_000  # read from one file at all
PAST_DAYS = 365  # an event over before that is left out
MAX_SERIES_YEARS = 10  # a series that began before that is left out
UTC = ZoneInfo("UTC")
DAY_PARTS = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH")
KINDS = {  # a word of CATEGORIES → our kind of event
    "atelier": "workshop",
    "workshop": "workshop",
    "formation": "training",
    "training": "training",
    "conférence": "conference",
    "conference": "conference",
    "rencontre": "meeting",
    "réunion": "meeting",
    "meeting": "meeting",
    "salon": "fair",
    "forum": "fair",
    "foire": "fair",
    "hackathon": "hackathon",
}


class CalendarError(ValueError):
    """The file is not an iCalendar file (the message says why, in French)."""


class LeftOut(Exception):  # noqa: N818 - a reason, not a failure
    """An event this reader leaves out, and why (counted)."""


@dataclass
class CalendarEvents:
    """What one calendar gave: events in our contract's shape, and what was left out."""

    events: list[dict[str, Any]] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)


def _text(value: Any, most: int) -> str:
    return one_line(str(value), most) if value is not None else ""


def _body(value: Any, most: int = 20_000) -> str:
    """A description: paragraphs kept, control characters dropped, cut to the contract's length."""
    if value is None:
        return ""
    lines = [_text(line, most) for line in str(value).splitlines()]
    return "\n".join(lines).strip()[:most]


def _moment(value: Any, tz: ZoneInfo) -> datetime | date:
    """A DTSTART/DTEND/EXDATE/RECURRENCE-ID value in the territory's zone (a floating time, or
    one in a zone the library does not know, is read in it)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    if isinstance(value, date):
        return value
    raise ValueError("date illisible")


def _written(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def _aware(value: datetime | date, tz: ZoneInfo) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min, tz)


def _rule_parts(component: Any, source_start: Any, tz: ZoneInfo) -> dict[str, str] | None:
    """The first RRULE as ordered parts of text, UNTIL in UTC when the start has a time."""
    rules = component.get("rrule")
    if rules is None:
        return None
    rule = rules[0] if isinstance(rules, list) else rules
    zone = source_start.tzinfo if isinstance(source_start, datetime) and source_start.tzinfo else tz
    parts: dict[str, str] = {}
    for name, values in rule.items():
        if not values:
            continue
        if name == "UNTIL":
            until = values[0]
            if isinstance(source_start, datetime):
                if not isinstance(until, datetime):  # a date: that whole day, in the start's zone
                    until = datetime.combine(until, time(23, 59, 59), zone)
                elif until.tzinfo is None:
                    until = until.replace(tzinfo=zone)
                parts[name] = f"{until.astimezone(UTC):%Y%m%dT%H%M%SZ}"
            else:
                day = until.date() if isinstance(until, datetime) else until
                parts[name] = f"{day:%Y%m%d}"
            continue
        parts[name] = ",".join(v if isinstance(v, str) else str(v) for v in values)
    return parts


def _ids(component: Any, name: str, tz: ZoneInfo) -> list[datetime | date]:
    values = component.get(name)
    found: list[datetime | date] = []
    for group in values if isinstance(values, list) else [values] if values is not None else []:
        for item in getattr(group, "dts", [group]):
            moment = getattr(item, "dt", None)
            if isinstance(moment, date):
                found.append(_moment(moment, tz))
    return found


def _kind(component: Any) -> str:
    categories = component.get("categories")
    words: list[str] = []
    for group in categories if isinstance(categories, list) else [categories] if categories else []:
        words += [str(c).casefold() for c in getattr(group, "cats", [])]
    return next((KINDS[w] for w in words if w in KINDS), "other")


def read_calendar(data: bytes, actor: str, themes: list[str], tz: ZoneInfo, now: datetime) -> CalendarEvents:
    """The events of an iCalendar file for the actor `actor` (its slug), whose themes the
    events take. Raises CalendarError when the file is not iCalendar at all."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, KeyError, IndexError, TypeError, RecursionError) as error:
        raise CalendarError("ce n'est pas un fichier iCalendar (.ics) : vérifiez l'adresse") from error
    if not isinstance(calendar, icalendar.Calendar):
        raise CalendarError("ce n'est pas un calendrier iCalendar (VCALENDAR) : vérifiez l'adresse")
    result = CalendarEvents()
    components = [c for c in calendar.subcomponents if c.name == "VEVENT"]  # not one in a VALARM
    if len(components) > MAX_VEVENTS:
        result.left_out[f"au-delà de {MAX_VEVENTS} événements dans le fichier"] += (
            len(components) - MAX_VEVENTS
        )
        components = components[:MAX_VEVENTS]
    masters: list[Any] = []
    moved: dict[str, list[Any]] = {}  # UID → its occurrences given apart (RECURRENCE-ID)
    for component in components:
        if component.get("recurrence-id") is not None:
            moved.setdefault(_text(component.get("uid"), 255), []).append(component)
        else:
            masters.append(component)
    reader = _Reader(actor, themes, tz, now, result.left_out)
    kept: list[dict[str, Any]] = []
    for component in masters:
        uid = _text(component.get("uid"), 255)
        overrides = moved.pop(uid, []) if uid else []
        kept += reader.read(component, overrides)
    for overrides in moved.values():  # an occurrence given without its series: an event alone
        kept += [event for component in overrides for event in reader.read(component, [], alone=True)]
    kept.sort(key=lambda e: e.pop("_order"))
    if len(kept) > MAX_EVENTS:
        result.left_out[f"au-delà des {MAX_EVENTS} premiers"] += len(kept) - MAX_EVENTS
        kept = kept[:MAX_EVENTS]
    uids: set[str] = set()
    for event in kept:
        if event["uid"] in uids:
            result.left_out["UID en double"] += 1
            continue
        uids.add(event["uid"])
        result.events.append(event)
    return result


class _Reader:
    """VEVENTs of one calendar into events, the reasons for those left out counted."""

    def __init__(self, actor: str, themes: list[str], tz: ZoneInfo, now: datetime, left_out: Counter):
        self.actor, self.themes, self.tz, self.now, self.left_out = actor, themes[:5], tz, now, left_out
        self.horizon = now - timedelta(days=PAST_DAYS)

    def read(self, component: Any, overrides: list[Any], alone: bool = False) -> list[dict[str, Any]]:
        """The event of a VEVENT, and those of its moved occurrences; none when left out."""
        try:
            event = self._event(component, overrides, alone)
        except LeftOut as reason:
            self.left_out[str(reason)] += 1
            return []
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            self.left_out["illisible"] += 1
            return []
        found = [event]
        for override in overrides:
            if str(override.get("status", "")).upper() == "CANCELLED":
                continue  # its RECURRENCE-ID is an EXDATE of the series: nothing more to show
            found += self.read(override, [], alone=True)
        return found

    def _event(self, component: Any, overrides: list[Any], alone: bool) -> dict[str, Any]:
        if str(component.get("status", "")).upper() == "CANCELLED":
            raise LeftOut("annulé")
        title = _text(component.get("summary"), 150)
        start_prop = component.get("dtstart")
        if not title or start_prop is None:
            raise LeftOut("sans titre ou sans date")
        source_start = start_prop.dt
        if isinstance(source_start, datetime) and source_start.tzinfo is None and "TZID" in start_prop.params:
            self.left_out["fuseau horaire inconnu (lu à l'heure du territoire)"] += 1
        start = _moment(source_start, self.tz)
        end = self._end(component, start)
        uid = (
            _text(component.get("uid"), 255)
            or hashlib.sha1(f"{_written(start)} {title}".encode()).hexdigest()
        )
        if alone and component.get("recurrence-id") is not None:
            uid = f"{uid}#{_written(_ids(component, 'recurrence-id', self.tz)[0])}"[:255]
        record: dict[str, Any] = {
            "title": title,
            "start": _written(start),
            "themes": self.themes,
            "organizers": [self.actor],
            "kind": _kind(component),
        }
        parts = None if alone else _rule_parts(component, source_start, self.tz)
        if parts:
            start, end, exdates = self._series(component, parts, source_start, start, end, overrides)
            record["start"] = _written(start)
            record["recurrence"] = ";".join(f"{k}={v}" for k, v in parts.items())[:300]
            if exdates:
                record["exdates"] = exdates
            upcoming = True
            last = start
        else:
            last = _aware(end or start, self.tz)
            if not isinstance(end or start, datetime):
                last = last + timedelta(days=1) - timedelta(seconds=1)
            if last < self.horizon:
                raise LeftOut("passé depuis plus d'un an")
            upcoming = last >= self.now
        if end is not None:
            record["end"] = _written(end)
        location = self._location(component)
        if location:
            record["location"] = location
        url = _text(component.get("url"), 2000)
        event = {
            "uid": uid,
            "slug": _slug(self.actor, title, uid),
            "record": record,
            "description": _body(component.get("description")),
            "url": url if url.startswith(("https://", "http://")) else "",
            # those to come first (soonest first), then the past (latest first): what a cut keeps
            "_order": (0, _aware(start, self.tz).timestamp()) if upcoming else (1, -last.timestamp()),
        }
        changed = self._changed(component)
        if changed:
            event["changed"] = changed
        return event

    def _end(self, component: Any, start: datetime | date) -> datetime | date | None:
        end: datetime | date | None = None
        if component.get("dtend") is not None:
            end = _moment(component.get("dtend").dt, self.tz)
        elif component.get("duration") is not None:
            end = start + component.get("duration").dt
        if not isinstance(start, datetime):
            if isinstance(end, datetime):
                return None  # a timed end for an all-day event: not what the contract says
            if end is not None:
                end = end - timedelta(days=1)  # DTEND of an all-day event is the day after its last
            return end if end is not None and end > start else None
        if not isinstance(end, datetime) or end <= start:
            return None
        return end

    def _series(
        self, component: Any, parts: dict[str, str], source_start: Any, start: Any, end: Any, overrides: list
    ) -> tuple[Any, Any, list[str]]:
        """The series as the contract keeps it: started again in the kept year when it began
        before, its exceptions (EXDATE, RECURRENCE-ID) in the territory's zone."""
        zoned = isinstance(source_start, datetime) and source_start.tzinfo is not None
        by_day = any(p in parts for p in DAY_PARTS)
        if zoned and by_day and source_start.date() != _moment(source_start, self.tz).date():
            raise LeftOut("répétition dont les jours changent dans le fuseau du territoire")
        first = _aware(start, self.tz)
        if first < self.now - timedelta(days=365 * MAX_SERIES_YEARS):
            raise LeftOut(f"série commencée il y a plus de {MAX_SERIES_YEARS} ans")
        duration = (_aware(end, self.tz) - first) if end is not None else timedelta(0)
        rule = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=first)
        again = rule.after(self.horizon - duration, inc=True)
        if again is None:
            raise LeftOut("passé depuis plus d'un an")
        if again > first:  # start again at its first occurrence of the kept year
            if "COUNT" in parts:
                skipped = sum(1 for _ in rule.between(first, again, inc=True)) - 1
                parts["COUNT"] = str(int(parts["COUNT"]) - skipped)
            shift = again - first
            start = again if isinstance(start, datetime) else again.date()
            end = (end + shift) if end is not None else None
        kept_from = _aware(start, self.tz)
        exceptions = _ids(component, "exdate", self.tz)
        for override in overrides:
            exceptions += _ids(override, "recurrence-id", self.tz)
        written = [_written(m) for m in exceptions if _aware(m, self.tz) >= kept_from]
        return start, end, list(dict.fromkeys(written))[:400]

    def _location(self, component: Any) -> dict[str, Any]:
        location: dict[str, Any] = {}
        place = _text(component.get("location"), 150)
        if place:
            location["name"] = place
        try:
            geo = component.get("geo")
            if geo is not None:
                lat, lon = float(geo.latitude), float(geo.longitude)
                if -90 <= lat <= 90 and -180 <= lon <= 180:
                    location["geo"] = {"lat": round(lat, 6), "lon": round(lon, 6)}
        except (ValueError, TypeError, AttributeError):
            pass  # a bad GEO costs the event its point, not the event
        return location

    def _changed(self, component: Any) -> str:
        """LAST-MODIFIED as a day (DTSTAMP is the export's time: every event would change)."""
        try:
            value = component.get("last-modified")
            moment = value.dt if value is not None else None
        except (ValueError, TypeError, AttributeError):
            return ""
        if not isinstance(moment, date):
            return ""
        day = moment.date() if isinstance(moment, datetime) else moment
        return day.isoformat() if date(1900, 1, 1) <= day <= self.now.date() else ""


def _slug(actor: str, title: str, uid: str) -> str:
    """The event's page name: its actor's, its title's, and a digest of its actor and UID
    (stable from one pull to the next; two actors' events never share one)."""
    head = slugify(f"{actor} {title}")[:60].strip("-") or actor
    digest = hashlib.sha1(f"{actor} {uid}".encode()).hexdigest()[:8]
    return f"{head}-{digest}"
