"""Offers and needs that answer each other: a fixture of 24 records with the pairs that must be
found and the pairs that must not (accents, plurals, verb and noun, synonyms, categories,
generic and stop words, a near miss, a record with itself, distance and themes as tie-breakers,
the fields records already had, an expired offer)."""

from __future__ import annotations

import os
from datetime import date

import pytest

from conftest import TERRITORY, write
from essaim.matching import Vocabulary, match_all, open_offers_needs
from essaim.records.offers import offers_needs_of
from essaim.records.read import read_directory
from essaim.records.territory import load_territory

NANTES = "{lat: 47.218, lon: -1.553}"
REZE = "{lat: 47.19, lon: -1.57}"
BREST = "{lat: 48.39, lon: -4.49}"

# slug → (themes, geo, offers_needs YAML items: (kind, category, text[, until]))
RECORDS = {
    "livraison-cooperative": ("[mobilite]", NANTES, [("need", "competences", "Réparer nos vélos cargos")]),
    "atelier-velo": ("[mobilite]", NANTES, [("offer", "competences", "Réparation de vélos")]),
    "envie-electromenager": (
        "[economie-circulaire]",
        NANTES,
        [("offer", "competences", "Réparation d'électroménager")],
    ),
    "petite-asso": ("[culture]", NANTES, [("need", "competences", "Comptabilité")]),
    "cabinet-solidaire": ("[culture]", NANTES, [("offer", "competences", "Tenue des comptes")]),
    "maison-accueil": ("[sante-social]", NANTES, [("need", "competences", "Traduction en français")]),
    "traducteurs": ("[sante-social]", NANTES, [("offer", "competences", "Traductions vers le francais")]),
    "collectif-quartier": ("[culture]", NANTES, [("need", "locaux", "Une salle de réunion le soir")]),
    "tiers-lieu": ("[culture]", NANTES, [("offer", "locaux", "Salles de réunions à prêter")]),
    "loueur-materiel": ("[culture]", NANTES, [("offer", "materiel", "Matériel pour salle de réunion")]),
    "jeune-projet": ("[numerique]", NANTES, [("need", "competences", "De l'aide pour notre projet")]),
    "incubateur": ("[numerique]", NANTES, [("offer", "competences", "Aide aux projets")]),
    "bavards": ("[culture]", NANTES, [("need", "partenariats", "Avec vous et pour nous")]),
    "causeurs": ("[culture]", NANTES, [("offer", "partenariats", "Avec nous, pour vous")]),
    "graphistes": (
        "[numerique]",
        NANTES,
        [("offer", "competences", "Graphisme"), ("need", "competences", "Graphisme")],
    ),
    "collecte-nantes": (
        "[economie-circulaire]",
        NANTES,
        [("need", "benevolat", "Bénévoles pour la collecte")],
    ),
    "benevoles-reze": (
        "[economie-circulaire]",
        REZE,
        [("offer", "benevolat", "Bénévoles disponibles pour une collecte")],
    ),
    "benevoles-brest": (
        "[economie-circulaire]",
        BREST,
        [("offer", "benevolat", "Bénévoles disponibles pour une collecte")],
    ),
    "ecole-velo": ("[mobilite]", NANTES, [("need", "materiel", "Prêt de vélos")]),
    "cyclo-mobilite": ("[mobilite]", NANTES, [("offer", "materiel", "Prêt de vélos")]),
    "cyclo-culture": ("[culture]", NANTES, [("offer", "materiel", "Prêt de vélos")]),
    "imprimerie": ("[culture]", NANTES, [("offer", "materiel", "Impression d'affiches", "2026-01-31")]),
    "festival": ("[culture]", NANTES, [("need", "materiel", "Impression d'affiches")]),
}
TODAY = date(2026, 3, 1)


def _item(kind: str, category: str, text: str, until: str = "") -> str:
    line = f'\n  - kind: {kind}\n    category: {category}\n    text: "{text}"'
    return line + (f"\n    until: {until}" if until else "")


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    root = tmp_path_factory.mktemp("matching")
    write(root, "territory.yml", TERRITORY + "offers_needs:\n  synonyms:\n    - [comptabilité, comptes]\n")
    for slug, (themes, geo, items) in RECORDS.items():
        lines = "".join(_item(*item) for item in items)
        write(
            root,
            f"actors/{slug}.md",
            f"---\nname: {slug}\nlegal_form: association\nsummary: Une structure.\nthemes: {themes}\n"
            f"address:\n  city: Nantes\ngeo: {geo}\noffers_needs:{lines}\n---\nTexte.\n",
        )
    # The fields records already had count too: an initiative's needs, an actor's skills.
    write(
        root,
        "initiatives/boutique.md",
        "---\nname: Boutique solidaire\nsummary: Une boutique.\nthemes: [agriculture-alimentation]\n"
        "stage: starting\nactors: [livraison-cooperative]\n"
        "needs:\n  funding: Un prêt d'honneur pour démarrer\n---\nTexte.\n",
    )
    write(
        root,
        "actors/banque-solidaire.md",
        "---\nname: Banque solidaire\nlegal_form: association\nsummary: Des prêts.\n"
        "themes: [agriculture-alimentation]\naddress:\n  city: Nantes\n"
        "offers_needs:\n  - kind: offer\n    category: financement\n"
        "    text: Prêts d'honneur aux créateurs\n---\nTexte.\n",
    )
    territory = load_territory(root)
    found, problems = read_directory(root, territory, git_dates=False)
    assert problems == []
    return territory, found


@pytest.fixture(scope="module")
def matches(directory):
    territory, found = directory
    items = open_offers_needs(found, TODAY)
    return match_all(items, Vocabulary.of(territory))


def pairs(matches) -> set[tuple[str, str]]:
    return {(m.need.record.slug, m.offer.record.slug) for found in matches.values() for m in found}


EXPECTED = [
    ("livraison-cooperative", "atelier-velo"),  # verb/noun, plural, accents
    ("petite-asso", "cabinet-solidaire"),  # the territory's synonyms
    ("maison-accueil", "traducteurs"),  # plural and accents on both words
    ("collectif-quartier", "tiers-lieu"),  # plurals
    ("collecte-nantes", "benevoles-reze"),
    ("collecte-nantes", "benevoles-brest"),
    ("ecole-velo", "cyclo-mobilite"),
    ("ecole-velo", "cyclo-culture"),
    ("boutique", "banque-solidaire"),  # an initiative's `needs:` group, unchanged
]
FORBIDDEN = [
    ("livraison-cooperative", "envie-electromenager"),  # the near miss: "réparation" alone
    ("collectif-quartier", "loueur-materiel"),  # the same words, another category
    ("jeune-projet", "incubateur"),  # generic words only
    ("bavards", "causeurs"),  # stop words only
    ("graphistes", "graphistes"),  # never a record with itself
    ("festival", "imprimerie"),  # its offer expired before today
]


@pytest.mark.parametrize(("need", "offer"), EXPECTED)
def test_expected_pairs_are_found(matches, need, offer):
    assert (need, offer) in pairs(matches)


@pytest.mark.parametrize(("need", "offer"), FORBIDDEN)
def test_forbidden_pairs_are_not(matches, need, offer):
    assert (need, offer) not in pairs(matches)


def test_nothing_else_matches(matches):
    assert pairs(matches) == set(EXPECTED)


def test_each_match_says_why_with_the_words_as_written(matches):
    (match,) = matches["actor:livraison-cooperative:0"]
    assert match.words == (("Réparer", "Réparation"), ("vélos", "vélos"))
    assert match.reason() == "« Réparer » / « Réparation », « vélos »"
    (synonym,) = matches["actor:petite-asso:0"]
    assert synonym.reason() == "« Comptabilité » / « comptes »"


def test_ties_go_to_shared_themes_then_to_the_nearer(matches):
    volunteers = matches["actor:collecte-nantes:0"]
    assert [m.offer.record.slug for m in volunteers] == ["benevoles-reze", "benevoles-brest"]
    assert volunteers[0].km < 10 and volunteers[1].km > 200
    bikes = matches["actor:ecole-velo:0"]
    assert [(m.offer.record.slug, m.themes) for m in bikes] == [("cyclo-mobilite", 1), ("cyclo-culture", 0)]


def test_an_offer_sees_the_needs_it_answers(matches):
    assert [m.need.record.slug for m in matches["actor:atelier-velo:0"]] == ["livraison-cooperative"]


def test_without_the_synonym_comptabilite_and_comptes_do_not_meet(directory):
    _, found = directory
    plain = match_all(open_offers_needs(found, TODAY), Vocabulary())
    assert ("petite-asso", "cabinet-solidaire") not in pairs(plain)


def test_the_fields_records_already_had_are_offers_and_needs(directory):
    _, found = directory
    boutique = next(i for i in found.initiatives if i.slug == "boutique")
    (need,) = offers_needs_of(boutique)
    assert (need.kind, need.category, need.field) == ("need", "financement", "needs.funding")


def _problems(root):
    _, found = read_directory(root, load_territory(root), git_dates=False)
    return [(p.path, p.line, p.message) for p in found]


def test_an_unknown_category_is_an_error_at_its_line(territory):
    from conftest import actor_text

    items = "\n  - kind: need\n    category: locau\n    text: Un local pour nos réunions"
    write(territory, "actors/a.md", actor_text("Alpha", offers_needs=items))
    assert _problems(territory) == [
        (
            "actors/a.md",
            11,
            "catégorie d'offre ou de besoin inconnue « locau » ; vouliez-vous dire « locaux » ? : choisissez "
            "parmi competences, benevolat, locaux, materiel, financement, partenariats, emploi",
        )
    ]


def test_a_territory_adds_and_removes_categories(territory):
    from conftest import actor_text

    write(
        territory,
        "territory.yml",
        TERRITORY
        + "offers_needs:\n  categories:\n    outils-numeriques: Outils numériques\n    emploi: null\n",
    )
    items = (
        "\n  - kind: offer\n    category: outils-numeriques\n    text: Prêt de tablettes"
        "\n  - kind: need\n    category: emploi\n    text: Un poste d'animateur"
    )
    write(territory, "actors/a.md", actor_text("Alpha", offers_needs=items))
    ((path, line, message),) = _problems(territory)
    assert (path, line) == ("actors/a.md", 14) and message.startswith(
        "catégorie d'offre ou de besoin inconnue « emploi »"
    )
    assert "outils-numeriques" in message


def test_an_offer_or_need_is_checked_by_the_contract(territory):
    from conftest import actor_text

    items = "\n  - kind: gift\n    category: locaux\n    text: Un local\n    until: 2026-02-30"
    write(territory, "actors/a.md", actor_text("Alpha", offers_needs=items))
    messages = [message for _, _, message in _problems(territory)]
    assert any("« gift »" in m and "offer, need" in m for m in messages), messages
    assert any("until" in m for m in messages), messages


def test_a_common_word_keeps_the_work_bounded_and_takes_the_nearest_offers(monkeypatch):
    """Thousands of offers of volunteers, hundreds of needs: each need is compared with at most
    CANDIDATES offers, the nearest on the map, and still gets the nearest five."""
    import random
    from dataclasses import dataclass, field

    import essaim.matching as matching
    from essaim.records.offers import OfferNeed

    @dataclass(eq=False)
    class Place:
        slug: str
        geo: dict
        KIND: str = "actor"
        themes: list = field(default_factory=list)

    rng = random.Random(7)

    def scattered(kind: str, text: str, count: int, lats: tuple, lons: tuple) -> list:
        return [
            OfferNeed(
                Place(f"{kind}{n}", {"lat": rng.uniform(*lats), "lon": rng.uniform(*lons)}),
                kind,
                "benevolat",
                text,
                0,
            )
            for n in range(count)
        ]

    offers = scattered("offer", "Bénévoles disponibles", 4000, (43, 50), (-4, 7))
    needs = scattered("need", "Bénévoles", 300, (44, 49), (-3, 6))
    compared = []  # the offers each look around a need yields
    near, km = matching._Offers.near, matching._km
    monkeypatch.setattr(
        matching._Offers, "near", lambda self, geo: compared.append(len(got := near(self, geo))) or got
    )
    found = matching.match_all(offers + needs, matching.Vocabulary())
    assert 0 < sum(compared) <= len(needs) * matching.CANDIDATES < len(needs) * len(offers) / 5
    for need in needs[:20]:
        nearest = sorted(km(need.record.geo, o.record.geo) for o in offers)[:5]
        got = [m.km for m in found[need.key]]
        assert got == sorted(got) and got[0] == nearest[0]
    # Shared among forked processes, the work gives the same matches.
    monkeypatch.setattr(matching, "PARALLEL_FROM", 1)
    shared = matching.match_all(offers + needs, matching.Vocabulary(), jobs=2)

    def pairs(result):
        return {
            key: [(m.need.key, m.offer.key, m.score, m.words, m.km) for m in ms] for key, ms in result.items()
        }

    assert pairs(shared) == pairs(found) and len(found) > len(needs)
    # A process that dies (out of memory) does not hang the build: the parent matches alone.
    parent, best_offers = os.getpid(), matching._Index.best_offers
    monkeypatch.setattr(
        matching._Index,
        "best_offers",
        lambda self, n: best_offers(self, n) if os.getpid() == parent else os._exit(3),
    )
    alone = matching.match_all(offers + needs, matching.Vocabulary(), jobs=2)
    assert pairs(alone) == pairs(found)


def test_a_word_written_twice_counts_once():
    """« vélo, vélos » is one word: it does not make a near miss a match, nor double a score."""
    from essaim.matching import Vocabulary

    assert [w.written for w in Vocabulary().words("Vente de vélo, vélos")] == ["Vente", "vélo"]


def test_synonym_groups_that_share_a_word_are_one_group():
    vocabulary = Vocabulary([["comptes", "comptabilité"], ["comptabilité", "gestion"]])
    (gestion,) = vocabulary.words("gestion")
    (comptes,) = vocabulary.words("comptes")
    assert gestion.terms == comptes.terms


def test_a_category_removed_while_old_fields_still_count_in_it_is_an_error(territory):
    from conftest import actor_text

    write(territory, "territory.yml", TERRITORY + "offers_needs:\n  categories:\n    competences: null\n")
    write(territory, "actors/a.md", actor_text("Alpha", skills_offered="[comptabilité associative]"))
    ((path, _, message),) = _problems(territory)
    assert path == "actors/a.md" and message.startswith("« skills_offered » compte comme offre ou besoin")


def test_page_cannot_name_a_category(territory):
    from essaim.records.territory import read_territory

    write(territory, "territory.yml", TERRITORY + "offers_needs:\n  categories:\n    page: Pages\n")
    _, problems = read_territory(territory)
    assert [p.message for p in problems] == [
        "la catégorie « page » est réservée (les pages suivantes d'une liste) : choisissez un autre nom"
    ]
