"""The search index files: the same postings and field lengths as lunr.py's Builder, sharded."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from conftest import DEMO_NOW, REPO
from essaim.analysis import SEPARATOR, fold, stem, stop_words, trim
from essaim.records.read import read_directory
from essaim.records.territory import load_territory
from essaim.search.documents import documents
from essaim.search.index import BOOSTS, CHUNK_SIZE, FIELDS, SearchDocument, build, pack, shard_key, unpack
from essaim.urls import Urls


@pytest.fixture(scope="module")
def demo():
    territory = load_territory(REPO)
    directory, problems = read_directory(REPO, territory, git_dates=False)
    assert problems == []
    now = datetime.fromisoformat(DEMO_NOW).replace(tzinfo=territory.tz)
    urls = Urls("", territory.urls)
    found, labels = documents(directory.records, urls.record_path, directory.themes, now, timedelta(days=365))
    return found, labels, build(found, labels)


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


def decode(encoded: list[int]) -> dict[int, int]:
    postings, doc, i = {}, 0, 0
    while i < len(encoded):
        doc += encoded[i] >> 1
        if encoded[i] & 1:
            i += 1
            postings[doc] = encoded[i]
        else:
            postings[doc] = 1
        i += 1
    return postings


def our_postings(files: dict[str, str]) -> dict[str, list[dict[int, int]]]:
    found = {}
    for name, text in files.items():
        if name.startswith("shard-"):
            shard = json.loads(text)
            for term, per_field in zip(shard["terms"], shard["postings"], strict=True):
                assert shard_key(term) == name[6:-5], f"{term} is in {name}"
                found[term] = [decode(p) if p else {} for p in per_field]
    return found


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

    ours = our_postings(files)
    assert set(ours) == set(reference.inverted_index)
    for term, per_field in ours.items():
        for field, postings in zip(FIELDS, per_field, strict=True):
            assert set(postings) == {int(ref) for ref in reference.inverted_index[term][field]}, term
    meta = json.loads(files["meta.json"])
    assert isinstance(meta["lengths"], str)  # packed: one character per length
    packed_lengths = unpack(meta["lengths"])
    lengths = {
        f"{field}/{n}": packed_lengths[n * 3 + i] for n in range(len(found)) for i, field in enumerate(FIELDS)
    }
    assert lengths == {str(ref): length for ref, length in builder.field_lengths.items()}
    frequencies = {
        f"{field}/{doc}": {term: tf for term, per in ours.items() if (tf := per[i].get(doc))}
        for doc in range(len(found))
        for i, field in enumerate(FIELDS)
    }
    assert frequencies == {str(ref): dict(tfs) for ref, tfs in builder.field_term_frequencies.items()}


def test_documents_are_in_name_order_with_their_cards(demo):
    found, _, files = demo
    meta = json.loads(files["meta.json"])
    assert meta["count"] == len(found) == 26 + 8 + 14
    cards = [
        card
        for n in range(0, len(found), CHUNK_SIZE)
        for card in json.loads(files[f"docs-{n // CHUNK_SIZE}.json"])
    ]
    assert [c[0] for c in cards] == [d.name for d in found]
    enercoop = next(c for c in cards if c[0] == "Enercoop Pays de la Loire")
    assert enercoop[1] == "acteurs/enercoop-pays-de-la-loire/" and enercoop[3] == "Nantes"


def test_facets_point_to_their_labels(demo):
    found, labels, files = demo
    meta = json.loads(files["meta.json"])
    kind, themes, forms = unpack(meta["kind"]), unpack(meta["themes"], multi=True), unpack(meta["legal_form"])
    assert len(kind) == len(themes) == len(forms) == len(found)
    for number, doc in enumerate(found):
        assert meta["kinds"][kind[number]] == doc.kind
        assert [meta["labels"]["themes"][i][0] for i in themes[number]] == doc.themes
        if doc.kind == "actor":
            assert meta["labels"]["legal_forms"][forms[number]][0] == doc.legal_form
        if doc.kind == "event":
            assert meta["date"][str(number)] == doc.date and doc.date_label


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
