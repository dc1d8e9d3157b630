"""The `essaim validate` command: exit codes, formats, paths."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import actor_text, write
from essaim.cli import main


def run(root, *args, env=None):
    return CliRunner().invoke(main, ["--root", str(root), "validate", *args], env=env or {})


def test_clean_content_exits_0(territory):
    write(territory, "actors/a.md", actor_text())
    result = run(territory)
    assert result.exit_code == 0
    assert "Toutes les fiches sont valides." in result.output


def test_invalid_content_exits_1_with_every_problem(territory):
    write(territory, "actors/a.md", actor_text(legal_form="scopp"))
    write(territory, "actors/b.md", actor_text("B", themes="[numerik]"))
    result = run(territory)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert [line.split(": error")[0] for line in lines] == ["actors/a.md:3:1", "actors/b.md:5:10"]
    assert "2 erreur(s)" in result.output


def test_paths_limit_the_report(territory):
    write(territory, "actors/a.md", actor_text(legal_form="scopp"))
    write(territory, "actors/b.md", actor_text("B", themes="[numerik]"))
    result = run(territory, str(territory / "actors/b.md"))
    assert result.exit_code == 1
    assert "actors/b.md:5:10" in result.output and "actors/a.md" not in result.output


def test_github_format_prints_annotations(territory):
    write(territory, "actors/a.md", actor_text(legal_form="scopp"))
    result = run(territory, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.output.startswith("::error file=actors/a.md,line=3,col=1::valeur « scopp » inconnue")


def test_usage_errors_exit_2(territory):
    assert run(territory, "nowhere.md").exit_code == 2
    assert run(territory, "--format", "xml").exit_code == 2


def test_bad_territory_file_exits_1(territory):
    write(territory, "territory.yml", "name: T\n")
    result = run(territory)
    assert result.exit_code == 1
    assert "territory.yml:1:1: error: champ obligatoire « pitch » manquant" in result.output
