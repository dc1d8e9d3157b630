"""The cut map of a large directory (map/tiles.py): every place in one leaf that holds it, leaves
no fuller than asked, and counted cells that say what a count of the places themselves says."""

from __future__ import annotations

import json
import random

from conftest import place
from essaim.geojson import point_feature
from essaim.map.tiles import MAX_ZOOM, cells, filter_keys, leaves, tile_files, tile_of


def places(count: int, seed: int = 3) -> list[dict]:
    """Places over France, half of them in one town (a dense leaf), with filters to count."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        lat, lon = place(rng, crowded=n % 2 == 1, spread=0.01)
        properties = {"name": f"Lieu {n}", "themes": ["culture"] if n % 3 else [], "legal_form": "scop"}
        if n % 5 == 0:
            properties["offers"] = 2
        found.append(point_feature("actor", f"l{n}", {"lat": lat, "lon": lon}, properties))
    return found


def test_tiles_are_numbered_as_leaflet_and_osm_number_them():
    assert tile_of(0.0, 0.0, 0) == (0, 0)
    assert tile_of(0.001, 0.001, 1) == (1, 0) and tile_of(-0.001, -0.001, 1) == (0, 1)
    assert tile_of(48.8566, 2.3522, 10) == (518, 352)  # Paris
    assert tile_of(89.9, 179.99, 3) == (7, 0) and tile_of(-89.9, -180.0, 3) == (0, 7)  # clamped


def test_every_place_is_in_the_one_leaf_that_holds_it():
    features = places(400)
    found = leaves(features, most=25)
    positions = sorted(p for *_, inside in found for p in inside)
    assert positions == list(range(400))
    for zoom, x, y, inside in found:
        assert len(inside) <= 25 or zoom == MAX_ZOOM
        for position in inside:
            lon, lat = features[position]["geometry"]["coordinates"]
            assert tile_of(lat, lon, zoom) == (x, y)
    assert max(zoom for zoom, *_ in found) == MAX_ZOOM  # the town's places are too close to split


def test_cells_count_what_the_places_themselves_count():
    features = places(400)
    found = leaves(features, most=25)
    leaf_zoom = [0] * len(features)
    for zoom, _, _, inside in found:
        for position in inside:
            leaf_zoom[position] = zoom
    counted = cells(features, leaf_zoom, MAX_ZOOM)
    for zoom, content in counted.items():
        expected: dict[tuple[int, int], dict[str, int]] = {}
        for position, feature in enumerate(features):
            if leaf_zoom[position] > zoom:
                lon, lat = feature["geometry"]["coordinates"]
                cell = expected.setdefault(tile_of(lat, lon, zoom + 2), {"": 0})
                cell[""] += 1
                for key in filter_keys(feature["properties"]):
                    cell[key] = cell.get(key, 0) + 1
        keys = content["keys"]
        got = sorted(
            [c[2], sorted((keys[c[3][i]], c[3][i + 1]) for i in range(0, len(c[3]), 2))]
            for c in content["cells"]
        )
        want = sorted([cell.pop(""), sorted(cell.items())] for cell in expected.values())
        assert got == want, zoom
    assert sum(c[2] for c in counted[0]["cells"]) == sum(1 for z in leaf_zoom if z > 0)


def test_the_files_of_a_cut_map_list_each_other():
    files = {name: json.loads(text) for name, text in tile_files(places(300), most=30).items()}
    index = files["lieux/index.json"]
    assert index["count"] == 300 == sum(leaf[3] for leaf in index["leaves"])
    for zoom, x, y, count in index["leaves"]:
        assert len(files[f"lieux/{zoom}-{x}-{y}.json"]["features"]) == count
    assert sorted(f"lieux/grappes-{z}.json" for z in index["cells"]) == sorted(
        n for n in files if "grappes" in n
    )
    assert filter_keys(places(1)[0]["properties"]) == [
        "type:actor",
        "legal_form:scop",
        "exchange:offer",
    ]
