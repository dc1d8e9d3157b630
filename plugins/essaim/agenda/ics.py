"""iCalendar feeds written with the `icalendar` library (never by hand)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..i18n import _
from ..records.model import Actor, Event, parse_when
from ..wording import Shown, own_text

if TYPE_CHECKING:
    from icalendar import Event as VEvent

# icalendar is imported where a feed is written, not when the build starts (a tenth of a second
# of start-up, spent in parallel with the pages instead).


def _dtstamp(event: Event) -> datetime:
    """A stable DTSTAMP: the record's update date (feeds stay identical between builds)."""
    return datetime.combine(event.updated, time(0, 0), tzinfo=event.start.tzinfo)


def _language(language: str | None) -> dict[str, str] | None:
    """The LANGUAGE parameter (RFC 5545, 3.2.10) of a text left in another language than the
    calendar's, so that an app reading it aloud switches voice; none in the calendar's own."""
    return {"LANGUAGE": language} if language else None


def vevent(
    event: Event,
    url: str,
    organizers: list[Actor],
    host: str,
    url_of=lambda a: "",
    shown: Shown = own_text,
) -> VEvent:
    """One VEVENT: stable UID, times in the territory's zone, RRULE and EXDATE kept; its title,
    summary and organisers' names as a page of the calendar's language shows them (`shown`).

    A neighbouring directory's event keeps the UID its own site gives it (`slug@its host`, the
    host of its URL in territory.yml), so a calendar subscribed to both sees one event, and says
    which directory lists it. It never takes one of ours nor another neighbour's: a neighbour in
    a sub-folder, or on our host, is told apart by its path (`slug@host/path/`; ours never have
    a "/").
    """
    from icalendar import Event as VEvent
    from icalendar import vCalAddress, vText

    fields = event.fields
    item = VEvent()
    origin_url = getattr(event, "origin_url", None)
    if origin_url:
        origin = urlsplit(origin_url)
        origin_host = origin.netloc
        if origin.path.strip("/") or origin_host.lower() == host.lower():
            origin_host = origin_url.split("://", 1)[-1].rstrip("/") + "/"
        item.add("uid", f"{event.origin_slug}@{origin_host}")
    elif getattr(event, "calendar_uid", "") and f"@{host.lower()}" not in event.calendar_uid.lower():
        item.add("uid", event.calendar_uid)  # an actor's calendar's: its subscribers see it once
    else:
        item.add("uid", f"{event.slug}@{host}")
    item.add("dtstamp", _dtstamp(event))
    title, title_language = shown(event, "name")
    item.add("summary", title, parameters=_language(title_language))
    if event.all_day:
        item.add("dtstart", event.start.date())
        last = event.end.date() if event.end else event.start.date()
        item.add("dtend", last + timedelta(days=1))  # DTEND is exclusive for whole days
    else:
        item.add("dtstart", event.start)
        item.add("dtend", event.ends_at())
    if event.recurrence:
        item.add("rrule", _rrule(event.recurrence))
        for value in fields.get("exdates") or []:
            moment, all_day = parse_when(str(value), event.start.tzinfo)
            if all_day and not event.all_day:  # RFC 5545: EXDATE takes DTSTART's value type
                moment = datetime.combine(moment.date(), event.start.timetz())
            item.add("exdate", moment.date() if all_day and event.all_day else moment)
    item.add("url", url)
    listed_by = _("Annuaire : %(name)s") % {"name": event.origin} if origin_url else ""
    summary, summary_language = shown(event, "summary")
    description = "\n\n".join(part for part in (summary, listed_by, url) if part)
    # marked only when the summary is its only words (the address is not): plain text cannot
    # mark a part of itself, and « Annuaire : … » is in the calendar's language
    marked = summary_language if summary and not listed_by else None
    item.add("description", description, parameters=_language(marked))
    location = fields.get("location") or {}
    if location:
        place = ", ".join(str(location[key]) for key in ("name", "street") if location.get(key))
        town = " ".join(str(location[key]) for key in ("postcode", "city") if location.get(key))
        item.add("location", ", ".join(part for part in (place, town) if part))
        if location.get("geo"):
            item.add("geo", (location["geo"]["lat"], location["geo"]["lon"]))
    elif fields.get("online_url"):
        item.add("location", fields["online_url"])
    for index, actor in enumerate(organizers):
        email = actor.fields.get("email")
        name, name_language = shown(actor, "name")
        if index == 0:  # iCalendar allows one ORGANIZER: its e-mail, else its page on the directory
            organizer = vCalAddress(f"mailto:{email}" if email else url_of(actor))
            organizer.params["cn"] = vText(name)
            if name_language:  # RFC 5545, 3.8.4.3: the language of the CN
                organizer.params["language"] = name_language
            item.add("organizer", organizer)
        item.add("contact", name, parameters=_language(name_language))
    for slug in event.themes:
        item.add("categories", slug)
    return item


def _rrule(rule: str) -> dict[str, Any]:
    from icalendar import vRecur

    return vRecur.from_ical(rule)


def calendar(
    name: str,
    events: list[tuple[Event, str, list[Actor]]],
    base_url: str,
    tz: Any,
    url_of=lambda a: "",
    shown: Shown = own_text,
) -> bytes:
    """A calendar app can subscribe to it: name, time zone (VTIMEZONE), one VEVENT per event,
    each as a page of the calendar's language shows it (`shown`)."""
    from icalendar import Calendar

    host = urlsplit(base_url).netloc
    cal = Calendar()
    cal.add("prodid", "-//Essaim//annuaire de l'ESS//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(tz))
    for event, url, organizers in events:
        cal.add_component(vevent(event, url, organizers, host, url_of, shown))
    cal.add_missing_timezones()
    return cal.to_ical()
