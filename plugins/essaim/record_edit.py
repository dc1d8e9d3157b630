"""Edits of a record file made by a command (`essaim confirm`):
one top-level field set, every other byte of the file kept — comments, order, quotes, line ends.

The edit is read back: the new file must hold exactly the old fields with that one changed,
else nothing is written and the command says which line to write by hand.
"""

from __future__ import annotations

from typing import Any

import yaml

from .records.load import load_yaml_mapping

ODD_LINE_ENDS = ("\x85", "\u2028", "\u2029")  # line breaks to YAML, not to str.split("\n")


class EditError(ValueError):
    """The field cannot be set without touching the rest of the file (the message says why)."""


def _front(lines: list[str]) -> tuple[int, str]:
    """The line of the closing `---` and the front matter's text (without "\\r")."""
    if not lines or lines[0].lstrip("\ufeff").rstrip() != "---":
        raise EditError("le fichier ne commence pas par « --- »")
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        raise EditError("l'en-tête n'est pas refermé par « --- »")
    return closing, "\n".join(line.rstrip("\r") for line in lines[1:closing])


def set_field(text: str, key: str, value: str) -> str:
    """`text` with the top-level `key` set to `value` (YAML text of one line, written as is):
    its line changed when the key is there on one line, else a line added at the end of the
    front matter. Raises EditError when the result would change anything else."""
    lines = text.split("\n")  # a "\r" stays at the end of its line
    closing, front = _front(lines)
    if any(sign in front for sign in ODD_LINE_ENDS):  # YAML's lines would not be ours
        raise EditError("l'en-tête contient un saut de ligne inhabituel (U+0085, U+2028 ou U+2029)")
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)  # front-matter line n is lines[n + 1]
    except yaml.YAMLError as error:
        raise EditError("l'en-tête n'est pas du YAML valide : lancez « essaim validate »") from error
    if not isinstance(node, yaml.MappingNode):
        raise EditError("l'en-tête n'est pas une liste de champs")
    before, _, problems = load_yaml_mapping(front, "", line_offset=1, lines=False)
    if before is None or problems:
        raise EditError("l'en-tête n'est pas valide : lancez « essaim validate »")
    eol = "\r" if lines[closing].endswith("\r") else ""
    pair = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    if pair is None:
        lines.insert(closing, f"{key}: {value}{eol}")
    else:
        old = pair[1]
        start, end = old.start_mark, old.end_mark
        if (
            not isinstance(old, yaml.ScalarNode)
            or start.line != end.line
            or start.line != pair[0].start_mark.line
        ):
            raise EditError(f"« {key} » est écrit sur plusieurs lignes")
        row = start.line + 1
        line = lines[row]
        lines[row] = line[: start.column] + value + line[end.column :]
    edited = "\n".join(lines)
    _reads_back(edited, before, key, value)
    return edited


def _reads_back(text: str, before: dict[str, Any], key: str, value: str) -> None:
    closing, front = _front(text.split("\n"))
    after, _, problems = load_yaml_mapping(front, "", line_offset=1, lines=False)
    wanted, _, _ = load_yaml_mapping(f"{key}: {value}", "", lines=False)
    if problems or after is None or wanted is None or after != {**before, **wanted}:
        raise EditError(f"impossible de changer « {key} » sans toucher au reste du fichier")
