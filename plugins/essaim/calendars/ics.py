"""An actor's iCalendar file (Mobilizon, OpenAgenda, Gancio, Nextcloud, Google... all export
one) read with the icalendar library into events of our contract: one per VEVENT, its UID
kept, the actor as organizer, its themes as the event's.

- Times: a date is an all-day event (its DTEND, the day after, becomes the last day); a time
  with a known TZID or in UTC is converted to the territory's zone; a floating time, or one whose
  TZID the library does not know, is read in the territory's zone (and counted).
- Recurrence: the first RRULE is kept as it is (UNTIL given a zone when it has none, as RFC
  5545 wants with a zoned start); EXDATEs in the territory's zone; the rule is then checked
  like a local event's (records/recurrence.py bounds it).
- Left out, and counted: STATUS:CANCELLED, events without a title or a start, events over
  more than a year ago, and beyond MAX_EVENTS (the soonest are kept).
Texts are cleaned (control characters) and cut to the contract's lengths; nothing here
touches the network or the disk.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from ..records.load import CONTROL_CHARACTERS
from ..records.model import slugify

MAX_EVENTS = 500  # of one calendar in its snapshot (the soonest)
MAX_VEVENTS = 20_000  # read from one file at all
PAST_DAYS = 365  # an event over before that is left out
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


@dataclass
class CalendarEvents:
    """What one calendar gave: events in our contract's shape, and what was left out."""

    events: list[dict[str, Any]] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)


def _text(value: Any, most: int) -> str:
    text = " ".join(CONTROL_CHARACTERS.sub(" ", str(value)).split()) if value is not None else ""
    return text[:most].rstrip()


def _body(value: Any, most: int = 20_000) -> str:
    """A description: paragraphs kept, control characters dropped, cut to the contract's length."""
    if value is None:
        return ""
    lines = [" ".join(CONTROL_CHARACTERS.sub(" ", line).split()) for line in str(value).splitlines()]
    return "\n".join(lines).strip()[:most]


def _moment(value: Any, tz: ZoneInfo, zoned: bool) -> tuple[datetime | date, bool]:
    """A DTSTART/DTEND/EXDATE value in the territory's zone; whether it was read as floating
    (no zone, or one the library does not know) though it named a zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=tz), zoned
        return value.astimezone(tz), False
    return value, False


def _written(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def _rule(component: Any, start: datetime | date) -> str | None:
    rules = component.get("rrule")
    if rules is None:
        return None
    rule = rules[0] if isinstance(rules, list) else rules
    parts = []
    for name, values in rule.items():
        if name == "UNTIL" and values:
            until = values[0]
            if isinstance(until, datetime):
                if until.tzinfo is None and isinstance(start, datetime):
                    until = until.replace(tzinfo=start.tzinfo)
                if until.tzinfo is not None:
                    until = until.astimezone(ZoneInfo("UTC"))
                    parts.append(f"UNTIL={until:%Y%m%dT%H%M%SZ}")
                    continue
                parts.append(f"UNTIL={until:%Y%m%dT%H%M%S}")
                continue
            parts.append(f"UNTIL={until:%Y%m%d}")
            continue
        shown = ",".join(v if isinstance(v, str) else str(v) for v in values)
        parts.append(f"{name}={shown}")
    text = ";".join(parts)
    return text[:300] if text else None


def _exdates(component: Any, tz: ZoneInfo) -> list[str]:
    found: list[str] = []
    values = component.get("exdate")
    if values is None:
        return found
    for group in values if isinstance(values, list) else [values]:
        for item in getattr(group, "dts", []):
            moment, _ = _moment(item.dt, tz, False)
            found.append(_written(moment))
    return list(dict.fromkeys(found))[:400]


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
        raise CalendarError(
            "ce n'est pas un fichier iCalendar (.ics) : vérifiez l'adresse du calendrier"
        ) from error
    if not isinstance(calendar, icalendar.Calendar):
        raise CalendarError("ce n'est pas un calendrier iCalendar (VCALENDAR) : vérifiez l'adresse")
    result = CalendarEvents()
    horizon = now - timedelta(days=PAST_DAYS)
    kept: list[tuple[str, dict[str, Any]]] = []
    for number, component in enumerate(calendar.walk("VEVENT")):
        if number >= MAX_VEVENTS:
            result.left_out["au-delà de 20 000 événements dans le fichier"] += 1
            continue
        try:
            event = _event(component, actor, themes, tz, horizon, result.left_out)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            result.left_out["illisible"] += 1
            continue
        if event is not None:
            kept.append((event["record"]["start"], event))
    kept.sort(key=lambda pair: (pair[0], pair[1]["uid"]))
    if len(kept) > MAX_EVENTS:
        result.left_out[f"au-delà des {MAX_EVENTS} premiers"] += len(kept) - MAX_EVENTS
        kept = kept[:MAX_EVENTS]
    uids: set[str] = set()
    for _, event in kept:
        if event["uid"] in uids:
            result.left_out["UID en double"] += 1
            continue
        uids.add(event["uid"])
        result.events.append(event)
    return result


def _event(
    component: Any, actor: str, themes: list[str], tz: ZoneInfo, horizon: datetime, left_out: Counter
) -> dict[str, Any] | None:
    if str(component.get("status", "")).upper() == "CANCELLED":
        left_out["annulé"] += 1
        return None
    title = _text(component.get("summary"), 150)
    start_prop = component.get("dtstart")
    if not title or start_prop is None:
        left_out["sans titre ou sans date"] += 1
        return None
    zoned = "TZID" in getattr(start_prop, "params", {})
    start, floating = _moment(start_prop.dt, tz, zoned)
    if floating:
        left_out["fuseau horaire inconnu (lu à l'heure du territoire)"] += 1
    end: datetime | date | None = None
    if component.get("dtend") is not None:
        end, _ = _moment(component.get("dtend").dt, tz, False)
    elif component.get("duration") is not None:
        end = start + component.get("duration").dt
    if isinstance(start, date) and not isinstance(start, datetime) and isinstance(end, date):
        end = end - timedelta(days=1)  # DTEND of an all-day event is the day after its last
        if not isinstance(end, datetime) and end <= start:
            end = None
    if isinstance(end, datetime) and isinstance(start, datetime) and end <= start:
        end = None
    if isinstance(end, date) and not isinstance(end, datetime) and isinstance(start, datetime):
        end = None  # a date for the end of a timed event: not what the contract says
    rule = _rule(component, start)
    last = end or start
    last_moment = last if isinstance(last, datetime) else datetime.combine(last, datetime.max.time(), tz)
    if rule is None and last_moment < horizon:
        left_out["passé depuis plus d'un an"] += 1
        return None
    uid = _text(component.get("uid"), 255) or hashlib.sha1(f"{_written(start)} {title}".encode()).hexdigest()
    record: dict[str, Any] = {
        "title": title,
        "start": _written(start),
        "themes": themes[:5],
        "organizers": [actor],
        "kind": _kind(component),
    }
    if end is not None:
        record["end"] = _written(end)
    if rule:
        record["recurrence"] = rule
        exdates = _exdates(component, tz)
        if exdates:
            record["exdates"] = exdates
    place = _text(component.get("location"), 150)
    geo = component.get("geo")
    location: dict[str, Any] = {}
    if place:
        location["name"] = place
    if geo is not None and -90 <= float(geo.latitude) <= 90 and -180 <= float(geo.longitude) <= 180:
        location["geo"] = {"lat": round(float(geo.latitude), 6), "lon": round(float(geo.longitude), 6)}
    if location:
        record["location"] = location
    url = _text(component.get("url"), 2000)
    changed = component.get("last-modified") or component.get("dtstamp")
    event = {
        "uid": uid,
        "slug": _slug(actor, title, uid),
        "record": record,
        "description": _body(component.get("description")),
        "url": url if url.startswith(("https://", "http://")) else "",
    }
    if changed is not None and isinstance(changed.dt, datetime | date):
        day = changed.dt.date() if isinstance(changed.dt, datetime) else changed.dt
        event["changed"] = day.isoformat()
    return event


def _slug(actor: str, title: str, uid: str) -> str:
    """The event's page name: its actor's, its title's, and a digest of its UID (stable from one
    pull to the next, different for two events of the same title)."""
    head = slugify(f"{actor} {title}")[:60].strip("-") or actor
    return f"{head}-{hashlib.sha1(uid.encode()).hexdigest()[:8]}"
