"""French text analysis for the search index: the same steps, in the same order, as the pipeline
that lunr.js with lunr-languages 1.22 runs in the browser.

    text → lower case → split on spaces, hyphens and apostrophes (elisions: « d'insertion »)
         → trim non-word characters (letters and digits are word characters)
         → drop French stop words → fold accents → Snowball French stemmer

lunr.js labels: `trimmer-essaim` (ours: lunr.py's French trimmer keeps punctuation on words with
b, g, h, k, w, ï or digits, and lunr.fr's drops digits), `stopWordFilter-fr`, `accentFold-fr`,
`stemmer-fr`. The stemmer is NLTK's Snowball French, which gives the same stems as lunr.fr.js
(tests/test_search_analysis.py compares them on the demo's and synthetic vocabulary).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

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


@cache
def stop_words() -> frozenset[str]:
    """The French stop words of lunr.fr.js (shipped with the package: no download)."""
    text = resources.files(__package__).joinpath("stopwords-fr.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


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


def fold(word: str) -> str:
    """Fold French accents and ligatures as lunr.fr.accentFold does."""
    return word.translate(_FOLD_TABLE)


@cache
def _french_stemmer():
    """NLTK's Snowball French stemmer, imported on first use (NLTK takes 0.25 s to import: a
    build with search switched off does without it)."""
    from nltk.stem.snowball import FrenchStemmer

    return FrenchStemmer()


def stem(word: str) -> str:
    """Snowball French stem of a folded word."""
    return _french_stemmer().stem(word)


@cache
def term(word: str) -> str | None:
    """The index term of one lower-cased word, or None (empty, or a stop word). Memoised: a
    directory's vocabulary is small next to its word count."""
    word = trim(word)
    if not word or word in stop_words():
        return None
    return stem(fold(word)) or None


def words(text: str) -> list[str]:
    """Lower-cased words of a text, split as lunr's tokenizer does with Essaim's separator."""
    return [w for w in SEPARATOR.split(text.lower()) if w]


def terms(text: str) -> list[str]:
    """Index terms of a text, in order, repeated as often as they occur."""
    return [t for w in words(text) if (t := term(w))]


# Each class stops at the next opener too, so that a run of openers is read once (linear).
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^()]*\)|<https?://[^<>]*>|https?://\S+|!\[[^\[\]]*\]")
_MARKDOWN_MARKS = re.compile(r"[#*_`>|~\[\]]+")


def plain_text(markdown: str) -> str:
    """The words of a Markdown body: link targets, URLs, images and markup dropped."""
    return _MARKDOWN_MARKS.sub(" ", _MARKDOWN_LINK_TARGET.sub(" ", markdown))
