"""Murmurations profiles: each actor as `organizations_schema-v1.0.0`, each open offer or need as
`offers_wants_schema-v0.1.0` (the schemas of github.com/MurmurationsNetwork/MurmurationsLibrary),
static JSON files at stable URLs, so that a Murmurations index can include the territory with
no server: the index is given each profile's URL (`/murmurations/index.json` lists them, and
/federation.json names that list).

Pure functions: records in, JSON-ready dicts out. What the schemas leave to us:
- an organization's `primary_url` is its website, else its page here (the index keys profiles
  on it); its page here is always in `urls`; its tags are its themes' and legal form's labels;
- an offer is an `offer`, a need a `want`; `transaction_type` comes from the category
  (TRANSACTIONS: lending or renting premises, lending or giving equipment; a skill, volunteers,
  funding or a partner are given; a job is none of the four: an empty list);
- the contact is the offer's or need's e-mail, else its record's, else its page (a form there);
- `expires_at` is the end of its `until` day in the territory's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

ORGANIZATIONS_SCHEMA = "organizations_schema-v1.0.0"
OFFERS_WANTS_SCHEMA = "offers_wants_schema-v0.1.0"
FOLDER = "murmurations"
INDEX = f"{FOLDER}/index.json"
TAG_LENGTH = 100  # the published schema's limit of one tag
TRANSACTIONS = {
    "locaux": ["borrow-lend", "rent-lease"],
    "materiel": ["borrow-lend", "receive-donate"],
    "competences": ["receive-donate"],
    "benevolat": ["receive-donate"],
    "financement": ["receive-donate"],
    "partenariats": ["receive-donate"],
}
ITEM_TYPES = {"locaux": "good", "materiel": "good", "competences": "service", "benevolat": "service"}


def organization_path(actor: Any) -> str:
    """Where an actor's profile is written: /murmurations/organizations/<slug>.json."""
    return f"{FOLDER}/organizations/{actor.slug}.json"


def offer_want_path(item: Any) -> str:
    """Where an offer's or need's profile is written: one file per item, named by its key
    (its record's kind and slug, its rank among the record's offers and needs)."""
    return f"{FOLDER}/offers-wants/{item.key.replace(':', '-')}.json"


def _tags(*labels: str) -> list[str]:
    found: list[str] = []
    for text in labels:
        tag = text.strip()[:TAG_LENGTH]
        if tag and tag not in found:
            found.append(tag)
    return found


def organization(actor: Any, page: str, territory_name: str, tags: list[str], logo: str | None) -> dict:
    """An actor as an organizations_schema-v1.0.0 profile (`page`: its page here, absolute)."""
    fields = actor.fields
    profile: dict[str, Any] = {
        "linked_schemas": [ORGANIZATIONS_SCHEMA],
        "name": actor.name,
        "primary_url": fields.get("website") or page,
        "tags": _tags(*tags),
        "urls": [{"name": f"Fiche dans l'annuaire {territory_name}", "url": page}],
        "status": "active",
        "geographic_scope": "local",
    }
    if fields.get("website"):
        profile["urls"].append({"name": "Site web", "url": fields["website"]})
    for network, url in sorted((fields.get("social") or {}).items()):
        profile["urls"].append({"name": network, "url": url})
    if actor.summary:
        profile["description"] = actor.summary
    address = actor.address
    place = " ".join(part for part in (address.get("postcode"), address.get("city")) if part)
    full = ", ".join(part for part in (address.get("street"), place) if part)
    if full:
        profile["full_address"] = full
    if actor.geo:
        profile["geolocation"] = {"lat": actor.geo["lat"], "lon": actor.geo["lon"]}
    if logo:
        profile["image"] = logo
    if fields.get("email"):
        profile["contact_details"] = {"email": fields["email"]}
    if fields.get("phone"):
        profile["telephone"] = str(fields["phone"])
    return profile


def offer_want(item: Any, page: str, tags: list[str], words: dict[str, str], tz: ZoneInfo) -> dict:
    """An offer or need as an offers_wants_schema-v0.1.0 profile (`page`: its record's page here,
    absolute; `words`: how the site words its kind, Site.kind_words)."""
    record = item.record
    profile: dict[str, Any] = {
        "linked_schemas": [OFFERS_WANTS_SCHEMA],
        "exchange_type": "offer" if item.kind == "offer" else "want",
        "transaction_type": list(TRANSACTIONS.get(item.category, [])),
        "tags": _tags(*tags),
        "title": item.text,
        "description": f"{record.name} {words['verb']} « {item.text} ».",
        "details_url": f"{page}#offres-besoins",
        "geographic_scope": "local",
    }
    if item.category in ITEM_TYPES:
        profile["item_type"] = ITEM_TYPES[item.category]
    if record.geo:
        profile["geolocation"] = {"lat": record.geo["lat"], "lon": record.geo["lon"]}
    email = item.contact or record.fields.get("email")
    profile["contact_details"] = {"email": email} if email else {"contact_form": page}
    if item.until:
        profile["expires_at"] = _end_of(item.until, tz)
    return profile


def _end_of(day: date, tz: ZoneInfo) -> int:
    return int(datetime.combine(day, time(23, 59, 59), tzinfo=tz).timestamp())


def profile_index(entries: list[tuple[str, str, date | None]], territory: Any, generated_at: str) -> dict:
    """/murmurations/index.json: every profile's URL and schema, for a Murmurations index (which
    takes profiles one URL at a time) or a script that gives them to it. `entries`: (path in the
    output, schema name, the day its record was last updated)."""
    base = territory.base_url
    return {
        "territory": {"name": territory.name, "url": base},
        "generated_at": generated_at,
        "schemas": [ORGANIZATIONS_SCHEMA, OFFERS_WANTS_SCHEMA],
        "profiles": [
            {
                "profile_url": f"{base}/{path}",
                "linked_schemas": [schema_name],
                **({"last_updated": _end_of(updated, territory.tz)} if updated else {}),
            }
            for path, schema_name, updated in entries
        ],
    }
