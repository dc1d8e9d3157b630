"""A small cut map built by Python (plugins/essaim/map/tiles.py), printed as JSON for the node
--test tests of js/map-tiles.js (tests/js/map-tiles.test.js): the files as a browser downloads
them, and what the features were, so the JavaScript's tile boxes are checked against the tiles
Python put each place in."""

from __future__ import annotations

import json
import random
import sys

from essaim.geojson import point_feature
from essaim.map.tiles import tile_files


def main() -> None:
    rng = random.Random(7)
    features = []
    for n in range(300):
        # a dense town (Nantes) and places scattered over France, one at the antimeridian's edge
        lat, lon = (
            (47.2 + rng.uniform(-0.02, 0.02), -1.55 + rng.uniform(-0.02, 0.02))
            if n % 2
            else (
                rng.uniform(42.5, 51.0),
                rng.uniform(-4.8, 8.2),
            )
        )
        properties = {
            "name": f"Lieu {n}",
            "summary": "",
            "url": f"https://example.org/{n}/",
            "themes": ["alimentation"] if n % 3 == 0 else ["mobilite", "culture"],
            "city": "",
            "legal_form": "scop" if n % 5 == 0 else "association",
        }
        if n % 7 == 0:
            properties["needs"] = 1
        features.append(
            point_feature("actor" if n % 4 else "event", f"lieu-{n}", {"lat": lat, "lon": lon}, properties)
        )
    files = tile_files(features, most=20)
    json.dump({name: json.loads(text) for name, text in files.items()}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
