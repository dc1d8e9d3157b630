"""What every part of a build shares: the territory, its Directory, its URLs and "now"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from .i18n import LANGUAGE_NAMES, N_, _
from .matching import Match, Vocabulary, match_all, open_offers_needs
from .records.freshness import is_stale, stale_since
from .records.model import City, Directory, Occurrence, initial, slugify, sort_key
from .records.offers import OfferNeed
from .records.taxonomy import vocabulary
from .records.territory import Territory
from .urls import SHARED_SECTIONS, Urls
from .wording import offer_need_words, record_text, translated


def _q(text: str) -> str:
    """Percent-encoded as in a query string (`urlencode(..., quote_via=quote)`)."""
    return quote(text, safe="")


def new_issue_url(forge: dict[str, str], title: str, body: str) -> str:
    """The forge's "new issue" page with its title and body (both already percent-encoded)."""
    if forge["kind"] == "gitlab":
        return f"{forge['repository']}/-/issues/new?issue%5Btitle%5D={title}&issue%5Bdescription%5D={body}"
    return f"{forge['repository']}/issues/new?title={title}&body={body}"


def mailto(address: str, subject: str = "", body: str = "") -> str:
    """A mailto: link to one address, its subject and body prefilled. The address is
    percent-encoded but for the signs of ordinary addresses: one written `a?cc=b@c.fr` cannot
    add a recipient or a header."""
    link = "mailto:" + quote(address, safe="@.+-_")
    headers = [f"{name}={_q(value)}" for name, value in (("subject", subject), ("body", body)) if value]
    return link + ("?" + "&".join(headers) if headers else "")


def in_language(text: str, language: str | None) -> Markup:
    """`text` escaped, in a `lang` span when it is written in another language than the page's."""
    if language is None:
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(language, text)


@dataclass
class Site:
    """The shared state of one build, put in Pelican's context as `essaim`."""

    territory: Territory
    directory: Directory
    urls: Urls
    now: datetime
    labels: dict[str, Any] = field(default_factory=lambda: translated(vocabulary()))  # in the language
    nav_links: list[tuple[str, str, str, str | None]] = field(
        default_factory=list
    )  # (slug, url, label, lang)
    section_links: list[tuple[str, str, str]] = field(init=False)  # (path, url, label)
    footer_links: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    peers: Any = None  # federation.snapshots.PeerRecords, when territory.yml lists peers
    jobs: int = 1  # processes the build may share its work among (ESSAIM_JOBS, else the cores)
    home: Territory | None = None  # the territory in its default language (`languages`, segments)
    home_siteurl: str = ""  # the default language's SITEURL

    SECTIONS = (
        ("actors", N_("Acteurs")),
        ("initiatives", N_("Initiatives")),
        ("events", N_("Agenda")),
        ("map", N_("Carte")),
        ("themes", N_("Thèmes")),
        ("cities", N_("Communes")),
        ("legal_forms", N_("Statuts")),
        ("board", N_("Coups de main")),
        ("propose", N_("Proposer une fiche")),
    )

    def __post_init__(self) -> None:
        self.section_links = [
            (self.urls.path(section), self.urls.url(section), _(label))
            for section, label in self.SECTIONS
            if self.territory.feature(
                {"map": "map", "propose": "contribute", "board": "exchange"}.get(section, "pages")
            )
        ]

    def link_pages(self, pages: list, siteurl: str) -> None:
        """Remember the free pages (content/) shown in the menu (`Nav:`) and footer (`Footer:`).

        Computed once: Pelican builds a page's URL anew at each access.
        """

        def written_in(page) -> str | None:  # its `lang` when not the page's: not translated yet
            return page.lang if page.lang != self.territory.language else None

        self.nav_links = [
            (p.slug, f"{siteurl}/{p.url}", p.nav, written_in(p)) for p in pages if getattr(p, "nav", "")
        ]
        self.footer_links = [
            (p.slug, f"{siteurl}/{p.url}", p.title, written_in(p)) for p in pages if getattr(p, "footer", "")
        ]

    @cached_property
    def _language_sites(self) -> list[tuple[str, Urls, Urls]]:
        """(language, URLs with SITEURL, URLs on the public address) of each language's site."""
        home = self.home or self.territory
        sites = []
        for language in home.languages:
            prefix = "" if language == home.language else f"/{language}"
            sections = home.in_language(language).urls
            sites.append(
                (language, Urls(self.home_siteurl + prefix, sections), Urls(home.base_url + prefix, sections))
            )
        return sites

    def shown(self, record, field: str) -> tuple[str, str | None]:
        """A record's `name`, `summary` or `description` as this page shows it: in the page's
        language when the record is translated, else as written, with the language it is written
        in for the element's `lang`, so that a screen reader switches voice: the site's default
        language, or a neighbour's record's, the language its manifest declares; None when the
        text is in the page's language."""
        text, translated_here = record_text(record, field)
        return text, None if translated_here else self.written_in(record)

    def written_in(self, record) -> str | None:
        """The language a record's own texts are written in, when not the page's: the site's
        default language, or a neighbour's record's, the language its manifest declares."""
        written = (self.home or self.territory).language
        origin = getattr(record, "origin_url", None)
        if origin is not None and self.peers is not None:
            written = self.peers.languages.get(origin, written)
        return None if self.territory.language == written else written

    @cached_property
    def _names_here(self) -> dict[tuple[str, str, str | None], tuple[str, str]]:
        """The actors and initiatives whose name is translated into the page's language, ours and
        the neighbours': (kind, slug, origin) → the sort key and initial of that name, so that a
        list A–Z orders them by the name it shows. Empty on most sites: names are seldom
        translated."""
        found = {}
        for record in (*self.directory.actors, *self.directory.initiatives, *self.peer_records):
            if record.KIND == "event":
                continue
            name, translated_here = record_text(record, "name")
            if translated_here:
                key = sort_key(name)
                found[(record.KIND, record.slug, getattr(record, "origin_url", None))] = (key, initial(key))
        return found

    def in_name_order(self, records: list) -> list:
        """Actors or initiatives in the order of the names this page shows (`records` as they
        are, already in the order of their own names, when none is translated)."""
        if not self._names_here:
            return records
        return sorted(records, key=lambda r: (self._name_here(r)[0], r.slug))

    def _name_here(self, record) -> tuple[str, str]:
        here = self._names_here.get((record.KIND, record.slug, getattr(record, "origin_url", None)))
        return here or (record.sort_name, record.sort_letter)

    def sort_letter(self, record) -> str:
        """The letter under which a record falls in a list A–Z of this page's language."""
        return self._name_here(record)[1] if self._names_here else record.sort_letter

    def letter_anchors(self, records) -> list[tuple[Any, str]]:
        """Each record of an alphabetical list with its initial when it is the first of the list
        or of its letter (the anchor `#lettre-X` of the letter index), "" otherwise."""
        anchored, previous = [], None
        for record in records:
            letter = self.sort_letter(record)
            anchored.append((record, letter if letter != previous else ""))
            previous = letter
        return anchored

    def territory_said(self, field: str) -> tuple[str, str | None]:
        """The territory's `pitch` (or `name`) as this site shows it, and the language it is
        written in when territory.yml gives no translation of it for this site's language."""
        home = self.home or self.territory
        text = getattr(self.territory, field)
        if home.language == self.territory.language or field in home.translations.get(
            self.territory.language, {}
        ):
            return text, None
        return text, home.language

    def name_of(self, record) -> Markup:
        """A record's name as this page shows it (Site.shown), escaped, in a `lang` span when it
        is not in the page's language: for a name inside a sentence (« proposé par … »)."""
        return in_language(*self.shown(record, "name"))

    def name_text(self, record) -> str:
        """A record's name as this page shows it, as plain text: for an attribute (aria-label,
        alt) or an option, where a `lang` span cannot go."""
        return self.shown(record, "name")[0]

    def as_written(self, record, text: str) -> Markup:
        """`text`, one of a record's own that is never translated (an offer's or need's), escaped,
        in a `lang` span when not in the page's language."""
        return in_language(text, self.written_in(record))

    def alternates(self, output_file: str | None) -> list[dict[str, Any]]:
        """This page in each language of the site, for the language switcher, `hreflang` and the
        sitemap: its language, the language's own name, its URL and public URL, and whether it is
        this build's. [] on a one-language site, and on a page only the default language's site
        has (urls.SHARED_SECTIONS)."""
        sites = self._language_sites
        if len(sites) < 2 or output_file is None:
            return []
        path = output_file.removesuffix("index.html")
        first, slash, rest = path.partition("/")
        section = (
            next((s for s, segment in self.territory.urls.items() if segment == first), None)
            if slash
            else None
        )
        if section in SHARED_SECTIONS:
            return []
        found = []
        for language, urls, public in sites:
            there = f"{urls.sections[section]}/{rest}" if section else path
            found.append(
                {
                    "language": language,
                    "name": LANGUAGE_NAMES[language],
                    "url": f"{urls.siteurl}/{there}",
                    "public": f"{public.siteurl}/{there}",
                    "current": language == self.territory.language,
                }
            )
        return found

    @cached_property
    def canonical(self) -> Urls:
        """URLs on the territory's public address (exports, feeds, canonical links), whatever SITEURL."""
        if self.home is not None and self.home.language != self.territory.language:  # /en/: its schemas...
            return Urls(
                self.territory.base_url, self.territory.urls, Urls(self.home.base_url, self.home.urls)
            )
        return Urls(self.territory.base_url, self.territory.urls)

    @property
    def horizon(self) -> timedelta:
        """How far ahead the agenda lists occurrences."""
        return timedelta(days=self.territory.agenda["horizon_days"])

    @cached_property
    def upcoming_events(self) -> list:
        """Events not over at build time, soonest first (computed once per build)."""
        return self.directory.upcoming_events(self.now)

    @cached_property
    def peer_upcoming_events(self) -> list:
        """The neighbouring directories' events not over at build time, soonest first."""
        events = [r for r in self.peer_records if r.KIND == "event" and r.is_upcoming(self.now)]
        return sorted(events, key=lambda e: (e.start, e.slug))

    @cached_property
    def occurrences(self) -> list:
        """Occurrences to come within the agenda's horizon (recurring events expanded)."""
        return self.directory.occurrences(self.now, self.horizon)

    @cached_property
    def agenda(self) -> list:
        """The agenda page's occurrences: ours and the neighbouring directories' events."""
        peers = [
            Occurrence(event, start)
            for event in self.peer_records
            if event.KIND == "event"
            for start in event.starts(self.now, self.now + self.horizon)
        ]
        if not peers:
            return self.occurrences
        return sorted(self.occurrences + peers, key=lambda o: (o.start, o.event.slug))

    @cached_property
    def past_events(self) -> list:
        """Events over at build time, latest first."""
        return self.directory.past_events(self.now)

    @property
    def peer_records(self) -> list:
        """Records of the neighbouring directories included here (empty without federation)."""
        return self.peers.records if self.peers else []

    @cached_property
    def peer_records_by_directory(self) -> dict[str, list]:
        """The neighbours' records by directory name, in territory.yml's order (search and the
        map make each directory's part alone)."""
        found: dict[str, list] = {name: [] for name, _ in self.peers.territories} if self.peers else {}
        for record in self.peer_records:
            found.setdefault(record.origin, []).append(record)
        return found

    @cached_property
    def peer_records_with_pages(self) -> list:
        """The neighbours' records that get a page here too (`render_pages: true`)."""
        return [record for record in self.peer_records if hasattr(record, "origin_page")]

    @cached_property
    def peers_by_theme(self) -> dict[str, dict[str, list]]:
        """The neighbouring directories' actors, initiatives and upcoming events, by theme."""
        found: dict[str, dict[str, list]] = {}
        for record in self.peer_records:
            if record.KIND == "event" and not record.is_upcoming(self.now):
                continue
            for slug in record.themes:
                found.setdefault(slug, {"actor": [], "initiative": [], "event": []})[record.KIND].append(
                    record
                )
        return found

    @cached_property
    def cities(self) -> dict:
        """City pages: ours, with the neighbouring directories' actors joined (and the cities only
        they list), in name order."""
        if not self.peer_records:
            return self.directory.by_city
        cities = {
            slug: City(slug, city.name, list(city.actors)) for slug, city in self.directory.by_city.items()
        }
        for record in self.peer_records:
            if record.KIND == "actor" and record.city:
                slug = slugify(record.city)
                cities.setdefault(slug, City(slug, record.city)).actors.append(record)
        for city in cities.values():
            city.actors.sort(key=lambda r: (r.sort_name, r.slug))
        return dict(sorted(cities.items(), key=lambda item: sort_key(item[1].name)))

    @cached_property
    def legal_forms(self) -> dict[str, list]:
        """Actors by legal form: ours, with the neighbouring directories' joined."""
        if not self.peer_records:
            return self.directory.by_legal_form
        forms = {value: list(actors) for value, actors in self.directory.by_legal_form.items()}
        for record in self.peer_records:
            if record.KIND == "actor":
                forms.setdefault(record.legal_form, []).append(record)
        for actors in forms.values():
            actors.sort(key=lambda r: (r.sort_name, r.slug))
        return forms

    @cached_property
    def kind_words(self) -> dict[str, dict[str, str]]:
        """How the site words an offer and a need, in the build's language (wording.py)."""
        return offer_need_words()

    @cached_property
    def categories(self) -> dict[str, str]:
        """The categories of offers and needs in force, slug → label."""
        said = self.territory.translations.get(self.territory.language, {}).get("categories", {})
        return {
            slug: said.get(slug) or label
            for slug, label in translated(self.territory.offer_need_categories).items()
        }

    @cached_property
    def offers_needs(self) -> list[OfferNeed]:
        """The open offers and needs of our actors and initiatives, today."""
        return open_offers_needs(self.directory, self.now.date())

    @cached_property
    def peer_offers_needs(self) -> list[OfferNeed]:
        """The neighbouring directories' open offers and needs, in our categories: they answer
        ours (and ours theirs) but are listed on their own boards, not on ours."""
        today = self.now.date()
        items = self.peers.offers_needs if self.peers else []
        return [item for item in items if item.is_open(today) and item.category in self.categories]

    @cached_property
    def matches(self) -> dict[str, list[Match]]:
        """Each open offer's and need's best matches, by its key (matching.py): ours, with the
        neighbours' offers and needs among the candidates (a need here may be answered by an
        offer in the next town)."""
        if self.territory.offers_needs.get("matching") is False:  # switched off in territory.yml
            return {}
        items = [*self.offers_needs, *self.peer_offers_needs]
        return match_all(items, Vocabulary.of(self.territory), jobs=self.jobs)

    @cached_property
    def newest_offers_needs(self) -> list[OfferNeed]:
        """The open offers and needs, those of the records updated last first (home, feeds)."""
        return sorted(self.offers_needs, key=lambda item: (item.record.updated, item.key), reverse=True)

    @cached_property
    def _offers_needs_by_record(self) -> dict[tuple[str, str], list[OfferNeed]]:
        found: dict[tuple[str, str], list[OfferNeed]] = {}
        for item in self.offers_needs:
            found.setdefault((item.record.KIND, item.record.slug), []).append(item)
        return found

    def offers_needs_of(self, record) -> list[tuple[OfferNeed, list[Match]]]:
        """A record's open offers and needs, each with its matches (best first)."""
        items = self._offers_needs_by_record.get((record.KIND, record.slug), [])
        return [(item, self.matches.get(item.key, [])) for item in items]

    def answer_url(self, item: OfferNeed) -> str | None:
        """« Je peux aider » (a need) or « Répondre » (an offer): a prefilled e-mail to its
        contact, else to its record's address; without one, a prefilled issue on the forge, or
        an e-mail to the directory's contact, for the maintainers to pass on; None without
        any. The site itself sends and keeps nothing."""
        words = {
            "what": self.kind_words[item.kind]["noun"],
            "text": item.text,
            "site": self.territory.name,
            "page": self.canonical.record(item.record),
            "name": self.name_text(item.record),
        }
        subject = _("Votre %(what)s « %(text)s » (%(site)s)") % words
        body = (
            _("Bonjour,\n\nJ'ai vu votre %(what)s « %(text)s » dans l'annuaire %(site)s (%(page)s).\n\n")
            % words
        )
        email = item.contact or item.record.fields.get("email")
        if email:
            return mailto(email, subject, body)
        # No address on the record: the directory's maintainers pass the message on.
        title = _("Réponse à %(name)s : %(what)s « %(text)s »") % words
        body += _("(La fiche « %(name)s » n'a pas d'adresse e-mail : merci de transmettre.)\n") % words
        if self.territory.forge:
            return new_issue_url(self.territory.forge, _q(title), _q(body))
        if self.territory.contact_email:
            return mailto(self.territory.contact_email, title, body)
        return None

    def also_listed_by(self, record) -> list[str]:
        """Names of the neighbouring directories that list this local record too."""
        return self.peers.also_listed_by.get(record.source, []) if self.peers else []

    def record_url(self, record) -> str:
        """A record's page: ours, or its canonical page on a peer's site."""
        return getattr(record, "canonical_url", None) or self.urls.record(record)

    def public_url(self, record) -> str:
        """A record's canonical address for feeds and exports: on our public address, or on
        its origin's site for a neighbouring directory's record (with or without a page here)."""
        return (
            getattr(record, "origin_page", None)
            or getattr(record, "canonical_url", None)
            or self.canonical.record(record)
        )

    def edit_url(self, source: str) -> str | None:
        """The forge's edit page of a source file, when territory.yml names a forge."""
        forge = self.territory.forge
        if not forge:
            return None
        separator = "/-/edit/" if forge["kind"] == "gitlab" else "/edit/"
        return f"{forge['repository']}{separator}{forge['branch']}/{source}"

    def report_url(self, record) -> str | None:
        """A prefilled issue on the forge ("Signaler une erreur"), or a prefilled e-mail to the
        maintainers when territory.yml names no forge; None when it names neither.

        In the page's language, which the visitor reads and writes the correction in; the page's
        address and the file's path tell the maintainers which record it is."""
        forge, email = self.territory.forge, self.territory.contact_email
        if not forge and not email:
            return None
        title = _("Erreur sur la fiche « %(name)s »") % {"name": self.name_text(record)}
        body = _(
            "Fiche : %(page)s\nFichier : %(file)s\n\n"
            "Ce qui est inexact ou manque (et, si possible, la bonne information) :\n"
        ) % {"page": self.canonical.record(record), "file": record.source}
        if forge:
            return new_issue_url(forge, _q(title), _q(body))
        return f"mailto:{email}?subject={_q(title)}&body={_q(body)}"

    @cached_property
    def stale_before(self):
        """The day before which a record's last update makes it stale, for this build."""
        return stale_since(self.now.date(), self.territory.freshness["stale_months"])

    def hours_config(self, theme_url: str) -> dict[str, Any] | None:
        """What the browser needs to say « Ouvert maintenant » (theme/static/js/hours/): the
        worker, the libraries it loads, the territory's time zone and the country whose public
        holidays `PH` means. The pages part copies the libraries (one part owns a file): None
        when it is switched off, and search and the map then offer no "open now" filter."""
        if not self.territory.feature("pages"):
            return None
        return {
            "worker": f"{theme_url}/js/hours/worker.js",
            "libs": [
                self.urls.static("vendor/suncalc/suncalc.js"),
                self.urls.static("vendor/opening_hours/opening_hours.js"),
            ],
            "timeZone": self.territory.timezone,
            "country": self.territory.country,
        }

    def is_stale(self, record) -> bool:
        """Whether a local record's page asks « Cette fiche est-elle à jour ? » (its last update
        older than `freshness.stale_months`); a neighbour's record is its directory's to ask."""
        return not hasattr(record, "origin") and is_stale(record, self.stale_before)

    def confirm_url(self, record) -> str | None:
        """« Oui, tout est juste » on a stale record's page: a prefilled issue on the forge, or a
        prefilled e-mail to the maintainers, saying the record is still true and the command
        that notes it (`essaim confirm <file>`); None when territory.yml names neither."""
        forge, email = self.territory.forge, self.territory.contact_email
        if not forge and not email:
            return None
        title = _("Fiche à jour : « %(name)s »") % {"name": self.name_text(record)}
        body = _(
            "Fiche : %(page)s\nFichier : %(file)s\n\n"
            "Les informations de cette fiche sont toujours justes.\n\n"
            "(Pour l'équipe de l'annuaire : « essaim confirm %(file)s » note la date du jour.)\n"
        ) % {"page": self.canonical.record(record), "file": record.source}
        if forge:
            return new_issue_url(forge, _q(title), _q(body))
        return mailto(email, title, body)
