"""`essaim import csv` and `essaim import gogocarto`: a plan first, duplicates found, nothing lost."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import actor_text, write
from essaim.cli import main

MAPPING = """\
kind: actor
columns:
  name: Nom
  legal_form: Statut
  summary: Description
  themes: Thèmes
  address.city: Ville
  address.postcode: CP
  website: Site
  siret: SIRET
  body: Présentation
values:
  legal_form: {"Association loi 1901": association, "SCOP": scop}
  themes: {"Numérique": numerique, "Culture": culture}
"""
CSV = """\
Nom;Statut;Description;Thèmes;Ville;CP;Site;SIRET;Présentation
La Ruche Solidaire;Association loi 1901;Un tiers-lieu.;Numérique, Culture;Testville;44000;\
https://ruche.example.org;;Un **lieu**.
Le Fournil;SCOP;Du pain.;Numérique;Testville;44000;;12345678901234;
;SCOP;Sans nom.;Numérique;Testville;;;;
Association « Alpha »;Association loi 1901;Doublon par le nom.;Culture;Testville;;;;
Beta bis;Association loi 1901;Doublon par le site.;Culture;Testville;;https://www.beta.example.org/;;
"""


def run(root, source, *args):
    """`essaim import SOURCE` with the files of the territory at `root` (names relative to it)."""
    paths = [str(root / a) if a.endswith((".csv", ".yml", ".json")) else a for a in args]
    return CliRunner().invoke(main, ["--root", str(root), "import", source, *paths], env={})


def setup_territory(territory):
    write(territory, "actors/alpha.md", actor_text("Alpha"))
    write(territory, "actors/beta.md", actor_text("Beta", website="https://beta.example.org"))
    write(territory, "structures.csv", CSV)
    write(territory, "map.yml", MAPPING)


def test_the_default_is_a_plan_that_writes_nothing(territory):
    setup_territory(territory)
    result = run(territory, "csv", "structures.csv", "--mapping", "map.yml")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "ligne 2 : à créer actors/la-ruche-solidaire.md"
    assert lines[1].startswith(
        "ligne 3 : rejetée actors/le-fournil.md : le SIRET « 12345678901234 » n'est pas valide"
    )
    assert lines[2] == "ligne 4 : rejetée : « name » est vide"
    assert (
        lines[3]
        == "ligne 5 : ignorée actors/association-alpha.md : doublon probable de actors/alpha.md (« Alpha »)"
    )
    assert lines[4] == "ligne 6 : ignorée actors/beta-bis.md : doublon probable de actors/beta.md (« Beta »)"
    assert "1 à créer, 0 à remplacer, 2 ignorée(s) (doublons ou fiches existantes), 2 rejetée(s)." in lines
    assert not (territory / "actors/la-ruche-solidaire.md").exists()


def test_write_creates_files_that_validate(territory):
    setup_territory(territory)
    result = run(territory, "csv", "structures.csv", "--mapping", "map.yml", "--write")
    assert "1 fichier(s) écrit(s)" in result.output
    text = (territory / "actors/la-ruche-solidaire.md").read_text(encoding="utf-8")
    assert 'themes: ["numerique", "culture"]' in text and text.endswith("Un **lieu**.\n")
    validate = CliRunner().invoke(main, ["--root", str(territory), "validate"], env={})
    assert validate.exit_code == 0, validate.output


def test_an_existing_file_is_only_replaced_with_update(territory):
    setup_territory(territory)
    write(territory, "actors/la-ruche-solidaire.md", actor_text("La Ruche Solidaire", summary="Ancien."))
    result = run(territory, "csv", "structures.csv", "--mapping", "map.yml", "--write")
    assert "ligne 2 : ignorée actors/la-ruche-solidaire.md : la fiche existe déjà" in result.output
    assert "Ancien." in (territory / "actors/la-ruche-solidaire.md").read_text(encoding="utf-8")
    run(territory, "csv", "structures.csv", "--mapping", "map.yml", "--write", "--update")
    assert "Un tiers-lieu." in (territory / "actors/la-ruche-solidaire.md").read_text(encoding="utf-8")


def test_a_mapping_naming_missing_columns_is_refused(territory):
    setup_territory(territory)
    write(territory, "bad.yml", "columns:\n  name: Nom\n  website: Adresse web\n")
    result = run(territory, "csv", "structures.csv", "--mapping", "bad.yml")
    assert result.exit_code == 2 and "colonnes absentes du fichier : Adresse web" in result.output


def test_gogocarto_export(territory):
    export = {
        "data": [
            {
                "id": "a1",
                "name": "Le Repair Café",
                "geo": {"latitude": 47.2, "longitude": -1.55},
                "address": {
                    "streetAddress": "1 rue de la Paix",
                    "addressLocality": "Testville",
                    "postalCode": "44000",
                },
                "categories": ["Réparation"],
                "description": "On répare ensemble. " * 20,
                "descriptionMore": "Tous les samedis.",
                "website": "https://repair.example.org",
                "telephone": "02 40 00 00 00",
            },
            {
                "id": "a2",
                "name": "Sans catégorie",
                "geo": {"latitude": 47.2, "longitude": -1.5},
                "categories": [],
            },
        ]
    }
    write(territory, "export.json", json.dumps(export))
    write(
        territory,
        "map.yml",
        'values:\n  themes: {"Réparation": economie-circulaire}\ndefaults:\n  legal_form: association\n',
    )
    result = run(territory, "gogocarto", "export.json", "--mapping", "map.yml", "--write")
    assert "élément 1 : à créer actors/le-repair-cafe.md" in result.output
    assert "élément 2 : rejetée actors/sans-categorie.md : champ obligatoire « summary »" in result.output
    assert "champ obligatoire « themes » manquant" in result.output
    text = (territory / "actors/le-repair-cafe.md").read_text(encoding="utf-8")
    assert "lat: 47.2" in text and "On répare ensemble." in text.split("---")[2]
    validate = CliRunner().invoke(main, ["--root", str(territory), "validate"], env={})
    assert validate.exit_code == 0, validate.output
