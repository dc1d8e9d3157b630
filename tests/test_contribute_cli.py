"""`essaim new`, `essaim init`, `essaim stale` and the review warnings of `essaim validate`."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
import yaml
from click.testing import CliRunner

from conftest import actor_text, build, write
from essaim.cli import main


def run(root, *args, input=None):
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input, env={})


def test_new_actor_writes_a_valid_commented_file_named_from_its_name(territory):
    result = run(
        territory,
        "new",
        "actor",
        "--name",
        "L'Atelier Vélo de Rezé",
        "--summary",
        "Un atelier de réparation.",
        "--theme",
        "mobilite",
        "--city",
        "Rezé",
        "--legal-form",
        "association",
    )
    assert result.exit_code == 0, result.output
    file = territory / "actors/l-atelier-velo-de-reze.md"
    text = file.read_text(encoding="utf-8")
    assert (
        "# website: https://exemple.org" in text
        and "git add actors/l-atelier-velo-de-reze.md" in result.output
    )
    front = yaml.safe_load(text.split("---")[1])
    assert front == {
        "name": "L'Atelier Vélo de Rezé",
        "legal_form": "association",
        "summary": "Un atelier de réparation.",
        "themes": ["mobilite"],
        "address": {"city": "Rezé"},
    }
    assert run(territory, "validate").exit_code == 0


@pytest.mark.parametrize(
    ("kind", "options", "path"),
    [
        ("initiative", ["--summary", "Résumé.", "--actor", "la-ruche"], "initiatives/alpha.md"),
        ("event", ["--start", "2026-12-05T14:00", "--actor", "la-ruche"], "agenda"),
    ],
)
def test_other_kinds_can_be_uncommented_too(territory, kind, options, path):
    write(territory, "actors/la-ruche.md", actor_text())
    result = run(territory, "new", kind, "--name", "Alpha", "--theme", "numerique", *options)
    assert result.exit_code == 0, result.output
    file = next((territory / f"{kind}s").glob("*.md")) if kind == "event" else territory / path
    file.write_text(re.sub(r"^# (?=\s*[a-z_]+:)", "", file.read_text(encoding="utf-8"), flags=re.M))
    assert run(territory, "validate").exit_code == 0, run(territory, "validate").output


def test_every_commented_field_can_be_uncommented_as_the_template_says(territory):
    run(
        territory,
        "new",
        "actor",
        "--name",
        "Alpha",
        "--summary",
        "Résumé.",
        "--theme",
        "numerique",
        "--legal-form",
        "scop",
        "--city",
        "Nantes",
    )
    file = territory / "actors/alpha.md"
    text = file.read_text(encoding="utf-8")
    # "retirez le « # » et l'espace qui le suit", on every field line (not the explanations).
    uncommented = re.sub(r"^# (?=\s*[a-z_]+:)", "", text, flags=re.M)
    file.write_text(uncommented, encoding="utf-8")
    result = run(territory, "validate")
    assert result.exit_code == 0, result.output
    front = yaml.safe_load(uncommented.split("---")[1])
    assert front["address"] == {"street": "...", "postcode": "44000", "city": "Nantes"}
    assert (
        front["siret"] == "12345678900007"
        and front["accessibility"]["acceslibre_url"] == "https://exemple.org"
    )


def test_new_prompts_for_missing_required_fields_and_never_overwrites(territory):
    result = run(
        territory, "new", "initiative", input="Jardin partagé\nUn jardin.\nenvironnement\nla-ruche\n"
    )
    assert (territory / "initiatives/jardin-partage.md").is_file()
    assert "acteur inconnu « la-ruche »" in result.output and result.exit_code == 1
    write(territory, "actors/la-ruche.md", actor_text())
    assert run(territory, "validate").exit_code == 0
    again = run(
        territory,
        "new",
        "initiative",
        "--name",
        "Jardin partagé",
        "--summary",
        "x",
        "--theme",
        "environnement",
        "--actor",
        "la-ruche",
    )
    assert again.exit_code == 1 and "existe déjà" in again.output


def test_new_event_builds(territory):
    result = run(
        territory,
        "new",
        "event",
        "--title",
        "Atelier couture",
        "--start",
        "2026-12-05T14:00",
        "--theme",
        "culture",
    )
    assert result.exit_code == 0, result.output
    output = build(territory)
    assert (output / "agenda/atelier-couture/index.html").is_file()


def test_init_writes_a_territory_that_builds_and_empties_the_demo(tmp_path):
    write(tmp_path, "actors/demo.md", actor_text("Démo"))
    result = run(
        tmp_path,
        "init",
        "--name",
        "Essaim Rennes",
        "--url",
        "https://org.github.io/annuaire/",
        "--repository",
        "https://github.com/org/annuaire",
        "--bbox",
        "48.0,-1.8,48.2,-1.5",
        "--empty",
        "--yes",
    )
    assert result.exit_code == 0, result.output
    territory = yaml.safe_load((tmp_path / "territory.yml").read_text(encoding="utf-8"))
    assert territory["base_url"] == "https://org.github.io/annuaire"
    assert territory["forge"] == {
        "kind": "github",
        "repository": "https://github.com/org/annuaire",
        "branch": "main",
    }
    assert territory["map"]["bounds"] == [[48.0, -1.8], [48.2, -1.5]]
    assert not (tmp_path / "actors/demo.md").exists()
    output = build(tmp_path)
    assert "Essaim Rennes" in (output / "index.html").read_text(encoding="utf-8")


def test_init_refuses_nonsense(tmp_path):
    assert run(tmp_path, "init", "--name", "X", "--url", "ftp://x", "--yes").exit_code == 2
    assert (
        run(tmp_path, "init", "--name", "X", "--url", "https://x.org", "--bbox", "50,0,40,1").exit_code == 2
    )
    assert (
        run(tmp_path, "init", "--name", "X", "--url", "https://x.org", "--timezone", "Mars/Olympus").exit_code
        == 2
    )
    assert not (tmp_path / "territory.yml").exists()


def _commit(root, date: str) -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "HOME": str(root), "PATH": "/usr/bin:/bin"}
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *command], cwd=root, check=True, env=env)


def test_stale_lists_records_not_updated_for_18_months_by_their_git_date(territory):
    write(territory, "actors/old.md", actor_text("Ancienne"))
    _commit(territory, "2020-01-15T12:00:00")
    write(territory, "actors/new.md", actor_text("Récente", updated=date.today().isoformat()))
    result = run(territory, "stale")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("2020-01-15  actors/old.md  Ancienne")
    assert "actors/new.md" not in result.output
    validate = run(territory, "validate")
    assert validate.exit_code == 0  # a warning, not an error
    assert "actors/old.md:1:1: warning: fiche non mise à jour depuis le 15/01/2020" in validate.output


def test_validate_warns_about_names_that_differ_only_by_common_words(territory):
    write(territory, "actors/a.md", actor_text("La Ruche"))
    write(territory, "actors/b.md", actor_text("Association « la ruche »", website="https://b.example.org"))
    result = run(territory, "validate")
    assert result.exit_code == 0
    assert "actors/b.md:2:1: warning: nom très proche de celui de actors/a.md (« La Ruche »)" in result.output


@pytest.mark.parametrize(
    ("kind", "name", "options", "path"),
    [
        (
            "actor",
            "Page",
            ["--legal-form", "association", "--summary", "Une structure."],
            "actors/page-fiche.md",
        ),
        ("event", "Embed", ["--start", "2026-12-05T14:00"], "events/embed-fiche.md"),
        ("actor", "🐝", ["--legal-form", "association", "--summary", "Des abeilles."], "actors/fiche-"),
    ],
)
def test_new_never_writes_a_file_name_that_validate_refuses(territory, kind, name, options, path):
    result = run(territory, "new", kind, "--name", name, "--theme", "culture", *options)
    assert result.exit_code == 0, result.output
    assert f"Fiche créée : {path}" in result.output
    assert run(territory, "validate").exit_code == 0
