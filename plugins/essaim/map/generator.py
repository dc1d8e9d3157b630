"""The Pelican generator of the map: /carte/, /carte/embed/, their places and Leaflet.

The places are one GeoJSON file, or, above `map.chunk_above` places (territory.yml), the files of
a map cut at build time (tiles.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..geojson import point_feature
from ..jsontext import to_json
from ..output import make_key, record_keys
from ..part import Part
from ..records.model import Record, slugify
from ..vendor import vendor_files
from .tiles import FOLDER, tile_files

logger = logging.getLogger(__name__)
PART = "map"
LIST_ALL_PLACES = 200


def feature(record: Record, url: str, kind: str) -> dict[str, Any] | None:
    """A GeoJSON feature for the map (lon, lat order), or None without coordinates."""
    geo = record.geo
    if not geo:
        return None
    properties = {
        "name": record.name,
        "summary": record.summary,
        "url": url,
        "themes": record.themes,
        "city": record.city or "",
    }
    if kind == "actor":
        properties["legal_form"] = record.legal_form
        if record.osm_hours:  # « Ouvert maintenant » (js/hours/)
            properties["opening_hours"] = record.osm_hours
    if getattr(record, "origin", None):
        properties["territory"] = record.origin
    return point_feature(kind, record.slug, geo, properties)


MAP_PAGES = (("map", None), ("map_embed", "embed"))  # template, section slug


class MapGenerator(Part):
    """Writes the map pages, the map's GeoJSON (actors, initiatives, upcoming events) and Leaflet."""

    PART = PART

    def write(self) -> list[str]:
        """Write the map (switch: `features.map` in territory.yml)."""
        site, files = self.site, self.files
        territory, directory, urls = site.territory, site.directory, site.urls
        root = Path(self.settings["ESSAIM_ROOT"])
        for library in ("leaflet", "leaflet.markercluster"):
            for source, save_as in vendor_files(root, library):
                files.copy(save_as, source)
        records = [(r, "actor") for r in directory.actors] + [
            (r, "initiative") for r in directory.initiatives
        ]
        records += [(e, "event") for e in site.upcoming_events]
        records += [  # the neighbouring directories' places, linking to their own pages
            (r, r.KIND) for r in site.peer_records if r.KIND != "event" or r.is_upcoming(site.now)
        ]
        key = make_key(
            record_keys(r for r, _ in records),
            [getattr(r, "canonical_url", "") for r, _ in records],
            self.build_key(),
            site.now.date(),
        )
        canonical = site.canonical
        geojson_path = f"{urls.path('map')}lieux.geojson"
        cut_folder = f"{urls.path('map')}{FOLDER}"
        pages = [(template, slug, urls.save_as(urls.path("map", slug))) for template, slug in MAP_PAGES]
        sitemap = [urls.path("map", slug) for _, slug in MAP_PAGES]
        pages_fresh = all(files.is_fresh(save_as, key) for _, _, save_as in pages)
        if pages_fresh and (files.is_fresh(geojson_path, key) or files.keep_all(cut_folder, key)):
            return sitemap  # nothing the map shows has changed: no feature to compute again
        features = [f for r, kind in records if (f := feature(r, site.record_url(r), kind))]
        if territory.feature("exchange"):  # the filter « Coups de main »: what each place asks or offers
            counted: dict[tuple[str, str], list[int]] = {}
            for item in site.offers_needs:
                counts = counted.setdefault((item.record.KIND, item.record.slug), [0, 0])
                counts[item.kind == "offer"] += 1
            for found in features:
                needs, offers = counted.get(
                    (found["properties"]["type"], found["properties"]["slug"]), (0, 0)
                )
                if needs or offers:
                    found["properties"].update(needs=needs, offers=offers)
        cut = len(features) > territory.map["chunk_above"]
        if cut:
            for name, text in tile_files(features).items():  # lieux/… under the map's folder
                files.write(urls.path("map") + name, text, key)
        elif not files.is_fresh(geojson_path, key):
            files.write(
                geojson_path, to_json({"type": "FeatureCollection", "features": features}, "features"), key
            )
        by_city: dict[str, list] = {}
        for record, kind in records:
            if record.geo and record.city:
                by_city.setdefault(record.city, []).append((record, kind))
        cities = [  # only cities that have a page (a city page lists actors)
            (city, len(places), urls.url("cities", slugify(city)))
            for city, places in sorted(by_city.items())
            if slugify(city) in site.cities
        ]
        shown = {slug for f in features for slug in f["properties"]["themes"]}
        theme_url = f"{self.settings.get('SITEURL', '')}/{self.settings['THEME_STATIC_DIR']}"
        variables = {
            "geojson_url": "" if cut else f"{self.settings.get('SITEURL', '')}/{geojson_path}",
            "map_index_url": f"{self.settings.get('SITEURL', '')}/{cut_folder}index.json" if cut else "",
            # Without JavaScript: every place by city, or, for a large directory, links to the
            # city pages (a page listing thousands of places would weigh megabytes).
            "places_by_city": sorted(by_city.items()) if len(features) <= LIST_ALL_PLACES else [],
            "cities": cities,
            "map_settings": territory.map_settings(features),
            # The filter « Thème »: the themes of the places shown, the neighbours' included.
            "map_themes": [(slug, theme.label) for slug, theme in directory.themes.items() if slug in shown],
            "count": len(features),
            # the filter « Ouverture » and « Ouvert maintenant » in popups (js/hours/)
            "map_hours": site.hours_config(theme_url)
            if any("opening_hours" in f["properties"] for f in features)
            else None,
        }
        for template, section_slug, save_as in pages:
            if files.is_fresh(save_as, key):
                continue
            html = self.get_template(template).render(
                {
                    **self.context,
                    **variables,
                    "output_file": save_as,
                    "canonical_url": canonical.url("map", section_slug),
                }
            )
            files.write(save_as, html, key)
        return sitemap
