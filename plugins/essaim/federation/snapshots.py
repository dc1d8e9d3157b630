"""Peers' records for a build, read from the snapshots under federation/ (no network here).

A peer record keeps its origin (`origin`, and `origin_url`: the peer's URL in territory.yml) and
its canonical page (`canonical_url`, on the peer's site). Every record is checked again as
`federation pull` checks it: one that fails is left out with a warning, never failing the build.
Records already listed locally, or by an earlier peer, are dropped: the same SIRET, the same
website, or the same name (common words aside) within 1 km; the record kept notes who else lists
it (`also_listed_by`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..geojson import distance_km
from ..records import cachefile
from ..records.checks import name_key
from ..records.model import RECORD_TYPES, Actor, Record, slugify
from ..records.offers import OfferNeed
from ..records.read import EntryCache
from ..records.territory import Territory
from ..records.untrusted import strict_json
from .manifest import OFFERS_NEEDS
from .records import (
    FOLDER,
    PLURAL_KINDS,
    OfferNeedChecks,
    foreign,
    peer_folder,
    peer_name,
    peer_record,
)

logger = logging.getLogger(__name__)

SAME_PLACE_KM = 1.0


@dataclass
class PeerRecords:
    """Every peer's records, deduplicated, with the territories they come from."""

    records: list[Record] = field(default_factory=list)
    territories: list[tuple[str, str]] = field(default_factory=list)  # (name, url), in territory.yml order
    also_listed_by: dict[str, list[str]] = field(default_factory=dict)  # local source → peer names
    # The language each neighbour writes in (its manifest's, kept in its provenance), by its URL
    # in territory.yml: a page marks its untranslated texts with it. Absent when not declared.
    languages: dict[str, str] = field(default_factory=dict)
    key: str = ""  # changes when any snapshot changes
    # The neighbours' offers and needs (their `offers_needs` dataset), each on a record that
    # holds what matching and the pages use of it: name, page, themes, city, place.
    offers_needs: list[OfferNeed] = field(default_factory=list)


def _record(
    kind: str, data: Any, source: str, tz: ZoneInfo, origin: tuple[str, str], local_page: bool
) -> tuple[Record | None, str]:
    if not isinstance(data, dict):
        return None, "n'est pas un objet JSON"
    record, reason = peer_record(kind, data, source, tz)
    if record is None:
        return None, reason
    record.origin, record.origin_url = origin  # type: ignore[attr-defined]
    record.origin_slug = record.slug  # type: ignore[attr-defined]  # its slug at home (iCalendar UID)
    if local_page:
        # A page here too (render_pages): its slug cannot be a local file's (no "--" in those),
        # and its canonical link is the origin's page.
        record.slug = f"{record.slug}--{slugify(origin[0])}"
        record.origin_page = str(data["url"])  # type: ignore[attr-defined]
    else:
        record.canonical_url = str(data["url"])  # type: ignore[attr-defined]
    return record, ""


DUPLICATE_KEY = "duplicate_key"  # where a neighbour's actor keeps its name_key, in the cache


def _duplicate_key(actor: Actor) -> str:
    """The name duplicates are found by (records.checks.name_key): a neighbour's actor keeps
    its own from the cache (`_checked_rows`), ours is worked out."""
    known = actor.__dict__.get(DUPLICATE_KEY)
    return known if known is not None else name_key(actor.sort_name)


class _Seen:
    """The actors already listed: by SIRET, website, and name (with their place)."""

    def __init__(self) -> None:
        self.by_siret: dict[str, Record] = {}
        self.by_site: dict[str, Record] = {}
        self.by_name: dict[str, list[Record]] = {}

    def add(self, actor: Actor) -> None:
        if actor.fields.get("siret"):
            self.by_siret.setdefault(str(actor.fields["siret"]), actor)
        if actor.website_key:
            self.by_site.setdefault(actor.website_key, actor)
        self.by_name.setdefault(_duplicate_key(actor), []).append(actor)

    def twin(self, actor: Actor) -> Record | None:
        found = self.by_siret.get(str(actor.fields.get("siret") or "")) or self.by_site.get(actor.website_key)
        if found:
            return found
        for other in self.by_name.get(_duplicate_key(actor), []):
            if distance_km(actor.geo, other.geo) <= SAME_PLACE_KM:
                return other
        return None


PEER_CACHE = "federation-records"  # in the build's cache folder: one file per snapshot


@cache
def _code_key() -> str:
    """Changes with this package's code (how a peer's record is checked and made)."""
    return cachefile.source_digest(Path(__file__).parent).hexdigest()


def _checked_rows(
    rows: Any, plural: str, source: str, territory: Territory, origin: tuple[str, str], transitive: bool
) -> list[tuple[Record | None, str]]:
    """Each row of a snapshot as the build keeps it: (the record, "") or (None, why not)."""
    found: list[tuple[Record | None, str]] = []
    for data in rows if isinstance(rows, list) else []:
        record, reason = _record(
            PLURAL_KINDS[plural], data, source, territory.tz, origin, territory.federation_render_pages
        )
        if record is not None:
            reason = foreign(data["url"], origin[1], territory.base_url, transitive)
        if record is not None and not reason:
            # Computed now, they are cached with the record: finding duplicates, the lists,
            # search and the map read them.
            record.__dict__.update(
                sort_name=record.sort_name,
                sort_letter=record.sort_letter,
                themes=record.themes,
                city=record.city,
                change_key=record.change_key,  # forgotten if its slug changes (render_pages)
            )
            if isinstance(record, Actor):
                record.__dict__.update(website_key=record.website_key, osm_hours=record.osm_hours)
                record.__dict__[DUPLICATE_KEY] = name_key(record.sort_name)
        found.append((None, reason) if reason else (record, ""))
    return found


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # ISO 639-1 or -3: what a `lang` attribute is given


def declared_language(territory: Any) -> str | None:
    """The language a neighbour's manifest says it writes in, when it is a plain language code
    (anything else is not written into our pages)."""
    language = territory.get("language") if isinstance(territory, dict) else None
    return language if isinstance(language, str) and LANGUAGE_CODE.fullmatch(language) else None


def load_peers(
    root: Path, territory: Territory, local_actors: list[Actor], cache_dir: Path | None = None
) -> PeerRecords:
    """The records of every peer of territory.yml that has a snapshot, deduplicated.

    Checking a peer's records is most of the work: with `cache_dir`, each snapshot's checked
    records are kept there (federation-records/, a file per snapshot) and read back while the file, the
    settings it was checked under and the code are the same, so a rebuild checks again only
    the snapshots a pull changed. What depends on the other snapshots (the duplicates, the
    pages' slugs) is worked out again each time, in territory.yml's order."""
    found = PeerRecords()
    seen = _Seen()
    for actor in local_actors:
        seen.add(actor)
    cache = EntryCache.open(cache_dir, PEER_CACHE, _code_key())
    read: list[str] = []
    steps: list[tuple[str, Any, str, tuple[str, str], bool]] = []  # in territory.yml's order
    names = {slugify(territory.name)}  # ours, then each peer's as shown: none may pass for another
    for peer in territory.peers:
        folder = root / FOLDER / peer_folder(peer["url"])
        try:
            provenance = strict_json((folder / "provenance.json").read_text(encoding="utf-8"))
            name = peer_name(provenance["territory"]["name"], peer["url"], names)
        except (OSError, ValueError, RecursionError, TypeError, KeyError):
            continue  # not pulled yet: `essaim federation pull`
        names.add(slugify(name))
        origin = (name, peer["url"].rstrip("/"))  # the URL we configured, never the one declared
        language = declared_language(provenance["territory"])
        found.key = hashlib.sha1(
            (found.key + json.dumps([provenance.get("datasets"), language], sort_keys=True)).encode()
        ).hexdigest()
        found.territories.append(origin)
        if language:
            found.languages[origin[1]] = language
        for plural in peer["include"]:
            path = folder / f"{plural}.json"
            source = f"{FOLDER}/{folder.name}/{plural}.json"
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            except OSError:
                stat = None
            file_key = (stat.st_size, stat.st_mtime_ns) if stat else (-1, -1)
            settings = (source, str(territory.tz), origin, territory.federation_render_pages)
            settings += (territory.base_url, peer["transitive"])
            cached = cache.get(path, file_key) if plural != OFFERS_NEEDS and stat else None
            if cached is not None and cached[0] == settings:
                steps.append(("records", cached[1], source, origin, peer["transitive"]))
                read.append(str(path))
                continue
            try:
                rows = strict_json(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
            except (OSError, ValueError, RecursionError) as error:
                logger.warning(
                    "essaim: %s/%s.json est illisible (%s) : ses fiches sont laissées de côté ; "
                    "relancez « essaim federation pull » pour refaire cet instantané",
                    folder.relative_to(root),
                    plural,
                    type(error).__name__,
                )
                continue
            if plural == OFFERS_NEEDS:
                steps.append(("offers_needs", rows, source, origin, peer["transitive"]))
                continue
            checked = _checked_rows(rows, plural, source, territory, origin, peer["transitive"])
            if stat:
                cache.put(path, file_key, (settings, checked))
                read.append(str(path))
            steps.append(("records", checked, source, origin, peer["transitive"]))
    # Saved before the records are deduplicated and given their slugs here, which depend on
    # the other snapshots: the cache keeps each snapshot's records as checked alone.
    cache.save(read, background=True)
    pages: set[tuple[str, str]] = set()  # (kind, slug) of the peer pages made here (render_pages)
    for kind, rows, source, origin, transitive in steps:
        if kind == "offers_needs":
            found.offers_needs += _offers_needs(rows, source, origin, territory, transitive, seen)
            continue
        for record, reason in rows:
            if reason:
                logger.warning(
                    "essaim: %s : une fiche est laissée de côté (%s) ; relancez « essaim federation "
                    "pull » pour mettre à jour cet instantané",
                    source,
                    reason,
                )
                continue
            if record.archived:  # its directory has taken it out of its lists: so do we
                continue
            if isinstance(record, Actor):
                twin = seen.twin(record)
                if twin is not None:
                    key = twin.source if not hasattr(twin, "origin") else twin.slug
                    found.also_listed_by.setdefault(key, []).append(origin[0])
                    continue
                seen.add(record)
            if territory.federation_render_pages:  # one page per record, even with one slug
                slug, number = record.slug, 1
                while (record.KIND, record.slug) in pages:
                    number += 1
                    record.slug = f"{slug}-{number}"
                    record.__dict__.pop("change_key", None)  # made with the slug it had
                pages.add((record.KIND, record.slug))
            found.records.append(record)
    return found


def _offers_needs(
    rows: Any, source: str, origin: tuple[str, str], territory: Territory, transitive: bool, seen: _Seen
) -> list[OfferNeed]:
    """A peer's offers and needs, checked again as `federation pull` checked them. Those of one
    record share one Record (never matched with each other); a record listed here already (the
    same name within 1 km) gives none: its offers and needs are those of our file."""
    items: list[OfferNeed] = []
    owners: dict[tuple[str, str], Record | None] = {}
    checks = OfferNeedChecks(origin[1], territory.base_url, transitive)
    for data in rows if isinstance(rows, list) else []:
        kept, reason = checks.check(data)
        if reason:
            logger.warning(
                "essaim: %s : une offre ou un besoin est laissé de côté (%s) ; relancez « essaim "
                "federation pull » pour mettre à jour cet instantané",
                source,
                reason,
            )
            continue
        owner_key = (kept["record"]["kind"], kept["record"]["slug"])
        if owner_key not in owners:
            owners[owner_key] = _owner(kept, source, origin, seen)
        owner = owners[owner_key]
        if owner is None:
            continue
        until = kept.get("until")
        items.append(
            OfferNeed(
                owner,
                kept["kind"],
                kept["category"],
                kept["text"].strip(),
                checks.per_owner[owner_key] - 1,  # its rank among its record's: a key of its own
                date.fromisoformat(until) if until else None,
            )
        )
    return items


def _owner(item: dict[str, Any], source: str, origin: tuple[str, str], seen: _Seen) -> Record | None:
    """The record a peer's offer or need belongs to, as far as the item tells it; None when it
    is one of ours (or an earlier peer's) already: the same SIRET, website, or name within 1 km."""
    about = item["record"]
    fields: dict[str, Any] = {"name": about["name"], "themes": item.get("themes") or []}
    if item.get("city"):
        fields["address"] = {"city": item["city"]}
    if item.get("geo"):
        fields["geo"] = item["geo"]
    digest = hashlib.sha1(json.dumps(about, sort_keys=True).encode()).hexdigest()
    # Its slug cannot be a local file's (no "--" in those): its offers' keys are its own.
    owner = RECORD_TYPES[about["kind"]](
        slug=f"{about['slug']}--{slugify(origin[0])}",
        source=source,
        fields=fields,
        body="",
        body_line=0,
        digest=digest,
    )
    twin = seen.twin(owner) if isinstance(owner, Actor) else None
    if twin is not None and getattr(twin, "origin_url", None) != origin[1]:
        return None  # ours, or an earlier neighbour's (this neighbour's own actor is its twin)
    owner.origin, owner.origin_url = origin  # type: ignore[attr-defined]
    owner.canonical_url = about["url"]  # type: ignore[attr-defined]
    return owner
