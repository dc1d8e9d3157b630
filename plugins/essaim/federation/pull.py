"""`essaim federation pull`: fetch each peer's manifest and datasets, check every record, and
keep a snapshot per peer under federation/<peer>/ — never losing the previous one on an error."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jsonschema import Draft202012Validator

from ..net.http import Client, Fetched, FetchError
from ..records.schema import SCHEMA_VERSION, bundled, schema
from ..records.territory import Territory
from ..records.untrusted import strict_json
from .manifest import OFFERS_NEEDS, PROTOCOL, dataset_url
from .records import (
    FOLDER,
    PLURAL_KINDS,
    SET_ASIDE,
    OfferNeedChecks,
    foreign,
    offer_need_fields,
    peer_folder,
    peer_record,
    untrusted_problem,
)

DEFAULT_TZ = ZoneInfo("Europe/Paris")  # a pull without a territory (tests): territory.yml's default


class PeerError(FetchError):
    """A peer could not be pulled (the message says why, in French)."""


def _json(body: bytes, url: str) -> Any:
    try:
        return strict_json(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PeerError(f"{url} : JSON invalide ({error})") from error
    except RecursionError as error:
        raise PeerError(f"{url} : JSON invalide (valeurs imbriquées à l'excès)") from error


def _major(version: str) -> str:
    return str(version).split(".")[0]


def check_manifest(data: Any, url: str) -> dict[str, Any]:
    """The manifest if it follows the protocol (same major version), PeerError otherwise."""
    problem = untrusted_problem(data)
    if problem:
        raise PeerError(f"{url} : manifeste invalide ({problem})")
    errors = sorted(Draft202012Validator(schema("federation.json")).iter_errors(data), key=lambda e: e.path)
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "racine"
        raise PeerError(f"{url} : manifeste invalide ({where} : {errors[0].message})")
    if data["protocol"] != PROTOCOL:  # pragma: no cover - the schema says so already
        raise PeerError(f"{url} : protocole inconnu")
    if _major(data["schema_version"]) != _major(SCHEMA_VERSION):
        raise PeerError(
            f"{url} : schéma des fiches en version {data['schema_version']}, incompatible avec la "
            f"version {SCHEMA_VERSION} d'Essaim (même version majeure requise)"
        )
    return data


def _check_envelope(data: Any, url: str) -> None:
    """A dataset's envelope: a list of `records`, in the contract's major version."""
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise PeerError(f"{url} : pas de liste « records »")
    if _major(data.get("schema_version", "0")) != _major(SCHEMA_VERSION):
        raise PeerError(f"{url} : fiches en version {data.get('schema_version')}, version majeure différente")


@dataclass
class KindResult:
    """One dataset of one peer."""

    records: list[dict[str, Any]]
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (record url or position, reason)
    ignored_fields: dict[str, int] = field(default_factory=dict)
    filtered: int = 0  # left out by the peer's `themes` filter
    outside_area: int = 0  # left out by its `area` filter
    fetched: Fetched | None = None
    unchanged: bool = False


def in_area(record: dict[str, Any], area: list[float]) -> bool:
    """True when the record's coordinates (`geo`, or an event's `location.geo`) are in the box
    [west, south, east, north]; a record without coordinates is not in any area."""
    geo = record.get("geo") or (record.get("location") or {}).get("geo")
    if not isinstance(geo, dict):
        return False
    west, south, east, north = area
    lat, lon = geo.get("lat"), geo.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float) or not south <= lat <= north:
        return False
    return west <= lon <= east if west <= east else (lon >= west or lon <= east)


def check_records(
    kind: str,
    data: Any,
    url: str,
    origin: str,
    themes: list[str],
    transitive: bool,
    area: list[float] | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    own_url: str = "",
) -> KindResult:
    """Keep the records that pass the checks of a local record, come from the peer configured
    at `origin` (never from this site at `own_url`), have a slug of their own and pass the
    peer's filters (themes, area)."""
    _check_envelope(data, url)
    known = set(bundled(f"{kind}.json")["properties"]) - SET_ASIDE
    result = KindResult([])
    slugs: set[str] = set()
    for position, record in enumerate(data["records"], start=1):
        where = f"fiche n° {position}"
        if not isinstance(record, dict):
            result.rejected.append((where, "n'est pas un objet JSON"))
            continue
        problem = untrusted_problem(record)
        if problem:
            result.rejected.append((where, problem))
            continue
        if isinstance(record.get("url"), str) and record["url"]:
            where = record["url"]
        for extra in set(record) - known:  # a newer minor version may add fields: set aside
            result.ignored_fields[extra] = result.ignored_fields.get(extra, 0) + 1
        kept = {k: v for k, v in record.items() if k in known}
        checked, reason = peer_record(kind, kept, where, tz)
        if checked is not None:
            reason = foreign(kept["url"], origin, own_url, transitive)
            if checked.slug in slugs and not reason:  # one page, one iCalendar UID per slug
                reason = f"même identifiant « {checked.slug} » qu'une autre fiche de ce voisin"
        if reason:
            result.rejected.append((where, reason))
            continue
        slugs.add(checked.slug)
        if themes and not set(kept.get("themes") or []) & set(themes):
            result.filtered += 1
            continue
        if area and not in_area(kept, area):
            result.outside_area += 1
            continue
        result.records.append(kept)
    result.records.sort(key=lambda r: r.get("url", ""))
    return result


def check_offers_needs(data: Any, url: str, origin: str, transitive: bool, own_url: str = "") -> KindResult:
    """Keep the offers and needs that pass the published schema (offers-needs.json), whose
    record's page is on the peer configured at `origin` (never on this site at `own_url`),
    each id once. No filter by theme or area: a need here may be answered from anywhere the
    neighbour covers (the build ranks the nearer first)."""
    _check_envelope(data, url)
    known, result = offer_need_fields(), KindResult([])
    checks = OfferNeedChecks(origin, own_url, transitive)
    for position, item in enumerate(data["records"], start=1):
        kept, reason = checks.check(item)
        where = f"offre ou besoin « {kept['id']} »" if kept is not None else f"offre ou besoin n° {position}"
        if reason:
            result.rejected.append((where, reason))
            continue
        for extra in set(item) - known:  # a newer minor version's fields, set aside
            result.ignored_fields[extra] = result.ignored_fields.get(extra, 0) + 1
        result.records.append(kept)
    result.records.sort(key=lambda r: r["id"])
    return result


@dataclass
class PeerReport:
    """What a pull did (or would do) for one peer."""

    url: str
    folder: str
    error: str = ""
    added: int = 0
    changed: int = 0
    removed: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    left_out: int = 0  # valid records the peer's filters (themes, area) leave out
    offers_needs: int = 0  # its offers and needs kept
    unchanged: bool = False


def _record_lines(records: list[dict[str, Any]]) -> str:
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records) + "\n]\n"


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def pull_peer(
    root: Path,
    peer: dict[str, Any],
    client: Client,
    dry_run: bool = False,
    territory: Territory | None = None,
) -> PeerReport:
    """Pull one peer; on any error its snapshot stays exactly as it was. Its records are checked
    in `territory`'s time zone, and one naming a page of `territory`'s site is rejected."""
    base = peer["url"].rstrip("/")
    folder = root / FOLDER / peer_folder(base)
    report = PeerReport(base, str(folder.relative_to(root)))
    provenance = _read_json(folder / "provenance.json", {})
    try:
        manifest_url = f"{base}/federation.json"
        fetched = client.get(manifest_url)
        manifest = check_manifest(_json(fetched.body or b"", manifest_url), manifest_url)
        origin = base  # the URL we configured, never the one the peer declares
        results: dict[str, KindResult] = {}
        # A snapshot made with other filters is fetched again in full (no "not modified").
        filters = {"themes": peer["themes"], "area": peer.get("area"), "transitive": peer["transitive"]}
        for plural in peer["include"]:
            url = dataset_url(manifest, plural)
            if not url:
                continue  # a 1.0 peer has no offers and needs to give
            before = provenance.get("datasets", {}).get(plural, {})
            same_url = (
                before.get("url") == url
                and before.get("filters", filters) == filters
                and (folder / f"{plural}.json").is_file()
            )
            got = client.get(
                url, *(before.get("etag"), before.get("last_modified")) if same_url else (None, None)
            )
            if got.body is None:
                kept = KindResult(_read_json(folder / f"{plural}.json", []), fetched=got, unchanged=True)
                results[plural] = kept
                continue
            own_url = territory.base_url if territory else ""
            if plural == OFFERS_NEEDS:
                result = check_offers_needs(_json(got.body, url), url, origin, peer["transitive"], own_url)
            else:
                result = check_records(
                    PLURAL_KINDS[plural],
                    _json(got.body, url),
                    url,
                    origin,
                    peer["themes"],
                    peer["transitive"],
                    peer.get("area"),
                    territory.tz if territory else DEFAULT_TZ,
                    own_url,
                )
            result.fetched = got
            results[plural] = result
    except FetchError as error:
        report.error = str(error)
        return report
    for plural, result in results.items():
        report.rejected += result.rejected
        if plural == OFFERS_NEEDS:  # counted apart: not records
            report.offers_needs = len(result.records)
            continue
        previous = {r.get("url"): r for r in _read_json(folder / f"{plural}.json", [])}
        current = {r.get("url"): r for r in result.records}
        report.added += len(set(current) - set(previous))
        report.removed += len(set(previous) - set(current))
        report.changed += sum(1 for u in set(current) & set(previous) if current[u] != previous[u])
        report.left_out += result.filtered + result.outside_area
    report.unchanged = not (report.added or report.removed or report.changed)
    if dry_run:
        return report
    pulled_at = datetime.now(UTC).isoformat(timespec="seconds")
    files = {"manifest.json": json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n"}
    datasets = {}
    for plural, result in results.items():
        text = _record_lines(result.records)
        files[f"{plural}.json"] = text
        datasets[plural] = {
            "url": dataset_url(manifest, plural),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "etag": result.fetched.etag if result.fetched else None,
            "last_modified": result.fetched.last_modified if result.fetched else None,
            "records": len(result.records),
            "rejected": [list(r) for r in result.rejected],
            "ignored_fields": result.ignored_fields,
            "filters": filters,
            "filtered_out_by_theme": result.filtered,
            "outside_area": result.outside_area,
        }
    files["provenance.json"] = (
        json.dumps(
            {
                "peer": base,
                "manifest_url": f"{base}/federation.json",
                "territory": manifest["territory"],
                "licence": manifest["licence"],
                "pulled_at": pulled_at,
                "datasets": datasets,
            },
            ensure_ascii=False,
            sort_keys=True,
            indent=1,
        )
        + "\n"
    )
    same = all(_read_text(folder / name) == text for name, text in files.items() if name != "provenance.json")
    if not same:  # an unchanged peer leaves its snapshot (and git) untouched
        _replace_folder(folder, files)
    return report


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _replace_folder(folder: Path, files: dict[str, str]) -> None:
    """Write the new snapshot beside the old one, then swap them (never half a snapshot)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = folder.with_name(folder.name + ".new")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    for name, text in files.items():
        (fresh / name).write_text(text, encoding="utf-8")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    fresh.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
