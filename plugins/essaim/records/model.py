"""Records and the Directory that holds them with their indexes (by theme, city, legal form)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from slugify import slugify as _slugify

from .hours import parse_error
from .load import LinePath, line_map
from .taxonomy import Theme


@lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Lowercase ASCII slug of a text, by python-slugify: `Saint-Herblain` → `saint-herblain`,
    `Œuvres du Cœur` → `oeuvres-du-coeur`, `東京` → `dong-jing`; at most 80 characters (a
    page's folder name); "" when nothing is left of it (`!!!`), which validation refuses for the
    names that make pages."""
    return _slugify(text, max_length=80, word_boundary=True)


MAX_OCCURRENCES = 2000  # of one event in one listing: a daily rule over the longest horizon is 1,830
MAX_OCCURRENCE_DAYS = 31  # how long one occurrence of a repeated event may last


def sort_key(text: str) -> str:
    """A key that sorts French names as a reader expects (accents and case ignored)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def initial(sort_name: str) -> str:
    """The letter under which a name listed A–Z falls (`#` for digits and signs), from its
    sort key."""
    first = sort_name[:1].upper()
    return first if first.isalpha() else "#"


def parse_when(value: str, tz: ZoneInfo) -> tuple[datetime, bool]:
    """Parse an event date or date-time; return an aware datetime and whether it is all-day.

    A value without an offset is read in the territory's time zone. Raises ValueError.
    """
    text = value.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime.combine(day, time.min, tzinfo=tz), True
    moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz), False
    return moment.astimezone(tz), False  # `+14:00` written: shown, and exported, in the territory's zone


def website_key(url: Any) -> str:
    """Host (without www.) and path of a website, lowercased ("" for anything but a string)."""
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url.strip().lower())
    except ValueError:  # "http://[oops/": no host to compare (validation says why)
        return url.strip().lower()
    return parts.netloc.removeprefix("www.") + parts.path.rstrip("/")


def _string_list(value: Any) -> list[str]:
    """The strings of a list field; nothing when the field is not a list (invalid record)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


@dataclass(eq=False)
class Record:
    """One record file, validated: its fields as written, its body as Markdown text."""

    KIND: ClassVar[str] = "record"
    FOLDER: ClassVar[str] = ""
    slug: str
    source: str
    fields: dict[str, Any]
    body: str
    body_line: int
    digest: str
    file: str = ""  # absolute path, to find the line of a key again
    mtime: float = 0.0  # the file's modification time, the last resort for `updated`
    lines: dict[LinePath, tuple[int, int]] | None = field(default=None, repr=False)
    updated: date | None = None

    @property
    def name(self) -> str:
        """The record's display name."""
        return str(self.fields.get("name", self.slug))

    @cached_property
    def sort_name(self) -> str:
        """The name as it sorts and compares (accents and case ignored), computed once."""
        return sort_key(self.name)

    @cached_property
    def change_key(self) -> str:
        """What change detection compares of a record: kind, slug, its file's digest, `updated`.
        Computed once, at first use; `read_directory` forgets any copy made before `updated` is
        final (a record from the cache)."""
        return f"{self.KIND}:{self.slug}:{self.digest}:{self.updated}"

    @cached_property
    def sort_letter(self) -> str:
        """Initial letter under which the record is listed A–Z (`#` for digits and signs)."""
        return initial(self.sort_name)

    @property
    def archived(self) -> bool:
        """`archived: true`: out of every list, search, the map, feeds and open data; its page
        stays, marked as archived, so that links to it keep working."""
        return self.fields.get("archived") is True

    @property
    def summary(self) -> str:
        """The short plain-text summary (may be empty for events)."""
        return str(self.fields.get("summary", ""))

    # A record's fields are never changed once it is made: what is read from them many times
    # per build (every list, search, the map) is worked out once, and kept with the record in
    # the caches.
    @cached_property
    def themes(self) -> list[str]:
        """Theme slugs, in the order written."""
        return _string_list(self.fields.get("themes"))

    @property
    def address(self) -> dict[str, Any]:
        """Postal address fields (may be empty)."""
        address = self.fields.get("address")
        return address if isinstance(address, dict) else {}

    @cached_property
    def city(self) -> str | None:
        """City name, if known."""
        return self.address.get("city")

    @property
    def geo(self) -> dict[str, float] | None:
        """{lat, lon} if the record has coordinates."""
        return self.fields.get("geo")

    def position(self, path: LinePath) -> tuple[int, int]:
        """Line and column of a key in the source file (1, 1 when absent)."""
        if self.lines is None:
            self.lines = line_map(Path(self.file)) if self.file else {}
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return (1, 1)


class Actor(Record):
    """An actor of the ESS (association, cooperative, mutuelle...)."""

    KIND = "actor"
    FOLDER = "actors"

    @cached_property
    def website_key(self) -> str:
        """Host (without www.) and path of the website, lowercased: equal for the same site."""
        return website_key(self.fields.get("website"))

    @property
    def legal_form(self) -> str:
        """The legal form value (association, scop...)."""
        return str(self.fields.get("legal_form", "other"))

    @cached_property
    def osm_hours(self) -> str | None:
        """The opening hours when they are in OSM syntax (what the browser, search, the map and
        data·inclusion read); None when there are none, or free text (shown as written)."""
        value = self.fields.get("opening_hours")
        return value if isinstance(value, str) and parse_error(value) is None else None


class Initiative(Record):
    """A project carried by one or more actors."""

    KIND = "initiative"
    FOLDER = "initiatives"

    @property
    def actor_slugs(self) -> list[str]:
        """Slugs of the actors that carry it."""
        return _string_list(self.fields.get("actors"))


class Event(Record):
    """An event; `start`/`end` are set in the territory's time zone when the Directory is built."""

    KIND = "event"
    FOLDER = "events"
    start: datetime
    end: datetime | None
    all_day: bool

    @property
    def name(self) -> str:
        """Events are named by their title."""
        return str(self.fields.get("title", self.slug))

    @property
    def organizer_slugs(self) -> list[str]:
        """Slugs of the organizing actors."""
        return _string_list(self.fields.get("organizers"))

    @property
    def address(self) -> dict[str, Any]:
        """The location's address fields."""
        return self.fields.get("location") or {}

    @property
    def geo(self) -> dict[str, float] | None:
        """The location's coordinates, if given."""
        return (self.fields.get("location") or {}).get("geo")

    def set_times(self, tz: ZoneInfo) -> None:
        """Parse start/end in the territory's time zone (the record was validated before)."""
        self.start, self.all_day = parse_when(str(self.fields["start"]), tz)
        self.end = parse_when(str(self.fields["end"]), tz)[0] if self.fields.get("end") else None

    def ends_at(self) -> datetime:
        """When the event is over: its end, or the end of its start day when it has none."""
        if self.end is not None:
            if len(str(self.fields["end"]).strip()) == 10:
                return self.end.replace(hour=23, minute=59, second=59)
            return self.end
        if self.all_day:
            return self.start.replace(hour=23, minute=59, second=59)
        return self.start

    @property
    def duration(self) -> timedelta:
        """How long one occurrence lasts."""
        return self.ends_at() - self.start

    @property
    def recurrence(self) -> str | None:
        """The RFC 5545 rule (without `RRULE:`), if the event repeats."""
        rule = self.fields.get("recurrence")
        return rule.removeprefix("RRULE:") if isinstance(rule, str) else None

    def starts(self, after: datetime, before: datetime) -> list[datetime]:
        """Start times of the occurrences that end after `after` and start before `before`."""
        if not self.recurrence:
            return [self.start] if self.ends_at() >= after and self.start <= before else []
        rule = rrulestr(self.recurrence, dtstart=self.start)
        # An exception date without a time (`2026-11-24`) cancels that day's occurrence.
        skipped, days = set(), set()
        for value in self.fields.get("exdates") or []:
            moment, all_day = parse_when(str(value), self.start.tzinfo)
            (days if all_day else skipped).add(moment.date() if all_day else moment)
        # One walk through the rule (`rule.after` in a loop would start again from `start` for
        # every occurrence); validation made sure the rule gives dates at all, and that one
        # occurrence lasts at most MAX_OCCURRENCE_DAYS.
        found: list[datetime] = []
        for moment in rule.xafter(after - self.duration, inc=True):
            if moment > before or len(found) >= MAX_OCCURRENCES:
                break
            if moment not in skipped and moment.date() not in days:
                found.append(moment)
        return found

    def is_upcoming(self, now: datetime) -> bool:
        """True while the event (or, for a recurring event, its last occurrence) has not ended.
        A rule is walked once per `now` (the parts of a build ask many times)."""
        if not self.recurrence:
            return self.ends_at() >= now
        memo = self.__dict__.setdefault("_upcoming", {})
        if now not in memo:
            rule = rrulestr(self.recurrence, dtstart=self.start)
            memo[now] = rule.after(now - self.duration, inc=True) is not None
        return memo[now]


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event in the agenda (a recurring event has many)."""

    event: Event
    start: datetime

    KIND = "event"

    def __getattr__(self, name: str) -> Any:
        if name == "event":  # not set yet (while copying): no delegation
            raise AttributeError(name)
        return getattr(self.event, name)

    @property
    def end(self) -> datetime | None:
        """End of this occurrence."""
        return self.start + self.event.duration if self.event.end is not None else None

    @property
    def all_day(self) -> bool:
        """Whether the event takes whole days."""
        return self.event.all_day

    def ends_at(self) -> datetime:
        """When this occurrence is over."""
        return self.start + self.event.duration


RECORD_TYPES: dict[str, type[Record]] = {cls.KIND: cls for cls in (Actor, Initiative, Event)}


@dataclass
class City:
    """A city of the directory with its actors."""

    slug: str
    name: str
    actors: list[Actor] = field(default_factory=list)


@dataclass
class ThemeEntries:
    """Everything filed under one theme."""

    theme: Theme
    actors: list[Actor] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Number of records under this theme."""
        return len(self.actors) + len(self.initiatives) + len(self.events)


@dataclass
class Directory:
    """All records of a territory, sorted, with the indexes every page and export uses.

    Built once per build by `read_directory`; no part of Essaim re-reads the files. Archived
    records are set apart (`archived`): `actors`, `initiatives`, `events` and every index hold
    the others, but `actor_by_slug` names archived actors too, so that a page naming one still
    links to its page.
    """

    themes: dict[str, Theme]
    actors: list[Actor]
    initiatives: list[Initiative]
    events: list[Event]
    actor_by_slug: dict[str, Actor] = field(init=False)
    by_theme: dict[str, ThemeEntries] = field(init=False)
    by_legal_form: dict[str, list[Actor]] = field(init=False)
    by_city: dict[str, City] = field(init=False)
    initiatives_of: dict[str, list[Initiative]] = field(init=False)
    events_of: dict[str, list[Event]] = field(init=False)
    archived: list[Record] = field(init=False)

    def __post_init__(self) -> None:
        self.archived = [r for r in (*self.actors, *self.initiatives, *self.events) if r.archived]
        if self.archived:
            self.actors = [r for r in self.actors if not r.archived]
            self.initiatives = [r for r in self.initiatives if not r.archived]
            self.events = [r for r in self.events if not r.archived]
        self.archived.sort(key=lambda r: (r.KIND, r.sort_name, r.slug))
        self.actors.sort(key=lambda r: (r.sort_name, r.slug))
        self.initiatives.sort(key=lambda r: (r.sort_name, r.slug))
        self.events.sort(key=lambda e: (e.start, e.slug))
        self.actor_by_slug = {a.slug: a for a in self.actors}
        self.actor_by_slug.update((r.slug, r) for r in self.archived if isinstance(r, Actor))
        self.by_theme = {slug: ThemeEntries(theme) for slug, theme in self.themes.items()}
        self.by_legal_form = {}
        self.by_city = {}
        self.initiatives_of = {}
        self.events_of = {}
        for actor in self.actors:
            for slug in actor.themes:
                if slug in self.by_theme:
                    self.by_theme[slug].actors.append(actor)
            self.by_legal_form.setdefault(actor.legal_form, []).append(actor)
            if actor.city:
                city_slug = slugify(actor.city)
                city = self.by_city.setdefault(city_slug, City(city_slug, actor.city))
                city.actors.append(actor)
        for initiative in self.initiatives:
            for slug in initiative.themes:
                if slug in self.by_theme:
                    self.by_theme[slug].initiatives.append(initiative)
            for slug in initiative.actor_slugs:
                self.initiatives_of.setdefault(slug, []).append(initiative)
        for event in self.events:
            for slug in event.themes:
                if slug in self.by_theme:
                    self.by_theme[slug].events.append(event)
            for slug in event.organizer_slugs:
                self.events_of.setdefault(slug, []).append(event)
        self.by_city = dict(sorted(self.by_city.items(), key=lambda item: sort_key(item[1].name)))

    def with_events(self, extra: list[Event]) -> Directory:
        """The same Directory with more events (the actors' calendars'), every index made again."""
        every = self.all_records
        return Directory(
            self.themes,
            [r for r in every if isinstance(r, Actor)],
            [r for r in every if isinstance(r, Initiative)],
            [*(r for r in every if isinstance(r, Event)), *extra],
        )

    @property
    def all_records(self) -> list[Record]:
        """Every record, the archived ones too (what a file name or a SIRET is taken by)."""
        return [*self.actors, *self.initiatives, *self.events, *self.archived]

    @property
    def records(self) -> list[Record]:
        """Every record, actors first."""
        return [*self.actors, *self.initiatives, *self.events]

    def upcoming_events(self, now: datetime) -> list[Event]:
        """Events not yet over at `now` (recurring ones with an occurrence to come), soonest first."""
        return [e for e in self.events if e.is_upcoming(now)]

    def occurrences(self, now: datetime, horizon: timedelta) -> list[Occurrence]:
        """Every occurrence not over at `now` and starting within `horizon`, soonest first."""
        found = [
            Occurrence(event, start) for event in self.events for start in event.starts(now, now + horizon)
        ]
        return sorted(found, key=lambda o: (o.start, o.event.slug))

    def past_events(self, now: datetime) -> list[Event]:
        """Events over at `now`, most recent first."""
        return [e for e in reversed(self.events) if not e.is_upcoming(now)]
