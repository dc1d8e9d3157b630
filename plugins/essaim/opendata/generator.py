"""The Pelican generator that publishes the open data files, the sitemap and the /donnees/ page."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..i18n import N_, _
from ..jsontext import compact, to_json
from ..output import OutputFiles, make_key, record_keys
from ..part import Part
from ..wording import decimal, legal_form_label
from . import murmurations
from .datainclusion import structures
from .datapackage import datapackage
from .exports import (
    KIND_PLURALS,
    dataset,
    export_offer_need,
    export_record,
    to_csv,
    to_geojson,
)

logger = logging.getLogger(__name__)
PART = "opendata"


# The files of /donnees/, in the order shown, with what a reader needs to know (translated
# where shown).
FILE_NOTES = [
    ("data/actors.csv", N_("Les acteurs, une ligne par structure (tableur : LibreOffice, Excel).")),
    ("data/actors.json", N_("Les acteurs, avec tous les champs des fiches (JSON).")),
    ("data/actors.geojson", N_("Les acteurs qui ont des coordonnées, pour une carte (GeoJSON).")),
    ("data/initiatives.csv", N_("Les initiatives, une ligne par initiative.")),
    ("data/initiatives.json", N_("Les initiatives, avec tous leurs champs (JSON).")),
    ("data/events.csv", N_("Les événements, une ligne par événement.")),
    ("data/events.json", N_("Les événements, avec tous leurs champs (JSON).")),
    ("data/offers-needs.csv", N_("Les offres et les besoins des acteurs et des initiatives, un par ligne.")),
    ("data/offers-needs.json", N_("Les mêmes, avec la fiche de chacun (JSON, schéma offers-needs.json).")),
    ("data/datapackage.json", N_("La description des fichiers CSV et JSON (Frictionless Data Package).")),
    (
        "data/data-inclusion/structures.json",
        N_("Les acteurs au format national data·inclusion (schéma « structure » v1)."),
    ),
    ("schemas/actor.json", N_("Le schéma JSON d'une fiche acteur (et initiative.json, event.json).")),
    (
        "murmurations/index.json",
        N_(
            "La liste des profils Murmurations des acteurs, des offres et des besoins, pour un index "
            "Murmurations."
        ),
    ),
]


def human_size(size: int) -> str:
    """`12,3 ko` (French decimal comma); `12.3 kB` in English."""
    if size < 1000:
        return _("%(count)s octets") % {"count": size}
    if size < 1_000_000:
        return _("%(size)s ko") % {"size": decimal(size / 1000)}
    return _("%(size)s Mo") % {"size": decimal(size / 1_000_000)}


class OpenDataGenerator(Part):
    """Writes /data/ (JSON, CSV, GeoJSON, data package, data·inclusion), sitemap.xml, robots.txt."""

    PART = PART

    def write(self) -> list[str]:
        """Write the exports unless nothing they depend on changed (switch: `features.opendata`)."""
        site, files = self.site, self.files
        territory = site.territory
        self.canonical = site.canonical
        directory = site.directory
        key = make_key(
            record_keys(directory.records),
            self.build_key(),
            sorted(self.context.get("essaim_pages", [])),
            [item.key for item in site.offers_needs],  # one expires: the export changes
        )
        outputs = [name for name, _ in FILE_NOTES if name.startswith("data/")]
        outputs += ["sitemap.xml", "robots.txt", self.canonical.save_as(self.canonical.path("data"))]
        outputs.append(murmurations.INDEX)
        self.generated_at = site.now.isoformat(timespec="seconds")
        if all(files.is_fresh(name, key) for name in outputs) and files.keep_under(f"{murmurations.FOLDER}/"):
            return []  # the profiles' inputs are in `key` too
        profiles = self._murmurations()  # one file per profile, each with its own key
        rejected = self._exports(key)
        index = murmurations.profile_index(profiles, territory, self.generated_at)
        files.write(murmurations.INDEX, to_json(index, "profiles"), key)
        for source, reason in rejected:
            logger.warning("essaim: data·inclusion: %s n'est pas exporté : %s", source, reason)
        files.write("data/datapackage.json", to_json(datapackage(territory, self.generated_at)), key)
        files.write("sitemap.xml", self._sitemap(), key)
        files.write(
            "robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {territory.base_url}/sitemap.xml\n", key
        )
        self._data_page(files, key, self.generated_at, len(rejected))
        return []

    def _exports(self, key: str) -> list[tuple[str, str]]:
        """Write the actors', initiatives' and events' JSON and CSV, the actors' GeoJSON and
        data·inclusion, each file as soon as it is made (the build holds one at a time); return
        the actors data·inclusion refused, as (source, reason).

        Made in this process, as are the Murmurations profiles: the pages are being rendered by
        forked workers meanwhile, and another fork here costs more than it saves (each worker
        copies the memory of the records it reads: about 90 MB at 10,000 actors).
        """
        directory, territory = self.site.directory, self.site.territory
        url_of = self.canonical.record

        def write(name: str, text: str) -> None:
            self.files.write(name, text, key)

        for kind in ("actor", "initiative", "event"):
            plural = KIND_PLURALS[kind]
            exported = [export_record(r, url_of(r)) for r in getattr(directory, plural)]
            envelope = dataset(kind, exported, territory, self.generated_at)
            write(f"data/{plural}.json", to_json(envelope, "records"))
            write(f"data/{plural}.csv", to_csv(kind, exported))
            if kind == "actor":
                write("data/actors.geojson", to_json(to_geojson(exported, kind), "features"))
            del exported, envelope
        categories = self.site.categories
        offers_needs = [
            export_offer_need(item, url_of(item.record), categories.get(item.category, item.category))
            for item in self.site.offers_needs
        ]
        envelope = dataset("offers-needs", offers_needs, territory, self.generated_at, peers=False)
        write("data/offers-needs.json", to_json(envelope, "records"))
        write("data/offers-needs.csv", to_csv("offer_need", offers_needs))
        del offers_needs, envelope
        accepted, rejected = structures(directory.actors, url_of, territory)
        write("data/data-inclusion/structures.json", to_json(accepted))
        return [(actor.source, reason) for actor, reason in rejected]

    def _murmurations(self) -> list[tuple[str, str, Any]]:
        """Write each actor's and each open offer's and need's Murmurations profile (a file is
        written again only when its record or the build's key changed); return what the index
        lists: (path, schema, updated)."""
        site, files = self.site, self.files
        themes, base_key = site.directory.themes, self.build_key()
        name = site.territory.name
        entries: list[tuple[str, str, Any]] = []

        def labels(record) -> list[str]:
            return [themes[t].label for t in record.themes if t in themes]

        for actor in site.directory.actors:
            path = murmurations.organization_path(actor)
            entries.append((path, murmurations.ORGANIZATIONS_SCHEMA, actor.updated))
            key = make_key(base_key, actor.change_key)
            if files.is_fresh(path, key):
                continue
            logo = self.canonical.static(actor.fields["logo"]) if actor.fields.get("logo") else None
            tags = [*labels(actor), legal_form_label(actor.fields.get("legal_form", ""))]
            profile = murmurations.organization(actor, self.canonical.record(actor), name, tags, logo)
            files.write(path, compact(profile), key)
        for item in site.offers_needs:
            path = murmurations.offer_want_path(item)
            entries.append((path, murmurations.OFFERS_WANTS_SCHEMA, item.record.updated))
            key = make_key(base_key, item.record.change_key, item.key)
            if files.is_fresh(path, key):
                continue
            category = site.categories.get(item.category, item.category)
            profile = murmurations.offer_want(
                item,
                self.canonical.record(item.record),
                [category, *labels(item.record)],
                site.kind_words[item.kind],
                site.territory.tz,
            )
            files.write(path, compact(profile), key)
        return entries

    def _sitemap(self) -> str:
        """Every page of the site, with the date of its record when it shows one."""
        base = self.site.territory.base_url
        updated = {self.canonical.record_path(r): r.updated for r in self.site.directory.records}
        pages = set(self.context.get("essaim_pages", [])) | {p.url for p in self.context.get("pages", [])}
        paths = sorted(pages | {self.canonical.path("data")})
        several = len(self.site.territory.languages) > 1  # each page in each language, linked
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            + (' xmlns:xhtml="http://www.w3.org/1999/xhtml">' if several else ">"),
        ]
        for path in paths:
            lastmod = f"<lastmod>{updated[path].isoformat()}</lastmod>" if updated.get(path) else ""
            alternates = self.site.alternates(self.canonical.save_as(path)) if several else []
            links = "".join(
                f'<xhtml:link rel="alternate" hreflang="{a["language"]}" href="{escape(a["public"])}"/>'
                for a in alternates
            )
            for loc in [a["public"] for a in alternates] or [f"{base}/{path}"]:
                lines.append(f"  <url><loc>{escape(loc)}</loc>{lastmod}{links}</url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    def _data_page(self, files: OutputFiles, key: str, generated_at: str, rejected: int) -> None:
        """The human page that lists every file (size, licence, date) with a French explanation."""
        listing: list[dict[str, Any]] = []
        for name, note in FILE_NOTES:
            path = Path(self.output_path, name)
            size = path.stat().st_size if path.is_file() else 0
            listing.append(
                {
                    "url": self.canonical.static(name).replace(
                        self.site.territory.base_url, self.settings.get("SITEURL", "")
                    ),
                    "name": name,
                    "note": _(note),
                    "size": human_size(size),
                }
            )
        save_as = self.canonical.save_as(self.canonical.path("data"))
        html = self.get_template("donnees").render(
            {
                **self.context,
                "files_listing": listing,
                "generated_at": generated_at,
                "rejected_count": rejected,
                "output_file": save_as,
                "canonical_url": self.canonical.url("data"),
            }
        )
        files.write(save_as, html, key)
