"""Fill `geo` from the address with the Base Adresse Nationale API, editing only that line.

The file is edited as text: a `geo: {lat: …, lon: …}` line is inserted (at the top level for
actors and initiatives, inside `location:` for events, be it a block or a `{…}` on one line),
or an empty `geo:` line is completed; comments, key order, line endings and every other byte
stay as they were. The new text must read back as the old fields plus `geo`, or nothing is
written. Any network or format problem leaves the file unchanged.
"""

from __future__ import annotations

import copy
import json
import math
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..net.http import Client, FetchError
from ..records.load import load_yaml_mapping, read_source

DEFAULT_ENDPOINT = "https://api-adresse.data.gouv.fr"
MIN_SCORE = 0.5


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
    """Ask the API; return (lat, lon, score). Raises ValueError on any problem.

    Through Essaim's one HTTP client (a deadline per answer, a size cap). The endpoint is the
    one the person running the command chose (`--endpoint`, maybe a local address server), so
    local and private addresses are allowed here, unlike for a federation peer."""
    params = {"q": text, "limit": "1"}
    if postcode:
        params["postcode"] = postcode
    url = f"{endpoint.rstrip('/')}/search/?{urllib.parse.urlencode(params)}"
    client = Client(max_bytes=1_000_000, timeout=timeout, retries=1, deadline=3 * timeout, allow_private=True)
    try:
        body = client.get(url).body or b""
        data = json.loads(body.decode("utf-8"))
    except FetchError as error:
        raise ValueError(str(error)) from error
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ValueError("réponse qui n'est pas du JSON") from error
    if not isinstance(data, dict):
        raise ValueError("réponse inattendue")
    features = data.get("features") or []
    if not features:
        raise ValueError("adresse introuvable")
    first = features[0] if isinstance(features, list) else None
    geometry = first.get("geometry") if isinstance(first, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    properties = first.get("properties", {}) if isinstance(first, dict) else None
    if not isinstance(coordinates, list) or len(coordinates) < 2 or not isinstance(properties, dict):
        raise ValueError("réponse inattendue (pas de coordonnées)")
    lon, lat = coordinates[:2]
    score = properties.get("score", 0)
    if any(isinstance(v, bool) or not isinstance(v, int | float | str) for v in (lat, lon, score)):
        raise ValueError(f"réponse invalide : coordonnées {lat!r}, {lon!r}, score {score!r}")
    lat, lon, score = float(lat), float(lon), float(score)
    if not all(map(math.isfinite, (lat, lon, score))) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"réponse invalide : lat {lat}, lon {lon}, score {score}")
    return lat, lon, score


def coordinate(value: float) -> str:
    """A coordinate as YAML reads back a float: fixed notation (YAML 1.1 reads `5e-05` as
    text), six decimals at most (about 10 cm)."""
    text = f"{value:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def geo_value(lat: float, lon: float) -> str:
    return f"{{lat: {coordinate(lat)}, lon: {coordinate(lon)}}}"


# After the key of an empty `geo`: nothing, `~`, `null` or `{}`, then maybe a comment (group 1).
EMPTY_VALUE = re.compile(r"^:[ \t]*?(?:~|null|Null|NULL|\{[ \t]*\})?([ \t]+#.*)?[ \t]*$")


def _pair(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None


def insert_geo(text: str, kind: str, lat: float, lon: float) -> str:
    """The file's text with `geo` filled in, nothing else changed. Raises ValueError when the
    place for it cannot be found in the text."""
    lines = text.split("\n")  # a "\r" stays at the end of its line
    closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    eol = "\r" if lines[closing].endswith("\r") else ""
    value = geo_value(lat, lon)
    front = "\n".join(line.rstrip("\r") for line in lines[1:closing])
    container = yaml.compose(front, Loader=yaml.SafeLoader)  # front-matter line n is lines[n + 1]
    if kind == "event":
        pair = _pair(container, "location")
        if pair is None:
            raise ValueError("pas de « location: »")
        location_key, container = pair
    empty = _pair(container, "geo")
    if empty is not None:  # `geo:` written but empty: complete that line
        mark = empty[0].end_mark
        line = lines[mark.line + 1]
        rest = EMPTY_VALUE.match(line[mark.column :].rstrip("\r"))
        if rest is None:
            raise ValueError("« geo » est déjà là, sur plusieurs lignes")
        lines[mark.line + 1] = line[: mark.column] + f": {value}" + (rest[1] or "") + eol
        return "\n".join(lines)
    if kind != "event":
        lines.insert(closing, f"geo: {value}{eol}")
        return "\n".join(lines)
    if not isinstance(container, yaml.MappingNode):
        raise ValueError("« location » n'est pas un groupe de champs")
    if container.flow_style:  # location: {name: …, city: …}
        end = container.end_mark
        row = end.line + 1
        head, tail = lines[row][: end.column - 1], lines[row][end.column - 1 :]
        if not tail.startswith("}"):
            raise ValueError("accolade fermante introuvable")
        separator = " " if head.rstrip().endswith((",", "{")) else ", "
        lines[row] = f"{head.rstrip()}{separator}geo: {value}{tail}"
        return "\n".join(lines)
    start = location_key.start_mark.line + 1
    indent = " " * container.value[0][0].start_mark.column
    end = start + 1
    while end < closing and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        end += 1
    while end - 1 > start and not lines[end - 1].strip():
        end -= 1
    lines.insert(end, f"{indent}geo: {value}{eol}")
    return "\n".join(lines)


def _reads_back(text: str, fields: dict[str, Any], kind: str, lat: float, lon: float) -> bool:
    """Whether `text` holds exactly `fields` plus the new `geo`, and nothing else changed."""
    lines = text.split("\n")
    closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    front = "\n".join(line.rstrip("\r") for line in lines[1:closing])
    data, _, problems = load_yaml_mapping(front, "", line_offset=1, lines=False)
    expected = copy.deepcopy(fields)
    place = expected["location"] if kind == "event" else expected
    place["geo"] = {"lat": float(coordinate(lat)), "lon": float(coordinate(lon))}
    return not problems and data == expected


def geocode_file(
    file: Path, root: Path, kind: str, endpoint: str, timeout: float, dry_run: bool = False
) -> Outcome:
    """Geocode one record file when it has an address and no coordinates."""
    rel = file.relative_to(root).as_posix()
    source, problems = read_source(file, root, kind)
    if source is None:
        return Outcome(rel, "failed", "fichier illisible : lancez « essaim validate »")
    fields = source.fields
    place = fields.get("location") if kind == "event" else fields
    if not isinstance(place, dict):
        return Outcome(rel, "skipped", "pas de lieu")
    if place.get("geo") not in (None, {}):  # an empty `geo:` is completed, anything else kept
        return Outcome(rel, "skipped", "a déjà des coordonnées")
    query = query_for(fields, kind)
    if query is None:
        return Outcome(rel, "skipped", "pas d'adresse (au moins une commune)")
    try:
        lat, lon, score = search(endpoint, *query, timeout=timeout)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        return Outcome(rel, "failed", f"géocodage impossible ({error}) : fichier inchangé")
    if score < MIN_SCORE:
        return Outcome(rel, "failed", f"résultat trop incertain (score {score:.2f}) : fichier inchangé")
    text = file.read_bytes().decode("utf-8")  # as read_source found it: BOM and "\r\n" kept
    try:
        new_text: str | None = insert_geo(text, kind, lat, lon)
    except ValueError:
        new_text = None
    if new_text is None or not _reads_back(new_text, fields, kind, lat, lon):
        return Outcome(
            rel,
            "failed",
            "impossible d'ajouter les coordonnées sans toucher au reste du fichier : ajoutez vous-même "
            f"la ligne « geo: {geo_value(lat, lon)} »" + (" dans « location: »" if kind == "event" else ""),
        )
    if not dry_run:
        file.write_bytes(new_text.encode("utf-8"))
    return Outcome(rel, "filled", f"lat {lat:.5f}, lon {lon:.5f} (score {score:.2f})")
