"""The search index, built in Python, in a compact form that search.js turns back into lunr
indexes (one per shard) before `lunr.Index.load`.

What a visitor downloads (everything under `search/`):

- `meta.json`: what every query needs — the fields and their boosts, each document's field
  lengths (BM25 needs them), the facets of every document (type, themes, legal form, city, date),
  the labels of facet values, and the list of shards with a content hash each. The per-document
  columns are packed (see `pack`): one string each instead of a list of numbers, which a browser
  parses many times faster (80 ms → a few at 50,000 documents).
- `shard-<cc>.json`: the postings of the terms that begin with the two characters `cc` (a–z,
  0 for a digit, _ for the rest). A query word only needs the shard of its first two letters:
  prefix searches (three letters or more) and typo tolerance stay within it, so a typo in the
  first two letters is not tolerated. Small shards keep the first download small; search.js then
  builds a lunr index of only the terms a query word can match (its cost follows their postings).
- `docs-<n>.json`: what a result shows (name, URL, summary, city, date), 32 documents per file,
  fetched for the results on screen only.

Postings hold term frequencies, not scores: search.js computes lunr's BM25 field vectors with
lunr's own formula (k1 = 1.2, b = 0.75, three decimals), so an index rebuilt from these files
answers exactly as a lunr.js `Builder` fed the same documents would (tests/test_search_browser.py
checks this). Field vectors only hold the terms built: lunr 2 divides a score by the query
vector's magnitude, never the document's, so a few terms score as the whole index would.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..analysis import SEPARATOR, SEPARATOR_CHARACTERS, WORD_CHARACTERS, pipeline
from ..i18n import N_, _
from ..records.model import slugify

FIELDS = ("name", "about", "body")
# A match in the name beats one in the themes/summary, which beats one in the body.
BOOSTS = (10, 3, 1)
CHUNK_SIZE = 32
FORMAT_VERSION = 2
KINDS = ("actor", "initiative", "event", "offer_need")
PACK_OFFSET = 0x30  # packed value v is the character v + 0x30 (so -1 is "/")
PACK_LIMIT = 0xD7FF - PACK_OFFSET  # below the surrogates: one UTF-16 unit per value
PACK_END = " "  # ends each document's values in a packed multi-valued column
SHARD_PREFIX = 2  # a term's shard is named after its first two letters
# The facets of the search page, in the order of its filters: the URL parameter, the column of
# meta.json holding each document's value (a position in labels[<labels>], -1 for none), whether
# a document may have several. "when" is computed in the browser from "date" for the visitor's
# day (a static site ages between two builds).
FACETS = (
    {"name": "type", "column": "kind", "labels": "types"},
    {"name": "category", "column": "category", "labels": "categories"},
    {"name": "theme", "column": "themes", "labels": "themes", "multi": True},
    {"name": "legal_form", "column": "legal_form", "labels": "legal_forms"},
    {"name": "city", "column": "city", "labels": "cities"},
    {"name": "when", "column": "date", "labels": "when", "by_day": True},
    {"name": "territory", "column": "territory", "labels": "territories"},
    # "open": whether a place is open now, computed in the browser from its opening hours (an
    # expression of hours_values, or -1) by the opening_hours library (js/hours/).
    {"name": "open", "column": "hours", "labels": "open", "by_hours": True},
)
TYPE_LABELS = (
    ("actor", N_("Acteurs")),
    ("initiative", N_("Initiatives")),
    ("event", N_("Événements")),
    ("offer_need", N_("Offres et besoins")),
)
WHEN_LABELS = (("upcoming", N_("À venir")), ("past", N_("Passés")))
OPEN_LABELS = (("now", N_("Ouvert maintenant")),)


def client_constants(language: str = "fr") -> dict[str, Any]:
    """What search.js must agree on with this module, written once into meta.json ("client")
    and onto the search page (to guess the shards a query needs before meta.json arrives):
    how words are split, trimmed, folded and stemmed (the language's pipeline), how columns are
    packed, how shards are named, the facets."""
    analysis = pipeline(language)
    return {
        "language": analysis.language,
        "pipeline": analysis.labels,
        "folds": analysis.folds,
        "fold_expands": analysis.expands,
        "separator": SEPARATOR_CHARACTERS,
        "word_characters": WORD_CHARACTERS,
        "pack_offset": PACK_OFFSET,
        "pack_end": PACK_END,
        "shard_prefix": SHARD_PREFIX,
        "facets": FACETS,
    }


def pack(values: list[int] | list[list[int]]) -> str | list:
    """A column of small integers (≥ -1) as one string, one character per value; a column of
    lists (themes) with a space after each document's values. A column with a value out of range
    stays a list (search.js reads both)."""
    flat = [v for item in values for v in (item if isinstance(item, list) else [item])]
    if any(v < -1 or v > PACK_LIMIT for v in flat):
        return values
    if values and isinstance(values[0], list):
        return "".join("".join(chr(v + PACK_OFFSET) for v in item) + PACK_END for item in values)
    return "".join(chr(v + PACK_OFFSET) for v in values)


def unpack(packed: str | list, multi: bool = False) -> list:
    """The column `pack` packed (for tests and tools reading meta.json)."""
    if not isinstance(packed, str):
        return packed
    if multi:
        return [[ord(c) - PACK_OFFSET for c in item] for item in packed.split(PACK_END)[:-1]]
    return [ord(c) - PACK_OFFSET for c in packed]


def _key_letter(character: str) -> str:
    if "a" <= character <= "z":
        return character
    return "0" if "0" <= character <= "9" else "_"


def shard_key(term: str) -> str:
    """The shard of a term: its first two letters (a digit counts as `0`, anything else as `_`)."""
    return "".join(_key_letter(c) for c in term[:SHARD_PREFIX])


@dataclass
class SearchDocument:
    """One record as search sees it: the texts of its fields, its facets and what a result shows."""

    kind: str  # actor, initiative or event
    name: str
    about: str  # summary, themes, legal form, city, skills: one string (lists joined)
    body: str
    url_path: str  # relative to SITEURL
    summary: str = ""
    city: str = ""
    themes: list[str] = field(default_factory=list)
    legal_form: str = ""
    date: str = ""  # events: YYYY-MM-DD of the next (or last) day it takes place
    date_label: str = ""
    territory: str = ""  # the directory it comes from (facet "Territoire")
    peer: bool = False  # a neighbouring directory's record (its URL may be on its own site)
    category: str = ""  # an offer's or need's (facet "Catégorie")
    hours: str = ""  # an actor's opening hours when in OSM syntax (facet "Ouverture")


def field_texts(document: SearchDocument) -> tuple[str, str, str]:
    """What is indexed in each of FIELDS. An offer's or need's text is its title on screen, but
    weighs as a record's summary does: it must not push records out of the first results."""
    if document.kind == "offer_need":
        return "", f"{document.name} {document.about}", document.body
    return document.name, document.about, document.body


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def build(
    documents: list[SearchDocument],
    labels: dict[str, list[tuple[str, str]]],
    language: str = "fr",
) -> dict[str, str]:
    """The files of the search index, {path under search/: JSON text}, its words analysed by
    `language`'s pipeline (analysis.py).

    `documents` come in display order (the order of an empty-query browse); `labels` gives the
    facet values in display order: {"themes": [(slug, label)], "legal_forms": [...], "cities": [...]}.

    Postings are written as they are found, documents in increasing order: each is the gap from
    the previous document, doubled, +1 when the term frequency (then written next) is above 1.
    """
    lengths: list[int] = []
    postings: dict[str, tuple[list[int], list[int], list[int]]] = {}
    previous: dict[str, list[int]] = {}  # last document of each term, per field
    terms_of: dict[str, tuple[str, ...]] = {}  # word → terms: a directory's vocabulary is small
    index_terms = pipeline(language).index_terms
    split = SEPARATOR.split
    for number, document in enumerate(documents):
        for position, text in enumerate(field_texts(document)):
            found: dict[str, int] = {}
            length = 0
            for word, count in Counter(split(text.lower())).items():
                word_terms = terms_of.get(word)
                if word_terms is None:
                    word_terms = terms_of[word] = index_terms(word) if word else ()
                for found_term in word_terms:
                    found[found_term] = found.get(found_term, 0) + count
                    length += count
            lengths.append(length)
            for found_term, frequency in found.items():
                entry = postings.get(found_term)
                if entry is None:
                    entry = postings[found_term] = ([], [], [])
                    previous[found_term] = [0, 0, 0]
                last = previous[found_term]
                gap = number - last[position]
                last[position] = number
                if frequency > 1:
                    entry[position].extend((gap * 2 + 1, frequency))
                else:
                    entry[position].append(gap * 2)

    shards: dict[str, dict[str, list]] = {}
    for term in sorted(postings):
        shard = shards.setdefault(shard_key(term), {"terms": [], "postings": []})
        shard["terms"].append(term)
        shard["postings"].append([p or 0 for p in postings[term]])
    files = {f"shard-{key}.json": _json({"v": FORMAT_VERSION, **shard}) for key, shard in shards.items()}

    for start in range(0, len(documents), CHUNK_SIZE):
        chunk = [
            [d.name, d.url_path, d.summary, d.city, d.date_label, d.territory if d.peer else ""]
            for d in documents[start : start + CHUNK_SIZE]
        ]
        files[f"docs-{start // CHUNK_SIZE}.json"] = _json(chunk)

    index_of = {name: {slug: i for i, (slug, _) in enumerate(values)} for name, values in labels.items()}
    hours_values = sorted({d.hours for d in documents if d.hours})  # many places share theirs
    hours_of = {value: i for i, value in enumerate(hours_values)}
    meta = {
        "v": FORMAT_VERSION,
        "fields": FIELDS,
        "boosts": BOOSTS,
        "count": len(documents),
        "chunk": CHUNK_SIZE,
        "lengths": pack(lengths),
        "kinds": KINDS,
        "kind": pack([KINDS.index(d.kind) for d in documents]),
        "themes": pack(
            [[index_of["themes"][t] for t in d.themes if t in index_of["themes"]] for d in documents]
        ),
        "legal_form": pack([index_of["legal_forms"].get(d.legal_form, -1) for d in documents]),
        "category": pack([index_of.get("categories", {}).get(d.category, -1) for d in documents]),
        "city": pack([index_of["cities"].get(slugify(d.city), -1) if d.city else -1 for d in documents]),
        "date": {str(i): d.date for i, d in enumerate(documents) if d.date},
        "territory": pack([index_of["territories"].get(slugify(d.territory), -1) for d in documents]),
        "hours": pack([hours_of.get(d.hours, -1) for d in documents]),
        "hours_values": hours_values,
        "labels": {
            "types": [(value, _(text)) for value, text in TYPE_LABELS],
            "categories": [],
            **labels,
            "when": [(value, _(text)) for value, text in WHEN_LABELS],
            "open": [(value, _(text)) for value, text in OPEN_LABELS],
        },
        "client": client_constants(language),
        "shards": {
            name.removeprefix("shard-").removesuffix(".json"): hashlib.sha1(text.encode()).hexdigest()[:10]
            for name, text in sorted(files.items())
            if name.startswith("shard-")
        },
    }
    meta["stamp"] = hashlib.sha1(_json([meta, sorted(files.items())]).encode()).hexdigest()[:10]
    files["meta.json"] = _json(meta)
    return files
