"""The Pelican generator of the agenda's feeds: iCalendar (all, per theme, per organizer, per
event) and Atom (new events, new actors).

The neighbouring directories' records (federation) join the feeds that gather many records
(the whole agenda, each theme, the Atom feeds), linking to their canonical page on their site.
"""

from __future__ import annotations

import logging

from ..i18n import _
from ..output import OutputFiles, make_key, record_keys
from ..part import Part
from ..records.model import Event
from ..urls import Urls
from .atom import atom
from .ics import calendar

logger = logging.getLogger(__name__)
PART = "agenda"
ATOM_ITEMS = 30


class AgendaGenerator(Part):
    """Writes /agenda.ics, /<themes>/<slug>/agenda.ics, /<actors>/<slug>/agenda.ics,
    /<agenda>/<slug>/evenement.ics and the Atom feeds under /feeds/."""

    PART = PART

    def write(self) -> list[str]:
        """Write the feeds whose events changed (switch: `features.agenda` in territory.yml)."""
        site, files = self.site, self.files
        territory, directory = site.territory, site.directory
        canonical = site.canonical
        base_key = self.build_key()
        by_slug = directory.actor_by_slug
        now = site.now

        def entries(events: list[Event]) -> list:
            return [(e, site.public_url(e), self._organizers(e)) for e in events]

        def with_peers(events: list[Event], peer_events: list[Event]) -> list[Event]:
            if not peer_events:
                return events
            return sorted([*events, *peer_events], key=lambda e: (e.start, e.slug))

        def write_calendar(save_as: str, name: str, events: list[Event]) -> None:
            # an organizer's name is in its events' files (CN, CONTACT): its record is an input
            key = make_key(base_key, record_keys(events), [record_keys(self._organizers(e)) for e in events])
            if not files.is_fresh(save_as, key):
                text = calendar(
                    name, entries(events), territory.base_url, territory.tz, canonical.record, site.shown
                )
                files.write(save_as, text, key)

        write_calendar(
            "agenda.ics",
            _("%(site)s : agenda") % {"site": territory.name},
            with_peers(site.upcoming_events, site.peer_upcoming_events),
        )
        peers = site.peers_by_theme
        for slug, theme_entries in directory.by_theme.items():
            events = [e for e in theme_entries.events if e.is_upcoming(now)]
            events = with_peers(events, peers.get(slug, {}).get("event", []))
            if events:
                name = _("%(site)s : %(theme)s") % {
                    "site": territory.name,
                    "theme": theme_entries.theme.label,
                }
                write_calendar(f"{canonical.path('themes', slug)}agenda.ics", name, events)
        for slug, events in directory.events_of.items():
            if slug in by_slug:
                name = f"{site.name_text(by_slug[slug])} ({territory.name})"
                write_calendar(f"{canonical.path('actors', slug)}agenda.ics", name, events)
        # One file per event page: ours, and the neighbours' events that have a page here too.
        paged = [e for e in site.peer_records_with_pages if e.KIND == "event"]
        for event in [*directory.events, *paged]:
            write_calendar(
                f"{canonical.path('events', event.slug)}evenement.ics", site.name_text(event), [event]
            )
        self._atom(files, canonical, base_key)
        return []

    def _organizers(self, event: Event) -> list:
        """The event's organizers that are our actors (a neighbour's event names its own)."""
        if hasattr(event, "origin"):
            return []
        by_slug = self.site.directory.actor_by_slug
        return [by_slug[s] for s in event.organizer_slugs if s in by_slug]

    def _atom(self, files: OutputFiles, canonical: Urls, base_key: str) -> None:
        site = self.site
        territory, directory = site.territory, site.directory
        peers = {"event": [], "actor": []}
        for record in site.peer_records:  # a neighbour's record without a date cannot be "new"
            if record.KIND in peers and record.updated:
                peers[record.KIND].append(record)
        feeds = [
            (
                "feeds/evenements.atom.xml",
                _("%(site)s : nouveaux événements") % {"site": territory.name},
                [*directory.events, *peers["event"]],
            ),
            (
                "feeds/acteurs.atom.xml",
                _("%(site)s : nouveaux acteurs") % {"site": territory.name},
                [*directory.actors, *peers["actor"]],
            ),
        ]
        for save_as, title, records in feeds:
            newest = sorted(records, key=lambda r: (r.updated, r.slug), reverse=True)[:ATOM_ITEMS]
            key = make_key(base_key, record_keys(newest))
            if files.is_fresh(save_as, key):
                continue
            items = [(r, site.public_url(r)) for r in newest]
            text = atom(
                title,
                territory.base_url + "/",
                f"{territory.base_url}/{save_as}",
                items,
                territory.tz,
                site.now,
                territory.language,
                site.shown,
            )
            files.write(save_as, text, key)
