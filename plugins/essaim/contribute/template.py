"""A new record file, written from a commented French template (for `essaim new`)."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from slugify import slugify

from ..records.checks import RESERVED_EVENT_SLUGS, RESERVED_SLUGS
from ..records.load import CONTROL_CHARACTERS
from .fields import FIELDS, FOLDERS, KIND_LABELS, TITLE_KEY, Field

BODY = {
    "actor": "Présentez votre structure ici, en quelques paragraphes : son histoire, ses activités,\n"
    "comment la rejoindre ou la soutenir. Le texte peut utiliser Markdown (**gras**, listes, liens).\n",
    "initiative": "Décrivez l'initiative : ses objectifs, ses partenaires, ses prochaines étapes.\n",
    "event": "Décrivez l'événement : le programme, le public attendu, comment venir.\n",
}


def yaml_value(value: Any) -> str:
    """A YAML scalar or flow list that reads back as `value` (JSON strings are valid YAML)."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):  # fixed notation: YAML 1.1 reads `3e-05` as text
        text = f"{value:.10f}".rstrip("0")
        return text + "0" if text.endswith(".") else text
    return json.dumps(str(value), ensure_ascii=False)


def reserved_slugs(kind: str) -> set[str]:
    """File names the site keeps for its own pages (`page` of /acteurs/page/2/...)."""
    return RESERVED_SLUGS | (RESERVED_EVENT_SLUGS if kind == "event" else set())


def name_hash(name: str) -> str:
    """FNV-1a (32 bits) of the name's UTF-8 bytes, in 8 hex digits: the same in the form's
    JavaScript (propose.js), so that both name a record the same when nothing is left to slugify."""
    value = 0x811C9DC5
    for byte in unicodedata.normalize("NFC", name).encode("utf-8", "replace"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def slug_for(name: str, kind: str = "actor") -> str:
    """The file name (without .md) of a record: lower-case ASCII words joined by hyphens;
    `fiche-<hash>` when no letter can be written in ASCII (emoji), `<slug>-fiche` for a
    name the site reserves."""
    slug = slugify(name, max_length=80, word_boundary=True) or f"fiche-{name_hash(name)}"
    return f"{slug}-fiche" if slug in reserved_slugs(kind) else slug


# U+0080-U+009F: windows-1252 bytes once read as Latin-1 upstream (’ is 0x92, « € … Œ too).
_C1 = re.compile("[\x80-\x9f]")


def clean_text(text: str) -> str:
    """Text as a record can hold it: line breaks as \\n, C1 controls turned back into the
    windows-1252 characters they stand for (the 5 bytes it leaves undefined are dropped),
    other control characters and lone surrogates removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _C1.sub(lambda m: bytes([ord(m[0])]).decode("cp1252", "ignore"), text)
    return CONTROL_CHARACTERS.sub("", text)  # what validation refuses, C1 aside (turned back above)


# Examples for fields without one: a commented line, once uncommented, must stay valid.
EXAMPLE_BY_WIDGET = {"url": "https://exemple.org", "textarea": '"..."', "text": '"..."'}


def _example(field: Field) -> str:
    return field.example or EXAMPLE_BY_WIDGET.get(field.widget, '"..."')


def record_text(kind: str, values: dict[str, Any]) -> str:
    """The file: every field of the contract, those given filled in, the others commented out
    with an example, each with its French help; then a body to replace."""
    lines = [
        "---",
        f"# Fiche pour {KIND_LABELS[kind]}. Les lignes qui commencent par « # » sont des commentaires :",
        "# pour remplir un champ, retirez le « # » et l'espace qui le suit. Aide : CONTRIBUTING.md.",
    ]
    groups: dict[str, list[Field]] = {}
    for field in FIELDS[kind]:
        groups.setdefault(field.key.split(".")[0], []).append(field)
    for top, fields in groups.items():
        if len(fields) == 1 and "." not in fields[0].key:
            field = fields[0]
            comment = f"  # {field.label}" + (f". {field.help}" if field.help else "")
            if field.key in values and values[field.key] not in (None, "", []):
                lines.append(f"{top}: {yaml_value(values[field.key])}{comment}")
            else:
                lines.append(f"# {top}: {_example(field)}{comment}")
            continue
        given = [f for f in fields if values.get(f.key) not in (None, "", [])]
        prefix = "" if given else "# "
        lines.append(f"{prefix}{top}:")
        for field in fields:
            sub = field.key.split(".", 1)[1]
            indent = "  " * sub.count(".")
            key = sub.rsplit(".", 1)[-1]
            comment = f"  # {field.label}" + (f". {field.help}" if field.help else "")
            if field in given:
                lines.append(f"  {indent}{key}: {yaml_value(values[field.key])}{comment}")
            else:
                lines.append(f"#   {indent}{key}: {_example(field)}{comment}")
    lines.append("---")
    return "\n".join(lines) + "\n" + BODY[kind]


def record_path(kind: str, values: dict[str, Any]) -> str:
    """Where the record goes: `actors/<slug>.md`."""
    return f"{FOLDERS[kind]}/{slug_for(str(values[TITLE_KEY[kind]]), kind)}.md"
