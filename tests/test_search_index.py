"""The search index files: the same postings and field lengths as lunr.py's Builder, sharded;
the facets' files; what a query downloads before its first results does not grow with the
directory."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from conftest import DEMO_NOW, REPO
from essaim.analysis import SEPARATOR, fold, stem, stop_words, trim
from essaim.records.model import slugify
from essaim.records.read import read_directory
from essaim.records.territory import load_territory
from essaim.search.documents import documents
from essaim.search.index import (
    BOOSTS,
    CHUNK_SIZE,
    DIGIT_BASE,
    FIELDS,
    KINDS,
    Group,
    SearchDocument,
    build,
    build_groups,
    decode,
    pack,
    pack_numbers,
    shard_key,
    unpack,
    unpack_numbers,
)
from essaim.urls import Urls


def demo_documents():
    territory = load_territory(REPO)
    directory, problems = read_directory(REPO, territory, git_dates=False)
    assert problems == []
    now = datetime.fromisoformat(DEMO_NOW).replace(tzinfo=territory.tz)
    urls = Urls("", territory.urls)
    found, labels = documents(directory.records, urls.record_path, directory.themes, now, timedelta(days=365))
    return found, labels, build(found, labels)


@pytest.fixture(scope="module")
def demo():
    return demo_documents()


def register_lunr_py_pipeline() -> None:
    """Register Essaim's pipeline in lunr.py, the reference implementation (a test-only package:
    this lives here, not in plugins/essaim, which never imports lunr)."""
    from lunr.pipeline import Pipeline

    def trimmer(token, i, tokens):
        return token.update(lambda s, m: trim(s)) if trim(str(token)) else None

    def stop_word_filter(token, i, tokens):
        return None if str(token) in stop_words() else token

    def accent_fold(token, i, tokens):
        return token.update(lambda s, m: fold(s))

    def stemmer(token, i, tokens):
        return token.update(lambda s, m: stem(s))

    for function, label in (
        (trimmer, "trimmer-essaim"),
        (stop_word_filter, "stopWordFilter-fr"),
        (accent_fold, "accentFold-fr"),
        (stemmer, "stemmer-fr"),
    ):
        Pipeline.register_function(function, label)


def our_postings(files: dict[str, str]) -> tuple[dict[str, list[dict[int, int]]], dict[str, int]]:
    """{term: per field {document: frequency}} and {field/document: length}, read from the shards."""
    found, lengths = {}, {}
    for name, text in files.items():
        if name.startswith("shard-"):
            shard = json.loads(text)
            for term, per_field in zip(shard["terms"], shard["postings"], strict=True):
                assert name[6:-5].split("-")[0] == shard_key(term), f"{term} is in {name}"
                found[term] = [{}, {}, {}]
                for field, (position, encoded) in zip(FIELDS, enumerate(per_field), strict=True):
                    for document, frequency, length in decode(encoded or ""):
                        found[term][position][document] = frequency
                        assert lengths.setdefault(f"{field}/{document}", length) == length
    return found, lengths


def test_postings_and_lengths_are_those_of_lunr_py(demo):
    """lunr.py's Builder, given the same pipeline and fields, indexes the same terms in the same
    documents and fields, with the same field lengths (BM25 needs them)."""
    from lunr.builder import Builder

    found, _, files = demo
    register_lunr_py_pipeline()
    from lunr.pipeline import Pipeline

    builder = Builder()
    builder.pipeline.reset()
    builder.pipeline.add(
        *(
            Pipeline.registered_functions[label]
            for label in ("trimmer-essaim", "stopWordFilter-fr", "accentFold-fr", "stemmer-fr")
        )
    )
    builder.ref("id")
    for name, boost in zip(FIELDS, BOOSTS, strict=True):
        builder.field(name, boost=boost)
    for number, doc in enumerate(found):
        # lunr.py's tokenizer only splits on spaces and hyphens: give it Essaim's separators as spaces.
        builder.add({"id": str(number), **{f: SEPARATOR.sub(" ", getattr(doc, f)) for f in FIELDS}})
    reference = builder.build()

    ours, lengths = our_postings(files)
    assert set(ours) == set(reference.inverted_index)
    for term, per_field in ours.items():
        for field, postings in zip(FIELDS, per_field, strict=True):
            assert set(postings) == {int(ref) for ref in reference.inverted_index[term][field]}, term
    # Every document's field lengths travel with its postings (a field without terms has none).
    assert lengths == {str(ref): length for ref, length in builder.field_lengths.items() if length}
    meta = json.loads(files["meta.json"])
    for position, field in enumerate(FIELDS):
        total = sum(length for ref, length in builder.field_lengths.items() if ref.split("/")[0] == field)
        assert meta["average"][position] == total / len(found)
    frequencies = {
        f"{field}/{doc}": {term: tf for term, per in ours.items() if (tf := per[i].get(doc))}
        for doc in range(len(found))
        for i, field in enumerate(FIELDS)
    }
    assert frequencies == {str(ref): dict(tfs) for ref, tfs in builder.field_term_frequencies.items()}


def test_documents_are_in_name_order_with_their_cards(demo):
    found, labels, files = demo
    meta = json.loads(files["meta.json"])
    assert meta["count"] == len(found) == 26 + 8 + 14
    cards = [
        card
        for n in range(0, len(found), CHUNK_SIZE)
        for card in json.loads(files[f"docs-{n // CHUNK_SIZE}.json"])
    ]
    assert [c[0] for c in cards] == [d.name for d in found]
    assert [KINDS[c[6]] for c in cards] == [d.kind for d in found]
    enercoop = next(c for c in cards if c[0] == "Enercoop Pays de la Loire")
    assert enercoop[1] == "acteurs/enercoop-pays-de-la-loire/" and enercoop[3] == "Nantes"
    themes = dict(labels["themes"])
    assert enercoop[7] == ", ".join(themes[t] for t in found[cards.index(enercoop)].themes) != ""


def test_facets_point_to_their_labels(demo):
    found, labels, files = demo
    meta = json.loads(files["meta.json"])
    facet = {name: json.loads(files[f"facet-{name}.json"]) for name in meta["facets"]}
    kind, forms = unpack(facet["type"]["values"]), unpack(facet["legal_form"]["values"])
    themes = unpack(facet["theme"]["values"], multi=True)
    assert len(kind) == len(themes) == len(forms) == len(found)
    for number, doc in enumerate(found):
        assert facet["type"]["labels"][kind[number]][0] == doc.kind
        assert [facet["theme"]["labels"][i][0] for i in themes[number]] == doc.themes
        if doc.kind == "actor":
            assert facet["legal_form"]["labels"][forms[number]][0] == doc.legal_form
        if doc.kind == "event":
            assert facet["when"]["values"][str(number)] == doc.date and doc.date_label
    assert {name: f["values"] for name, f in meta["facets"].items()} == {
        name: len(f["labels"]) for name, f in facet.items()
    }


def test_a_shard_holds_the_terms_of_its_first_two_letters_only():
    docs = [
        SearchDocument("actor", "Zèbre vélo", "", "", "a/"),
        SearchDocument("actor", "2026 Ørsted", "", "", "b/"),
    ]
    files = build(docs, {"themes": [], "legal_forms": [], "cities": [], "territories": []})
    shards = {name: json.loads(text)["terms"] for name, text in files.items() if name.startswith("shard-")}
    assert shards == {
        "shard-00.json": ["2026"],
        "shard-ve.json": ["velo"],
        "shard-ze.json": ["zebr"],
        "shard-_r.json": ["ørsted"],
    }


def test_columns_are_packed_one_character_per_value_and_read_back():
    assert pack([0, 1, -1, 17]) == "01/A"
    assert pack([[3, 1], [], [0]]) == "31  0 "
    assert unpack(pack([[3, 1], [], [0]]), multi=True) == [[3, 1], [], [0]]
    big = [5, 60_000]  # beyond one UTF-16 unit below the surrogates: left as a list
    assert pack(big) == big and unpack(pack(big)) == big


def test_a_large_shard_key_is_cut_into_ranges_of_terms():
    """A key whose postings pass the limit is cut into several shards, each named after the key,
    listed in meta.json with its first term; a term larger than the limit has a shard of its own."""
    words = [f"coop{letter}{other}" for letter in "abcdefgh" for other in "abcdefgh"]
    docs = [SearchDocument("actor", " ".join(words[n::7]), "coopérative", "", f"a{n}/") for n in range(40)]
    files = build(docs, {"themes": [], "legal_forms": [], "cities": [], "territories": []}, shard_limit=60)
    meta = json.loads(files["meta.json"])
    names = [name for name, _, _ in meta["shards"]]
    assert names[:3] == ["co", "co-1", "co-2"] and all(n.startswith("co") for n in names)
    terms = [json.loads(files[f"shard-{name}.json"])["terms"] for name in names]
    assert [first for _, first, _ in meta["shards"]] == [t[0] for t in terms]
    assert sum(terms, []) == sorted(sum(terms, []))  # contiguous ranges, in order
    for name, part in zip(names, terms, strict=True):
        assert len(files[f"shard-{name}.json"]) <= 60 + 60 or len(part) == 1
    cooper = next(t for t in terms if "cooper" in t)  # in every document: larger than the limit
    assert cooper == ["cooper"]


def test_what_a_query_downloads_first_does_not_grow_with_the_directory():
    """meta.json, and a rare word's shard, weigh the same for 200 and 4,000 documents: no column
    of every document is downloaded before the first results (the facets' files come after)."""

    def sizes(count: int) -> tuple[int, int]:
        docs = [
            SearchDocument(
                "actor", f"Structure {n}", f"Coopérative numéro {n}", "", f"a{n}/", city=f"Ville {n % 97}"
            )
            for n in range(count)
        ]
        docs.append(SearchDocument("actor", "Zythologie", "", "", "z/"))
        labels = {"themes": [], "legal_forms": [], "cities": [], "territories": []}
        files = build(docs, labels)
        return len(files["meta.json"]), len(files["shard-zy.json"])

    small, large = sizes(200), sizes(4000)
    assert large[1] - small[1] <= 2  # the rare word's postings: one document (its number is longer)
    assert abs(large[0] - small[0]) < 200  # meta.json: a few numbers more (count, hashes)


def test_postings_pack_one_character_per_small_number_and_read_back():
    numbers = [0, 1, 79, 80, DIGIT_BASE - 1, DIGIT_BASE, 250_000, 10**9]
    packed = pack_numbers(numbers)
    assert unpack_numbers(packed) == numbers
    assert len(pack_numbers([3, 27, 2, 31])) == 4  # gaps and lengths: one character each
    assert len(pack_numbers([3, 27, 2, 31]).encode()) == 4  # and one byte in UTF-8
    assert all(ord(c) < 0xD800 for c in packed)  # never a surrogate: one UTF-16 unit each


def test_an_index_merged_from_groups_is_the_index_of_all_their_documents():
    """The generator indexes each directory alone (ours, each neighbour's) and merges them: the
    files are byte for byte those of one index of all the documents in the same order — the
    demo's cut into groups (one empty), each a shard of its own; and groups whose first postings
    are far from the group before's last (numbers written on several characters)."""
    found, labels, _ = demo_documents()
    themes = dict(labels["themes"])
    for cuts in ([0, len(found)], [0, 5, 5, 17, len(found)], [0, 1, len(found) - 1, len(found)]):
        groups = [Group.of(found[a:b], "fr", themes) for a, b in zip(cuts, cuts[1:], strict=False)]
        for limit in (60_000, 300):
            assert build_groups(groups, labels, "fr", limit) == build(found, labels, "fr", limit)

    far = [SearchDocument("actor", f"Structure {n}", "numéro", "", f"a{n}/") for n in range(13_000)]
    far[0].about = "omega alpha"
    near = [SearchDocument("actor", "Dernière", "omega zèbre", "", "z/", city="Nantes")]
    near.append(SearchDocument("actor", "Autre", "alpha", "", "y/", themes=["numerique"]))
    labels = {"themes": [("numerique", "Numérique")], "legal_forms": [], "cities": [], "territories": []}
    labels["cities"] = [("nantes", "Nantes")]
    themes = dict(labels["themes"])
    merged = build_groups([Group.of(far, "fr", themes), Group.of(near, "fr", themes)], labels)
    assert merged == build(far + near, labels)
    shard = json.loads(merged["shard-ze.json"])
    assert decode(shard["postings"][shard["terms"].index("zebr")][1]) == [(13_000, 1, 2)]


def test_a_merged_index_s_filters_point_each_document_to_its_own_values(demo):
    """Each group numbers a city, a theme, a directory as it meets them; the merged facet
    files point every document to the site's label of its own value — even a neighbour whose
    name has no letter nor digit (its slug is empty)."""
    records, labels, _ = demo
    records = [d for d in records if d.kind != "offer_need"]
    found = [replace(d, peer=n >= 20, territory="★★★" if n >= 20 else "Ici") for n, d in enumerate(records)]
    labels = {**labels, "territories": [("ici", "Ici"), ("", "★★★")]}
    themes = dict(labels["themes"])
    files = build_groups([Group.of(found[:20], "fr", themes), Group.of(found[20:], "fr", themes)], labels)

    def column(name: str, multi: bool = False) -> list:
        return unpack(json.loads(files[f"facet-{name}.json"])["values"], multi)

    def position(values: list[tuple[str, str]], value: str) -> int:
        return max((i for i, (slug, _) in enumerate(values) if slug == value), default=-1)

    assert column("territory") == [0] * 20 + [1] * (len(found) - 20)
    assert column("city") == [position(labels["cities"], slugify(d.city)) if d.city else -1 for d in found]
    assert column("legal_form") == [position(labels["legal_forms"], d.legal_form) for d in found]
    assert column("theme", True) == [[position(labels["themes"], t) for t in d.themes] for d in found]
