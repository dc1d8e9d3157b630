"""Records that come from outside the repository's files — a neighbouring directory's dataset,
an actor's calendar — checked as a local record is: no value nested too deep or carrying a
control character, then its schema, then `record_problems` (dates, recurrence, SIRET...).
Shared by federation and calendars, at pull time and again at build time.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

from .checks import RESERVED_EVENT_SLUGS, RESERVED_SLUGS, record_problems
from .limits import LIMITS
from .load import CONTROL_CHARACTERS, SLUG_RE, SourceRecord
from .model import RECORD_TYPES, Event, Record
from .schema import bundled, schema_problems

MAX_DEPTH = LIMITS["yaml_depth"]  # nesting of any JSON from outside, as of a local record
LONE_SURROGATE = "caractère invalide (moitié de paire UTF-16 isolée)"


def _no_constant(name: str) -> Any:
    raise ValueError(f"« {name} » n'est pas un nombre JSON")


def strict_json(text: str) -> Any:
    """JSON from outside, as the standard says it: `NaN` and `Infinity` (which Python's reader
    takes, and no map can place) are refused. Raises ValueError or RecursionError."""
    return json.loads(text, parse_constant=_no_constant)


def untrusted_problem(value: Any) -> str:
    """Why JSON from outside cannot be used as it is ("" when it can): nested too deep to be
    checked and written back safely, or a text (or key) holding a character no page or feed can
    carry: a control character, half of a UTF-16 pair (never valid UTF-8)..."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return f"valeurs imbriquées sur plus de {MAX_DEPTH} niveaux"
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
        elif isinstance(item, str) and CONTROL_CHARACTERS.search(item):
            surrogate = any("\ud800" <= c <= "\udfff" for c in item)
            return LONE_SURROGATE if surrogate else "caractère de contrôle dans un texte"
    return ""


def checked_record(
    kind: str,
    fields: dict[str, Any],
    body: str,
    source: str,
    slug: str,
    tz: ZoneInfo,
    digest: str = "",
    schema_checked: bool = False,
) -> tuple[Record | None, str]:
    """A record made of `fields` (as a file's front matter) and `body`, after the checks a local
    record goes through: (the record, "") or (None, the first reason, in French). Its times are
    set for an event. `schema_checked`: the caller has walked the values and checked them
    against the schema already (a peer's record, with the keys only exports carry)."""
    problem = "" if schema_checked else untrusted_problem([fields, body, slug])  # nesting first
    if problem:
        return None, problem
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        return None, "pas d'identifiant « slug » utilisable"
    if slug in RESERVED_SLUGS or (kind == "event" and slug in RESERVED_EVENT_SLUGS):
        return None, f"identifiant « {slug} » réservé à une page de liste"
    if (
        not isinstance(body, str)
        or len(body) > bundled(f"{kind}.json")["properties"]["description"]["maxLength"]
    ):
        return None, "présentation trop longue"
    problems = [] if schema_checked else schema_problems(SourceRecord(kind, "", source, fields, "", 0, {}))
    if problems:
        return None, problems[0].message
    if not digest:
        text = json.dumps([fields, body], sort_keys=True, ensure_ascii=False).encode("utf-8")
        digest = hashlib.sha1(text).hexdigest()
    record = RECORD_TYPES[kind](
        slug=slug, source=source, fields=fields, body=body, body_line=0, digest=digest
    )
    problems = record_problems(record, tz)
    if problems:
        return None, problems[0].message
    if isinstance(record, Event):
        record.set_times(tz)
    return record, ""
