"""Bulk onboarding: records from a spreadsheet (CSV + a mapping file) or a GoGoCarto export.

Nothing is written unless asked (`--write`): the plan says, row by row, what would be created,
updated, skipped as a likely duplicate of an existing record, or rejected, and why. Each
candidate is checked by the same loader, schema and checks as `essaim validate`.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..records.checks import name_key, record_problems
from ..records.model import sort_key, website_key
from ..records.read import read_record
from ..records.territory import Territory
from .fields import FOLDERS, TITLE_KEY, constraint
from .template import slug_for, yaml_value

LIST_SEPARATORS = re.compile(r"\s*[,;|]\s*")


class MappingError(Exception):
    """The mapping file cannot be used (the message says why, in French)."""


@dataclass
class Row:
    """One source row turned into record fields (flat keys: `address.city`)."""

    number: int  # line of the CSV file, or position in the GoGoCarto list (from 1)
    values: dict[str, Any]
    body: str = ""
    reasons: list[str] = field(default_factory=list)  # problems found while mapping


@dataclass
class Outcome:
    """What happens to one row."""

    row: Row
    action: str  # create, update, duplicate, exists, reject
    path: str = ""
    reasons: list[str] = field(default_factory=list)
    text: str = ""


def read_mapping(path: Path | None) -> dict[str, Any]:
    """The mapping file: {kind, columns: {field: column}, values: {field: {source: value}}, defaults}."""
    if path is None:
        return {}
    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise MappingError(f"{path} : fichier de correspondance illisible ({error})") from error
    if not isinstance(mapping, dict) or not set(mapping) <= {"kind", "columns", "values", "defaults"}:
        raise MappingError(f"{path} : les clés possibles sont kind, columns, values et defaults")
    return mapping


def _coerce(kind: str, key: str, raw: Any, mapping: dict[str, Any]) -> Any:
    """A source value as the contract wants it: translated, split into a list, a number."""
    schema = constraint(kind, key)
    translate = (mapping.get("values") or {}).get(key) or {}
    if schema.get("type") == "array":
        items = raw if isinstance(raw, list) else LIST_SEPARATORS.split(str(raw).strip())
        return [translate.get(str(i).strip(), str(i).strip()) for i in items if str(i).strip()]
    value = translate.get(str(raw).strip(), raw)
    if schema.get("type") == "integer":
        try:
            return int(str(value).strip())
        except ValueError:
            return str(value)
    if schema.get("type") == "number":
        try:
            return float(str(value).strip().replace(",", "."))
        except ValueError:
            return str(value)
    return str(value).strip()


def _set(row_values: dict[str, Any], kind: str, key: str, raw: Any, mapping: dict[str, Any]) -> None:
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return
    row_values[key] = _coerce(kind, key, raw, mapping)


def rows_from_csv(path: Path, mapping: dict[str, Any]) -> list[Row]:
    """Rows of a CSV file (UTF-8, `,` or `;`), columns named by the mapping's `columns`."""
    kind = mapping.get("kind", "actor")
    columns = mapping.get("columns") or {}
    if TITLE_KEY[kind] not in columns:
        raise MappingError(f"le fichier de correspondance doit indiquer la colonne de « {TITLE_KEY[kind]} »")
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    missing = [c for c in columns.values() if c not in (reader.fieldnames or []) and c != "body"]
    if missing:
        raise MappingError(f"colonnes absentes du fichier : {', '.join(missing)}")
    rows = []
    for number, line in enumerate(reader, start=2):
        values: dict[str, Any] = {}
        body = ""
        for key, column in columns.items():
            if key == "body":
                body = (line.get(column) or "").strip()
            else:
                _set(values, kind, key, line.get(column), mapping)
        rows.append(Row(number, values, body))
    return rows


def rows_from_gogocarto(path: Path, mapping: dict[str, Any]) -> list[Row]:
    """Rows of a GoGoCarto JSON export (`{"data": [...]}` or a list of elements)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MappingError(f"{path} : export GoGoCarto illisible ({error})") from error
    elements = data.get("data", []) if isinstance(data, dict) else data
    if not isinstance(elements, list):
        raise MappingError(f"{path} : la liste des éléments (« data ») est introuvable")
    rows = []
    for number, element in enumerate(elements, start=1):
        if not isinstance(element, dict):
            rows.append(Row(number, {}, reasons=["élément illisible"]))
            continue
        geo = element.get("geo") or {}
        address = element.get("address") or {}
        description = str(element.get("description") or "").strip()
        values: dict[str, Any] = {}
        pairs = {
            "name": element.get("name") or element.get("title"),
            "summary": _shorten(description, 280),
            "themes": element.get("categories") or element.get("taxonomy") or [],
            "address.street": address.get("streetAddress"),
            "address.postcode": address.get("postalCode"),
            "address.city": address.get("addressLocality"),
            "geo.lat": geo.get("latitude", element.get("lat")),
            "geo.lon": geo.get("longitude", element.get("lng", element.get("long"))),
            "website": element.get("website"),
            "email": element.get("email"),
            "phone": element.get("telephone"),
        }
        for key, raw in pairs.items():
            _set(values, "actor", key, raw, mapping)
        body = str(element.get("descriptionMore") or "").strip()
        if len(description) > 280:
            body = (description + "\n\n" + body).strip()
        rows.append(Row(number, values, body))
    return rows


def apply_defaults(rows: list[Row], kind: str, mapping: dict[str, Any]) -> list[Row]:
    """The mapping's `defaults` fill the fields a row leaves empty (a status, a theme...)."""
    for row in rows:
        for key, raw in (mapping.get("defaults") or {}).items():
            if key not in row.values:
                _set(row.values, kind, key, raw, mapping)
    return rows


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def record_text(kind: str, values: dict[str, Any], body: str) -> str:
    """The record file, compact (no comments): nested keys grouped, the body after."""
    nested: dict[str, Any] = {}
    for key, value in values.items():
        node = nested
        *parents, last = key.split(".")
        for step in parents:
            node = node.setdefault(step, {})
        node[last] = value

    def lines(node: dict[str, Any], indent: str) -> list[str]:
        out = []
        for key, value in node.items():
            if isinstance(value, dict):
                out += [f"{indent}{key}:", *lines(value, indent + "  ")]
            else:
                out.append(f"{indent}{key}: {yaml_value(value)}")
        return out

    return "---\n" + "\n".join(lines(nested, "")) + "\n---\n" + (body + "\n" if body else "")


def plan(
    root: Path, territory: Territory, themes: dict, kind: str, rows: list[Row], existing: list, update: bool
) -> list[Outcome]:
    """What each row would become; nothing is written here. `themes`: the territory's themes."""
    by_name = {name_key(r.sort_name): r for r in existing}
    by_siret = {r.fields.get("siret"): r for r in existing if r.fields.get("siret")}
    by_site = {website_key(r.fields.get("website")): r for r in existing if r.fields.get("website")}
    seen: dict[str, int] = {}
    outcomes = []
    with tempfile.TemporaryDirectory() as scratch:
        for row in rows:
            values = row.values
            title = values.get(TITLE_KEY[kind])
            if row.reasons or not title:
                outcomes.append(
                    Outcome(row, "reject", reasons=row.reasons or [f"« {TITLE_KEY[kind]} » est vide"])
                )
                continue
            path = f"{FOLDERS[kind]}/{slug_for(str(title))}.md"
            text = record_text(kind, values, row.body)
            reasons = _check(Path(scratch), path, kind, text, themes, territory)
            if reasons:
                outcomes.append(Outcome(row, "reject", path, reasons))
                continue
            if path in seen:
                outcomes.append(
                    Outcome(row, "duplicate", path, [f"même nom de fichier que la ligne {seen[path]}"])
                )
                continue
            seen[path] = row.number
            twin = (
                by_siret.get(values.get("siret"))
                or by_site.get(website_key(values.get("website")))
                or by_name.get(name_key(sort_key(str(title))))
            )
            if (root / path).exists():
                if update:
                    outcomes.append(Outcome(row, "update", path, text=text))
                else:
                    outcomes.append(
                        Outcome(row, "exists", path, ["la fiche existe déjà (--update pour la remplacer)"])
                    )
            elif twin is not None:
                outcomes.append(
                    Outcome(row, "duplicate", path, [f"doublon probable de {twin.source} (« {twin.name} »)"])
                )
            else:
                outcomes.append(Outcome(row, "create", path, text=text))
    return outcomes


def _check(scratch: Path, path: str, kind: str, text: str, themes: dict, territory: Territory) -> list[str]:
    """The problems `essaim validate` would report for this file (schema, checks, themes)."""
    file = scratch / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    record, problems = read_record(file, scratch, kind)
    if record is not None and not problems:
        problems = record_problems(record, territory.tz)
    reasons = [p.message for p in problems if p.severity == "error"]
    if record is not None:
        reasons += [f"thème inconnu « {t} »" for t in record.themes if t not in themes]
    file.unlink()
    return reasons


def write(root: Path, outcomes: list[Outcome]) -> int:
    """Write the files of the rows to create or update; return how many."""
    written = 0
    for outcome in outcomes:
        if outcome.action in ("create", "update"):
            target = root / outcome.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(outcome.text, encoding="utf-8")
            written += 1
    return written
