"""Where every page of the directory lives: one place builds URLs and output paths."""

from __future__ import annotations

from dataclasses import dataclass

from .records.model import Record

SECTION_OF_KIND = {"actor": "actors", "initiative": "initiatives", "event": "events"}
# Sections only the default language's site has (its parts run once: subsites.ROOT_ONLY_PARTS):
# the site in another language links to them there.
SHARED_SECTIONS = frozenset({"data", "print"})


@dataclass(frozen=True)
class Urls:
    """URLs (with SITEURL) and output paths (relative to the output folder) of the site.

    `sections` maps a section (actors, initiatives, events, themes, legal_forms, cities) to its
    path segment, from territory.yml (`/acteurs/`, `/agenda/`... by default). In the site of
    another language than the default, `shared` is the default language's site: the files
    copied once (schemas, logos, the sitemap) and the SHARED_SECTIONS are linked there.
    """

    siteurl: str
    sections: dict[str, str]
    shared: Urls | None = None

    def _url(self, path: str) -> str:
        return f"{self.siteurl}/{path}"

    @staticmethod
    def save_as(path: str) -> str:
        """Output file of a URL path: `acteurs/x/` → `acteurs/x/index.html`."""
        return f"{path}index.html" if path.endswith("/") or not path else path

    def path(self, section: str, slug: str | None = None, page: int = 1) -> str:
        """URL path (no SITEURL) of a section index, an item, and a page number."""
        path = f"{self.sections[section]}/"
        if slug:
            path += f"{slug}/"
        if page > 1:
            path += f"page/{page}/"
        return path

    def url(self, section: str, slug: str | None = None, page: int = 1) -> str:
        """Full URL of a section index or item."""
        if self.shared and section in SHARED_SECTIONS:
            return self.shared.url(section, slug, page)
        return self._url(self.path(section, slug, page))

    def record_path(self, record: Record) -> str:
        """URL path of a record's page."""
        return self.path(SECTION_OF_KIND[record.KIND], record.slug)

    def record(self, record: Record) -> str:
        """Full URL of a record's page."""
        return self._url(self.record_path(record))

    def home(self) -> str:
        """The home page URL."""
        return f"{self.siteurl}/"

    def past_events_path(self, page: int = 1) -> str:
        """URL path of the past events list."""
        return self.path("events", "passes", page)

    def static(self, path: str) -> str:
        """URL of a file copied into the output as it is (logo, schema...)."""
        return self.shared.static(path) if self.shared else self._url(path)
