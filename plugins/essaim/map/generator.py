"""The Pelican generator of the map: /carte/, /carte/embed/, their places and Leaflet.

The places are one GeoJSON file, or, above `map.chunk_above` places (territory.yml), the files of
a map cut at build time (tiles.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from ..jsontext import with_items
from ..output import make_key, record_keys
from ..part import Part
from ..records.model import slugify
from ..records.read import EntryCache, collector_paused
from ..vendor import vendor_files
from .places import Places, places_of
from .tiles import FOLDER, TILE_PLACES, cell_files, deepest_zoom, index_file, leaf_files, leaves_of

logger = logging.getLogger(__name__)
PART = "map"
LIST_ALL_PLACES = 200
PLACES_CACHE = "map-places"  # each directory's places, and the cut map's leaves: a file each
LEAVES = "\0leaves"  # the leaves' entry in it (no directory is named so)


MAP_PAGES = (("map", None), ("map_embed", "embed"))  # template, section slug


class MapGenerator(Part):
    """Writes the map pages, the map's GeoJSON (actors, initiatives, upcoming events) and Leaflet."""

    PART = PART
    # The map's key lists the neighbours' places it shows and their names.
    PEERS_IN_INPUTS = True

    def write(self) -> list[str]:
        """Write the map (switch: `features.map` in territory.yml). What it makes lives until
        the map is written: the garbage collector is paused meanwhile."""
        with collector_paused():
            return self._write()

    def _write(self) -> list[str]:
        site, files = self.site, self.files
        territory, directory, urls = site.territory, site.directory, site.urls
        root = Path(self.settings["ESSAIM_ROOT"])
        for library in ("leaflet", "leaflet.markercluster"):
            for source, save_as in vendor_files(root, library):
                files.copy(save_as, source)
        own = [(r, "actor") for r in directory.actors] + [(r, "initiative") for r in directory.initiatives]
        own += [(e, "event") for e in site.upcoming_events]
        exchange: dict[tuple[str, str], list[int]] = {}  # the filter « Coups de main »
        if territory.feature("exchange"):
            for item in site.offers_needs:
                counts = exchange.setdefault((item.record.KIND, item.record.slug), [0, 0])
                counts[item.kind == "offer"] += 1
        directories = [("", own, exchange)]
        for name, records in site.peer_records_by_directory.items():  # linking to their own pages
            found = [(r, r.KIND) for r in records if r.KIND != "event" or r.is_upcoming(site.now)]
            directories.append((f"peer:{name}", found, None))
        # What each directory's places are made from: its records (and what ours ask and offer).
        group_keys = [
            (make_key(record_keys(r for r, _ in found), sorted(ask.items()) if ask is not None else None),)
            for _, found, ask in directories
        ]
        key = make_key(
            [(name, group_key) for (name, _, _), group_key in zip(directories, group_keys, strict=True)],
            site.peers.territories if site.peers else None,
            self.build_key(),
            site.now.date(),
        )
        canonical = site.canonical
        geojson_path = f"{urls.path('map')}lieux.geojson"
        cut_folder = f"{urls.path('map')}{FOLDER}"
        pages = [(template, slug, urls.save_as(urls.path("map", slug))) for template, slug in MAP_PAGES]
        sitemap = [urls.path("map", slug) for _, slug in MAP_PAGES]
        pages_fresh = all(files.is_fresh(save_as, key) for _, _, save_as in pages)
        # Nothing the map shows has changed: no place to make again. A cut map's index.json is
        # written with `key`, as its tiles; its cells with a key of their own (`_cut`).
        if pages_fresh and (
            files.is_fresh(geojson_path, key)
            or (files.is_fresh(f"{cut_folder}index.json", key) and files.keep_under(cut_folder))
        ):
            return sitemap

        cache = EntryCache.open(self.cache_dir, PLACES_CACHE, self.build_key())
        groups = [
            self._places(cache, name, records, ask, group_key)
            for (name, records, ask), group_key in zip(directories, group_keys, strict=True)
        ]
        count = sum(len(g.texts) for g in groups)
        cut = count > territory.map["chunk_above"]
        if cut:
            for name, text in self._cut(cache, groups, key).items():  # lieux/… under the map's folder
                files.write(urls.path("map") + name, text, key)
        elif not files.is_fresh(geojson_path, key):
            texts = [text for g in groups for text in g.texts]
            files.write(geojson_path, with_items({"type": "FeatureCollection"}, "features", texts), key)
        cache.save([name for name, *_ in directories] + [LEAVES], background=True)
        by_city: dict[str, int] = {}
        for group in groups:
            for city, places in group.cities.items():
                by_city[city] = by_city.get(city, 0) + places
        cities = [  # only cities that have a page (a city page lists actors)
            (city, places, urls.url("cities", slugify(city)))
            for city, places in sorted(by_city.items())
            if slugify(city) in site.cities
        ]
        shown = {slug for g in groups for slug in g.themes}
        corners = [g.bounds for g in groups if g.bounds]
        bounds = None
        if corners:
            south, west = min(c[0] for c in corners), min(c[1] for c in corners)
            bounds = [[south, west], [max(c[2] for c in corners), max(c[3] for c in corners)]]
        theme_url = f"{self.settings.get('SITEURL', '')}/{self.settings['THEME_STATIC_DIR']}"
        variables = {
            "geojson_url": "" if cut else f"{self.settings.get('SITEURL', '')}/{geojson_path}",
            "map_index_url": f"{self.settings.get('SITEURL', '')}/{cut_folder}index.json" if cut else "",
            # Without JavaScript: every place by city, or, for a large directory, links to the
            # city pages (a page listing thousands of places would weigh megabytes).
            "places_by_city": self._by_city(directories) if count <= LIST_ALL_PLACES else [],
            "cities": cities,
            "map_settings": territory.map_settings(bounds),
            # The filter « Thème »: the themes of the places shown, the neighbours' included.
            "map_themes": [(slug, theme.label) for slug, theme in directory.themes.items() if slug in shown],
            "count": count,
            # the filter « Ouverture » and « Ouvert maintenant » in popups (js/hours/)
            "map_hours": site.hours_config(theme_url) if any(g.hours for g in groups) else None,
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

    def _places(
        self, cache: EntryCache, name: str, records: list, exchange: dict | None, group_key: tuple
    ) -> Places:
        """A directory's places, from the last build's (cache/map-places/, made under the
        same build key) while `group_key` (its records, and what they ask and offer) is the same."""
        places = cache.get(name, group_key)
        if places is None:
            places = places_of(records, self.site.record_url, exchange, self.site.shown)
            cache.put(name, group_key, places)
        return places

    def _cut(self, cache: EntryCache, groups: list[Places], key: str) -> dict[str, str]:
        """The cut map's files (tiles.py). The leaves are taken from the last build while no
        place has moved; the cells' files are kept as they are while no place has moved nor
        changed what it counts for (a pull that brings new summaries rewrites the tiles
        holding them only)."""
        position_key = (make_key(TILE_PLACES, [g.position_key for g in groups]),)
        found_leaves = cache.get(LEAVES, position_key)
        if found_leaves is None:
            found_leaves = leaves_of([tile for g in groups for tile in g.deepest()], TILE_PLACES)
            cache.put(LEAVES, position_key, found_leaves)
        texts = [text for g in groups for text in g.texts]
        found = {**leaf_files(found_leaves, texts), **index_file(found_leaves, len(texts))}
        cell_key = make_key(self.build_key(), TILE_PLACES, [g.cell_key for g in groups])
        folder = self.site.urls.path("map")
        cell_paths = [f"{FOLDER}grappes-{zoom}.json" for zoom in range(deepest_zoom(found_leaves))]
        if not all(self.files.is_fresh(folder + path, cell_key) for path in cell_paths):
            features = [f for g in groups for f in g.features()]
            for path, text in cell_files(features, found_leaves).items():
                self.files.write(folder + path, text, cell_key)
        return found

    def _by_city(self, directories: list) -> list:
        """Every place by city, for the page without JavaScript (a small map only)."""
        found: dict[str, list] = {}
        for _, records, _ in directories:
            for record, kind in records:
                if record.geo and record.city:
                    found.setdefault(record.city, []).append((record, kind))
        return sorted(found.items())
