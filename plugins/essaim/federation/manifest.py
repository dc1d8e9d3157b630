"""This site's /federation.json (protocol essaim-federation 1.1, schema: schemas/federation.json)."""

from __future__ import annotations

from typing import Any

from ..records.schema import SCHEMA_VERSION
from ..records.territory import Territory

PROTOCOL = "essaim-federation"
PROTOCOL_VERSION = "1.1"
KIND_DATASETS = {"actor": "actors", "initiative": "initiatives", "event": "events"}
# Protocol 1.1 adds datasets under `optional_datasets`, which 1.0 readers ignore (their schema
# allows no other key in `datasets`): the offers and needs of the directory's records.
OFFERS_NEEDS = "offers_needs"
OPTIONAL_DATASETS = {OFFERS_NEEDS: "offers-needs"}


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
        "optional_datasets": {name: f"{base}/data/{file}.json" for name, file in OPTIONAL_DATASETS.items()},
        "schema_version": SCHEMA_VERSION,
        "schemas": {kind: f"{base}/schemas/v{major}/{kind}.json" for kind in KIND_DATASETS},
        "updated_at": updated_at,
        "peers": [{"url": peer["url"]} for peer in territory.peers],
    }
    if territory.features.get("opendata", True):  # its files are open data's
        data["murmurations"] = {"profiles": f"{base}/murmurations/index.json"}
    area = bbox(territory, points)
    if area:
        data["territory"]["bbox"] = area
    return data


def dataset_url(manifest: dict[str, Any], name: str) -> str | None:
    """Where a peer's manifest says one of its datasets is (None when it has not this one)."""
    where = manifest.get("optional_datasets") if name in OPTIONAL_DATASETS else manifest.get("datasets")
    return where.get(name) if isinstance(where, dict) else None
