"""Fill `geo` from the address with the Base Adresse Nationale API, editing only that line.

The file is edited as text: a `geo: {lat: …, lon: …}` line is inserted (at the top level for
actors and initiatives, inside `location:` for events); comments, key order and every other
byte stay as they were. Any network or format problem leaves the file unchanged.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.load import read_source

DEFAULT_ENDPOINT = "https://api-adresse.data.gouv.fr"
MIN_SCORE = 0.5
USER_AGENT = "Essaim (annuaire de l'ESS; geocode)"


@dataclass
class Outcome:
    """What happened to one file."""

    path: str
    status: str  # "filled", "skipped", "failed"
    message: str


def query_for(fields: dict[str, Any], kind: str) -> tuple[str, str | None] | None:
    """The address text to search and its postcode, or None when there is nothing to search."""
    place = (fields.get("location") if kind == "event" else fields.get("address")) or {}
    if not isinstance(place, dict) or not place.get("city"):
        return None
    text = " ".join(str(place[k]) for k in ("street", "postcode", "city") if place.get(k))
    return text, place.get("postcode")


def search(endpoint: str, text: str, postcode: str | None, timeout: float) -> tuple[float, float, float]:
    """Ask the API; return (lat, lon, score). Raises ValueError or OSError on any problem."""
    params = {"q": text, "limit": "1"}
    if postcode:
        params["postcode"] = postcode
    url = f"{endpoint.rstrip('/')}/search/?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) endpoint
        data = json.loads(response.read(1_000_000))
    features = data.get("features") or []
    if not features:
        raise ValueError("adresse introuvable")
    lon, lat = features[0]["geometry"]["coordinates"][:2]
    score = float(features[0].get("properties", {}).get("score", 0))
    return float(lat), float(lon), score


def insert_geo(text: str, kind: str, lat: float, lon: float) -> str:
    """The file's text with one `geo:` line added, nothing else changed."""
    lines = text.split("\n")
    closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    value = f"{{lat: {round(lat, 6)}, lon: {round(lon, 6)}}}"
    if kind != "event":
        lines.insert(closing, f"geo: {value}")
        return "\n".join(lines)
    start = next(i for i in range(1, closing) if re.match(r"^location:\s*$", lines[i]))
    end = start + 1
    indent = None
    while end < closing and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        if lines[end].strip() and indent is None:
            indent = lines[end][: len(lines[end]) - len(lines[end].lstrip())]
        end += 1
    while end - 1 > start and not lines[end - 1].strip():
        end -= 1
    lines.insert(end, f"{indent or '  '}geo: {value}")
    return "\n".join(lines)


def geocode_file(
    file: Path, root: Path, kind: str, endpoint: str, timeout: float, dry_run: bool = False
) -> Outcome:
    """Geocode one record file when it has an address and no coordinates."""
    rel = file.relative_to(root).as_posix()
    source, problems = read_source(file, root, kind)
    if source is None:
        return Outcome(rel, "failed", "fichier illisible : lancez « essaim validate »")
    fields = source.fields
    has_geo = (fields.get("location") or {}).get("geo") if kind == "event" else fields.get("geo")
    if has_geo:
        return Outcome(rel, "skipped", "a déjà des coordonnées")
    if kind == "event" and not isinstance(fields.get("location"), dict):
        return Outcome(rel, "skipped", "pas de lieu")
    query = query_for(fields, kind)
    if query is None:
        return Outcome(rel, "skipped", "pas d'adresse (au moins une commune)")
    try:
        lat, lon, score = search(endpoint, *query, timeout=timeout)
    except (OSError, ValueError, KeyError, IndexError, TypeError, urllib.error.URLError) as error:
        return Outcome(rel, "failed", f"géocodage impossible ({error}) : fichier inchangé")
    if score < MIN_SCORE:
        return Outcome(rel, "failed", f"résultat trop incertain (score {score:.2f}) : fichier inchangé")
    if not dry_run:
        text = file.read_text(encoding="utf-8")
        file.write_text(insert_geo(text, kind, lat, lon), encoding="utf-8")
    return Outcome(rel, "filled", f"lat {lat:.5f}, lon {lon:.5f} (score {score:.2f})")
