"""Bulk onboarding: records from a spreadsheet (CSV + a mapping file) or a GoGoCarto export.

Nothing is written unless asked (`--write`): the plan says, row by row, what would be created,
updated, skipped as a likely duplicate of an existing record, or rejected, and why. Each
candidate is checked by the same loader, schema and checks as `essaim validate`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
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
from .template import clean_text, slug_for, yaml_value

LIST_SEPARATORS = re.compile(r"\s*[,;|]\s*")
DELIMITERS = (";", ",", "\t")  # on a tie, « ; » (Excel's French default) wins
ONE_COLUMN = "\x1f"  # a header without any delimiter: read as one column (U+001F is never in a cell)
BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAPPING_KEYS = {"kind", "columns", "values", "defaults"}
KINDS = ("actor", "initiative", "event")


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
    """The mapping file: {kind, columns: {field: column}, values: {field: {source: value}}, defaults}.

    Every part is checked here, so that a wrongly typed file is refused with one sentence
    instead of failing later on a row.
    """
    if path is None:
        return {}
    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except UnicodeDecodeError as error:
        raise MappingError(
            f"{path} : le fichier de correspondance n'est pas encodé en UTF-8 ; "
            "enregistrez-le en UTF-8 depuis votre éditeur"
        ) from error
    except (OSError, yaml.YAMLError) as error:
        raise MappingError(f"{path} : fichier de correspondance illisible ({error})") from error
    except RecursionError as error:
        raise MappingError(
            f"{path} : fichier de correspondance illisible (trop de niveaux imbriqués)"
        ) from error
    if not isinstance(mapping, dict) or not set(mapping) <= MAPPING_KEYS:
        raise MappingError(f"{path} : les clés possibles sont kind, columns, values et defaults")
    kind = mapping.get("kind", "actor")
    if not isinstance(kind, str) or kind not in KINDS:
        raise MappingError(f"{path} : « kind » doit valoir actor, initiative ou event, et non {_what(kind)}")
    columns = _table(path, mapping, "columns", "une colonne du tableur, par exemple « name: Nom »")
    for key in columns:
        inner = next((other for other in columns if other.startswith(key + ".")), None)
        if inner:
            raise MappingError(
                f"{path} : « columns » donne une colonne à « {key} » et à « {inner} » : un champ "
                f"groupé se remplit par ses parties, gardez « {inner} » et retirez « {key} »"
            )
    for key, column in columns.items():
        if isinstance(column, bool) or not isinstance(column, str | int | float):
            raise MappingError(
                f"{path} : « columns » associe à « {key} » {_what(column)} au lieu du nom d'une colonne ; "
                "écrivez par exemple « name: Nom »"
            )
        columns[key] = str(column)
    values = _table(path, mapping, "values", "ses traductions, par exemple « legal_form: {SCOP: scop} »")
    for key, table in values.items():
        if not isinstance(table, dict) or not all(_is_scalar(v) for v in table.values()):
            raise MappingError(
                f"{path} : « values » associe à « {key} » {_what(table)} au lieu d'une table de "
                "traductions ; écrivez par exemple « themes: {Numérique: numerique} »"
            )
        values[key] = {str(source): target for source, target in table.items()}
    defaults = _table(path, mapping, "defaults", "sa valeur, par exemple « legal_form: association »")
    for key, value in defaults.items():
        is_list = constraint(kind, key).get("type") == "array"
        if not (_is_scalar(value) or (is_list and isinstance(value, list) and all(map(_is_scalar, value)))):
            hint = "une liste, par exemple « themes: [numerique] »" if is_list else "un texte ou un nombre"
            if isinstance(value, dict) and value:
                hint = f"un champ par ligne, avec un point : « {key}.{next(iter(value))}: ... »"
            raise MappingError(f"{path} : « defaults » associe à « {key} » {_what(value)} ; donnez {hint}")
    return {**mapping, "kind": kind, "columns": columns, "values": values, "defaults": defaults}


def _table(path: Path, mapping: dict[str, Any], key: str, example: str) -> dict[str, Any]:
    """One part of the mapping, a table of fields (empty when absent); field names as text."""
    table = mapping.get(key) or {}
    if not isinstance(table, dict):
        raise MappingError(f"{path} : « {key} » doit associer à chaque champ {example} ; reçu {_what(table)}")
    return {str(field): value for field, value in table.items()}


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _what(value: Any) -> str:
    """What a value is, in French, for messages."""
    if isinstance(value, dict):
        return "un groupe de champs"
    if isinstance(value, list):
        return "une liste" if all(map(_is_scalar, value)) else "une liste de groupes de champs"
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return "un nombre"
    return f"le texte « {value} »"


def _coerce(kind: str, key: str, raw: Any, mapping: dict[str, Any]) -> Any:
    """A source value as the contract wants it: translated, split into a list, a number."""
    schema = constraint(kind, key)
    translate = (mapping.get("values") or {}).get(key) or {}
    if schema.get("type") == "array":
        items = raw if isinstance(raw, list) else LIST_SEPARATORS.split(str(raw).strip())
        items = [clean_text(str(i)).strip() for i in items]
        return [translate.get(i, i) for i in items if i]
    value = translate.get(str(raw).strip(), raw)
    if isinstance(value, str):
        value = clean_text(value)
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


def _set(row_values: dict[str, Any], kind: str, key: str, raw: Any, mapping: dict[str, Any]) -> str | None:
    """Put `raw` under `key`; return why it cannot be (an object where a text is expected)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    is_list = constraint(kind, key).get("type") == "array"
    items = raw if isinstance(raw, list) else [raw]
    if isinstance(raw, dict) or (isinstance(raw, list) and not is_list) or not all(map(_is_scalar, items)):
        wanted = "une liste de textes" if is_list else "un texte"
        return f"« {key} » devrait être {wanted}, et non {_what(raw)} : corrigez cet élément"
    row_values[key] = _coerce(kind, key, raw, mapping)
    return None


def decode_csv(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the name of the encoding it was read with.

    Given `encoding` (`--encoding`), only that one is tried. Otherwise, in this order: a
    byte-order mark (UTF-8, UTF-16, UTF-32); UTF-8 when the bytes are valid UTF-8 without NUL;
    UTF-16 without a mark when NUL bytes fill every other position (Excel's « Texte Unicode »);
    windows-1252, Excel's French default, which reads Latin-1 (ISO-8859-1) files the same for
    every printable character. No guessing from letter frequencies: the same bytes always give
    the same text.
    """
    if encoding:
        try:
            info = codecs.lookup(encoding)
            if not getattr(info, "_is_text_encoding", True):  # rot13, base64, zip...: not a text's
                raise LookupError(encoding)
            name = info.name
        except LookupError as error:
            raise MappingError(
                f"{path} : encodage « {encoding} » inconnu ; essayez --encoding utf-8, cp1252 ou utf-16"
            ) from error
        return _decode(data, path, "utf-8-sig" if name == "utf-8" else encoding), encoding
    for bom, name in BOMS:
        if data.startswith(bom):
            return _decode(data, path, name), name.removesuffix("-sig")
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    else:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if len(data) % 2 == 0 and max(even, odd) * 4 >= len(data):  # half the characters or more
            return _decode(data, path, "utf-16-le" if odd > even else "utf-16-be"), "utf-16"
    return _decode(data, path, "cp1252"), "windows-1252"


def _decode(data: bytes, path: Path, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(encoding, errors="replace").count("\n") + 1
        raise MappingError(
            f"{path}, ligne {line} : caractère illisible en {encoding.removesuffix('-sig')} ; "
            "enregistrez le tableur au format « CSV UTF-8 », ou indiquez son encodage avec "
            "--encoding (par exemple --encoding cp1252)"
        ) from error


def _delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns (quotes respected)."""
    best, most = ONE_COLUMN, 1
    for candidate in DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=candidate), [])
        except csv.Error:
            continue
        if len(header) > most:
            best, most = candidate, len(header)
    return best


CSV_PROBLEMS = {  # the csv module's messages in strict mode, told in French
    "unexpected end of data": "un guillemet ouvre une cellule qui n'est jamais refermée",
    "expected after": "un guillemet fermant est suivi d'autres caractères dans la même cellule",
}


def rows_from_csv(path: Path, mapping: dict[str, Any], encoding: str | None = None) -> tuple[list[Row], str]:
    """Rows of a CSV file read as RFC 4180 (quoted cells, doubled quotes, line breaks kept),
    `;`, `,` or tab between cells, columns named by the mapping's `columns`; and the encoding
    it was read with. A row's number is its line in the spreadsheet (the header is line 1)."""
    kind = mapping.get("kind", "actor")
    columns = mapping.get("columns") or {}
    if TITLE_KEY[kind] not in columns:
        raise MappingError(
            f"le fichier de correspondance doit indiquer la colonne de « {TITLE_KEY[kind]} » "
            f"(columns: {TITLE_KEY[kind]}: ...)"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MappingError(f"{path} : fichier illisible ({error.strerror})") from error
    text, used = decode_csv(data, path, encoding)
    if not text.strip():
        raise MappingError(
            f"{path} : le fichier est vide ; exportez le tableur avec sa ligne d'en-tête "
            "(les noms des colonnes)"
        )
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a long presentation is one cell: no cell is too big
    try:
        rows = _csv_rows(path, text, kind, columns, mapping)
    finally:
        csv.field_size_limit(limit)
    return rows, used


def _csv_rows(
    path: Path, text: str, kind: str, columns: dict[str, str], mapping: dict[str, Any]
) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    number = 0
    rows = []
    header: list[str] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            what = next((v for k, v in CSV_PROBLEMS.items() if k in str(error)), str(error))
            raise MappingError(
                f"{path}, ligne {number + 1} : {what} ; dans une cellule, doublez chaque guillemet "
                '(""comme ceci"") et entourez toute la cellule de guillemets'
            ) from error
        number += 1
        if number == 1:
            header = [c.strip() for c in cells]
            _check_header(path, header, columns)
            continue
        if not any(c.strip() for c in cells):
            continue  # an empty line of the spreadsheet: still counted
        reasons = []
        if any(c.strip() for c in cells[len(header) :]):
            reasons.append(
                f"la ligne a {len(cells)} cellules mais l'en-tête n'a que {len(header)} colonnes : "
                "vérifiez les séparateurs et les guillemets de cette ligne"
            )
        line = dict(zip(header, cells, strict=False))
        values: dict[str, Any] = {}
        body = ""
        for key, column in columns.items():
            if key == "body":
                body = clean_text(line.get(column) or "").strip()
            else:
                _set(values, kind, key, line.get(column), mapping)
        rows.append(Row(number, values, body, reasons))
    return rows


def _check_header(path: Path, header: list[str], columns: dict[str, str]) -> None:
    missing = [c for c in columns.values() if c not in header and c != "body"]
    if missing:
        raise MappingError(
            f"{path}, ligne 1 : colonnes absentes du fichier : {', '.join(missing)} ; corrigez l'en-tête "
            "du tableur ou la partie « columns » du fichier de correspondance"
        )
    twice = sorted({c for c in columns.values() if header.count(c) > 1})
    if twice:
        raise MappingError(
            f"{path}, ligne 1 : la colonne « {twice[0]} » apparaît deux fois dans l'en-tête ; "
            "renommez l'une des deux"
        )


def rows_from_gogocarto(path: Path, mapping: dict[str, Any]) -> list[Row]:
    """Rows of a GoGoCarto JSON export (`{"data": [...]}` or a list of elements)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError) as error:
        why = "trop de niveaux imbriqués" if isinstance(error, RecursionError) else str(error)
        raise MappingError(
            f"{path} : export GoGoCarto illisible ({why}) ; exportez de nouveau les données en JSON"
        ) from error
    elements = data.get("data") if isinstance(data, dict) else data
    if not isinstance(elements, list):
        raise MappingError(
            f"{path} : la liste des éléments (« data ») est introuvable ; exportez les données "
            "depuis GoGoCarto au format JSON"
        )
    rows = []
    for number, element in enumerate(elements, start=1):
        if not isinstance(element, dict):
            rows.append(Row(number, {}, reasons=[f"élément illisible ({_what(element)} au lieu d'un objet)"]))
            continue
        reasons = []
        groups = {}
        for key, parts in (("geo", "latitude, longitude"), ("address", "streetAddress, addressLocality")):
            group = element.get(key)
            if group is not None and group != [] and not isinstance(group, dict):
                reasons.append(
                    f"« {key} » devrait être un groupe de champs ({parts}), et non {_what(group)} : "
                    "corrigez cet élément"
                )
            groups[key] = group if isinstance(group, dict) else {}
        geo, address = groups["geo"], groups["address"]
        texts = {}
        for key in ("description", "descriptionMore"):
            raw = element.get(key)
            if not _is_scalar(raw):
                reasons.append(f"« {key} » devrait être un texte, et non {_what(raw)} : corrigez cet élément")
                raw = None
            texts[key] = clean_text(str(raw or "")).strip()
        description = texts["description"]
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
            reason = _set(values, "actor", key, raw, mapping)
            if reason:
                reasons.append(reason)
        body = texts["descriptionMore"]
        if len(description) > 280:
            body = (description + "\n\n" + body).strip()
        rows.append(Row(number, values, body, reasons))
    return rows


def apply_defaults(rows: list[Row], kind: str, mapping: dict[str, Any]) -> list[Row]:
    """The mapping's `defaults` fill the fields a row leaves empty (a status, a theme...)."""
    for row in rows:
        for key, raw in (mapping.get("defaults") or {}).items():
            if key not in row.values:
                reason = _set(row.values, kind, key, raw, mapping)
                if reason:
                    row.reasons.append(reason)
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
    by_source = {r.source: r for r in existing}
    seen: dict[str, int] = {}
    seen_names: dict[str, int] = {}
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
            path = f"{FOLDERS[kind]}/{slug_for(str(title), kind)}.md"
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
            sorted_as = sort_key(str(title))  # `essaim validate` refuses two records sorted alike
            if sorted_as and sorted_as in seen_names:
                reason = f"même nom (aux accents et majuscules près) que la ligne {seen_names[sorted_as]}"
                outcomes.append(Outcome(row, "duplicate", path, [reason]))
                continue
            seen_names[sorted_as] = row.number
            named = name_key(sorted_as)
            siret = values.get("siret")
            twin = by_siret.get(siret) or by_site.get(website_key(values.get("website")))
            same_name = by_name.get(named)
            if twin is None and same_name is not None and not _other_siret(same_name, siret):
                twin = same_name  # a name alone never joins two structures with two SIRETs
            existing = by_source.get(path)
            if os.path.lexists(root / path):  # a link counts, even one that leads nowhere
                if existing is not None and _other_siret(existing, siret):
                    outcomes.append(
                        Outcome(
                            row,
                            "exists",
                            path,
                            [f"une autre structure (SIRET {existing.fields['siret']}) a ce nom de fichier"],
                        )
                    )
                elif update:
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


def _other_siret(record: Any, siret: Any) -> bool:
    """Whether a record names a SIRET, and another one than `siret` (when given)."""
    theirs = record.fields.get("siret")
    return bool(theirs and siret and theirs != siret)


def _check(scratch: Path, path: str, kind: str, text: str, themes: dict, territory: Territory) -> list[str]:
    """The problems `essaim validate` would report for this file (schema, checks, themes)."""
    file = scratch / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    record, problems = read_record(file, scratch, kind)
    if record is not None and not problems:
        problems = record_problems(record, territory.tz)
    reasons = list(dict.fromkeys(p.message for p in problems if p.severity == "error"))
    if record is not None:
        reasons += [f"thème inconnu « {t} »" for t in record.themes if t not in themes]
    file.unlink()
    return reasons


def write(root: Path, outcomes: list[Outcome]) -> int:
    """Write the files of the rows to create or update; return how many. Never through a link:
    a file (or its folder) that is a link, or that leads out of the repository, is left as it
    is, and the row is rejected with the reason; a new file is created, never opened."""
    written = 0
    root = root.resolve()
    for outcome in outcomes:
        if outcome.action not in ("create", "update"):
            continue
        target = root / outcome.path
        folder = target.parent
        if folder.is_symlink() or os.path.islink(target) or not folder.resolve().is_relative_to(root):
            outcome.action = "reject"
            outcome.reasons = ["fichier ou dossier qui est un lien (hors du dépôt ?) : laissé tel quel"]
            continue
        folder.mkdir(parents=True, exist_ok=True)
        mode = "x" if outcome.action == "create" else "w"
        try:
            with open(target, mode, encoding="utf-8") as file:
                file.write(outcome.text)
        except FileExistsError:
            outcome.action = "exists"
            outcome.reasons = ["la fiche existe déjà (--update pour la remplacer)"]
            continue
        written += 1
    return written
