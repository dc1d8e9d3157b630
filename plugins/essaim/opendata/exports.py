"""Records → JSON, CSV and GeoJSON exports. Pure functions: no Pelican, no file writing.

Every export is deterministic (sorted keys, records in directory order) so that two builds of
the same content give the same bytes, except the declared `generated_at`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..csvtext import neutralise
from ..geojson import point_feature
from ..records.model import Record
from ..records.schema import SCHEMA_VERSION

KIND_PLURALS = {"actor": "actors", "initiative": "initiatives", "event": "events"}
LIST_SEPARATOR = "|"
# Fields of the contract that never reach open data, and why.
NOT_EXPORTED = {
    "archived": "an archived record is left out of open data, as out of every list",
    # a record's texts in the other languages: in the JSON exports, beside the default language's
    **{
        f"translations.{language}.{text}": "in the JSON exports only: a CSV keeps one language"
        for language in ("fr", "en", "es")
        for text in ("name", "title", "summary", "description")
    },
}
# Stable CSV columns: (column, path in the exported record). Lists are joined with "|". Every
# other field of the contract has its column (tests/test_field_lists.py reads the schemas).
CSV_COLUMNS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    # /data/offers-needs.csv: one row per offer or need, its record in `record_*` columns.
    "offer_need": [
        *((column, (column,)) for column in ("id", "kind", "category", "category_label", "text", "until")),
        *((f"record_{column}", ("record", column)) for column in ("kind", "slug", "name", "url")),
        ("city", ("city",)),
        ("themes", ("themes",)),
        ("lat", ("geo", "lat")),
        ("lon", ("geo", "lon")),
    ],
    "actor": [
        ("slug", ("slug",)),
        ("url", ("url",)),
        ("name", ("name",)),
        ("legal_form", ("legal_form",)),
        ("summary", ("summary",)),
        ("themes", ("themes",)),
        ("street", ("address", "street")),
        ("postcode", ("address", "postcode")),
        ("city", ("address", "city")),
        ("insee_code", ("address", "insee_code")),
        ("lat", ("geo", "lat")),
        ("lon", ("geo", "lon")),
        ("website", ("website",)),
        ("calendar_url", ("calendar_url",)),
        ("email", ("email",)),
        ("phone", ("phone",)),
        ("siret", ("siret",)),
        ("founded", ("founded",)),
        ("governance", ("governance",)),
        ("purpose", ("purpose",)),
        ("skills_offered", ("skills_offered",)),
        ("skills_sought", ("skills_sought",)),
        ("offers_needs", ("offers_needs",)),
        ("opening_hours", ("opening_hours",)),
        ("wheelchair", ("accessibility", "wheelchair")),
        ("acceslibre_url", ("accessibility", "acceslibre_url")),
        ("social", ("social",)),
        ("logo", ("logo",)),
        ("updated", ("updated",)),
    ],
    "initiative": [
        ("slug", ("slug",)),
        ("url", ("url",)),
        ("name", ("name",)),
        ("summary", ("summary",)),
        ("themes", ("themes",)),
        ("actors", ("actors",)),
        ("stage", ("stage",)),
        ("started", ("started",)),
        ("needs", ("needs",)),
        ("offers_needs", ("offers_needs",)),
        ("crowdfunding_url", ("crowdfunding_url",)),
        ("website", ("website",)),
        ("street", ("address", "street")),
        ("city", ("address", "city")),
        ("postcode", ("address", "postcode")),
        ("insee_code", ("address", "insee_code")),
        ("lat", ("geo", "lat")),
        ("lon", ("geo", "lon")),
        ("updated", ("updated",)),
    ],
    "event": [
        ("slug", ("slug",)),
        ("url", ("url",)),
        ("title", ("title",)),
        ("summary", ("summary",)),
        ("start", ("start",)),
        ("end", ("end",)),
        ("kind", ("kind",)),
        ("themes", ("themes",)),
        ("organizers", ("organizers",)),
        ("location_name", ("location", "name")),
        ("street", ("location", "street")),
        ("postcode", ("location", "postcode")),
        ("city", ("location", "city")),
        ("insee_code", ("location", "insee_code")),
        ("lat", ("location", "geo", "lat")),
        ("lon", ("location", "geo", "lon")),
        ("online_url", ("online_url",)),
        ("registration_url", ("registration_url",)),
        ("price", ("price",)),
        ("free", ("free",)),
        ("recurrence", ("recurrence",)),
        ("exdates", ("exdates",)),
        ("updated", ("updated",)),
    ],
}


def export_record(record: Record, url: str) -> dict[str, Any]:
    """A record as published: every field of the contract, plus slug, url, updated, description."""
    exported = dict(record.fields)
    exported["slug"] = record.slug
    exported["url"] = url
    exported["updated"] = record.updated.isoformat() if record.updated else None
    if record.body.strip():
        exported["description"] = record.body
    return {key: value for key, value in exported.items() if value is not None}


def export_offer_need(item: Any, url: str, category_label: str) -> dict[str, Any]:
    """One open offer or need as /data/offers-needs.json writes it (schemas/offers-needs.json)."""
    record = item.record
    exported: dict[str, Any] = {
        "id": item.key,
        "kind": item.kind,
        "category": item.category,
        "category_label": category_label,
        "text": item.text,
    }
    if item.until:
        exported["until"] = item.until.isoformat()
    exported["record"] = {"kind": record.KIND, "slug": record.slug, "name": record.name, "url": url}
    if record.city:
        exported["city"] = record.city
    exported["themes"] = list(record.themes)
    if record.geo:
        exported["geo"] = {"lat": record.geo["lat"], "lon": record.geo["lon"]}
    return exported


def dataset(
    kind: str, records: list[dict[str, Any]], territory: Any, generated_at: str, peers: bool = True
) -> dict:
    """The JSON envelope of one kind of record (`/data/actors.json`...); `peers`: with the
    neighbouring directories it includes (not for offers and needs, which are ours only)."""
    envelope = {
        "schema_version": SCHEMA_VERSION,
        "schema": f"{territory.base_url}/schemas/{kind}.json",
        "generated_at": generated_at,
        "territory": {"name": territory.name, "url": territory.base_url},
        "licence": dict(territory.licence),
        # Only this directory's own records; the neighbours it includes are named, not copied.
        "included_peers": [peer["url"] for peer in territory.peers],
        "records": records,
    }
    if not peers:
        del envelope["included_peers"]
    return envelope


def _getter(path: tuple[str, ...]):
    if len(path) == 1:
        key = path[0]
        return lambda record: record.get(key)

    def get(record: dict[str, Any]) -> Any:
        value: Any = record
        for step in path:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        return value

    return get


def _pairs(group: dict[str, Any], separator: str) -> str:
    """A group of fields in one cell: `key=value` pairs, sorted by key."""
    return separator.join(f"{key}={group[key]}" for key in sorted(group))


def _item(item: Any) -> str:
    return _pairs(item, ";") if isinstance(item, dict) else str(item)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):  # a list of groups (offers_needs): each group's pairs with ";"
        return neutralise(LIST_SEPARATOR.join(_item(item) for item in value))
    if isinstance(value, dict):
        return neutralise(_pairs(value, LIST_SEPARATOR))
    return str(value)  # numbers (lat, lon, founded): typed columns, "-1.55" stays a number


def to_csv(kind: str, records: list[dict[str, Any]]) -> str:
    """One row per record, a header row of stable names, lists joined with `|`; text that a
    spreadsheet would take for a formula starts with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(column for column, _ in CSV_COLUMNS[kind])
    getters = [_getter(path) for _, path in CSV_COLUMNS[kind]]
    for record in records:
        writer.writerow([_cell(get(record)) for get in getters])  # each cell already neutralised
    return buffer.getvalue()


def to_geojson(records: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """RFC 7946 FeatureCollection of the records that have coordinates ([lon, lat] order)."""
    features = []
    for record in records:
        geo = record.get("geo") or (record.get("location") or {}).get("geo")
        if not geo:
            continue
        properties = {
            "name": record.get("name") or record.get("title"),
            "url": record["url"],
            "summary": record.get("summary", ""),
            "themes": record.get("themes", []),
        }
        if kind == "actor":
            properties["legal_form"] = record["legal_form"]
            properties["city"] = (record.get("address") or {}).get("city")
        features.append(point_feature(kind, record["slug"], geo, properties))
    return {"type": "FeatureCollection", "features": features}
