"""This site's /federation.json (protocol essaim-federation 1.0, schema: schemas/federation.json)."""

from __future__ import annotations

from typing import Any

from ..records.schema import SCHEMA_VERSION
from ..records.territory import Territory

PROTOCOL = "essaim-federation"
PROTOCOL_VERSION = "1.0"
KIND_DATASETS = {"actor": "actors", "initiative": "initiatives", "event": "events"}


def bbox(territory: Territory, points: list[tuple[float, float]]) -> list[float] | None:
    """[west, south, east, north]: the map's bounds from territory.yml, else the records' extent."""
    bounds = territory.map.get("bounds")
    if bounds:
        (south, west), (north, east) = bounds
        return [west, south, east, north]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [min(lons), min(lats), max(lons), max(lats)]


def manifest(territory: Territory, points: list[tuple[float, float]], updated_at: str) -> dict[str, Any]:
    """The manifest: who we are, where our datasets and schemas are, which peers we include."""
    base = territory.base_url
    major = SCHEMA_VERSION.split(".")[0]
    data: dict[str, Any] = {
        "protocol": PROTOCOL,
        "version": PROTOCOL_VERSION,
        "territory": {"name": territory.name, "url": base, "language": territory.language},
        "licence": dict(territory.licence),
        "datasets": {plural: f"{base}/data/{plural}.json" for plural in KIND_DATASETS.values()},
        "schema_version": SCHEMA_VERSION,
        "schemas": {kind: f"{base}/schemas/v{major}/{kind}.json" for kind in KIND_DATASETS},
        "updated_at": updated_at,
        "peers": [{"url": peer["url"]} for peer in territory.peers],
    }
    area = bbox(territory, points)
    if area:
        data["territory"]["bbox"] = area
    return data
