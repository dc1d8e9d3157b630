"""Every validation rule, each with a real bad file and the exact message a contributor reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import actor_text, build, write
from essaim.records.checks import siret_is_valid
from essaim.records.problems import InvalidContent
from essaim.records.read import read_directory
from essaim.records.territory import load_territory, read_territory


def problems_of(root: Path) -> list[str]:
    """Every problem of the territory at root, formatted as `essaim validate` prints them."""
    directory, problems = read_directory(root, load_territory(root), git_dates=False)
    return [p.format() for p in problems]


def test_a_valid_record_has_no_problem(territory):
    write(territory, "actors/la-ruche.md", actor_text())
    assert problems_of(territory) == []


CASES = {
    "missing required field": (
        "actors/a.md",
        actor_text(summary=None),
        "actors/a.md:1:1: error: champ obligatoire « summary » manquant dans l'en-tête : "
        "ajoutez une ligne « summary: ... »",
    ),
    "missing required nested field": (
        "actors/a.md",
        actor_text(address='\n  postcode: "44000"'),
        "actors/a.md:6:1: error: champ obligatoire « city » manquant dans « address » : "
        "ajoutez une ligne « city: ... »",
    ),
    "unknown key with a suggestion": (
        "actors/a.md",
        actor_text(websit="https://example.org"),
        "actors/a.md:9:1: error: champ inconnu « websit » : vouliez-vous dire « website » ?",
    ),
    "unknown legal form with a suggestion": (
        "actors/a.md",
        actor_text(legal_form="asociation"),
        "actors/a.md:3:1: error: valeur « asociation » inconnue pour « legal_form » : choisissez "
        "parmi association, cooperative, scop, scic, cae, mutuelle, fondation, entreprise-esus, "
        "other ; vouliez-vous dire « association » ?",
    ),
    "unknown theme with the closest slug": (
        "actors/a.md",
        actor_text(themes="[numerique, economie-circulair]"),
        "actors/a.md:5:21: error: thème inconnu « economie-circulair » ; vouliez-vous dire "
        "« economie-circulaire » ? (liste des thèmes : page « Thèmes » du site)",
    ),
    "too many themes": (
        "actors/a.md",
        actor_text(themes="[numerique, culture, habitat, energie, mobilite, sport-loisirs]"),
        "actors/a.md:5:1: error: « themes » contient 6 éléments, 5 au plus : gardez les principaux",
    ),
    "summary too long": (
        "actors/a.md",
        actor_text(summary="x" * 281),
        "actors/a.md:4:1: error: « summary » est trop long : 281 caractères, 280 au plus",
    ),
    "bad SIRET checksum": (
        "actors/a.md",
        actor_text(siret='"12345678901234"'),
        "actors/a.md:9:1: error: le SIRET « 12345678901234 » n'est pas valide (clé de contrôle "
        "fausse) : recopiez-le depuis l'avis de situation INSEE ou annuaire-entreprises.data.gouv.fr",
    ),
    "SIRET of the wrong length": (
        "actors/a.md",
        actor_text(siret='"1234"'),
        "actors/a.md:9:1: error: « siret » doit être un numéro SIRET de 14 chiffres, sans espaces, "
        "entre guillemets (reçu : « 1234 »)",
    ),
    "javascript: URL": (
        "actors/a.md",
        actor_text(website='"javascript:alert(1)"'),
        "actors/a.md:9:1: error: « website » doit être une adresse web complète commençant par "
        "https:// (ou http://) (reçu : « javascript:alert(1) »)",
    ),
    "invalid e-mail": (
        "actors/a.md",
        actor_text(email="contact-at-example.org"),
        "actors/a.md:9:1: error: « email » doit être une adresse e-mail valide (nom@domaine.fr) "
        "(reçu : « contact-at-example.org »)",
    ),
    "latitude out of range": (
        "actors/a.md",
        actor_text(geo="{lat: 95.5, lon: -1.55}"),
        "actors/a.md:9:7: error: « geo.lat » vaut 95.5, hors des limites permises (au plus 90)",
    ),
    "postcode unquoted with a letter": (
        "actors/a.md",
        actor_text(address="\n  postcode: 44OOO\n  city: Testville"),
        "actors/a.md:7:3: error: « address.postcode » doit être un code postal à 5 chiffres, entre "
        'guillemets (par exemple "44000") (reçu : « 44OOO »)',
    ),
    "duplicate key": (
        "actors/a.md",
        actor_text().replace("legal_form: association", "legal_form: association\nname: Bis"),
        "actors/a.md:4:1: error: la clé « name » est écrite deux fois : gardez-en une",
    ),
    "YAML syntax error": (
        "actors/a.md",
        actor_text(summary="Accueil: le lundi"),
        "actors/a.md:4:17: error: erreur de syntaxe YAML (un « : » inattendu ; si la valeur contient "
        "« : », mettez-la entre guillemets) : vérifiez l'indentation, les deux-points et mettez "
        "entre guillemets les textes qui contiennent « : » ou « # »",
    ),
    "no front matter": (
        "actors/a.md",
        "Juste du texte.\n",
        "actors/a.md:1:1: error: le fichier doit commencer par une ligne « --- » suivie des champs "
        "de la fiche",
    ),
    "front matter never closed": (
        "actors/a.md",
        "---\nname: A\n",
        "actors/a.md:1:1: error: l'en-tête ouvert par « --- » n'est jamais fermé : ajoutez une "
        "ligne « --- » après le dernier champ",
    ),
    "file name that is not a slug": (
        "actors/La Ruche.md",
        actor_text(),
        "actors/La Ruche.md:1:1: error: nom de fichier « La Ruche.md » invalide : utilisez des "
        "minuscules sans accents, des chiffres et des tirets (par exemple « ma-structure.md »)",
    ),
    "reserved file name": (
        "actors/page.md",
        actor_text(),
        "actors/page.md:1:1: error: le nom de fichier « page.md » est réservé par le site : "
        "renommez le fichier",
    ),
    "key that only exports carry": (
        "actors/a.md",
        actor_text(url="https://example.org/acteurs/a/"),
        "actors/a.md:9:1: error: « url » n'est pas à écrire dans une fiche : l'adresse de la page "
        "est calculée par le site ; retirez cette ligne",
    ),
    "event ending before it starts": (
        "events/e.md",
        "---\ntitle: Atelier\nstart: 2026-03-05 18:00\nend: 2026-03-05 17:00\nthemes: [culture]\n---\n",
        "events/e.md:4:1: error: la fin (2026-03-05 17:00) est avant le début (2026-03-05 18:00) : "
        "corrigez « end »",
    ),
    "impossible date": (
        "events/e.md",
        "---\ntitle: Atelier\nstart: 2026-02-30\nthemes: [culture]\n---\n",
        "events/e.md:3:1: error: « start » : la date « 2026-02-30 » n'existe pas",
    ),
    "unknown organizer": (
        "events/e.md",
        "---\ntitle: Atelier\nstart: 2026-03-05\nthemes: [culture]\norganizers: [la-ruch]\n---\n",
        "events/e.md:5:14: error: acteur inconnu « la-ruch » dans « organizers » : indiquez le nom "
        "du fichier d'une fiche de actors/ (sans .md) ; vouliez-vous dire « la-ruche » ?",
    ),
    "initiative without actors": (
        "initiatives/i.md",
        "---\nname: Projet\nsummary: Un projet.\nthemes: [culture]\nactors: []\n---\n",
        "initiatives/i.md:5:1: error: « actors » doit contenir au moins 1 élément(s)",
    ),
    "missing logo file": (
        "actors/a.md",
        actor_text(logo="media/logos/a.png"),
        "actors/a.md:9:1: error: le logo « media/logos/a.png » est introuvable : ajoutez l'image au "
        "dépôt à ce chemin, ou retirez la ligne",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(territory, name):
    path, text, expected = CASES[name]
    write(territory, "actors/la-ruche.md", actor_text("Ruche de référence"))
    write(territory, path, text)
    assert expected in problems_of(territory)


def test_latin1_file_is_reported_at_the_offending_byte(territory):
    (territory / "actors").mkdir()
    (territory / "actors/cafe.md").write_bytes(b"---\nname: Caf\xe9\n---\n")
    assert problems_of(territory) == [
        "actors/cafe.md:2:10: error: le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
        "(dans votre éditeur : « Enregistrer sous », encodage UTF-8)"
    ]


def test_duplicates_are_reported_on_the_second_file(territory):
    write(
        territory,
        "actors/a.md",
        actor_text("La Ruche", siret='"73282932000074"', website="https://www.ruche.example.org/"),
    )
    write(
        territory,
        "actors/b.md",
        actor_text("la ruche", siret='"73282932000074"', website="http://ruche.example.org"),
    )
    problems = problems_of(territory)
    assert problems == [
        "actors/b.md:2:1: error: le nom est déjà celui de actors/a.md : s'agit-il de la même "
        "structure ? Fusionnez les deux fiches ou distinguez-les",
        "actors/b.md:9:1: error: le SIRET est déjà celui de actors/a.md : s'agit-il de la même "
        "structure ? Fusionnez les deux fiches ou distinguez-les",
        "actors/b.md:10:1: error: le site web est déjà celui de actors/a.md : s'agit-il de la même "
        "structure ? Fusionnez les deux fiches ou distinguez-les",
    ]


def test_every_problem_of_every_file_is_reported(territory):
    """One bad file never hides another, and one mistake never hides the next in a file."""
    write(territory, "actors/a.md", actor_text(summary=None, themes="[numerik]"))
    write(territory, "actors/b.md", "---\nname: [oops\n---\n")
    write(
        territory,
        "events/e.md",
        "---\ntitle: E\nstart: 2026-01-01\nthemes: [culture]\norganizers: [b, nobody]\n---\n",
    )
    problems = problems_of(territory)
    assert [p.split(": error")[0] for p in problems] == [
        "actors/a.md:1:1",
        "actors/a.md:4:10",
        "actors/b.md:3:1",
        "events/e.md:5:17",
    ]
    # `b` exists (its file is broken): referencing it is not a second error.
    assert "« b »" not in problems[-1]


def test_codes_keep_their_digits_and_yes_stays_yes(territory):
    write(
        territory,
        "actors/a.md",
        actor_text(
            address="\n  postcode: 01000\n  city: Bourg-en-Bresse\n  insee_code: 01053",
            accessibility="\n  wheelchair: yes",
        ),
    )
    directory, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert problems == []
    actor = directory.actors[0]
    assert actor.address["postcode"] == "01000"
    assert actor.address["insee_code"] == "01053"
    assert actor.fields["accessibility"]["wheelchair"] == "yes"


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),  # a real establishment
        ("44306184100047", True),  # another real one
        ("73282932000075", False),  # one digit changed
        ("35600000000010", True),  # La Poste: digit sum multiple of 5, not Luhn
        ("35600000000011", False),
    ],
)
def test_siret_checksum(siret, valid):
    assert siret_is_valid(siret) is valid


def test_bad_territory_file_is_reported_with_lines(territory):
    write(
        territory,
        "territory.yml",
        """\
        name: Testville
        pitch: Test
        base_url: https://testville.example.org/
        colour: "#fff"
        colors:
          primary: "#7fd3b0"
        """,
    )
    _, problems = read_territory(territory)
    assert [p.format() for p in problems] == [
        "territory.yml:3:1: error: « base_url » doit être l'adresse publique du site, commençant "
        "par https:// et sans / final (reçu : « https://testville.example.org/ »)",
        "territory.yml:4:1: error: champ inconnu « colour » : vouliez-vous dire « colors » ?",
    ]
    write(
        territory,
        "territory.yml",
        'name: T\npitch: T\nbase_url: https://t.example.org\ncolors:\n  primary: "#7fd3b0"\n',
    )
    _, problems = read_territory(territory)
    assert [p.format() for p in problems] == [
        "territory.yml:5:3: error: la couleur primary #7fd3b0 contraste trop peu avec le blanc "
        "(1.8:1, il faut au moins 4.5:1 pour l'accessibilité) : choisissez une teinte plus foncée"
    ]


def test_a_build_with_invalid_content_fails_with_the_same_list(territory, tmp_path_factory):
    write(territory, "actors/a.md", actor_text(summary=None))
    write(territory, "actors/b.md", actor_text("B", legal_form="scopp"))
    with pytest.raises(InvalidContent) as raised:
        build(territory, tmp_path_factory.mktemp("out"))
    assert [p.format() for p in raised.value.problems] == problems_of(territory)
    assert "2 erreur(s) dans les fiches" in str(raised.value)
