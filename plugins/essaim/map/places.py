"""One directory's places as the map writes them (ours, or one neighbour's): made once per
directory, and kept between builds (map/generator.py) while its records are the same, so that
a pull makes again only the places of the neighbour it changed.

A place is kept as its GeoJSON text (the map's files are those texts joined), its tile at
tiles.MAX_ZOOM (where the quadtree cuts) and what the map page says of the directory's places
(their themes, cities, bounds). Two keys say what the cut map's files depend on: `position_key`
(the quadtree's leaves: the points) and `cell_key` (the cells: the points and what each counts
for).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from ..geojson import point_feature
from ..jsontext import compact
from ..records.model import Record
from ..wording import Shown, own_text
from .tiles import MAX_ZOOM, filter_keys, tile_of

TILE_BITS = MAX_ZOOM  # a tile's x and y at MAX_ZOOM are below 2**MAX_ZOOM


def feature(record: Record, url: str, kind: str, shown: Shown = own_text) -> dict[str, Any] | None:
    """A GeoJSON feature for the map (lon, lat order), or None without coordinates. Its name and
    summary are the page's language's; one left untranslated says the language it is written
    in (`name_lang`, `summary_lang`), for the popup's `lang`."""
    geo = record.geo
    if not geo:
        return None
    name, name_lang = shown(record, "name")
    summary, summary_lang = shown(record, "summary")
    properties = {
        "name": name,
        "summary": summary,
        "url": url,
        "themes": record.themes,
        "city": record.city or "",
    }
    if name_lang:
        properties["name_lang"] = name_lang
    if summary_lang and summary:
        properties["summary_lang"] = summary_lang
    if kind == "actor":
        properties["legal_form"] = record.legal_form
        if record.osm_hours:  # « Ouvert maintenant » (js/hours/)
            properties["opening_hours"] = record.osm_hours
    if getattr(record, "origin", None):
        properties["territory"] = record.origin
    return point_feature(kind, record.slug, geo, properties)


@dataclass
class Places:
    """One directory's places, in the map's order."""

    texts: list[str]  # each place's GeoJSON feature, compact
    tiles: array  # each place's tile at MAX_ZOOM, x << TILE_BITS | y
    position_key: str
    cell_key: str
    themes: set[str]  # the themes of the places (the filter « Thème » lists them)
    cities: dict[str, int]  # city → its places
    hours: bool  # whether a place has opening hours in OSM syntax
    bounds: tuple[float, float, float, float] | None  # south, west, north, east

    def features(self) -> list[dict[str, Any]]:
        """The places as GeoJSON features (read back from their texts: the cells need them)."""
        return [orjson.loads(text) for text in self.texts]

    def deepest(self) -> list[tuple[int, int]]:
        """Each place's tile at MAX_ZOOM, (x, y)."""
        mask = (1 << TILE_BITS) - 1
        return [(v >> TILE_BITS, v & mask) for v in self.tiles]


def places_of(
    records: Iterable[tuple[Record, str]],
    record_url: Callable[[Record], str],
    exchange: dict[tuple[str, str], list[int]] | None = None,
    shown: Shown = own_text,
) -> Places:
    """The places of `records` ((record, kind), those without coordinates left out), each
    linking to `record_url(record)`, named as `shown` says; `exchange`: what each record asks
    and offers, (needs, offers) by (kind, slug), for the filter « Coups de main »."""
    features = [f for record, kind in records if (f := feature(record, record_url(record), kind, shown))]
    for found in features:
        needs, offers = (exchange or {}).get(
            (found["properties"]["type"], found["properties"]["slug"]), (0, 0)
        )
        if needs or offers:
            found["properties"].update(needs=needs, offers=offers)
    points = [(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]) for f in features]
    tiles = array("I")
    for lat, lon in points:
        x, y = tile_of(lat, lon, MAX_ZOOM)
        tiles.append(x << TILE_BITS | y)
    keys = [filter_keys(f["properties"]) for f in features]
    cities: dict[str, int] = {}
    for found in features:
        if found["properties"]["city"]:
            cities[found["properties"]["city"]] = cities.get(found["properties"]["city"], 0) + 1
    bounds = None
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        bounds = (min(lats), min(lons), max(lats), max(lons))
    return Places(
        texts=[compact(f) for f in features],
        tiles=tiles,
        position_key=hashlib.sha1(tiles.tobytes()).hexdigest(),
        cell_key=hashlib.sha1(repr((points, keys)).encode()).hexdigest(),
        themes={slug for f in features for slug in f["properties"]["themes"]},
        cities=cities,
        hours=any("opening_hours" in f["properties"] for f in features),
        bounds=bounds,
    )
