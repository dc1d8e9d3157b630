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
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache

from .analysis import SEPARATOR, term, trim
from .geojson import distance_km
from .i18n import _
from .records.offers import OfferNeed, offers_needs_of
from .records.read import collector_paused

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
        """The words in common, quoted as the build's language quotes: « réparer » /
        « réparation », « vélos » (“repair” in English)."""
        quoted = _("« %(word)s »")
        return ", ".join(
            quoted % {"word": a}
            if a.lower() == b.lower()
            else f"{quoted % {'word': a}} / {quoted % {'word': b}}"
            for a, b in self.words
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

    def cell_of(self, geo: dict | None) -> tuple[int, int] | None:
        """What `near` depends on of a place: its cell, or None when every offer is taken."""
        return None if self.by_cell is None else self.cell(geo)

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


PARALLEL_FROM = 4000  # needs from which matching is shared among processes (forked)


@collector_paused()  # what it makes all lives on until the end: nothing for the collector
def match_all(
    items: list, vocabulary: Vocabulary, per_item: int = MATCHES_PER_ITEM, jobs: int = 1
) -> dict[str, list[Match]]:
    """For each item's key, its best matches (a need's offers, an offer's needs), best first.

    `items` are open offers and needs (records.offers.OfferNeed). Offers are indexed by category
    and word, so a need is compared only with offers that share one of its words: its rarest
    words first, and at most CANDIDATES offers in all. Where a word is common (thousands of
    offers of "formation" in a national directory), a need takes those nearest to it on a grid
    (`_Offers.near`): the work stays linear in the number of needs whatever the data, and a
    directory where no word has more than NEAREST offers of a category is matched exhaustively.
    Two texts are compared once, however many records write them. With `jobs` > 1 and many
    needs, the needs are shared among that many forked processes (each need's offers are found
    alone: the result is the same)."""
    needs = [n for n, item in enumerate(items) if item.kind == "need"]
    if not needs:  # offers alone answer nothing (a directory of skills offered only)
        return {}
    index = _Index(items, vocabulary, per_item)
    ranked = _in_processes(index, needs, jobs) if jobs > 1 and len(needs) >= PARALLEL_FROM else None
    if ranked is None:
        ranked = index.best_offers(needs)
    for_offers: dict[int, list] = {}  # offer's position → [(rank, need's position, shown)]
    for need, kept in zip(needs, ranked, strict=True):
        need_key = items[need].key
        for (score, shared_themes, distance, _need_rank), offer, shown in kept:
            # An offer shows the needs it is among the best answers to.
            for_offers.setdefault(offer, []).append(((score, shared_themes, distance, need_key), need, shown))
    made: dict[tuple[int, int], Match] = {}  # one Match per kept pair, seen from both sides

    def match_of(rank: tuple, need: int, offer: int, shown: tuple) -> Match:
        found = made.get((need, offer))
        if found is None:
            a, b = items[need], items[offer]
            found = made[(need, offer)] = Match(
                a, b, -rank[0], shown, -rank[1], _km(a.record.geo, b.record.geo)
            )
        return found

    found: dict[str, list[Match]] = {}
    for need, kept in zip(needs, ranked, strict=True):  # already the best, in order
        if kept:
            found[items[need].key] = [match_of(rank, need, offer, shown) for rank, offer, shown in kept]
    for offer, kept in for_offers.items():
        best = heapq.nsmallest(per_item, kept, key=_first)
        found[items[offer].key] = [match_of(rank, need, offer, shown) for rank, need, shown in best]
    return found


class _Index:
    """What matching reads, made once: each text's words and their weights, each record's themes
    and place, and the offers by category and word (`_Offers`)."""

    def __init__(self, items: list, vocabulary: Vocabulary, per_item: int) -> None:
        self.items, self.per_item = items, per_item
        by_text: dict[str, list[Word]] = {}  # directories write the same few needs many times
        for item in items:
            if item.text not in by_text:
                by_text[item.text] = vocabulary.words(item.text)
        self.words = by_text
        frequency: dict[str, int] = {}
        for item in items:
            for t in {t for w in by_text[item.text] for t in w.terms}:
                frequency[t] = frequency.get(t, 0) + 1
        count = max(1, len(items))
        self.weights = {t: math.log(1 + count / n) for t, n in frequency.items()}
        self.position = {id(item): n for n, item in enumerate(items)}
        # Each record's themes as the bits of one integer (the themes two records share: the
        # bits of `a & b`), and its place as (latitude, longitude) or None.
        bits: dict[str, int] = {}
        self.themes: dict[int, int] = {}
        self.geos: dict[int, tuple[float, float] | None] = {}
        for item in items:
            record = item.record
            if id(record) not in self.themes:
                mask = 0
                for theme in record.themes:
                    mask |= bits.setdefault(theme, 1 << len(bits))
                self.themes[id(record)] = mask
                geo = record.geo
                self.geos[id(record)] = (geo["lat"], geo["lon"]) if geo else None
        postings: dict[tuple[str, str], list] = {}
        for item in items:
            if item.kind == "offer":
                for t in {t for w in by_text[item.text] for t in w.terms}:
                    postings.setdefault((item.category, t), []).append(item)
        self.offers = {index_key: _Offers(entries) for index_key, entries in postings.items()}

    def weight(self, word: Word) -> float:
        """A word weighs more when few texts use it."""
        return max(self.weights[t] for t in word.terms)

    def best_offers(self, needs: list[int]) -> list[list[tuple]]:
        """For each need (its position in the items), its best offers, best first: [(rank, the
        offer's position, the words in common)], rank = (-score, -themes shared, distance, key)."""
        items, offers, themes, geos, position = self.items, self.offers, self.themes, self.geos, self.position
        in_common: dict[tuple[str, str], tuple | None] = {}  # the same two texts, compared once
        # (category, text, cells) → the offers that answer such a need, each scored once:
        # [(-score, latitude, longitude, its record's themes, its record, its key, its position, words)]
        answers: dict[tuple, list] = {}
        lists_of: dict[tuple[str, str], list[_Offers]] = {}  # (category, text) → its words' offers
        near_of: dict[tuple[int, tuple | None], list] = {}  # (id of the offers, cell) → near()
        result = []
        per_item = self.per_item
        for n in needs:
            need = items[n]
            need_words, need_record = self.words[need.text], need.record
            place = geos[id(need_record)]
            geo = need_record.geo
            # The offers a need is compared with depend on its category, its words, and the
            # cell it falls in on each word's grid (`_Offers.near`): needs that share all three
            # share their candidates, scored once.
            lists = lists_of.get((need.category, need.text))
            if lists is None:
                lists = lists_of[(need.category, need.text)] = sorted(
                    (
                        offers[(need.category, t)]
                        for t in {t for w in need_words for t in w.terms}
                        if (need.category, t) in offers
                    ),
                    key=lambda found: len(found.all),
                )
            cells = tuple([found.cell_of(geo) for found in lists])
            where = (need.category, need.text, cells)
            scored = answers.get(where)
            if scored is None:
                scored = answers[where] = []
                candidates: dict[int, OfferNeed] = {}
                for found, cell in zip(lists, cells, strict=True):  # the rarest words first
                    if len(candidates) >= CANDIDATES:
                        break
                    nearest = near_of.get((id(found), cell))
                    if nearest is None:
                        nearest = near_of[(id(found), cell)] = found.near(geo)
                    for offer in nearest:
                        if len(candidates) >= CANDIDATES:
                            break
                        candidates.setdefault(id(offer), offer)
                need_text = need.text
                for offer in candidates.values():
                    pair = (need_text, offer.text)
                    common = in_common.get(pair, False)
                    if common is False:
                        common = in_common[pair] = _in_common(need_words, self.words[offer.text], self.weight)
                    if common is None:
                        continue
                    record = offer.record
                    offer_place = geos[id(record)]
                    lat, lon = offer_place if offer_place else (None, None)
                    at = position[id(offer)]
                    scored.append(
                        (-common[0], lat, lon, themes[id(record)], record, offer.key, at, common[1])
                    )
            need_themes = themes[id(need_record)]
            mine = []
            if place:
                need_lat, need_lon = place
                scale = math.cos(math.radians(need_lat))
            for score, lat, lon, offer_themes, record, key, at, shown in scored:
                if record is need_record:
                    continue  # never a record with itself
                # Places rank by their distance cheaply: squared degrees, the longitude scaled
                # by the cosine of the need's latitude (the kilometres shown are computed for
                # the matches kept only).
                if place and lat is not None:
                    distance = (need_lat - lat) * (need_lat - lat) + (scale * (need_lon - lon)) ** 2
                else:
                    distance = math.inf
                # (its rank, then what it says); the key is unique: no tie reaches `at`
                mine.append((score, -(need_themes & offer_themes).bit_count(), distance, key, at, shown))
            best = heapq.nsmallest(per_item, mine) if len(mine) > per_item else sorted(mine)
            result.append([(entry[:4], entry[4], entry[5]) for entry in best])
        return result


_SHARED: _Index | None = None  # the index a forked process reads (set just before the fork)


def _best_offers_of(needs: list[int]) -> list[list[tuple]]:
    assert _SHARED is not None
    return _SHARED.best_offers(needs)


def _in_processes(index: _Index, needs: list[int], jobs: int) -> list[list[tuple]] | None:
    """`index.best_offers(needs)` shared among `jobs` forked processes, which read the index
    their parent made (nothing is sent to them but positions); None where processes cannot be
    forked (then the caller matches alone)."""
    global _SHARED
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - a system without fork
        return None
    size = -(-len(needs) // jobs)
    chunks = [needs[i : i + size] for i in range(0, len(needs), size)]
    _SHARED = index
    try:
        with ProcessPoolExecutor(len(chunks), mp_context=context) as pool:
            parts = list(pool.map(_best_offers_of, chunks))
    except (OSError, BrokenProcessPool):  # no process to fork, or one died (memory): alone
        return None
    finally:
        _SHARED = None
    return [kept for part in parts for kept in part]


def _first(entry: tuple) -> tuple:
    return entry[0]


def _in_common(need_words: list[Word], offer_words: list[Word], weight) -> tuple | None:
    """(score, the words in common as each text wrote them), or None when the texts do not
    answer each other: no word in common, or a single one that is neither text's only word."""
    by_term: dict[str, list[int]] = {}  # each term of the offer → its words' positions
    for j, b in enumerate(offer_words):
        for each in b.terms:
            by_term.setdefault(each, []).append(j)
    shared = []  # each pair once, in the need's order then the offer's: linear in the words
    for a in need_words:
        found = sorted({j for each in a.terms for j in by_term.get(each, ())})
        shared += [(a, offer_words[j]) for j in found]
    if not shared:
        return None
    if len(shared) < 2 and len(need_words) > 1 and len(offer_words) > 1:
        return None
    score = round(sum(weight(a) for a, _ in shared), 6)
    return score, tuple((a.written, b.written) for a, b in shared)
