"""Records as places. Their GeoJSON features, one rule for every file that holds them (the map's
lieux.geojson, the open data's <kind>.geojson): RFC 7946 points in [lon, lat] order, identified
by `kind:slug` (a slug is unique within its kind only: an actor and an event may share one). And
the distance between two places (federation's deduplication, matching's ranking)."""

from __future__ import annotations

import math
from typing import Any


def point_feature(kind: str, slug: str, geo: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """The feature of record `slug` of `kind` at `geo` ({lat, lon}), with its `properties`
    after its type and slug."""
    return {
        "type": "Feature",
        "id": f"{kind}:{slug}",
        "geometry": {"type": "Point", "coordinates": [geo["lon"], geo["lat"]]},
        "properties": {"type": kind, "slug": slug, **properties},
    }


def distance_km(a: dict[str, float] | None, b: dict[str, float] | None) -> float:
    """Great-circle distance between two {lat, lon}; infinite when one is missing."""
    if not a or not b:
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))
