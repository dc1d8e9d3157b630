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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from .analysis import SEPARATOR, term, trim
from .geojson import distance_km
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
MATCHES_PER_ITEM = 3  # what a page, the board and a feed show of one offer's or need's matches
NEAREST = 16  # for a word with more offers than this, a need takes about this many, the nearest
RINGS = 12  # how far out, in grid cells, a need looks for them
CANDIDATES = 48  # offers at most compared with one need


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
        for group in synonyms:  # groups that share a word merge: synonymy is transitive
            group_terms = [t for w in group for t in _variants(w)]
            roots = {self._map(t) for t in group_terms}
            if roots:
                root = min(roots)
                for t, mapped in list(self.canonical.items()):
                    if mapped in roots:
                        self.canonical[t] = root
                for t in group_terms:
                    self.canonical[t] = root
        self.generic = frozenset(self._map(t) for w in generic for t in _variants(w))

    def _map(self, t: str) -> str:
        return self.canonical.get(t, t)

    def words(self, text: str) -> list[Word]:
        """The words of `text` that may count (no stop word, no generic word), once each."""
        found, seen = [], set()
        for raw in SEPARATOR.split(text):
            variants = frozenset(self._map(t) for t in _variants(raw)) if raw else frozenset()
            if not variants or variants & self.generic or variants & seen:  # "vélo, vélos": one word
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
    distance = distance_km(a, b)
    return None if math.isinf(distance) else round(distance, 1)


def _ring(row: int, column: int, ring: int) -> Iterator[tuple[int, int]]:
    """The cells at `ring` steps from (row, column): the edge of a square, not its inside."""
    if ring == 0:
        yield row, column
        return
    for j in range(column - ring, column + ring + 1):
        yield row - ring, j
        yield row + ring, j
    for i in range(row - ring + 1, row + ring):
        yield i, column - ring
        yield i, column + ring


class _Offers:
    """The offers of one category that have one word: all of them, and, when they are many, the
    same on a grid whose cells hold about a quarter of NEAREST each (from the offers' own
    extent), so that a need takes those nearest to it."""

    def __init__(self, entries: list) -> None:
        self.all = sorted(entries, key=lambda offer: offer.key)
        self.by_cell: dict[tuple[int, int] | None, list] | None = None
        if len(self.all) <= NEAREST:
            return
        places = [offer.record.geo for offer in self.all if offer.record.geo]
        if places:
            lats, lons = [g["lat"] for g in places], [g["lon"] for g in places]
            area = max(0.01, (max(lats) - min(lats)) * (max(lons) - min(lons)))
            self.side = max(0.005, math.sqrt(area * NEAREST / (4 * len(places))))
        else:
            self.side = 1.0
        self.by_cell = {}
        for offer in self.all:
            self.by_cell.setdefault(self.cell(offer.record.geo), []).append(offer)

    def cell(self, geo: dict | None) -> tuple[int, int] | None:
        if not geo:
            return None
        return int((geo["lat"] + 90) // self.side), int((geo["lon"] + 180) // self.side)

    def near(self, geo: dict | None) -> list:
        """Every offer, or, when there are many, about NEAREST of those nearest to `geo` (at
        most CANDIDATES): the cells ring by ring around it, out to RINGS, and one ring more
        (a place in the next ring may be nearer than the corners of the last); without
        coordinates, the first NEAREST."""
        if self.by_cell is None:
            return self.all
        here = self.cell(geo)
        if here is None:
            return self.all[:NEAREST]
        found: list = []
        enough_at = None
        for ring in range(RINGS + 1):
            for cell in _ring(*here, ring):
                found.extend(self.by_cell.get(cell, ())[: CANDIDATES - len(found)])
                if len(found) >= CANDIDATES:  # a crowded cell is not copied whole
                    break
            if enough_at is None and len(found) >= NEAREST:
                enough_at = ring
            if enough_at is not None and (ring > enough_at or len(found) >= CANDIDATES):
                break
        return found[:CANDIDATES] or self.all[:NEAREST]


def _square(geo: dict | None) -> tuple[int, int] | None:
    """A square of about 2 km around a place: needs written alike there share their candidates."""
    if not geo:
        return None
    return int(geo["lat"] * 50), int(geo["lon"] * 35)


def _flat_distance(a: dict | None, b: dict | None, scale: float) -> float:
    """What ranks places by their distance to `a`, cheaply: squared degrees, longitude scaled
    by the cosine of `a`'s latitude (`scale`). The kilometres shown are computed for the
    matches kept only."""
    if not a or not b:
        return math.inf
    return (a["lat"] - b["lat"]) ** 2 + (scale * (a["lon"] - b["lon"])) ** 2


def match_all(
    items: list, vocabulary: Vocabulary, per_item: int = MATCHES_PER_ITEM
) -> dict[str, list[Match]]:
    """For each item's key, its best matches (a need's offers, an offer's needs), best first.

    `items` are open offers and needs (records.offers.OfferNeed). Offers are indexed by category
    and word, so a need is compared only with offers that share one of its words: its rarest
    words first, and at most CANDIDATES offers in all. Where a word is common (thousands of
    offers of "formation" in a national directory), a need takes those nearest to it on a grid
    (`_Offers.near`): the work stays linear in the number of needs whatever the data, and a
    directory where no word has more than NEAREST offers of a category is matched exhaustively.
    Two texts are compared once, however many records write them."""
    by_text: dict[str, list[Word]] = {}  # directories write the same few needs many times
    texts = {}
    for item in items:
        words_of = by_text.get(item.text)
        if words_of is None:
            words_of = by_text[item.text] = vocabulary.words(item.text)
        texts[item.key] = words_of
    frequency: dict[str, int] = {}
    for words_of in texts.values():
        for t in {t for w in words_of for t in w.terms}:
            frequency[t] = frequency.get(t, 0) + 1
    count = max(1, len(items))

    def weight(word: Word) -> float:
        return max(math.log(1 + count / frequency[t]) for t in word.terms)

    themes = {id(item.record): frozenset(item.record.themes) for item in items}
    geos = {id(item.record): item.record.geo for item in items}
    postings: dict[tuple[str, str], list] = {}
    for item in items:
        if item.kind == "offer":
            for t in {t for w in texts[item.key] for t in w.terms}:
                postings.setdefault((item.category, t), []).append(item)
    offers = {index_key: _Offers(entries) for index_key, entries in postings.items()}

    in_common: dict[tuple[str, str], tuple | None] = {}  # the same two texts, compared once
    for_needs: dict[str, list] = {}  # key → [(rank, need, offer, shown)], the best kept
    for_offers: dict[str, list] = {}
    nearby: dict[tuple, dict[int, OfferNeed]] = {}  # (category, text, square) → candidates

    for need in items:
        if need.kind != "need":
            continue
        need_words, need_themes = texts[need.key], themes[id(need.record)]
        geo = geos[id(need.record)]
        scale = math.cos(math.radians(geo["lat"])) if geo else 1.0
        where = (need.category, need.text, _square(geo))
        candidates = nearby.get(where)
        if candidates is None:
            candidates = nearby[where] = {}
            lists = sorted(
                (
                    offers[(need.category, t)]
                    for t in {t for w in need_words for t in w.terms}
                    if (need.category, t) in offers
                ),
                key=lambda found: len(found.all),
            )
            for found in lists:  # the rarest words first
                if len(candidates) >= CANDIDATES:
                    break
                for offer in found.near(geo):
                    if len(candidates) >= CANDIDATES:
                        break
                    candidates.setdefault(id(offer), offer)
        mine = for_needs.setdefault(need.key, [])
        need_key, need_text = need.key, need.text
        for offer in candidates.values():
            record = offer.record
            if record is need.record:
                continue  # never a record with itself
            pair = (need_text, offer.text)
            common = in_common.get(pair, False)
            if common is False:
                common = in_common[pair] = _in_common(need_words, texts[offer.key], weight)
            if common is None:
                continue
            score, shown = common
            shared_themes = -len(need_themes & themes[id(record)])
            distance = _flat_distance(geo, geos[id(record)], scale)
            mine.append(((-score, shared_themes, distance, offer.key), need, offer, shown))
        mine[:] = heapq.nsmallest(per_item, mine, key=_first)
        for (score, shared_themes, distance, _), _, offer, shown in mine:
            # An offer shows the needs it is among the best answers to.
            for_offers.setdefault(offer.key, []).append(
                ((score, shared_themes, distance, need_key), need, offer, shown)
            )

    made: dict[tuple[str, str], Match] = {}  # one Match per kept pair, seen from both sides

    def match_of(rank: tuple, need: OfferNeed, offer: OfferNeed, shown: tuple) -> Match:
        pair = (need.key, offer.key)
        if pair not in made:
            made[pair] = Match(need, offer, -rank[0], shown, -rank[1], _km(need.record.geo, offer.record.geo))
        return made[pair]

    found: dict[str, list[Match]] = {}
    for key, kept in for_needs.items():  # already the best, in order
        if kept:
            found[key] = [match_of(*entry) for entry in kept]
    for key, kept in for_offers.items():
        found[key] = [match_of(*entry) for entry in heapq.nsmallest(per_item, kept, key=_first)]
    return found


def _first(entry: tuple) -> tuple:
    return entry[0]


def _in_common(need_words: list[Word], offer_words: list[Word], weight) -> tuple | None:
    """(score, the words in common as each text wrote them), or None when the texts do not
    answer each other: no word in common, or a single one that is neither text's only word."""
    shared = [(a, b) for a in need_words for b in offer_words if a.terms & b.terms]
    if not shared:
        return None
    if len(shared) < 2 and len(need_words) > 1 and len(offer_words) > 1:
        return None
    score = round(sum(weight(a) for a, _ in shared), 6)
    return score, tuple((a.written, b.written) for a, b in shared)
