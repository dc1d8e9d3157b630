"""Actors mapped to the national data·inclusion `structure` schema (v1), checked by its models."""

from __future__ import annotations

from typing import Any

from ..records.model import Actor, slugify


def structure(actor: Actor, url: str, source: str) -> dict[str, Any]:
    """One actor as a data·inclusion structure (None fields left out)."""
    fields = actor.fields
    address = actor.address
    geo = actor.geo or {}
    description = actor.summary + (f"\n\n{actor.body}" if actor.body.strip() else "")
    data = {
        "source": source,
        "id": f"{source}--{actor.slug}",
        "nom": actor.name,
        "description": description,
        "date_maj": actor.updated.isoformat() if actor.updated else None,
        "lien_source": url,
        "siret": fields.get("siret"),
        "commune": address.get("city"),
        "code_postal": address.get("postcode"),
        "code_insee": address.get("insee_code"),
        "adresse": address.get("street"),
        "latitude": geo.get("lat"),
        "longitude": geo.get("lon"),
        "telephone": fields.get("phone"),
        "courriel": fields.get("email"),
        "site_web": fields.get("website"),
        "horaires_accueil": actor.osm_hours,  # OSM syntax, as data·inclusion asks: free text left out
        "accessibilite_lieu": (fields.get("accessibility") or {}).get("acceslibre_url"),
    }
    return {key: value for key, value in data.items() if value is not None}


def source_name(territory: Any) -> str:
    """The producer identifier data·inclusion asks for: `essaim-<territory>`."""
    name = slugify(territory.short_name or territory.name)
    return name if name.startswith("essaim") else f"essaim-{name}"


def structures(actors: list[Actor], url_of, territory: Any) -> tuple[list[dict], list[tuple[Actor, str]]]:
    """Every actor the data·inclusion models accept, and the others with the reason."""
    from data_inclusion.schema.v1 import Structure
    from pydantic import ValidationError

    source = source_name(territory)
    accepted, rejected = [], []
    for actor in actors:
        data = structure(actor, url_of(actor), source)
        try:
            Structure.model_validate(data)
        except ValidationError as error:
            reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])} : {e['msg']}" for e in error.errors())
            rejected.append((actor, reasons))
            continue
        accepted.append(data)
    return accepted, rejected
