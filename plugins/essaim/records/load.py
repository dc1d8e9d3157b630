"""Read one record file: UTF-8 text → YAML front matter (with a line map) and a Markdown body.

Nothing here knows about schemas or other records: `validate` does. Every failure becomes a
`Problem` naming the file, the line and what to do; nothing raises for bad content.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .limits import LIMITS
from .problems import Problem

SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")  # \Z: `$` would take a final line feed
DELIMITER = "---"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# Keys whose values are codes written with digits: `postcode: 04000` must stay "04000".
TEXT_CODE_KEYS = frozenset({"postcode", "siret", "insee_code", "phone"})
# Keys whose closed list contains yes/no, which YAML 1.1 would turn into booleans.
YES_NO_KEYS = frozenset({"wheelchair"})

# libyaml's most frequent messages, told in French (the others are kept as they are).
YAML_PROBLEMS = {
    "mapping values are not allowed in this context": "un « : » inattendu ; si la valeur "
    "contient « : », mettez-la entre guillemets",
    "found character '\\t' that cannot start any token": "tabulation interdite ; indentez avec des espaces",
    "could not find expected ':'": "il manque « : » après le nom du champ",
    "found undefined alias": "« * » en début de valeur ; mettez la valeur entre guillemets",
    "did not find expected key": "indentation incohérente ; alignez les champs d'un même groupe",
    "found unexpected end of stream": "guillemet ou crochet non fermé",
}

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"


class FrontMatterLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader (libyaml when available) that keeps dates as text.

    Dates are parsed by the validator with the territory's time zone; YAML's own timestamp
    type would turn `2026-03-05 18:00` into text but `2026-03-05 18:00:00` into a naive datetime.
    """


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
assert not FrontMatterLoader.yaml_path_resolvers and None not in FrontMatterLoader.yaml_implicit_resolvers
_IMPLICIT = FrontMatterLoader.yaml_implicit_resolvers


def _resolve(self: Any, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's Resolver.resolve for a loader without path resolvers, in fewer steps: libyaml's
    composer calls it for every scalar, and most values (names, texts) start with a letter no
    implicit type claims."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[0] if value else "", ()):
                if regexp.match(value):
                    return tag
        return STR_TAG
    return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"


def _no_path(*_: Any) -> None:
    """Path resolvers are not used: nothing to track while descending the document."""


FrontMatterLoader.resolve = _resolve  # type: ignore[method-assign]
FrontMatterLoader.descend_resolver = _no_path  # type: ignore[method-assign,assignment]
FrontMatterLoader.ascend_resolver = _no_path  # type: ignore[method-assign,assignment]

LinePath = tuple[str | int, ...]


@dataclass
class SourceRecord:
    """What a record file holds, before validation."""

    kind: str
    slug: str
    path: str  # relative to the territory root, with forward slashes
    fields: dict[str, Any]
    body: str
    body_line: int
    lines: dict[LinePath, tuple[int, int]] | None = None  # None: found from `front_matter` on demand
    digest: str = ""  # SHA-1 of the file's bytes: a record's identity for change detection
    front_matter: str = ""

    def line_map(self) -> dict[LinePath, tuple[int, int]]:
        """Where every key is. Most records are valid and never need it: it is only made when a
        problem needs a position, by parsing the front matter again."""
        if self.lines is None:
            _, lines, _ = load_yaml_mapping(self.front_matter, self.path, line_offset=1)
            self.lines = lines
        return self.lines

    def position(self, path: LinePath) -> tuple[int, int]:
        """Line and column of the deepest key of `path` present in the file (1, 1 if none)."""
        lines = self.line_map()
        for end in range(len(path), 0, -1):
            if path[:end] in lines:
                return lines[path[:end]]
        return (1, 1)


def load_yaml_mapping(
    text: str, path: str, line_offset: int = 0, lines: bool = True
) -> tuple[dict[str, Any] | None, dict[LinePath, tuple[int, int]], list[Problem]]:
    """Parse YAML text that must be a mapping; return data, line map and problems.

    `line_offset` is the number of file lines before the YAML text (1 for front matter).
    `lines=False` skips the line map (returned empty): the same data, a third faster.
    """
    problems: list[Problem] = []
    too_deep = _too_deep(text)
    if too_deep is not None:
        line, col = too_deep
        problems.append(
            Problem(
                path,
                line + line_offset,
                col,
                f"crochets ou tirets imbriqués sur plus de {LIMITS['yaml_depth']} niveaux : "
                "une fiche n'en a besoin que de trois, simplifiez cette valeur",
            )
        )
        return None, {}, problems
    loader = FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            line, col = node.start_mark.line + 1 + line_offset, node.start_mark.column + 1
            problems.append(
                Problem(path, line, col, "l'en-tête doit être une liste de champs « clé: valeur »")
            )
            return None, {}, problems
        builder = _Builder(loader, path, line_offset, text)
        data = builder.build(node, ()) if lines else builder.plain(node, None)
        line_map = builder.lines
        problems.extend(builder.problems)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        col = (mark.column + 1) if mark else 1
        what = YAML_PROBLEMS.get(error.problem or "", error.problem or "syntaxe invalide")
        if error.context:
            what = f"{error.context}, {what}"
        if error.context_mark and mark and error.context_mark.line != mark.line:
            what += f" ; élément ouvert ligne {error.context_mark.line + 1 + line_offset}"
        problems.append(
            Problem(
                path,
                line,
                col,
                f"erreur de syntaxe YAML ({what}) : vérifiez l'indentation, les deux-points "
                "et mettez entre guillemets les textes qui contiennent « : » ou « # »",
            )
        )
        return None, {}, problems
    except yaml.YAMLError as error:  # pragma: no cover - libyaml reader errors without a mark
        problems.append(Problem(path, 1 + line_offset, 1, f"erreur YAML : {error}"))
        return None, {}, problems
    finally:
        loader.dispose()
    return data, line_map, problems


# Below this many flow brackets and block-list dashes, a text cannot nest deeper than libyaml's
# composer can follow (it recurses in C, with no limit of its own: 100,000 levels of `[` crash
# the process). Nesting by indentation alone needs n(n+1)/2 spaces for n levels, so the file-size
# limit bounds it to a few hundred levels, which the composer follows safely.
DEEP_SCAN_FROM = 500
_DEPTH_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where `text` nests lists and groups deeper than the contract allows (line and column,
    1-based, in `text`), or None. Only texts with many brackets or dashes are scanned, with
    libyaml's parser (a state machine, safe at any depth) before its composer sees them."""
    if text.count("[") + text.count("{") + text.count("-") + text.count("?") < DEEP_SCAN_FROM:
        return None
    depth = 0
    loader = FrontMatterLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _DEPTH_EVENTS):
                depth += 1
                if depth > LIMITS["yaml_depth"]:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # a syntax error: the composer reports it at its position
    finally:
        loader.dispose()
    return None


MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_INTEGER = 2**53  # beyond, JSON readers (JavaScript among them) lose digits
# What no page, feed or export can carry: C0 controls but tab and line feed, DEL, C1 controls,
# halves of UTF-16 pairs, and the two non-characters XML refuses.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Marks that turn the direction of the text around them, and the byte-order mark: invisible in a
# name, misleading in a page (text from outside: a registry, a calendar).
INVISIBLE_MARKS = re.compile("[\u202a-\u202e\u2066-\u2069\ufeff]")


def one_line(value: str, most: int) -> str:
    """A text from outside on one line: control characters and invisible marks dropped, spaces
    joined, at most `most` characters."""
    text = INVISIBLE_MARKS.sub("", CONTROL_CHARACTERS.sub(" ", value))
    return " ".join(text.split())[:most].rstrip()


class _Builder:
    """Turns a composed YAML node into Python data in one pass: `build` notes where every key
    is (the line map of error messages), `plain` does not (valid records never need it).

    Plain text (most values) is taken as it is; other scalars (numbers, booleans, null) go
    through PyYAML's safe constructor. Codes keep their written digits (`postcode: 01000`) and
    yes/no answers stay words (`wheelchair: yes`).
    """

    def __init__(self, loader: Any, file_path: str, offset: int, text: str = "*\\") -> None:
        self.loader = loader
        self.file_path = file_path
        self.offset = offset
        self.lines: dict[LinePath, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        # Nodes already turned into data: YAML's composer hands an alias (`*a`) over as the very
        # node its anchor (`&a`) named, so a node met twice is an alias. Following aliases would
        # let nine lines of nested aliases stand for billions of values, or one long text stand
        # for ten thousand. A text without `*` has no alias: nothing to note.
        self.aliases = "*" in text
        self.seen: set[int] = set()
        # A control character can only reach a text through a `\` escape (libyaml refuses them
        # written as they are): texts are searched for them only when the file has a `\`.
        self.escapes = "\\" in text

    def build(self, node: yaml.Node, path: LinePath, at: yaml.Node | None = None) -> Any:
        """The data of `node`, noting the position of every key and list item under `path`
        (`at`: the node a problem is told at: the key of a mapping value, the list holding an
        item, since an alias item is its anchor's node and carries the anchor's position)."""
        if isinstance(node, yaml.ScalarNode):
            if node.tag != STR_TAG:
                return self._scalar(node, path[-1] if path else None)
            return self._text(node, at) if self.aliases or self.escapes else node.value
        if not self._enter(node, len(path), at):
            return None
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = self._position(item)
                items.append(self.build(item, path + (index,), node))
            return items
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key in mapping:
                self._duplicate(key, key_node)
            self.lines.setdefault(path + (str(key),), self._position(key_node))
            mapping[key] = self.build(value_node, path + (str(key),), key_node)
        return mapping

    def plain(self, node: yaml.Node, key: Any, depth: int = 0, at: yaml.Node | None = None) -> Any:
        """The same data as `build`, without noting positions (`key`: the parent key, if any)."""
        if isinstance(node, yaml.ScalarNode):
            if node.tag != STR_TAG:
                return self._scalar(node, key)
            return self._text(node, at) if self.aliases or self.escapes else node.value
        if not self._enter(node, depth, at):
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, None, depth + 1, node) for item in node.value]
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            name = self._key(key_node)
            if name in mapping:
                self._duplicate(name, key_node)
            mapping[name] = self.plain(value_node, name, depth + 1, key_node)
        return mapping

    def _alias(self, node: yaml.Node, at: yaml.Node | None) -> bool:
        """Whether `node` was met before (an alias), noted as a problem at `at`."""
        if id(node) not in self.seen:
            self.seen.add(id(node))
            return False
        self.problems.append(
            Problem(
                self.file_path,
                *self._position(at or node),
                "les renvois YAML (« &nom » puis « *nom ») ne sont pas acceptés dans une fiche : "
                "recopiez la valeur à chaque endroit où elle sert",
            )
        )
        return True

    def _text(self, node: yaml.ScalarNode, at: yaml.Node | None) -> str | None:
        """A text, unless it is an alias or holds a character no page or feed can carry."""
        if self.aliases and self._alias(node, at):
            return None
        if self.escapes and CONTROL_CHARACTERS.search(node.value):
            self.problems.append(
                Problem(
                    self.file_path,
                    *self._position(node),
                    "ce texte contient un caractère de contrôle (écrit « \\x.. », « \\u.. » ou "
                    "« \\0 ») qu'aucune page ni aucun flux ne peut porter : retirez-le",
                )
            )
            return None
        return node.value

    def _enter(self, node: yaml.Node, depth: int, at: yaml.Node | None) -> bool:
        """Whether a list or group may be turned into data: never twice (an alias), never
        deeper than the contract allows. A refusal is noted as a problem at `at`."""
        if self.aliases and self._alias(node, at):
            return False
        if depth >= LIMITS["yaml_depth"]:
            self.problems.append(
                Problem(
                    self.file_path,
                    *self._position(at or node),
                    f"champs imbriqués sur plus de {LIMITS['yaml_depth']} niveaux : "
                    "une fiche n'en a besoin que de trois, simplifiez cette valeur",
                )
            )
            return False
        return True

    def _scalar(self, node: yaml.ScalarNode, key: Any) -> Any:
        """A scalar that is not plain text: a number, a boolean, null (codes and yes/no kept)."""
        try:
            value = self.loader.construct_object(node)
        except ValueError:  # an integer of thousands of digits: Python refuses to read it
            value = math.inf
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            value = math.inf
        if key in TEXT_CODE_KEYS and not node.style and isinstance(value, int | float):
            return node.value if not isinstance(value, bool) else value
        if key in YES_NO_KEYS and isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and not math.isfinite(value):
            self.problems.append(
                Problem(
                    self.file_path,
                    *self._position(node),
                    f"« {_shown(node.value)} » n'est pas un nombre utilisable : écrivez un nombre décimal "
                    "(par exemple 47.2184) ou retirez la ligne",
                )
            )
            return None
        return value

    def _key(self, key_node: yaml.Node) -> Any:
        if key_node.tag == MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
            raise yaml.MarkedYAMLError(
                problem="clé non prise en charge (« << » ou clé complexe)",
                problem_mark=key_node.start_mark,
            )
        return key_node.value if key_node.tag == STR_TAG else self.loader.construct_object(key_node)

    def _duplicate(self, key: Any, key_node: yaml.Node) -> None:
        self.problems.append(
            Problem(
                self.file_path,
                *self._position(key_node),
                f"la clé « {key} » est écrite deux fois : gardez-en une",
            )
        )

    def _position(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)


def _shown(text: str, most: int = 40) -> str:
    """A value as a message quotes it: its start only when it is long."""
    return text if len(text) <= most else text[:most] + "…"


def _relative(path: str, root: str) -> str:
    """`path` relative to `root`, with forward slashes (`path` itself when outside `root`)."""
    prefix = os.path.join(root, "")
    if path.startswith(prefix):
        rel = path[len(prefix) :]
    else:
        try:
            rel = str(Path(path).relative_to(root))
        except ValueError:
            rel = path
    return rel.replace(os.sep, "/")


def inside(path: str, root: str) -> bool:
    """Whether `path`, links followed, is a file within `root` (links followed too)."""
    real_root = os.path.join(os.path.realpath(root), "")
    return os.path.realpath(path).startswith(real_root)


@lru_cache(maxsize=64)
def _folder_inside(folder: str, root: str) -> bool:
    """Whether a folder (`actors/`, links followed) is within `root`: asked once per folder."""
    return inside(os.path.join(folder, ""), root)


def read_source(
    file: str | os.PathLike[str], root: str | os.PathLike[str], kind: str
) -> tuple[SourceRecord | None, list[Problem]]:
    """Read `file` (a record of `kind`) and split it into front matter and body."""
    path = os.fspath(file)
    rel = _relative(path, os.fspath(root))
    problems: list[Problem] = []
    name = os.path.basename(path)
    slug = os.path.splitext(name)[0]
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                rel,
                1,
                1,
                f"nom de fichier « {name} » invalide : utilisez des minuscules sans accents, "
                "des chiffres et des tirets (par exemple « ma-structure.md »)",
            )
        )
    if (os.path.islink(path) or not _folder_inside(os.path.dirname(path), os.fspath(root))) and not inside(
        path, os.fspath(root)
    ):
        problems.append(
            Problem(
                rel,
                1,
                1,
                "ce fichier est un lien vers un fichier hors du dépôt (ou son dossier en est un) : "
                "remplacez le lien par le fichier lui-même",
            )
        )
        return None, problems
    limit = LIMITS["file_bytes"]
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        problems.append(
            Problem(
                rel,
                1,
                1,
                f"le fichier dépasse {limit // 1024} Ko : raccourcissez la présentation "
                "(une fiche tient en quelques pages)",
            )
        )
        return None, problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(
            Problem(
                rel,
                line,
                col,
                "le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
                "(dans votre éditeur : « Enregistrer sous », encodage UTF-8)",
            )
        )
        return None, problems
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != DELIMITER:
        problems.append(
            Problem(
                rel, 1, 1, "le fichier doit commencer par une ligne « --- » suivie des champs de la fiche"
            )
        )
        return None, problems
    try:
        closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() in (DELIMITER, "..."))
    except StopIteration:
        problems.append(
            Problem(
                rel,
                1,
                1,
                "l'en-tête ouvert par « --- » n'est jamais fermé : ajoutez une ligne « --- » "
                "après le dernier champ",
            )
        )
        return None, problems
    front_matter = "\n".join(lines[1:closing])
    fields, _, yaml_problems = load_yaml_mapping(front_matter, rel, line_offset=1, lines=False)
    problems.extend(yaml_problems)
    if fields is None:
        return None, problems
    body = "\n".join(lines[closing + 1 :]).strip("\n")
    source = SourceRecord(
        kind=kind,
        slug=slug,
        path=rel,
        fields=fields,
        body=body,
        body_line=closing + 2,
        digest=hashlib.sha1(data).hexdigest(),
        front_matter=front_matter,
    )
    return source, problems


def line_map(file: Path) -> dict[LinePath, tuple[int, int]]:
    """Positions of the keys of a record file (re-read on demand: valid records drop theirs)."""
    source, _ = read_source(file, file.parent, "record")
    return source.line_map() if source else {}
