"""The French pipeline of the search index: the words a visitor types become the terms indexed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import REPO
from essaim.analysis import fold, plain_text, stem, stop_words, term, terms, words

LUNR_FR = REPO / "node_modules/lunr-languages/lunr.fr.js"


def test_accents_case_and_ligatures_do_not_matter():
    assert terms("Électricité") == terms("electricite") == terms("ÉLECTRICITÉ")
    assert fold("cœur sœur Æ") == "coeur soeur ae"


def test_plurals_and_verb_forms_share_a_stem():
    assert term("coopératives") == term("coopérative") == term("coopération")
    assert term("réparer") == term("réparation") == term("réparations")


def test_elisions_and_hyphens_split_words_and_stop_words_go():
    assert words("d'insertion l’économie éco-construction") == [
        "d",
        "insertion",
        "l",
        "économie",
        "éco",
        "construction",
    ]
    assert terms("d'insertion") == terms("insertion") == [stem("insertion")]
    assert terms("le la les de des du et à") == []


def test_punctuation_is_trimmed_but_digits_and_letters_stay():
    # lunr.py's own French trimmer keeps punctuation on words with b, g, h, k, w, ï or digits.
    found = terms("(web), hackathon! « blog » 44000 covid-19.")
    assert found == ["web", "hackathon", "blog", "44000", "covid", "19"]
    assert term("...") is None and term("«") is None


def test_markdown_link_targets_and_urls_are_not_indexed():
    markdown = "Voir [notre **site**](https://exemple.org/page-cachee) ou <https://autre.org>.\n# Titre"
    text = plain_text(markdown)
    assert "exemple" not in text and "autre" not in text and "cachee" not in text
    assert terms(text) == terms("Voir notre site ou Titre")


def test_stop_words_are_those_of_lunr_fr_js():
    pattern = r"lunr\.fr\.stopWordFilter = lunr\.generateStopWordFilter\('([^']*)'"
    match = re.search(pattern, LUNR_FR.read_text())
    assert match, "lunr.fr.js has changed: update search/stopwords-fr.txt"
    assert stop_words() == frozenset(match.group(1).split(" "))


def test_python_stems_are_lunr_fr_js_stems():
    """NLTK's Snowball French and lunr.fr.js agree on every word of the demo (run by Node)."""
    node = shutil.which("node")
    assert node, "Node.js is needed (it installs the front-end libraries too)"
    vocabulary = sorted(
        {fold(w.strip('.,;:!?()«»"')) for path in REPO.glob("*/*.md") for w in words(path.read_text())} - {""}
    )
    assert len(vocabulary) > 1000
    script = (
        "const lunr = require('lunr'); require('lunr-languages/lunr.stemmer.support')(lunr);"
        "require('lunr-languages/lunr.fr')(lunr);"
        "const words = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(words.map(w => lunr.fr.stemmer(new lunr.Token(w)).toString())));"
    )
    result = subprocess.run(
        [node, "-e", script],
        input=json.dumps(vocabulary),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"NODE_PATH": str(REPO / "node_modules")},
    )
    differences = [
        (w, js, stem(w)) for w, js in zip(vocabulary, json.loads(result.stdout), strict=True) if js != stem(w)
    ]
    assert differences == []


@pytest.mark.parametrize("word", ["", "-", "'", "\u00a0"])
def test_empty_or_separator_only_text_has_no_terms(word):
    assert terms(word) == []
