"""`essaim import csv` and `essaim import gogocarto`: a plan first, duplicates found, nothing lost."""

from __future__ import annotations

import json
import re

import pytest
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


# ---------- Real-world spreadsheets ----------

SHORT_MAPPING = """\
columns:
  name: Nom
  summary: Description
  body: Présentation
defaults:
  legal_form: association
  themes: [numerique]
"""
HEADER = "Nom;Description;Présentation\r\n"


def import_bytes(territory, data: bytes, *args: str, mapping: str = SHORT_MAPPING):
    (territory / "sheet.csv").write_bytes(data)
    write(territory, "map.yml", mapping)
    return run(territory, "csv", "sheet.csv", "--mapping", "map.yml", *args)


def record(territory, path: str) -> tuple[dict, str]:
    """The front matter and body of a written record."""
    import yaml

    _, front, body = (territory / path).read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


@pytest.mark.parametrize(
    ("encoding", "name", "note"),
    [
        ("utf-8", "L’Œuvre « Élan »", ""),
        ("utf-8-sig", "L’Œuvre « Élan »", ""),  # Excel's « CSV UTF-8 »
        ("cp1252", "L’Œuvre « Élan » – 5 €", "lu comme windows-1252"),  # Excel's French « CSV »
        ("latin-1", "L'Atelier « Élan » à Rezé", "lu comme windows-1252"),
        ("utf-16", "L’Œuvre « Élan »", "lu comme utf-16"),  # with its byte-order mark
        ("utf-16-le", "L’Œuvre « Élan »", "lu comme utf-16"),  # without one
        ("utf-16-be", "L’Œuvre « Élan »", "lu comme utf-16"),
    ],
)
def test_the_encoding_of_the_spreadsheet_is_detected(territory, encoding, name, note):
    text = HEADER + f"{name};Un lieu ouvert à tous.;Présentation.\r\n"
    result = import_bytes(territory, text.encode(encoding), "--write")
    assert result.exit_code == 0, result.output
    assert "ligne 2 : à créer actors/" in result.output
    assert (note in result.output) if note else ("lu comme" not in result.output)
    assert "1 fichier(s) écrit(s)" in result.output
    path = result.output.split("à créer ", 1)[1].split("\n", 1)[0]
    front, _ = record(territory, path)
    assert front["name"] == name and front["summary"] == "Un lieu ouvert à tous."


def test_the_encoding_option_is_used_as_given(territory):
    text = HEADER + "Élan;Un lieu.;\r\n"
    result = import_bytes(territory, text.encode("cp1252"), "--encoding", "cp1252", "--write")
    assert result.exit_code == 0 and "lu comme" not in result.output
    assert record(territory, "actors/elan.md")[0]["name"] == "Élan"
    # Latin-1 as told by the person: the C1 codes it leaves (0x92 is ’ in windows-1252) are repaired
    text = HEADER + "L\x92Élan;Un lieu.;\r\n"
    result = import_bytes(territory, text.encode("latin-1"), "--encoding", "latin-1", "--write", "--update")
    assert result.exit_code == 0, result.output
    assert record(territory, "actors/lelan.md")[0]["name"] == "L’Élan"


@pytest.mark.parametrize(
    ("data", "args", "message"),
    [
        (b"", [], "sheet.csv : le fichier est vide ; exportez le tableur avec sa ligne d'en-t"),
        (b"  \r\n\r\n", [], "le fichier est vide"),
        (
            (HEADER + "Élan;Un lieu.;\r\nBeta;Un autre \x81 lieu.;\r\n").encode("latin-1"),
            [],
            "sheet.csv, ligne 3 : caractère illisible en cp1252 ; enregistrez le tableur au format",
        ),
        (
            (HEADER + "Élan;Un lieu.;\r\n").encode("cp1252"),
            ["--encoding", "utf-8"],
            "sheet.csv, ligne 1 : caractère illisible en utf-8",
        ),
        (b"Nom\r\n", ["--encoding", "klingon"], "sheet.csv : encodage « klingon » inconnu ; essayez"),
    ],
)
def test_unreadable_files_are_refused_with_one_sentence(territory, data, args, message):
    result = import_bytes(territory, data, *args)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert message in result.output, result.output


def test_rfc_4180_quotes_and_line_breaks_inside_cells(territory):
    text = (
        "Nom,Description,Présentation\r\n"
        '"Atelier ""vélo, bricolage"" du mardi","On répare, on apprend","Premier paragraphe.\r\n'
        '\r\nSecond, avec ""guillemets""."\r\n'
        "\r\n"  # an empty line of the spreadsheet: counted, not imported
        "Le Fournil,Du pain.,\r\n"
        ",Sans nom.,\r\n"
    )
    result = import_bytes(territory, text.encode("utf-8"), "--write")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "ligne 2 : à créer actors/atelier-velo-bricolage-du-mardi.md"
    assert lines[1] == "ligne 4 : à créer actors/le-fournil.md"  # the line of the spreadsheet
    assert lines[2] == "ligne 5 : rejetée : « name » est vide"
    front, body = record(territory, "actors/atelier-velo-bricolage-du-mardi.md")
    assert front["name"] == 'Atelier "vélo, bricolage" du mardi'
    assert front["summary"] == "On répare, on apprend"
    assert body == 'Premier paragraphe.\n\nSecond, avec "guillemets".\n'
    assert CliRunner().invoke(main, ["--root", str(territory), "validate"], env={}).exit_code == 0


def test_a_row_with_more_cells_than_the_header_is_rejected(territory):
    text = (
        HEADER
        + "La Ruche;Un lieu.;\r\nLe Fournil;Du pain; et des gâteaux.;Présentation.\r\nBeta;Un lieu.;;;\r\n"
    )
    result = import_bytes(territory, text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert (
        "ligne 3 : rejetée : la ligne a 4 cellules mais l'en-tête n'a que 3 colonnes : vérifiez les "
        "séparateurs et les guillemets de cette ligne"
    ) in result.output
    assert "ligne 4 : à créer actors/beta.md" in result.output  # empty trailing cells are fine


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + 'La Ruche;Un lieu.;\r\n"Atelier "vélo" du mardi";Un atelier.;\r\n',
            "sheet.csv, ligne 3 : un guillemet fermant est suivi d'autres caractères dans la même cellule",
        ),
        (
            HEADER + 'La Ruche;Un lieu.;\r\nBeta;"Un lieu.;\r\nGamma;Un autre.;\r\n',
            "sheet.csv, ligne 3 : un guillemet ouvre une cellule qui n'est jamais refermée",
        ),
    ],
)
def test_broken_quotes_are_refused_with_their_row(territory, text, message):
    result = import_bytes(territory, text.encode("utf-8"), "--write")
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (territory / "actors").exists()  # nothing written


def test_a_one_column_file(territory):
    mapping = (
        "columns:\n  name: Nom\n"
        "defaults:\n  legal_form: association\n  summary: Un lieu.\n  themes: numerique\n"
    )
    result = import_bytes(territory, b'Nom\nLa Ruche\n"Dupont, Jean"\nMartin; Paul\n', mapping=mapping)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "ligne 2 : à créer actors/la-ruche.md",
        "ligne 3 : à créer actors/dupont-jean.md",
        "ligne 4 : à créer actors/martin-paul.md",
    ]


def test_a_cell_over_128_kb(territory):
    """The csv module's own cell limit (128 KB) is no traceback; the contract's limits decide."""
    long = ("Un paragraphe de présentation. " * 40 + "\n\n") * 200  # about 250 KB
    fits = ("Un paragraphe de présentation. " * 40 + "\n\n") * 15  # under the 20,000 characters
    text = (
        HEADER
        + f'La Ruche;Un lieu.;"{long}"\r\n'
        + f"Le Fournil;{'x' * 300};\r\n"
        + f'Le Local;Un lieu.;"{fits}"\r\n'
    )
    import csv

    limit = csv.field_size_limit()  # 128 KB, unless another library raised it in this process
    result = import_bytes(territory, text.encode("utf-8"), "--write")
    assert result.exit_code == 0, result.output
    assert "ligne 2 : rejetée actors/la-ruche.md : le fichier dépasse 128 Ko" in result.output
    assert (
        "ligne 3 : rejetée actors/le-fournil.md : « summary » est trop long : 300 caractères" in result.output
    )
    assert "ligne 4 : à créer actors/le-local.md" in result.output
    assert record(territory, "actors/le-local.md")[1] == fits.strip() + "\n"
    assert csv.field_size_limit() == limit  # the module's limit is given back


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            "columns: [Nom, Statut]\n",
            "map.yml : « columns » doit associer à chaque champ une colonne du tableur",
        ),
        ("columns: Nom\n", "reçu le texte « Nom »"),
        ("columns: {name: Nom, website: }\n", "« columns » associe à « website » une valeur vide"),
        ("columns: {name: Nom}\nvalues: [a]\n", "map.yml : « values » doit associer à chaque champ"),
        ("columns: {name: Nom}\nvalues: {themes: [a, b]}\n", "« values » associe à « themes » une liste"),
        ("columns: {name: Nom}\ndefaults: [association]\n", "map.yml : « defaults » doit associer"),
        (
            "columns: {name: Nom}\ndefaults: {address: {city: X}}\n",
            "donnez un champ par ligne, avec un point : « address.city: ... »",
        ),
        (
            "columns: {name: Nom}\ndefaults: {legal_form: [scop]}\n",
            "« legal_form » une liste ; donnez un texte",
        ),
        ("kind: [actor]\ncolumns: {name: Nom}\n", "« kind » doit valoir actor, initiative ou event"),
        ("kind: acteur\ncolumns: {name: Nom}\n", "et non le texte « acteur »"),
        ("columns: {name: Nom}\nother: 1\n", "les clés possibles sont kind, columns, values et defaults"),
        ("- a\n- b\n", "les clés possibles sont kind, columns, values et defaults"),
        ("columns: {name: Nom, founded: 2024}\n", "colonnes absentes du fichier : 2024"),
    ],
)
def test_wrongly_typed_mapping_files_are_refused_with_one_sentence(territory, mapping, message):
    result = import_bytes(territory, (HEADER + "La Ruche;Un lieu.;\r\n").encode(), mapping=mapping)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert message in result.output, result.output


def test_a_mapping_file_that_is_not_utf8_is_refused(territory):
    (territory / "sheet.csv").write_bytes((HEADER + "La Ruche;Un lieu.;\r\n").encode())
    (territory / "map.yml").write_bytes(SHORT_MAPPING.encode("cp1252"))
    result = run(territory, "csv", "sheet.csv", "--mapping", "map.yml")
    assert result.exit_code == 2 and "map.yml : le fichier de correspondance n'est pas encodé en UTF-8" in (
        result.output
    )


@pytest.mark.parametrize(
    ("export", "message"),
    [
        ({"elements": [{"name": "A"}]}, "export.json : la liste des éléments (« data ») est introuvable"),
        ({"data": {"name": "A"}}, "la liste des éléments (« data ») est introuvable"),
        (42, "la liste des éléments (« data ») est introuvable"),
        (
            "[" * 100_000 + "]" * 100_000,
            "export.json : export GoGoCarto illisible (trop de niveaux imbriqués)",
        ),
    ],
)
def test_unusable_gogocarto_files_are_refused_with_one_sentence(territory, export, message):
    write(territory, "export.json", export if isinstance(export, str) else json.dumps(export))
    result = run(territory, "gogocarto", "export.json")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert message in result.output, result.output


ELEMENT = {"name": "Le Repair Café", "description": "On répare.", "categories": ["Réparation"]}


@pytest.mark.parametrize(
    ("odd", "reason"),
    [
        (
            {"geo": [47.2, -1.5]},
            "« geo » devrait être un groupe de champs (latitude, longitude), et non une liste",
        ),
        (
            {"geo": "47.2,-1.5"},
            "« geo » devrait être un groupe de champs (latitude, longitude), et non le texte",
        ),
        ({"address": "1 rue X, Nantes"}, "« address » devrait être un groupe de champs (streetAddress"),
        ({"name": {"fr": "Le Repair"}}, "« name » devrait être un texte, et non un groupe de champs"),
        ({"email": ["a@example.org"]}, "« email » devrait être un texte, et non une liste"),
        ({"categories": [{"name": "Réparation"}]}, "« themes » devrait être une liste de textes"),
        ({"description": ["On répare."]}, "« description » devrait être un texte, et non une liste"),
    ],
)
def test_odd_gogocarto_elements_are_rejected_with_a_reason(territory, odd, reason):
    elements = [{**ELEMENT, **odd}, "pas un objet"]
    write(territory, "export.json", json.dumps({"data": elements}))
    write(
        territory,
        "map.yml",
        'values:\n  themes: {"Réparation": economie-circulaire}\ndefaults:\n  legal_form: association\n',
    )
    result = run(territory, "gogocarto", "export.json", "--mapping", "map.yml")
    assert result.exit_code == 0 and isinstance(result.exception, SystemExit | None), result.output
    first, second = result.output.splitlines()[:2]
    assert first.startswith("élément 1 : rejetée") and reason in first, first
    assert second == "élément 2 : rejetée : élément illisible (le texte « pas un objet » au lieu d'un objet)"


def test_gogocarto_text_is_cleaned_before_it_is_written(territory):
    # A byte-order mark, a lone surrogate (half an emoji) and C1 codes (’ read as Latin-1).
    element = {**ELEMENT, "name": "L\u0092Atelier \ud83d", "description": "On r\u00e9pare\u0085"}
    (territory / "export.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"data": [element]}).encode())
    write(
        territory,
        "map.yml",
        'values:\n  themes: {"Réparation": economie-circulaire}\ndefaults:\n  legal_form: association\n',
    )
    result = run(territory, "gogocarto", "export.json", "--mapping", "map.yml", "--write")
    assert result.exit_code == 0 and "élément 1 : à créer actors/latelier.md" in result.output, result.output
    front, _ = record(territory, "actors/latelier.md")
    assert front["name"] == "L’Atelier" and front["summary"] == "On répare…"
    assert CliRunner().invoke(main, ["--root", str(territory), "validate"], env={}).exit_code == 0


def test_a_reserved_or_unwritable_name_gets_a_file_name_that_validates(territory):
    text = HEADER + "Page;Une structure nommée Page.;\r\n🐝🌻;Des abeilles.;\r\n🦋;Des papillons.;\r\n"
    result = import_bytes(territory, text.encode("utf-8"), "--write")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "ligne 2 : à créer actors/page-fiche.md"
    assert re.fullmatch(r"ligne 3 : à créer actors/fiche-[0-9a-f]{8}\.md", lines[1])
    assert (
        re.fullmatch(r"ligne 4 : à créer actors/fiche-[0-9a-f]{8}\.md", lines[2])
        and lines[1][-16:] != lines[2][-16:]
    )
    assert CliRunner().invoke(main, ["--root", str(territory), "validate"], env={}).exit_code == 0


def test_a_field_and_one_of_its_parts_both_mapped_is_one_sentence(territory):
    mapping = "columns:\n  name: Nom\n  address: Adresse\n  address.city: Ville\n"
    result = import_bytes(territory, (HEADER + "La Ruche;Un lieu.;\r\n").encode(), mapping=mapping)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "« columns » donne une colonne à « address » et à « address.city »" in result.output


@pytest.mark.parametrize("codec", ["rot13", "base64", "zip"])
def test_an_encoding_that_is_not_one_of_text_is_refused(territory, codec):
    result = import_bytes(territory, (HEADER + "La Ruche;Un lieu.;\r\n").encode(), "--encoding", codec)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert f"encodage « {codec} » inconnu" in result.output


def test_a_deeply_nested_mapping_file_is_one_sentence(territory):
    result = import_bytes(territory, HEADER.encode(), mapping="[" * 5000)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "fichier de correspondance illisible" in result.output


def test_small_coordinates_are_written_as_numbers(territory):
    mapping = SHORT_MAPPING.replace("  body: Présentation\n", "  geo.lat: Lat\n  geo.lon: Lon\n")
    text = "Nom;Description;Lat;Lon\r\nLa Ruche;Un lieu.;47,2;0,00003\r\n"
    result = import_bytes(territory, text.encode(), "--write", mapping=mapping)
    assert result.exit_code == 0 and "à créer actors/la-ruche.md" in result.output, result.output
    assert record(territory, "actors/la-ruche.md")[0]["geo"] == {"lat": 47.2, "lon": 0.00003}
