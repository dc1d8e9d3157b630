"""The Pelican generator of the agenda's feeds: iCalendar (all, per theme, per organizer, per
event) and Atom (new events, new actors)."""

from __future__ import annotations

import logging

from ..output import OutputFiles, fingerprint, record_stamps
from ..pages.urls import Urls
from ..part import Part
from ..records.model import Event
from .atom import atom
from .ics import calendar

logger = logging.getLogger(__name__)
PART = "agenda"
ATOM_ITEMS = 30


class AgendaGenerator(Part):
    """Writes /agenda.ics, /<themes>/<slug>/agenda.ics, /<actors>/<slug>/agenda.ics,
    /<agenda>/<slug>/evenement.ics and the Atom feeds under /feeds/."""

    PART = PART

    def generate_output(self, writer) -> None:
        """Write the feeds whose events changed (switch: `features.agenda` in territory.yml)."""
        if not self.start():
            return
        site, files = self.site, self.files
        territory, directory = site.territory, site.directory
        canonical = site.canonical
        base_key = self.part_stamp()
        by_slug = directory.actor_by_slug
        now = site.now

        def entries(events: list[Event]) -> list:
            return [
                (e, canonical.record(e), [by_slug[s] for s in e.organizer_slugs if s in by_slug])
                for e in events
            ]

        def write_calendar(save_as: str, name: str, events: list[Event]) -> None:
            key = fingerprint(base_key, record_stamps(events), [e.organizer_slugs for e in events])
            if not files.is_fresh(save_as, key):
                text = calendar(name, entries(events), territory.base_url, territory.tz, canonical.record)
                files.write(save_as, text, key)

        write_calendar("agenda.ics", f"{territory.name} : agenda", site.upcoming_events)
        for slug, theme_entries in directory.by_theme.items():
            events = [e for e in theme_entries.events if e.is_upcoming(now)]
            if events:
                name = f"{territory.name} : {theme_entries.theme.label}"
                write_calendar(f"{canonical.path('themes', slug)}agenda.ics", name, events)
        for slug, events in directory.events_of.items():
            if slug in by_slug:
                name = f"{by_slug[slug].name} ({territory.name})"
                write_calendar(f"{canonical.path('actors', slug)}agenda.ics", name, events)
        for event in directory.events:
            write_calendar(f"{canonical.path('events', event.slug)}evenement.ics", event.name, [event])
        self._atom(files, canonical, base_key)
        files.finish()

    def _atom(self, files: OutputFiles, canonical: Urls, base_key: str) -> None:
        territory, directory = self.site.territory, self.site.directory
        feeds = [
            ("feeds/evenements.atom.xml", f"{territory.name} : nouveaux événements", directory.events),
            ("feeds/acteurs.atom.xml", f"{territory.name} : nouveaux acteurs", directory.actors),
        ]
        for save_as, title, records in feeds:
            newest = sorted(records, key=lambda r: (r.updated, r.slug), reverse=True)[:ATOM_ITEMS]
            key = fingerprint(base_key, record_stamps(newest))
            if files.is_fresh(save_as, key):
                continue
            items = [(r, canonical.record(r)) for r in newest]
            text = atom(
                title, territory.base_url + "/", f"{territory.base_url}/{save_as}", items, territory.tz
            )
            files.write(save_as, text, key)
