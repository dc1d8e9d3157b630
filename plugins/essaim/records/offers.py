"""Offers and needs: what an actor or an initiative proposes to others and looks for.

They come from the record's own file, in two ways, and are read the same:

- `offers_needs:` (contract 1.4): a list of {kind: offer|need, category, text, until, contact};
- the fields every record already had, counted as offers and needs without rewriting any file:
  an actor's `skills_offered` (offers of skills) and `skills_sought` (needs of skills), an
  initiative's `needs:` group (funding, volunteers, skills, premises, partners: one need each).

An offer or need lives in its record's file, not in a file of its own: it is answered through
that record (its page, its contact) and leaves with it; a one-off one says `until:`, and leaves
the board the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import Any

from .model import Record

KINDS = ("need", "offer")
RESERVED_CATEGORIES = {"page"}  # /coups-de-main/page/2/ is a list's second page, not a category
# The fields records already had, read as offers and needs: record kind → {field: (kind, category)}
# (`needs.funding` is the `funding` key of an initiative's `needs:` group).
LEGACY_FIELDS = {
    "actor": {"skills_offered": ("offer", "competences"), "skills_sought": ("need", "competences")},
    "initiative": {
        "needs.funding": ("need", "financement"),
        "needs.volunteers": ("need", "benevolat"),
        "needs.skills": ("need", "competences"),
        "needs.premises": ("need", "locaux"),
        "needs.partners": ("need", "partenariats"),
    },
}


def legacy_value(fields: dict, path: str) -> Any:
    """The value of one of LEGACY_FIELDS in a record's fields (None when absent)."""
    value: Any = fields
    for step in path.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return value


@dataclass(frozen=True)
class OfferNeed:
    """One offer or need of one record."""

    record: Record
    kind: str  # "offer" or "need"
    category: str
    text: str
    position: int  # its rank among the record's offers and needs (stable: the file's order)
    until: date | None = None
    contact: str = ""  # an e-mail address to answer to, when not the record's own
    field: str = "offers_needs"  # where in the file it was written
    key: str = dataclass_field(init=False, repr=False)  # unique in a directory: kind:slug:position

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.record.KIND}:{self.record.slug}:{self.position}")

    def is_open(self, today: date) -> bool:
        """Still open on `today` (an offer or need with no `until` stays open)."""
        return self.until is None or self.until >= today


def _until(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def offers_needs_of(record: Record) -> list[OfferNeed]:
    """Every offer and need of a valid record, in the order its file gives them: the legacy
    fields first (skills offered, skills sought, an initiative's needs), then `offers_needs`."""
    fields, found = record.fields, []

    def add(kind: str, category: str, text: Any, field: str, until: Any = None, contact: Any = "") -> None:
        if isinstance(text, str) and text.strip():
            found.append(
                OfferNeed(
                    record, kind, category, text.strip(), len(found), _until(until), contact or "", field
                )
            )

    for path, (kind, category) in LEGACY_FIELDS.get(record.KIND, {}).items():
        value = legacy_value(fields, path)
        for text in value if isinstance(value, list) else [value]:
            add(kind, category, text, path)
    for item in fields.get("offers_needs") or []:
        if isinstance(item, dict):
            add(
                item.get("kind", ""),
                item.get("category", ""),
                item.get("text"),
                "offers_needs",
                item.get("until"),
                item.get("contact"),
            )
    return found
