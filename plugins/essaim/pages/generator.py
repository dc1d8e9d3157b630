"""The Pelican generator that writes the directory's pages from the shared Directory.

Every page is described by its output path, its template, the records it shows and its own
variables; a page whose inputs did not change since the last build is not rendered again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from .. import forked
from ..chrome import Chrome
from ..i18n import _
from ..output import RecordKeys, make_key, record_keys
from ..paginate import paginate
from ..part import Part
from ..records.model import Actor, Event, Initiative, Record
from ..records.read import collector_paused
from ..vendor import vendor_files
from .fragments import Cards, with_globals
from .jinja_ext import render
from .jsonld import structured_data, website
from .markdown import MarkdownBody

logger = logging.getLogger(__name__)
PART = "pages"
# Output path, template, inputs, and the page's variables: a dict, or a function that makes it
# (record pages: only called when the page is rendered, by the process that renders it).
Job = tuple[str, str, Any, dict[str, Any] | Callable[[], dict[str, Any]]]


class PagesGenerator(Part):
    """Writes the home page, one page per record, and the lists by theme, city and legal form."""

    PART = PART
    # A page's inputs list the neighbours' records it shows (lists, agenda, matches), the
    # neighbours listing its record too, and whether they have open offers or needs in our
    # categories (a record page's hint on its matches says so).
    PEERS_IN_INPUTS = True

    def write(self) -> list[str]:
        """Queue every page, start rendering those whose inputs changed (switch: `features.pages`
        in territory.yml); return the pages for the sitemap."""
        self.env.auto_reload = False  # templates do not change during a build: no stat() per use
        site = self.site
        self.global_key = self._global_key()
        self.page_size = site.territory.listing["page_size"]
        self.base_url = site.territory.base_url
        self.canonical = site.canonical
        self.env.globals["card"] = Cards(
            self.get_template("_card"), site.urls, site.directory.themes, site.shown
        ).card
        self.env.globals["chrome"] = Chrome(
            self.get_template("_header"), self.get_template("_footer"), self.context
        )
        self.page_context = with_globals(self.env, self.context)  # what every page starts from
        root = Path(self.settings["ESSAIM_ROOT"])
        for library in ("suncalc", "opening_hours"):  # « Ouvert maintenant » (js/hours/)
            for source, save_as in vendor_files(root, library):
                self.files.copy(save_as, source)
        self.started = time.perf_counter()
        self.unlisted: set[str] = set()  # pages kept out of the sitemap: peers' copies, archived
        # One page per record, shared with the forked workers (they start on it at once), then
        # the home page and the lists, queued meanwhile and rendered by this process.
        self.jobs: list[Job] = []
        self.own_jobs: list[Job] = []
        self.queue = self.jobs
        self._records()
        self.background: forked.Workers | None = None
        self._start_workers()
        self.queue = self.own_jobs
        with collector_paused():  # the lists' jobs live until they are rendered: nothing to collect
            self._home()
            self._lists()
            self._taxonomies()
            self._agenda()
        return [  # the sitemap: our pages, not copies of our neighbours', nor archived records'
            job[0].removesuffix("index.html")
            for job in [*self.jobs, *self.own_jobs]
            if job[0].endswith(".html") and job[0] not in self.unlisted
        ]

    def finish(self) -> None:
        """Render what is queued now, unless workers are rendering in the background: then when
        Pelican has run every other part (`forked.finish_pending`)."""
        if self.background is None:
            self._finish()

    def _finish(self) -> None:
        """Render the home page and the lists, then the record pages: alone, or with the forked
        workers when there are some; save the manifest."""
        for job in self.own_jobs:
            self._render(*job)
        if self.background is None:
            for job in self.jobs:
                self._render(*job)
        else:
            self.background.join()
            self.background = None
        self.files.finish()
        logger.info("essaim: pages done in %.2f s", time.perf_counter() - self.started)

    # -- helpers -------------------------------------------------------------------------

    def _global_key(self) -> str:
        """What every page depends on: the build's one key (build_key), today's date, and the
        neighbours' names (a card shows its record's directory)."""
        peers = self.site.peers
        return make_key(self.build_key(), self.site.now.date(), peers.territories if peers else None)

    def _emit(self, save_as: str, template: str, inputs: Any, **variables: Any) -> None:
        """Queue a page made from `inputs` (anything with a stable repr; `RecordKeys` for records)."""
        self.queue.append((save_as, template, inputs, variables))

    def _render(self, save_as: str, template: str, inputs: Any, variables: Any) -> None:
        """Render and write a page, unless its inputs are the same as when its file was written
        (decided here, in whichever process takes the page)."""
        key = make_key(self.global_key, template, save_as, inputs)
        if self.files.is_fresh(save_as, key):
            return
        if not isinstance(variables, dict):
            variables = variables()
        context = {
            **self.page_context,
            **variables,
            "output_file": save_as,
            "canonical_url": f"{self.base_url}/{save_as.removesuffix('index.html')}",
        }
        record = variables.get("record")
        if record is not None:  # computed here, in the process that renders the page
            related = variables.get("actors") or variables.get("organizers") or []
            origin = getattr(record, "origin_page", None)  # a neighbouring directory's record
            if origin:
                context["canonical_url"] = origin
            context["structured_data"] = structured_data(
                record,
                origin or self.canonical.record(record),
                self.canonical.record,
                related,
                self.site.shown,
            )
        self.files.write(save_as, render(self.get_template(template), context), key)

    def _start_workers(self) -> None:
        """Fork workers for the record pages when there are many (forked.py), their templates
        compiled before."""
        if len(self.jobs) >= forked.PARALLEL_FROM and self.site.jobs > 1:
            for template in {job[1] for job in self.jobs}:
                self.get_template(template)
        self.background = forked.start(
            self.jobs, self.files, self.site.jobs, "page-rendering", self._finish, self._render_job
        )

    def _render_job(self, job: Job) -> None:
        self._render(*job)

    def _listing(
        self,
        section: str,
        slug: str | None,
        records: Sequence[Record],
        template: str,
        extra_inputs: Any = (),
        **variables: Any,
    ) -> None:
        """Write a paginated list of records under /section/[slug/][page/N/]."""
        urls = self.site.urls
        if records and all(isinstance(r, Actor | Initiative) for r in records):
            records = self.site.in_name_order(records)  # by the names shown in this language
        pages = paginate(records, self.page_size, lambda n: urls.url(section, slug, n))
        letters = self._letter_index(records, section, slug)
        for listing in pages:
            self._emit(
                urls.save_as(urls.path(section, slug, listing.number)),
                template,
                (record_keys(listing.items), listing.count, listing.total, extra_inputs, letters),
                listing=listing,
                letters=letters,
                **variables,
            )

    def _letter_index(self, records: Sequence[Record], section: str, slug: str | None) -> list:
        """For alphabetical lists: each initial letter with the URL of its first entry."""
        if len(records) <= self.page_size or not all(isinstance(r, Actor | Initiative) for r in records):
            return []
        letters: dict[str, str] = {}
        for index, record in enumerate(records):
            letter = self.site.sort_letter(record)
            if letter not in letters:
                page = index // self.page_size + 1
                letters[letter] = f"{self.site.urls.url(section, slug, page)}#lettre-{letter}"
        return list(letters.items())

    # -- pages ---------------------------------------------------------------------------

    def _home(self) -> None:
        directory = self.site.directory
        listing = self.site.territory.listing
        newest = sorted(directory.actors, key=lambda a: (a.updated, a.slug), reverse=True)
        newest = newest[: listing["home_newest_actors"]]
        upcoming = self.site.occurrences[: listing["home_next_events"]]
        needs = []
        if self.site.territory.feature("exchange"):  # the needs of the records updated last
            needs = [item for item in self.site.newest_offers_needs if item.kind == "need"]
            needs = needs[: listing["home_latest_needs"]]
        counts = (
            len(directory.actors),
            len(directory.initiatives),
            len(directory.events),
            len(self.site.cities),
            [(s, e.count) for s, e in directory.by_theme.items()],
        )
        self._emit(
            "index.html",
            "home",
            (
                record_keys(newest),
                record_keys(upcoming),
                counts,
                [(i.key, i.text, str(i.until), i.record.change_key) for i in needs],
            ),
            newest_actors=newest,
            next_events=upcoming,
            latest_needs=needs,
            structured_data=website(
                self.site.territory.name,
                self.base_url,
                self.site.territory_said("pitch"),
                self.site.territory.language,
            ),
        )

    def _records(self) -> None:
        directory = self.site.directory
        urls, queue = self.site.urls, self.queue
        # Each page's variables are made when it is rendered (`_actor_page`...): a page found
        # unchanged never needs them, and the workers make those of the pages they render.
        # An archived record keeps its page (marked so, out of the sitemap): links keep working.
        initiatives_of, events_of = directory.initiatives_of, directory.events_of
        archived = {"actor": [], "initiative": [], "event": []}
        for record in directory.archived:
            archived[record.KIND].append(record)
            self.unlisted.add(urls.save_as(urls.record_path(record)))
        for actor in [*directory.actors, *archived["actor"]]:
            shown = [actor, *initiatives_of.get(actor.slug, ()), *events_of.get(actor.slug, ())]
            path = urls.save_as(urls.record_path(actor))
            inputs = (RecordKeys(shown), self._exchange_inputs(actor), self.site.also_listed_by(actor))
            queue.append((path, "actor", inputs, partial(self._actor_page, actor)))
        for initiative in [*directory.initiatives, *archived["initiative"]]:
            path = urls.save_as(urls.record_path(initiative))
            shown = [initiative, *self._actors(initiative.actor_slugs)]
            inputs = (
                RecordKeys(shown),
                self._exchange_inputs(initiative),
                self.site.also_listed_by(initiative),
            )
            queue.append((path, "initiative", inputs, partial(self._initiative_page, initiative)))
        for event in [*directory.events, *archived["event"]]:
            path = urls.save_as(urls.record_path(event))
            shown = [event, *self._actors(event.organizer_slugs)]
            inputs = (RecordKeys(shown), self.site.also_listed_by(event))
            queue.append((path, "event", inputs, partial(self._event_page, event)))

        # render_pages: a page here for each neighbouring directory's record, canonical to theirs.
        for record in self.site.peer_records_with_pages:
            save_as = urls.save_as(urls.record_path(record))
            self.unlisted.add(save_as)
            extra: dict[str, Any] = {
                "actor": {"initiatives": [], "upcoming": [], "past": []},
                "initiative": {"actors": []},
                "event": {
                    "organizers": [],
                    "is_past": record.KIND == "event" and not record.is_upcoming(self.site.now),
                    "next_starts": [],
                },
            }[record.KIND]
            self._emit(
                save_as,
                record.KIND,
                (RecordKeys([record]), self.site.also_listed_by(record)),
                record=record,
                body=MarkdownBody(self.site.shown(record, "description")[0]),
                **extra,
            )

    def _exchange_inputs(self, record: Record) -> tuple:
        """What a record's page shows of offers and needs: its own (their text, their date), and
        each match (the other record as it is now, the words in common, the distance). Matches
        depend on every record (a new offer elsewhere, the weight of words): listed here, a page
        is rendered again exactly when what it shows of them changes, and its hint says whether
        neighbours' offers and needs are among the candidates."""
        found = tuple(
            (
                item.key,
                item.text,
                str(item.until),
                tuple(
                    (m.need.key, m.offer.key, m.need.text, m.offer.text, m.words, m.km)
                    + ((m.offer if item.kind == "need" else m.need).record.change_key,)
                    for m in matches
                ),
            )
            for item, matches in self.site.offers_needs_of(record)
        )
        return (bool(self.site.peer_offers_needs), found) if found else ()

    def _actor_page(self, actor: Actor) -> dict[str, Any]:
        directory, now = self.site.directory, self.site.now
        events = directory.events_of.get(actor.slug, [])
        return {
            "record": actor,
            "body": MarkdownBody(self.site.shown(actor, "description")[0]),
            "initiatives": directory.initiatives_of.get(actor.slug, []),
            "upcoming": [e for e in events if e.is_upcoming(now)],
            "past": [e for e in reversed(events) if not e.is_upcoming(now)],
            "exchange": self.site.offers_needs_of(actor),
        }

    def _initiative_page(self, initiative: Initiative) -> dict[str, Any]:
        return {
            "record": initiative,
            "body": MarkdownBody(self.site.shown(initiative, "description")[0]),
            "actors": self._actors(initiative.actor_slugs),
            "exchange": self.site.offers_needs_of(initiative),
        }

    def _event_page(self, event: Event) -> dict[str, Any]:
        now = self.site.now
        return {
            "record": event,
            "body": MarkdownBody(self.site.shown(event, "description")[0]),
            "organizers": self._actors(event.organizer_slugs),
            "is_past": not event.is_upcoming(now),
            "next_starts": event.starts(now, now + self.site.horizon)[:6] if event.recurrence else [],
        }

    def _actors(self, slugs: Iterable[str]) -> list[Actor]:
        by_slug = self.site.directory.actor_by_slug
        return [by_slug[s] for s in slugs if s in by_slug]

    def _lists(self) -> None:
        directory = self.site.directory
        self._listing("actors", None, directory.actors, "records", title=_("Tous les acteurs"), kind="actor")
        self._listing(
            "initiatives",
            None,
            directory.initiatives,
            "records",
            title=_("Toutes les initiatives"),
            kind="initiative",
        )

    def _taxonomies(self) -> None:
        directory = self.site.directory
        urls = self.site.urls
        peers = self.site.peers_by_theme
        themes = [
            (entries.theme, entries.count + sum(len(v) for v in peers.get(slug, {}).values()))
            for slug, entries in directory.by_theme.items()
        ]
        self._emit(
            urls.save_as(urls.path("themes")),
            "themes",
            [(t.slug, t.label, t.description, c) for t, c in themes],
            themes=themes,
        )
        for slug, entries in directory.by_theme.items():
            upcoming = [e for e in entries.events if e.is_upcoming(self.site.now)]
            actors, initiatives = entries.actors, entries.initiatives
            neighbours = peers.get(slug)
            if neighbours:  # the neighbouring directories' records join ours, linking to their site
                actors = sorted([*actors, *neighbours["actor"]], key=lambda r: (r.sort_name, r.slug))
                initiatives = sorted([*initiatives, *neighbours["initiative"]], key=lambda r: r.sort_name)
                upcoming = sorted([*upcoming, *neighbours["event"]], key=lambda e: (e.start, e.slug))
            initiatives = self.site.in_name_order(initiatives)
            self._listing(
                "themes",
                slug,
                actors,
                "theme",
                extra_inputs=record_keys([*initiatives, *upcoming]),
                entries=entries,
                initiatives=initiatives,
                title=entries.theme.label,
                kind="actor",
                upcoming=upcoming,
            )
        forms = self.site.labels["legal_forms"]
        groups = [
            (value, self._form_title(value), urls.url("legal_forms", value), len(actors))
            for value, actors in sorted(
                self.site.legal_forms.items(),
                key=lambda item: list(forms).index(item[0]) if item[0] in forms else len(forms),
            )
        ]
        self._emit(
            urls.save_as(urls.path("legal_forms")),
            "groups",
            groups,
            groups=groups,
            title=_("Les acteurs par statut juridique"),
            intro=_("Le statut, la gouvernance et la finalité font une structure de l'ESS."),
        )
        for value, actors in self.site.legal_forms.items():
            self._listing(
                "legal_forms", value, actors, "records", title=self._form_title(value), kind="actor"
            )
        groups = [
            (slug, city.name, urls.url("cities", slug), len(city.actors))
            for slug, city in self.site.cities.items()
        ]
        self._emit(
            urls.save_as(urls.path("cities")),
            "groups",
            groups,
            groups=groups,
            title=_("Les acteurs par commune"),
            intro="",
        )
        for slug, city in self.site.cities.items():
            self._listing(
                "cities",
                slug,
                city.actors,
                "records",
                title=_("Les acteurs à %(city)s") % {"city": city.name},
                kind="actor",
            )

    def _form_title(self, value: str) -> str:
        entry = self.site.labels["legal_forms"].get(value, {"plural": value})
        return entry["plural"]  # Site.labels: the vocabulary in the build's language

    def _agenda(self) -> None:
        upcoming = self.site.agenda
        past: list[Event] = self.site.past_events
        by_slug = self.site.directory.actor_by_slug
        # the filter « Organisé par » names every organizer: their names are inputs of the page
        organizers = [(s, by_slug[s].name) for s in self.site.directory.events_of if s in by_slug]
        self._listing(
            "events",
            None,
            upcoming,
            "agenda",
            title=_("Agenda : les prochains événements"),
            mode="upcoming",
            extra_inputs=(len(past), organizers),
            past_count=len(past),
        )
        self._emit(
            self.site.urls.save_as(self.site.urls.path("events", "embed")),
            "agenda_embed",
            record_keys(upcoming),
            occurrences=upcoming,
        )
        self._listing(
            "events",
            "passes",
            past,
            "agenda",
            title=_("Agenda : les événements passés"),
            mode="past",
            extra_inputs=len(upcoming),
            past_count=len(past),
        )
