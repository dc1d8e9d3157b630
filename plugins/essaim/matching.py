"""Offers and needs that answer each other, found at build time.

For each open need, the open offers of the same category, on other records, that say the same
thing in other words; and the reverse. Words are compared as search compares them (analysis.py:
accents folded, stop words dropped, French stems: "réparer" and "réparation" meet, and a plural
meets its singular), after the territory's synonyms ("comptes" ~ "comptabilité"); generic words
("aide", "projet"...) never count.

A pair matches when the two texts share two words or more, or one word that is the whole of one
of them (a need "comptabilité" is answered by "tenue de la comptabilité"; "réparation de vélos"
and "réparation d'électroménager" do not answer each other on "réparation" alone). Pairs rank by
the weight of their shared words (a word few texts use weighs more), then by themes in common,
then by distance (the nearer first, when both records have coordinates). Each match keeps the
words in common, as each text wrote them: the reason shown beside it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .analysis import SEPARATOR, term, trim
from .records.offers import OfferNeed, offers_needs_of

# Words that say nothing of what is offered or needed.
GENERIC_WORDS = (
    "aide",
    "aider",
    "aides",
    "projet",
    "projets",
    "besoin",
    "besoins",
    "recherche",
    "rechercher",
    "cherche",
    "chercher",
    "cherchons",
    "offre",
    "offrir",
    "proposer",
    "propose",
    "proposons",
    "service",
    "services",
    "soutien",
    "soutenir",
    "structure",
    "structures",
    "association",
    "associations",
    "personne",
    "personnes",
    "activité",
    "activités",
    "action",
    "actions",
    "divers",
    "diverses",
    "autre",
    "autres",
    "nouveau",
    "nouvelle",
    "nouveaux",
    "chose",
    "choses",
    "faire",
    "besoin",
    "ponctuel",
    "ponctuelle",
    "régulier",
    "régulière",
    "possible",
    "envie",
    "gens",
    "tous",
    "toutes",
    "tout",
    "bien",
    "bon",
    "bonne",
    "super",
)
MATCHES_PER_ITEM = 5  # what a page, the board and a feed show of one offer's or need's matches


@dataclass(frozen=True)
class Word:
    """One word of a text: as written, and the terms it may meet (its stem, its singular's)."""

    written: str
    terms: frozenset[str]


@dataclass(frozen=True)
class Match:
    """An offer that answers a need (or the reverse, seen from the offer)."""

    need: OfferNeed
    offer: OfferNeed
    score: float
    words: tuple[tuple[str, str], ...]  # (as the need wrote it, as the offer wrote it)
    themes: int  # themes the two records share
    km: float | None  # between the two records, when both have coordinates

    def reason(self) -> str:
        """The words in common, in French: « réparer » / « réparation », « vélos »."""
        return ", ".join(
            f"« {a} »" if a.lower() == b.lower() else f"« {a} » / « {b} »" for a, b in self.words
        )


def open_offers_needs(directory, today) -> list[OfferNeed]:
    """Every offer and need of the directory's actors and initiatives still open on `today`."""
    return [
        item
        for record in [*directory.actors, *directory.initiatives]
        for item in offers_needs_of(record)
        if item.is_open(today)
    ]


class Vocabulary:
    """How texts become words: the territory's synonyms and generic words applied to the terms."""

    @classmethod
    def of(cls, territory) -> Vocabulary:
        """The vocabulary of a territory: its synonyms, and its generic words beside ours."""
        settings = territory.offers_needs
        return cls(settings.get("synonyms") or (), (*GENERIC_WORDS, *(settings.get("generic_words") or ())))

    def __init__(
        self, synonyms: Iterable[Iterable[str]] = (), generic: Iterable[str] = GENERIC_WORDS
    ) -> None:
        self.canonical: dict[str, str] = {}
        for group in synonyms:
            group_terms = [t for w in group for t in _variants(w)]
            if group_terms:
                for t in group_terms:
                    self.canonical.setdefault(t, group_terms[0])
        self.generic = frozenset(self._map(t) for w in generic for t in _variants(w))

    def _map(self, t: str) -> str:
        return self.canonical.get(t, t)

    def words(self, text: str) -> list[Word]:
        """The words of `text` that may count (no stop word, no generic word), once each."""
        found, seen = [], set()
        for raw in SEPARATOR.split(text):
            variants = frozenset(self._map(t) for t in _variants(raw)) if raw else frozenset()
            if not variants or variants & self.generic or variants <= seen:
                continue
            seen |= variants
            found.append(Word(trim(raw), variants))
        return found


@cache
def _variants(word: str) -> tuple[str, ...]:
    """The terms a word may meet: its index term, and its singular's for a plural the stemmer
    keeps ("vélos" → "velos", "velo")."""
    word = word.lower()
    first = term(word)
    if first is None:
        return ()
    bare = trim(word)
    if len(bare) > 3 and bare[-1] in "sx":
        singular = term(bare[:-1])
        if singular and singular != first:
            return (first, singular)
    return (first,)


def _km(a: dict | None, b: dict | None) -> float | None:
    if not a or not b:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(6371.0 * 2 * math.asin(min(1.0, math.sqrt(h))), 1)


def match_all(
    items: list, vocabulary: Vocabulary, per_item: int = MATCHES_PER_ITEM
) -> dict[str, list[Match]]:
    """For each item's key, its best matches (a need's offers, an offer's needs), best first.

    `items` are open offers and needs (records.offers.OfferNeed). Offers are indexed by category
    and term, so each need is compared only with the offers that share one of its words."""
    texts = {item.key: vocabulary.words(item.text) for item in items}
    frequency: dict[str, int] = {}
    for found in texts.values():
        for t in {t for w in found for t in w.terms}:
            frequency[t] = frequency.get(t, 0) + 1
    count = max(1, len(items))

    def weight(word: Word) -> float:
        return max(math.log(1 + count / frequency[t]) for t in word.terms)

    offers: dict[tuple[str, str], list] = {}
    for item in items:
        if item.kind == "offer":
            for t in {t for w in texts[item.key] for t in w.terms}:
                offers.setdefault((item.category, t), []).append(item)

    found: dict[str, list[Match]] = {}
    for need in items:
        if need.kind != "need":
            continue
        need_words = texts[need.key]
        candidates = {
            id(o): o for w in need_words for t in w.terms for o in offers.get((need.category, t), ())
        }
        for offer in candidates.values():
            if offer.record is need.record:
                continue  # never a record with itself
            offer_words = texts[offer.key]
            shared = [(a, b) for a in need_words for b in offer_words if a.terms & b.terms]
            if not shared:
                continue
            if len(shared) < 2 and len(need_words) > 1 and len(offer_words) > 1:
                continue  # one word in common, and neither text is that word alone
            score = sum(weight(a) for a, _ in shared)
            themes = len(set(need.record.themes) & set(offer.record.themes))
            match = Match(
                need,
                offer,
                round(score, 6),
                tuple((a.written, b.written) for a, b in shared),
                themes,
                _km(need.record.geo, offer.record.geo),
            )
            found.setdefault(need.key, []).append(match)
            found.setdefault(offer.key, []).append(match)
    return {key: _best(matches, per_item) for key, matches in found.items()}


def _rank(match: Match) -> tuple:
    return (
        -match.score,
        -match.themes,
        match.km if match.km is not None else math.inf,
        match.need.key,
        match.offer.key,
    )


def _best(matches: list[Match], count: int) -> list[Match]:
    return heapq.nsmallest(count, matches, key=_rank)
