"""GeoJSON features of records, one rule for every file that holds them (the map's lieux.geojson,
the open data's <kind>.geojson): RFC 7946 points in [lon, lat] order, identified by `kind:slug`
(a slug is unique within its kind only: an actor and an event may share one)."""

from __future__ import annotations

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
