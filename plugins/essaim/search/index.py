"""The search index, built in Python, in a compact form that search.js turns back into lunr
indexes (one per shard) before `lunr.Index.load`.

What a visitor downloads (everything under `search/`), and when: a query's first results need
meta.json, the shards of its words, the facet files of its filters and the result cards on
screen; the other facet files (the filters' counts) come after the first results. Nothing
downloaded before them grows with the number of records, except the postings of the words typed.

- `meta.json`: the fields and their boosts, each field's mean length (BM25 needs it), the list
  of shards (name, first term, content hash), the facet files (content hash, number of values)
  and the constants search.js shares with this module.
- `shard-<name>.json`: the postings of a range of terms. Terms are grouped by their first two
  characters (a–z, 0 for a digit, _ for the rest), the shard key; a key whose postings are
  large is cut into several shards (`co`, `co-1`…), found by their first terms. A query word
  only needs the shards its terms can be in: prefix searches (three letters or more) read the
  shards the prefix spans; typo tolerance looks within the word's shard (and, when nothing
  matched, the shards of the same key beside it), so a typo in the first two letters is not
  tolerated. Each posting carries its document's field length, so no column of every
  document's lengths is downloaded.
- `facet-<name>.json`: one facet's values (labels, in display order) and every document's
  value (packed, see `pack`).
- `docs-<n>.json`: what a result shows (name, URL, summary, city, date, directory, type,
  themes), 32 documents per file, fetched for the results on screen only.

Postings hold term frequencies and lengths, not scores: search.js computes lunr's BM25 field
vectors with lunr's own formula (k1 = 1.2, b = 0.75, three decimals), so an index rebuilt from
these files answers exactly as a lunr.js `Builder` fed the same documents would
(tests/test_search_browser.py checks this). Field vectors only hold the terms built: lunr 2
divides a score by the query vector's magnitude, never the document's, so a few terms score as
the whole index would.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..analysis import SEPARATOR, SEPARATOR_CHARACTERS, WORD_CHARACTERS, pipeline
from ..i18n import N_, _
from ..jsontext import compact
from ..records.model import slugify

FIELDS = ("name", "about", "body")
# A match in the name beats one in the themes/summary, which beats one in the body.
BOOSTS = (10, 3, 1)
CHUNK_SIZE = 32
FORMAT_VERSION = 4
# A shard key's terms are cut into several shards when their JSON is larger: a common word's
# postings grow with the directory, the other words of its shard should not come with them.
SHARD_LIMIT = 60_000
KINDS = ("actor", "initiative", "event", "offer_need")
PACK_OFFSET = 0x30  # packed value v is the character v + 0x30 (so -1 is "/")
PACK_LIMIT = 0xD7FF - PACK_OFFSET  # below the surrogates: one UTF-16 unit per value
PACK_END = " "  # ends each document's values in a packed multi-valued column
SHARD_PREFIX = 2  # a term's shard is named after its first two letters
# The facets of the search page, in the order of its filters: the URL parameter (and the name of
# its file, facet-<name>.json), the column of each document's value (a position in the file's
# labels, taken from <labels>; -1 for none), whether a document may have several. "when" is
# computed in the browser from "date" for the visitor's day (a static site ages between builds).
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
        "digit_base": DIGIT_BASE,
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


# A term's postings in a field are written as a string, each number in base DIGIT_BASE, one
# character per digit from PACK_OFFSET: a last digit below PACK_OFFSET + DIGIT_BASE, the digits
# before it above (below the surrogates: one UTF-16 unit each). Gaps and lengths are small:
# most numbers are one character, one byte in UTF-8, a third of their JSON list's.
DIGIT_BASE = 0x6000


_DIGITS = [chr(PACK_OFFSET + digit) for digit in range(DIGIT_BASE)]  # a number below DIGIT_BASE


def pack_numbers(values: list[int]) -> str:
    """Non-negative integers as one string (see DIGIT_BASE)."""
    out = []
    for value in values:
        if value < DIGIT_BASE:  # most are: one character, looked up
            out.append(_DIGITS[value])
            continue
        digits = [chr(PACK_OFFSET + value % DIGIT_BASE)]
        value //= DIGIT_BASE
        while value:
            digits.append(chr(PACK_OFFSET + DIGIT_BASE + value % DIGIT_BASE))
            value //= DIGIT_BASE
        out.extend(reversed(digits))
    return "".join(out)


def unpack_numbers(packed: str) -> list[int]:
    """The integers `pack_numbers` packed."""
    found, value = [], 0
    for character in packed:
        digit = ord(character) - PACK_OFFSET
        if digit >= DIGIT_BASE:
            value = value * DIGIT_BASE + digit - DIGIT_BASE
        else:
            found.append(value * DIGIT_BASE + digit)
            value = 0
    return found


def decode(packed: str) -> list[tuple[int, int, int]]:
    """One term's postings in one field as (document, frequency, field length), as search.js
    reads them (for tests and tools reading the shards)."""
    encoded = unpack_numbers(packed)
    found, document, i = [], 0, 0
    while i < len(encoded):
        document += encoded[i] >> 1
        frequency = 1
        if encoded[i] & 1:
            i += 1
            frequency = encoded[i]
        found.append((document, frequency, encoded[i + 1]))
        i += 2
    return found


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
    # The language its name and its summary are written in, when not the index's (untranslated):
    # a result marks them with it (`lang`), so that a screen reader switches voice.
    name_lang: str = ""
    summary_lang: str = ""
    # Per field of FIELDS: ((term, frequency)...) and the field's length in terms, made by
    # `analyse` (the index keeps only its groups: a document is analysed each time it is built).
    terms: tuple[tuple[tuple[tuple[str, int], ...], int], ...] | None = field(default=None, repr=False)


def field_texts(document: SearchDocument) -> tuple[str, str, str]:
    """What is indexed in each of FIELDS. An offer's or need's text is its title on screen, but
    weighs as a record's summary does: it must not push records out of the first results."""
    if document.kind == "offer_need":
        return "", f"{document.name} {document.about}", document.body
    return document.name, document.about, document.body


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def analyse(
    documents: list[SearchDocument],
    language: str,
    known: dict[str, tuple[str, ...]] | None = None,
    found: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Fill each document's `terms`: each field's words split, analysed by `language`'s
    pipeline (analysis.py) and counted. Returns each word's index terms (`found`, completed):
    a directory's vocabulary is small next to its words, and stemming is most of the work, so
    a word is analysed once, or not at all when `known` (other directories' words) has it."""
    known = known or {}
    terms_of = {} if found is None else found
    index_terms = pipeline(language).index_terms
    split = SEPARATOR.split
    for document in documents:
        fields = []
        for text in field_texts(document):
            found: dict[str, int] = {}
            length = 0
            for word, count in Counter(split(text.lower())).items():
                word_terms = terms_of.get(word)
                if word_terms is None:
                    word_terms = known.get(word)
                    if word_terms is None:
                        word_terms = index_terms(word) if word else ()
                    terms_of[word] = word_terms
                for found_term in word_terms:
                    found[found_term] = found.get(found_term, 0) + count
                    length += count
            fields.append((tuple(found.items()), length))
        document.terms = tuple(fields)
    return terms_of


def _shards(postings: dict[str, list[str]], limit: int) -> list[tuple[str, str, str]]:
    """The shard files, [(name, first term, JSON text)] by key, then term. Each shard key (the
    first two letters) is one shard, named after it, while its JSON stays within `limit`
    characters; a larger one is cut into ranges of terms (`co`, `co-1`, `co-2`…), each within
    `limit` unless a single term's postings are larger. search.js finds a term's shard by its
    key and the first terms."""
    shards: list[tuple[str, str, str]] = []
    group: list[tuple[str, str]] = []  # (term, its postings as JSON) of the current key

    def close() -> None:
        key = shard_key(group[0][0])
        parts: list[list[tuple[str, str]]] = [[]]
        size = 0
        for entry in group:
            cost = len(entry[0]) + len(entry[1]) + 6
            if parts[-1] and size + cost > limit:
                parts.append([])
                size = 0
            parts[-1].append(entry)
            size += cost
        for number, part in enumerate(parts):
            text = (
                f'{{"v":{FORMAT_VERSION},"terms":{_json([t for t, _ in part])},"postings":['
                + ",".join(p for _, p in part)
                + "]}"
            )
            shards.append((key if number == 0 else f"{key}-{number}", part[0][0], text))

    # By key, then as JavaScript compares strings (UTF-16 code units), so that search.js's
    # binary searches agree with this order.
    for term in sorted(postings, key=lambda t: (shard_key(t), t.encode("utf-16-be"))):
        if group and shard_key(term) != shard_key(group[0][0]):
            close()
            group = []
        group.append((term, _json(postings[term])))
    if group:
        close()
    return shards


def _local_column(values: list, multi: bool) -> tuple[list[str], str | list]:
    """A column of one group: its distinct values, first seen first, and each document's
    position in them (packed, see `pack`; None, and [], for none). A group numbers the values of
    its own (a city, a theme...) as it meets them; the merged index, by the site's labels
    (`_columns`)."""
    seen: dict[str, int] = {}
    if multi:
        positions: list = [[seen.setdefault(v, len(seen)) for v in item] for item in values]
    else:
        positions = [seen.setdefault(v, len(seen)) if v is not None else -1 for v in values]
    return list(seen), pack(positions) if positions else ""


@dataclass
class Group:
    """One directory's documents (ours, one neighbour's, our offers and needs) indexed alone,
    numbered from 0: the site's index is its groups one after the other (`build_groups`), so
    that a pull makes again only the group of the neighbour it changed (the generator keeps
    the others from the last build), and the merge touches each term of each group once.

    A term's postings in a field are packed as in the site's index, the first gap counted
    from the group's document 0; the merge writes that first number again, shifted."""

    count: int
    postings: dict[str, tuple[str, int, str, int, str, int]]  # term → per field: packed, last document
    totals: list[int]  # each field's summed lengths
    cards: list[str]  # each document's result card (JSON)
    kinds: str  # packed: each document's position in KINDS
    columns: dict[str, tuple[list[str], str | list]]  # per column of raw values: (values, positions)
    dates: list[tuple[int, str]]  # (document, YYYY-MM-DD) of the events
    cities: list[str]  # the cities as written (labels)
    territories: list[str]  # the directories' names, first seen first
    words: dict[str, tuple[str, ...]]  # each word of its documents → its index terms (`analyse`)

    @classmethod
    def of(
        cls,
        documents: list[SearchDocument],
        language: str,
        theme_labels: dict[str, str],
        known: dict[str, tuple[str, ...]] | None = None,
    ) -> Group:
        """The group of `documents`, in the order the index keeps them, their words analysed
        by `language`'s pipeline (`known`: other groups' words, see `analyse`); `theme_labels`:
        what a card says of each theme."""
        words = analyse(documents, language, known)
        found: dict[str, tuple[list[int], list[int], list[int]]] = {}
        previous: dict[str, list[int]] = {}  # last document of each term, per field
        totals = [0] * len(FIELDS)
        for number, document in enumerate(documents):
            for position, (terms, length) in enumerate(document.terms or ()):
                totals[position] += length
                for term, frequency in terms:
                    entry = found.get(term)
                    if entry is None:
                        entry = found[term] = ([], [], [])
                        previous[term] = [0, 0, 0]
                    last = previous[term]
                    gap = number - last[position]
                    last[position] = number
                    if frequency > 1:
                        entry[position].extend((gap * 2 + 1, frequency, length))
                    else:
                        entry[position].extend((gap * 2, length))
        postings = {
            term: (
                pack_numbers(a),
                previous[term][0],
                pack_numbers(b),
                previous[term][1],
                pack_numbers(c),
                previous[term][2],
            )
            for term, (a, b, c) in found.items()
        }
        raw = {  # None: no value (a territory whose name has no letter nor digit has the slug "")
            "category": [d.category or None for d in documents],
            "themes": [d.themes for d in documents],
            "legal_form": [d.legal_form or None for d in documents],
            "city": [slugify(d.city) if d.city else None for d in documents],
            "territory": [slugify(d.territory) for d in documents],
            "hours": [d.hours or None for d in documents],
        }
        return cls(
            count=len(documents),
            postings=postings,
            totals=totals,
            cards=[
                compact(
                    [
                        d.name,
                        d.url_path,
                        d.summary,
                        d.city,
                        d.date_label,
                        d.territory if d.peer else "",
                        KINDS.index(d.kind),
                        ", ".join(theme_labels[t] for t in d.themes if t in theme_labels),
                        *([d.name_lang, d.summary_lang] if d.name_lang or d.summary_lang else []),
                    ]
                )
                for d in documents
            ],
            kinds=pack([KINDS.index(d.kind) for d in documents]) if documents else "",
            columns={name: _local_column(values, name == "themes") for name, values in raw.items()},
            dates=[(i, d.date) for i, d in enumerate(documents) if d.date],
            cities=list(dict.fromkeys(d.city for d in documents if d.city)),
            territories=list(dict.fromkeys(d.territory for d in documents if d.territory)),
            words=words,
        )


def _first_number(packed: str) -> tuple[int, int]:
    """The first number of packed postings, and how many characters it takes."""
    value = size = 0
    while True:
        digit = ord(packed[size]) - PACK_OFFSET
        size += 1
        if digit < DIGIT_BASE:
            return value * DIGIT_BASE + digit, size
        value = value * DIGIT_BASE + digit - DIGIT_BASE


def _merge(groups: list[Group]) -> tuple[dict[str, list[str]], list[int]]:
    """Every term's postings per field over the groups one after the other (each group's
    first gap written again from the document before it), and each field's summed lengths."""
    merged: dict[str, list] = {}  # term → per field: its parts, then per field: last document
    totals = [0] * len(FIELDS)
    offset = 0
    for group in groups:
        for position, total in enumerate(group.totals):
            totals[position] += total
        for term, fields in group.postings.items():
            entry = merged.get(term)
            if entry is None:
                entry = merged[term] = [[], [], [], 0, 0, 0]
            for position in range(len(FIELDS)):
                packed = fields[2 * position]
                if not packed:
                    continue
                first, size = _first_number(packed)
                shifted = (offset + (first >> 1) - entry[3 + position]) * 2 + (first & 1)
                if shifted == first:
                    entry[position].append(packed)
                else:
                    entry[position] += (pack_numbers([shifted]), packed[size:])
                entry[3 + position] = offset + fields[2 * position + 1]
        offset += group.count
    return {term: ["".join(e[0]), "".join(e[1]), "".join(e[2])] for term, e in merged.items()}, totals


def _columns(groups: list[Group], labels: dict[str, list[tuple[str, str]]]) -> dict[str, dict[str, Any]]:
    """Each facet's file: its values in display order (labels) and each document's (packed: a
    position in labels, -1 for none), fetched when a filter or the filters' counts need it.
    Each group's positions are its own: they are translated into the site's."""
    hours_values = sorted({v for g in groups for v in g.columns["hours"][0]})  # many places share theirs
    index_of = {name: {slug: i for i, (slug, _) in enumerate(values)} for name, values in labels.items()}
    site_positions = {
        "category": index_of.get("categories", {}),
        "themes": index_of["themes"],
        "legal_form": index_of["legal_forms"],
        "city": index_of["cities"],
        "territory": index_of["territories"],
        "hours": {value: i for i, value in enumerate(hours_values)},
    }
    label_lists = {
        "types": [(value, _(text)) for value, text in TYPE_LABELS],
        "categories": [],
        **labels,
        "when": [(value, _(text)) for value, text in WHEN_LABELS],
        "open": [(value, _(text)) for value, text in OPEN_LABELS],
    }

    def column(name: str) -> str | list:
        multi, found = name == "themes", []
        for group in groups:
            values, positions = group.columns[name]
            ours = [site_positions[name].get(v, -1) for v in values]
            if isinstance(positions, str) and all(0 <= p <= PACK_LIMIT for p in ours):
                table = {PACK_OFFSET + i: PACK_OFFSET + p for i, p in enumerate(ours)}
                found.append(positions.translate(table))  # PACK_END and -1 ("/") stay as they are
            elif multi:  # a theme the labels leave out is left out
                found.extend([[ours[p] for p in item if ours[p] >= 0] for item in unpack(positions, True)])
            else:
                found.extend(ours[p] if p >= 0 else -1 for p in unpack(positions))
        if all(isinstance(part, str) for part in found):
            return "".join(found)
        items = [v for part in found for v in (unpack(part, multi) if isinstance(part, str) else [part])]
        return pack(items)

    values = {
        "kind": lambda: "".join(g.kinds for g in groups),
        "category": lambda: column("category"),
        "themes": lambda: column("themes"),
        "legal_form": lambda: column("legal_form"),
        "city": lambda: column("city"),
        "date": lambda: _dates(groups),
        "territory": lambda: column("territory"),
        "hours": lambda: column("hours"),
    }
    columns = {}
    for facet in FACETS:
        entry = {
            "v": FORMAT_VERSION,
            "labels": label_lists[facet["labels"]],
            "values": values[facet["column"]](),
        }
        if facet.get("by_hours"):
            entry["hours_values"] = hours_values
        columns[facet["name"]] = entry
    return columns


def _dates(groups: list[Group]) -> dict[str, str]:
    found, offset = {}, 0
    for group in groups:
        found.update((str(offset + i), date) for i, date in group.dates)
        offset += group.count
    return found


def build(
    documents: list[SearchDocument],
    labels: dict[str, list[tuple[str, str]]],
    language: str = "fr",
    shard_limit: int = SHARD_LIMIT,
) -> dict[str, str]:
    """The files of the search index, {path under search/: JSON text}, its words analysed by
    `language`'s pipeline (analysis.py).

    `documents` come in display order (the order of an empty-query browse); `labels` gives the
    facet values in display order: {"themes": [(slug, label)], "legal_forms": [...], "cities": [...]}.
    """
    return build_groups(
        [Group.of(documents, language, dict(labels.get("themes", [])))], labels, language, shard_limit
    )


def build_groups(
    groups: list[Group],
    labels: dict[str, list[tuple[str, str]]],
    language: str = "fr",
    shard_limit: int = SHARD_LIMIT,
) -> dict[str, str]:
    """The files of the search index of `groups`' documents, one group after the other: the
    same files as `build` of all their documents in that order."""
    postings, totals = _merge(groups)
    files: dict[str, str] = {}
    shards = []
    for name, first, text in _shards(postings, shard_limit):
        files[f"shard-{name}.json"] = text
        shards.append((name, first, _hash(text)))

    cards = [card for group in groups for card in group.cards]
    for start in range(0, len(cards), CHUNK_SIZE):
        files[f"docs-{start // CHUNK_SIZE}.json"] = "[" + ",".join(cards[start : start + CHUNK_SIZE]) + "]"

    facets = {}
    columns = _columns(groups, labels)
    for name, column in columns.items():
        text = _json(column)
        files[f"facet-{name}.json"] = text
        facets[name] = {"hash": _hash(text), "values": len(column["labels"])}
    count = len(cards)
    meta = {
        "v": FORMAT_VERSION,
        "fields": FIELDS,
        "boosts": BOOSTS,
        "count": count,
        "chunk": CHUNK_SIZE,
        # Each field's mean length, as lunr.Builder computes it (the same division: the same float).
        "average": [total / count if count else 0 for total in totals],
        "hours": len(columns["open"]["hours_values"]),  # opening hours to ask the worker about
        "client": client_constants(language),
        "shards": shards,
        "facets": facets,
    }
    meta["stamp"] = _hash(_json([meta, sorted(files.items())]))
    files["meta.json"] = _json(meta)
    return files
