"""Text analysis for the search index, per language: the same steps, in the same order, as the
pipeline that lunr.js with lunr-languages 1.22 runs in the browser for that language.

    text → lower case → split on spaces, hyphens and apostrophes (elisions: « d'insertion »)
         → trim non-word characters (letters and digits are word characters)
         → drop the language's stop words → fold accents → the language's stemmer

- French (`fr`): `trimmer-essaim`, `stopWordFilter-fr`, `accentFold-fr`, `stemmer-fr`; the
  stemmer is Snowball's French (snowballstemmer 2.2, generated from the same Snowball as
  lunr-languages 1.22: the same stems as lunr.fr.js).
- English (`en`): `trimmer-essaim`, `stopWordFilter` (lunr's own), `accentFold-essaim` (the
  French folding: an English site also indexes the French text of untranslated records, which a
  visitor types without accents), `stemmer` (lunr's Porter, ported in porter.py).
- Spanish (`es`): `trimmer-essaim`, `stopWordFilter-es`, `accentFold-es`, `stemmer-es`
  (Snowball's Spanish, snowballstemmer 2.2: version 3 and NLTK strip « -acion », lunr.es.js
  does not). lunr.es.accentFold keeps the word and adds its folded form, so that « educacion »
  typed without its accent finds « educación » (whose stem « educ » drops a suffix the
  accentless word does not have).

`trimmer-essaim` is ours: lunr.py's French trimmer keeps punctuation on words with b, g, h, k, w,
ï or digits, and lunr-languages' trimmers drop digits. tests/test_search_analysis.py compares
stop words, folding and stems with lunr.js's on the demo's and the catalogues' vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from . import porter

LANGUAGES = ("fr", "en", "es")

# lunr.fr.wordCharacters (lunr-languages 1.22) plus the digits.
WORD_CHARACTERS = (
    "0-9A-Za-z\xaa\xba\xc0-\xd6\xd8-\xf6\xf8-\u02b8\u02e0-\u02e4\u1d00-\u1d25\u1d2c-\u1d5c\u1d62-\u1d65"
    "\u1d6b-\u1d77\u1d79-\u1dbe\u1e00-\u1eff\u2071\u207f\u2090-\u209c\u212a\u212b\u2132\u214e\u2160-\u2188"
    "\u2c60-\u2c7f\ua722-\ua787\ua78b-\ua7ad\ua7b0-\ua7b7\ua7f7-\ua7ff\uab30-\uab5a\uab5c-\uab64\ufb00-\ufb06"
    "\uff21-\uff3a\uff41-\uff5a"
)
# Spaces, hyphens and apostrophes separate words (search.js sets lunr.tokenizer.separator to it):
# JavaScript's \s spelled out (Python's differs), then hyphen and apostrophes.
SEPARATOR_CHARACTERS = (
    "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\\-'\u2019\u02bc"
)
SEPARATOR = re.compile(f"[{SEPARATOR_CHARACTERS}]+")
_WORD = re.compile(f"[{WORD_CHARACTERS}]")
# lunr.fr.accentFoldTerm, character for character.
_FOLDS = [
    ("àáâäÀÁÂÄ", "a"),
    ("çÇ", "c"),
    ("éèêëÉÈÊË", "e"),
    ("îïÎÏ", "i"),
    ("ôöÔÖ", "o"),
    ("ùûüÙÛÜ", "u"),
    ("\u0178ÿ", "y"),
]
_FOLD_TABLE = str.maketrans(
    {**{c: target for chars, target in _FOLDS for c in chars}, "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"}
)


# lunr.es.accentFold, character for character.
_SPANISH_FOLD_TABLE = str.maketrans(
    {
        c: target
        for chars, target in [("áàäâ", "a"), ("éèëê", "e"), ("íìïî", "i"), ("óòöô", "o"), ("úùüû", "u")]
        for c in chars
    }
)


def trim(word: str) -> str:
    """Strip what is not a letter or a digit from both ends of a word (lunr's trimmer), in time
    linear in the word: one regular expression for both ends tried "not a letter, to the end"
    from every position, seconds for a "word" of 20,000 signs."""
    first = _WORD.search(word)
    if first is None:
        return ""
    end = len(word)
    while not _WORD.match(word, end - 1):
        end -= 1
    return word[first.start() : end]


@cache
def _stemmer(language: str) -> Callable[[str], str]:
    """The language's stemmer, imported on first use (a build with search switched off does
    without it)."""
    if language == "en":
        return porter.stem
    import snowballstemmer

    return snowballstemmer.stemmer("french" if language == "fr" else "spanish").stemWord


@dataclass(frozen=True, eq=False)  # one per language: hashed by identity (memoised terms)
class Pipeline:
    """One language's analysis: what its index and search.js agree on (index.client_constants
    writes `labels`, `folds` and `expands` into meta.json)."""

    language: str
    labels: tuple[str, ...]  # the lunr.js pipeline functions, in order
    fold_table: dict[int, str]
    expands: bool  # folding adds the folded word beside the word (lunr.es) instead of replacing it

    @property
    def folds(self) -> dict[str, str]:
        """The folding as {character: replacement} (for search.js)."""
        return {chr(c): target for c, target in sorted(self.fold_table.items())}

    def stop_words(self) -> frozenset[str]:
        return _stop_words(self.language)

    def fold(self, word: str) -> str:
        return word.translate(self.fold_table)

    def stem(self, word: str) -> str:
        return _stemmer(self.language)(word)

    def index_terms(self, word: str) -> tuple[str, ...]:
        """The index terms of one lower-cased word, as lunr's pipeline yields them: none (empty,
        or a stop word), one, or two when folding expands (the same term twice counts twice,
        as lunr counts tokens). Memoised: a directory's vocabulary is small next to its words."""
        return _index_terms(self, word)


@cache
def _index_terms(pipeline: Pipeline, word: str) -> tuple[str, ...]:
    word = trim(word)
    if not word or word in pipeline.stop_words():
        return ()
    folded = pipeline.fold(word)
    if not pipeline.expands:
        variants: tuple[str, ...] = (folded,)
    else:
        variants = (word, folded) if folded != word else (word,)
    return tuple(stemmed for variant in variants if (stemmed := pipeline.stem(variant)))


@cache
def _stop_words(language: str) -> frozenset[str]:
    """A language's stop words, as its lunr.js pipeline has them (shipped with the package)."""
    path = resources.files(__package__).joinpath(f"stopwords-{language}.txt")
    text = path.read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


PIPELINES = {
    "fr": Pipeline(
        "fr", ("trimmer-essaim", "stopWordFilter-fr", "accentFold-fr", "stemmer-fr"), _FOLD_TABLE, False
    ),
    "en": Pipeline(
        "en", ("trimmer-essaim", "stopWordFilter", "accentFold-essaim", "stemmer"), _FOLD_TABLE, False
    ),
    "es": Pipeline(
        "es",
        ("trimmer-essaim", "stopWordFilter-es", "accentFold-es", "stemmer-es"),
        _SPANISH_FOLD_TABLE,
        True,
    ),
}


def pipeline(language: str) -> Pipeline:
    """The analysis of a language of LANGUAGES (French for any other)."""
    return PIPELINES.get(language, PIPELINES["fr"])


# The French pipeline, for what is always French (matching offers and needs, the tests).
def stop_words() -> frozenset[str]:
    """The French stop words of lunr.fr.js."""
    return PIPELINES["fr"].stop_words()


def fold(word: str) -> str:
    """Fold French accents and ligatures as lunr.fr.accentFold does."""
    return PIPELINES["fr"].fold(word)


def stem(word: str) -> str:
    """Snowball French stem of a folded word."""
    return PIPELINES["fr"].stem(word)


def term(word: str) -> str | None:
    """The French index term of one lower-cased word, or None (empty, or a stop word)."""
    found = PIPELINES["fr"].index_terms(word)
    return found[0] if found else None


def words(text: str) -> list[str]:
    """Lower-cased words of a text, split as lunr's tokenizer does with Essaim's separator."""
    return [w for w in SEPARATOR.split(text.lower()) if w]


def terms(text: str) -> list[str]:
    """French index terms of a text, in order, repeated as often as they occur."""
    return [t for w in words(text) if (t := term(w))]


# Each class stops at the next opener too, so that a run of openers is read once (linear).
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^()]*\)|<https?://[^<>]*>|https?://\S+|!\[[^\[\]]*\]")
_MARKDOWN_MARKS = re.compile(r"[#*_`>|~\[\]]+")


def plain_text(markdown: str) -> str:
    """The words of a Markdown body: link targets, URLs, images and markup dropped."""
    return _MARKDOWN_MARKS.sub(" ", _MARKDOWN_LINK_TARGET.sub(" ", markdown))
