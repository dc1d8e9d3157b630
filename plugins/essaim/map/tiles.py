"""A large map cut at build time: counted cells for the overview, the places themselves in tiles.

Up to `map.chunk_above` places (territory.yml), the map is one GeoJSON file that the browser
clusters itself (Leaflet.markercluster). Above, that file would be tens of megabytes before the
first marker. Instead:

- the places are cut into a quadtree of Web Mercator tiles: a tile holding more than
  TILE_PLACES places is split in four, down to MAX_ZOOM; each leaf is one file,
  `lieux/<z>-<x>-<y>.json` (a GeoJSON FeatureCollection, as the small map's), listed with its
  number of places in `lieux/index.json`;
- for every zoom z above a leaf's, its places are counted in cells (the tiles of zoom z + 2:
  about 64 pixels on screen at zoom z), in `lieux/grappes-<z>.json`: each cell's centroid, its
  number of places and its counts per filter value (`type:actor`, `theme:<slug>`,
  `legal_form:<form>`, `exchange:need`, `exchange:offer`), so that a single filter counts
  exactly at every zoom.

At zoom z, the browser shows the cells of zoom z where the leaves are deeper than z, and the
places of the leaves in view elsewhere (js/map-tiles.js). Coordinates are rounded to five
decimals (about a metre), as the records give them.
"""

from __future__ import annotations

import math
from typing import Any

from ..jsontext import compact, with_items

TILE_PLACES = 500  # at most this many places per leaf (unless at MAX_ZOOM): few enough to add at once
MAX_ZOOM = 14  # a leaf is never smaller than a zoom-14 tile (about 2 km across in France)
CELL_DEPTH = 2  # cells of zoom z are the tiles of zoom z + 2
FOLDER = "lieux/"
MAX_LATITUDE = 85.05112878  # Web Mercator's square ends here


def tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """The (x, y) of the Web Mercator tile of zoom `zoom` holding the point (Leaflet's, OSM's)."""
    n = 2**zoom
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = int((lon + 180.0) / 360.0 * n)
    radians = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(radians)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def filter_keys(properties: dict[str, Any]) -> list[str]:
    """The filter values a place counts for in the cells (the map page's filters but « open
    now », which only the browser knows)."""
    keys = [f"type:{properties['type']}"]
    keys += [f"theme:{slug}" for slug in properties.get("themes", [])]
    if properties.get("legal_form"):
        keys.append(f"legal_form:{properties['legal_form']}")
    if properties.get("needs"):
        keys.append("exchange:need")
    if properties.get("offers"):
        keys.append("exchange:offer")
    return keys


def _point(feature: dict[str, Any]) -> tuple[float, float]:
    lon, lat = feature["geometry"]["coordinates"]
    return lat, lon


def leaves(
    features: list[dict[str, Any]], most: int = TILE_PLACES, max_zoom: int = MAX_ZOOM
) -> list[tuple[int, int, int, list[int]]]:
    """The quadtree's leaves, (zoom, x, y, positions of their features), in (zoom, x, y) order."""
    return leaves_of([tile_of(*_point(f), max_zoom) for f in features], most, max_zoom)


def leaves_of(
    deepest: list[tuple[int, int]], most: int = TILE_PLACES, max_zoom: int = MAX_ZOOM
) -> list[tuple[int, int, int, list[int]]]:
    """The leaves of places whose tiles at `max_zoom` are `deepest` (see `leaves`)."""
    found = []
    pending = [(0, 0, 0, list(range(len(deepest))))]
    while pending:
        zoom, x, y, inside = pending.pop()
        if len(inside) <= most or zoom == max_zoom:
            found.append((zoom, x, y, inside))
            continue
        shift = max_zoom - zoom - 1
        quarters: dict[tuple[int, int], list[int]] = {}
        for position in inside:
            dx, dy = deepest[position]
            quarters.setdefault((dx >> shift, dy >> shift), []).append(position)
        pending += [(zoom + 1, qx, qy, positions) for (qx, qy), positions in quarters.items()]
    return sorted(found, key=lambda leaf: leaf[:3])


def cells(features: list[dict[str, Any]], leaf_zoom: list[int], deepest: int) -> dict[int, dict[str, Any]]:
    """For each zoom above `deepest` (0 to deepest - 1), the cells counting the places whose
    leaf is deeper than that zoom:
    {zoom: {"keys": [filter values], "cells": [[lat, lon, count, [key, n, key, n…]]]}}.

    Counted from the deepest zoom up: a zoom's cells are its deeper neighbour's, four merged
    into one, and the places whose leaf is that neighbour's zoom; each place is counted once."""
    joining: dict[int, list[int]] = {}  # zoom → the places that join the cells at that zoom
    for position, zoom in enumerate(leaf_zoom):
        if zoom > 0:  # counted at every zoom above its leaf's, from the one just above
            joining.setdefault(zoom - 1, []).append(position)
    counted: dict[tuple[int, int], list] = {}
    found = {}
    for zoom in range(deepest - 1, -1, -1):
        if zoom < deepest - 1:  # four cells of the zoom below make one here
            merged: dict[tuple[int, int], list] = {}
            for (cx, cy), cell in counted.items():
                into = merged.get((cx >> 1, cy >> 1))
                if into is None:
                    merged[(cx >> 1, cy >> 1)] = [cell[0], cell[1], cell[2], dict(cell[3])]
                    continue
                into[0] += cell[0]
                into[1] += cell[1]
                into[2] += cell[2]
                for key, count in cell[3].items():
                    into[3][key] = into[3].get(key, 0) + count
            counted = merged
        for position in joining.get(zoom, ()):
            lat, lon = _point(features[position])
            where = tile_of(lat, lon, zoom + CELL_DEPTH)
            cell = counted.get(where)
            if cell is None:
                cell = counted[where] = [0.0, 0.0, 0, {}]
            cell[0] += lat
            cell[1] += lon
            cell[2] += 1
            for key in filter_keys(features[position]["properties"]):
                cell[3][key] = cell[3].get(key, 0) + 1
        found[zoom] = _cell_file(counted)
    return dict(sorted(found.items()))


def _cell_file(counted: dict[tuple[int, int], list]) -> dict[str, Any]:
    keys = sorted({key for cell in counted.values() for key in cell[3]})
    index = {key: n for n, key in enumerate(keys)}
    return {
        "keys": keys,
        "cells": [
            [
                round(cell[0] / cell[2], 5),
                round(cell[1] / cell[2], 5),
                cell[2],
                [n for key, count in sorted(cell[3].items()) for n in (index[key], count)],
            ]
            for _, cell in sorted(counted.items())
        ],
    }


def tile_files(features: list[dict[str, Any]], most: int = TILE_PLACES) -> dict[str, str]:
    """Every file of a cut map, {path under the map's folder: JSON text}."""
    found = leaves(features, most)
    return {
        **leaf_files(found, [compact(f) for f in features]),
        **cell_files(features, found),
        **index_file(found, len(features)),
    }


def leaf_files(found_leaves: list[tuple[int, int, int, list[int]]], texts: list[str]) -> dict[str, str]:
    """Each leaf's file, a GeoJSON FeatureCollection of its places (`texts`: each place's
    feature, compact)."""
    return {
        f"{FOLDER}{zoom}-{x}-{y}.json": with_items(
            {"type": "FeatureCollection"}, "features", [texts[p] for p in inside]
        )
        for zoom, x, y, inside in found_leaves
        if inside
    }


def deepest_zoom(found_leaves: list[tuple[int, int, int, list[int]]]) -> int:
    """The zoom of the deepest leaf: the cells are counted at every zoom above it."""
    return max((zoom for zoom, *_ in found_leaves), default=0)


def cell_files(
    features: list[dict[str, Any]], found_leaves: list[tuple[int, int, int, list[int]]]
) -> dict[str, str]:
    """The cells' files, `grappes-<zoom>.json`, for every zoom above the deepest leaf."""
    leaf_zoom = [0] * len(features)
    for zoom, _, _, inside in found_leaves:
        for position in inside:
            leaf_zoom[position] = zoom
    counted = cells(features, leaf_zoom, deepest_zoom(found_leaves))
    return {f"{FOLDER}grappes-{zoom}.json": compact(content) for zoom, content in counted.items()}


def index_file(found_leaves: list[tuple[int, int, int, list[int]]], count: int) -> dict[str, str]:
    """`index.json`: the leaves with their number of places, the zooms that have cells."""
    return {
        f"{FOLDER}index.json": compact(
            {
                "v": 1,
                "cell_depth": CELL_DEPTH,
                "leaves": [[zoom, x, y, len(inside)] for zoom, x, y, inside in found_leaves if inside],
                "cells": list(range(deepest_zoom(found_leaves))),
                "count": count,
            }
        )
    }
