"""A Frictionless Data Package describing the CSV (with table schemas) and JSON exports."""

from __future__ import annotations

from typing import Any

from ..records.model import slugify
from .exports import CSV_COLUMNS, KIND_PLURALS

# Table Schema types of the CSV columns that are not plain strings.
COLUMN_TYPES = {
    "lat": "number",
    "lon": "number",
    "founded": "integer",
    "updated": "date",
    "until": "date",
    "started": "date",
    "free": "boolean",
}
COLUMN_TITLES = {
    "slug": "Identifiant",
    "url": "Page de la fiche",
    "name": "Nom",
    "title": "Titre",
    "legal_form": "Statut juridique",
    "summary": "Résumé",
    "themes": "Thèmes (séparés par |)",
    "city": "Commune",
    "postcode": "Code postal",
    "lat": "Latitude (WGS 84)",
    "lon": "Longitude (WGS 84)",
    "updated": "Date de mise à jour",
    "start": "Début",
    "end": "Fin",
}


def table_schema(kind: str) -> dict[str, Any]:
    """Table Schema of one CSV export."""
    fields = []
    for column, _ in CSV_COLUMNS[kind]:
        field: dict[str, Any] = {"name": column, "type": COLUMN_TYPES.get(column, "string")}
        if column in COLUMN_TITLES:
            field["title"] = COLUMN_TITLES[column]
        if column in ("slug", "url"):
            field["constraints"] = {"required": True, "unique": True}
        if column == "lat":
            field["constraints"] = {"minimum": -90, "maximum": 90}
        if column == "lon":
            field["constraints"] = {"minimum": -180, "maximum": 180}
        fields.append(field)
    key = "id" if kind == "offer_need" else "slug"
    return {"fields": fields, "primaryKey": [key], "missingValues": [""]}


def datapackage(territory: Any, generated_at: str) -> dict[str, Any]:
    """The data package descriptor (`/data/datapackage.json`)."""
    resources = []
    for kind, plural in KIND_PLURALS.items():
        resources.append(
            {
                "name": plural,
                "path": f"{plural}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(kind),
            }
        )
        resources.append(
            {
                "name": f"{plural}-json",
                "path": f"{plural}.json",
                "profile": "data-resource",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
            }
        )
    resources.append(
        {
            "name": "offers-needs",
            "path": "offers-needs.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": table_schema("offer_need"),
        }
    )
    resources.append(
        {
            "name": "offers-needs-json",
            "path": "offers-needs.json",
            "profile": "data-resource",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
        }
    )
    return {
        "profile": "data-package",
        "name": f"essaim-{slugify(territory.short_name or territory.name)}",
        "title": f"{territory.name} : acteurs, initiatives et événements de l'ESS",
        "homepage": territory.base_url,
        "created": generated_at,
        "licenses": [
            {
                "name": territory.licence["id"],
                "title": territory.licence["name"],
                "path": territory.licence["url"],
            }
        ],
        "resources": resources,
    }
