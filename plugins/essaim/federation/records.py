"""What a peer's record must be to be kept, shared by `essaim federation pull` and the build.

A peer is untrusted: each of its records goes through the checks of a local record (the same
functions: its schema, then `record_problems`), and must name its page on the peer we
configured. The build checks the snapshots again, so a snapshot never makes a build fail.
No network here: the build imports this module, never `pull` (requests, urllib3).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jsonschema import Draft202012Validator, FormatChecker

from ..records.load import CONTROL_CHARACTERS, SLUG_RE, SourceRecord
from ..records.model import Record, slugify
from ..records.schema import bundled, problems_for_mapping, schema_problems
from ..records.untrusted import checked_record, untrusted_problem
from .manifest import KIND_DATASETS

FOLDER = "federation"
PLURAL_KINDS = {plural: kind for kind, plural in KIND_DATASETS.items()}
EXPORT_KEYS = ("slug", "url", "updated", "description")
# A logo is a file of the peer's repository, never one of this site: set aside, never shown.
SET_ASIDE = frozenset({"logo"})


def peer_folder(url: str) -> str:
    """federation/<this>: the peer's host (and path, for a site in a sub-folder), file-safe."""
    parts = urlsplit(url)
    name = (parts.netloc + parts.path.rstrip("/")).lower()
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in name).strip("-")


def peer_name(declared: Any, url: str, taken: set[str]) -> str:
    """The name a peer is shown under: the one it declares, cleaned (no control character, 100
    characters at most), unless it reads as ours or an earlier peer's (`taken`: their slugs),
    then followed by its address: a neighbour can never pass for another directory."""
    parts = urlsplit(url)
    where = parts.netloc + parts.path.rstrip("/")
    name = CONTROL_CHARACTERS.sub("", str(declared)).strip()[:100] or where
    if slugify(name) in taken:
        name = f"{name} ({where})"
    number = 2
    while slugify(name) in taken:  # an earlier peer declared that very name, address and all
        name = f"{name} ({where} {number})"
        number += 1
    return name


def peer_record(kind: str, data: dict[str, Any], source: str, tz: ZoneInfo) -> tuple[Record | None, str]:
    """A peer's record as the build uses it, after the checks a local record goes through:
    (the record, "") or (None, the first reason, in French)."""
    data = {k: v for k, v in data.items() if k not in SET_ASIDE}
    problem = untrusted_problem(data)  # nesting first: nothing below recurses into a deep value
    if problem:
        return None, problem
    text = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")  # checked: UTF-8
    problems = schema_problems(SourceRecord(kind, "", source, data, "", 0, {}))
    if problems:
        return None, problems[0].message
    if not data.get("url"):
        return None, "pas d'adresse « url » : l'annuaire d'origine doit donner la page de chaque fiche"
    slug = str(data.get("slug") or slugify(str(data.get("title" if kind == "event" else "name"))))
    if not SLUG_RE.match(slug):
        return None, "pas d'identifiant « slug » utilisable : l'annuaire d'origine doit en donner un"
    fields = {k: v for k, v in data.items() if k not in EXPORT_KEYS}
    body = str(data.get("description") or "")
    digest = hashlib.sha1(text).hexdigest()
    record, reason = checked_record(kind, fields, body, source, slug, tz, digest, schema_checked=True)
    if record is not None and data.get("updated"):
        record.updated = date.fromisoformat(str(data["updated"]))  # the schema checked the date
    return record, reason


def foreign(url: str, peer_url: str, own_url: str, transitive: bool) -> str:
    """Why a record with this page cannot come from the peer configured at `peer_url` ("" when
    it can): its page is on this site, or (unless `transitive`) not on the peer's own site."""
    if own_url and _on_site(url, own_url):  # http:// or https://, a port or a final dot aside
        return f"fiche qui se dit de cet annuaire-ci ({own_url}) : un voisin ne peut pas la fournir"
    if not transitive and not url.startswith(peer_url.rstrip("/") + "/"):
        return f"fiche d'un autre annuaire que {peer_url.rstrip('/')} (reprise non transitive)"
    return ""


def _on_site(url: str, site: str) -> bool:
    """Whether `url` is a page of the site at `site`, however its host is written (case, the
    default port, a final dot) and whatever its scheme."""
    try:
        page, home = urlsplit(url), urlsplit(site)
        same_host = (page.hostname or "").rstrip(".") == (home.hostname or "").rstrip(".")
        ports = {"http": 80, "https": 443}
        same_port = (page.port or ports.get(page.scheme)) in (home.port or ports.get(home.scheme), 80, 443)
    except ValueError:  # a port that is not a number: not a page of ours
        return False
    return same_host and same_port and page.path.startswith(home.path.rstrip("/") + "/")


# A neighbour's offers and needs are bounded as ours are: a record gives at most what an actor
# may write (skills offered and sought, offers_needs), a peer at most the whole French ESS's.
MAX_OFFERS_NEEDS_PER_PEER = 250_000


@cache
def max_offers_needs_per_record() -> int:
    """The most offers and needs one local record can give (the contract's maxItems)."""
    actor = bundled("actor.json")["properties"]
    return sum(actor[name]["maxItems"] for name in ("skills_offered", "skills_sought", "offers_needs"))


class OfferNeedChecks:
    """The checks a neighbour's offers and needs go through, item after item, the same for
    `federation pull` and the build: the published schema (`peer_offer_need`), a record page
    on the neighbour configured at `origin` (never on this site at `own_url`), each id once,
    and the bounds (a record gives at most what a local actor can write, a neighbour at most
    MAX_OFFERS_NEEDS_PER_PEER)."""

    def __init__(self, origin: str, own_url: str, transitive: bool) -> None:
        self.origin, self.own_url, self.transitive = origin, own_url, transitive
        self.ids: set[str] = set()
        self.per_owner: dict[tuple[str, str], int] = {}  # (kind, slug) of a record → items kept

    def check(self, data: Any) -> tuple[dict[str, Any] | None, str]:
        """(the item as kept, "") when it passes; (the item, why) when it passes the schema
        only; (None, why) when it does not."""
        kept, reason = peer_offer_need(data)
        if kept is None:
            return None, reason
        owner = (kept["record"]["kind"], kept["record"]["slug"])
        elsewhere = foreign(kept["record"]["url"], self.origin, self.own_url, self.transitive)
        if elsewhere:
            return kept, elsewhere
        if kept["id"] in self.ids:
            return kept, "même identifiant qu'une autre offre ou un autre besoin de ce voisin"
        if len(self.ids) >= MAX_OFFERS_NEEDS_PER_PEER:
            return kept, f"plus de {MAX_OFFERS_NEEDS_PER_PEER} offres et besoins chez ce voisin"
        if self.per_owner.get(owner, 0) >= max_offers_needs_per_record():
            return kept, f"plus de {max_offers_needs_per_record()} offres et besoins pour une même fiche"
        self.ids.add(kept["id"])
        self.per_owner[owner] = self.per_owner.get(owner, 0) + 1
        return kept, ""


def _offer_need_schema() -> dict[str, Any]:
    """One item of /data/offers-needs.json (schemas/offers-needs.json), references resolved."""
    return bundled("offers-needs.json")["properties"]["records"]["items"]


@cache
def _offer_need_validator() -> Draft202012Validator:
    return Draft202012Validator(_offer_need_schema(), format_checker=FormatChecker())


@cache
def offer_need_fields() -> frozenset[str]:
    """The fields of one offer or need in /data/offers-needs.json (made once: read per key)."""
    return frozenset(_offer_need_schema()["properties"])


def peer_offer_need(data: Any) -> tuple[dict[str, Any] | None, str]:
    """A peer's offer or need as the build uses it, after the checks of the published schema
    (schemas/offers-needs.json: kind, category, a text of 200 characters at most, its record's
    name and page...): (the item, "") or (None, the first reason, in French). Fields a newer
    minor version may add are set aside first, as for records."""
    if not isinstance(data, dict):
        return None, "n'est pas un objet JSON"
    problem = untrusted_problem(data)
    if problem:
        return None, problem
    known = offer_need_fields()
    kept = {k: v for k, v in data.items() if k in known}
    errors = sorted(_offer_need_validator().iter_errors(kept), key=lambda e: list(e.absolute_path))
    if errors:  # in French, as a local record's
        return None, problems_for_mapping(errors[:1], "", {})[0].message
    owner = kept["record"]
    names = [kept["id"], kept["category"], owner["slug"], owner["url"], *kept.get("themes", [])]
    if any("\n" in text for text in names):  # a pattern's `$` takes a final line feed
        return None, "saut de ligne dans un identifiant ou une adresse"
    if not owner["name"].strip():
        return None, "« record.name » est vide"
    if kept["id"].rsplit(":", 1)[0] != f"{owner['kind']}:{owner['slug']}":
        return None, f"l'identifiant « {kept['id']} » ne nomme pas sa fiche ({owner['kind']}:{owner['slug']})"
    return kept, ""
