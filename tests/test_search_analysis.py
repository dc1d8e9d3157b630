"""The pipelines of the search index, French first, then English and Spanish: the words a visitor
types become the terms indexed, as lunr.js and lunr-languages make them in the browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po

from conftest import REPO
from essaim.analysis import LANGUAGES, fold, pipeline, plain_text, stem, term, terms, words

LOCALE = REPO / "plugins/essaim/locale"


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


LUNR_STOP_WORDS = {
    "fr": (
        "lunr-languages/lunr.fr.js",
        r"lunr\.fr\.stopWordFilter = lunr\.generateStopWordFilter\('([^']*)'",
    ),
    "es": (
        "lunr-languages/lunr.es.js",
        r"lunr\.es\.stopWordFilter = lunr\.generateStopWordFilter\('([^']*)'",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_stop_words_are_those_of_the_languages_lunr_js(language):
    if language == "en":  # lunr.js's own list, one quoted word per line
        source = (REPO / "node_modules/lunr/lunr.js").read_text()
        listed = re.search(r"lunr\.stopWordFilter = lunr\.generateStopWordFilter\(\[(.*?)\]\)", source, re.S)
        assert listed, "lunr.js has changed: update stopwords-en.txt"
        expected = frozenset(re.findall(r"'([^']*)'", listed.group(1)))
    else:
        path, pattern = LUNR_STOP_WORDS[language]
        match = re.search(pattern, (REPO / "node_modules" / path).read_text())
        assert match, f"{path} has changed: update stopwords-{language}.txt"
        expected = frozenset(match.group(1).split(" "))
    assert pipeline(language).stop_words() == expected
    assert len(expected) > 100


def run_lunr(script: str, data) -> dict:
    """What a Node script given lunr, lunr-languages' French and Spanish and `data` prints."""
    node = shutil.which("node")
    assert node, "Node.js is needed (it installs the front-end libraries too)"
    prelude = (
        "const lunr = require('lunr'); require('lunr-languages/lunr.stemmer.support')(lunr);"
        "require('lunr-languages/lunr.fr')(lunr); require('lunr-languages/lunr.es')(lunr);"
        "const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
    )
    result = subprocess.run(
        [node, "-e", prelude + script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"NODE_PATH": str(REPO / "node_modules")},
    )
    return json.loads(result.stdout)


def vocabulary() -> list[str]:
    """The demo's words and the English and Spanish catalogues' (each language's index also holds
    the French text of untranslated records), as typed and with each language's folding."""
    found = {w.strip('.,;:!?()«»"%{}') for path in REPO.glob("*/*.md") for w in words(path.read_text())}
    for language in ("en", "es"):
        catalogue = read_po((LOCALE / language / "LC_MESSAGES/messages.po").open("rb"))
        for message in catalogue:
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            found.update(w.strip('.,;:!?()«»"%{}') for text in texts for w in words(text or ""))
    folded = {pipeline(language).fold(w) for language in LANGUAGES for w in found}
    return sorted((found | folded) - {""})


STEMMERS_JS = {"fr": "lunr.fr.stemmer", "en": "lunr.stemmer", "es": "lunr.es.stemmer"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_python_stems_are_the_languages_lunr_js_stems(language):
    """Snowball's French and Spanish (snowballstemmer 2.2) and our port of lunr.js's Porter give
    the stems lunr.fr.js, lunr.es.js and lunr.js give every word of the demo and the catalogues,
    accented or not (run by Node)."""
    words_ = vocabulary()
    assert len(words_) > 4000
    stems = run_lunr(
        f"const stem = {STEMMERS_JS[language]};"
        "process.stdout.write(JSON.stringify(data.map(w => stem(new lunr.Token(w)).toString())));",
        words_,
    )
    analysis = pipeline(language)
    differences = [
        (w, js, analysis.stem(w)) for w, js in zip(words_, stems, strict=True) if js != analysis.stem(w)
    ]
    assert differences == []


def test_python_folding_is_lunr_languages_folding():
    """French (and English) fold as lunr.fr.accentFoldTerm; Spanish as lunr.es.accentFold, which
    keeps the word beside its folded form (tried on every accented Latin letter)."""
    letters = [chr(c) for c in range(0xC0, 0x250)] + ["œ", "æ", "ÿ"]
    folded = run_lunr(
        "process.stdout.write(JSON.stringify({fr: data.map(c => lunr.fr.accentFoldTerm(c)),"
        " es: data.map(c => [].concat(lunr.es.accentFold(new lunr.Token(c))).map(String))}));",
        letters,
    )
    assert [pipeline("fr").fold(c) for c in letters] == folded["fr"]
    assert pipeline("en").folds == pipeline("fr").folds
    spanish = pipeline("es")
    assert [[c] if spanish.fold(c) == c else [c, spanish.fold(c)] for c in letters] == folded["es"]


def test_each_languages_pipeline_meets_its_own_forms():
    english, spanish = pipeline("en"), pipeline("es")
    assert english.index_terms("repairing") == english.index_terms("repairs") == english.index_terms("repair")
    assert english.index_terms("the") == () and spanish.index_terms("los") == ()
    # An English site indexes French words too: without their accents, as a visitor types them.
    assert english.index_terms("coopérative") == english.index_terms("cooperative")
    # Spanish keeps the word and its folded form: « educacion » meets « educación ».
    assert set(spanish.index_terms("educacion")) <= set(spanish.index_terms("educación"))
    assert spanish.index_terms("bicicletas")[0] == spanish.index_terms("bicicleta")[0]
    assert pipeline("de") is pipeline("fr")


@pytest.mark.parametrize("word", ["", "-", "'", "\u00a0"])
def test_empty_or_separator_only_text_has_no_terms(word):
    assert terms(word) == []
