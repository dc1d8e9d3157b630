"""A new territory forks the repository, changes territory.yml, and publishes: no code change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import actor_text, copy_repository, write

PELICAN = Path(sys.executable).parent / "pelican"


def test_fork_with_another_territory_builds_and_never_mentions_nantes(tmp_path):
    fork = copy_repository(tmp_path / "annuaire-brest")
    for folder in ("actors", "initiatives", "events"):
        shutil.rmtree(fork / folder)
    write(
        fork,
        "territory.yml",
        """\
        name: Annuaire solidaire du pays de Brest
        pitch: Les acteurs de l'ESS du pays de Brest.
        base_url: https://ess-brest.example.org
        colors:
          primary: "#003a70"
        urls:
          actors: structures
        """,
    )
    write(
        fork,
        "actors/ty-coop.md",
        actor_text("Ty Coop", legal_form="scic", address='\n  postcode: "29200"\n  city: Brest'),
    )
    write(
        fork,
        "actors/repair-brest.md",
        actor_text(
            "Repair Brest", themes="[economie-circulaire]", address='\n  postcode: "29200"\n  city: Brest'
        ),
    )
    result = subprocess.run([str(PELICAN), "-s", "pelicanconf.py"], cwd=fork, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    output = fork / "output"
    assert (output / "structures/ty-coop/index.html").is_file()
    assert (output / "communes/brest/index.html").is_file()
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "Annuaire solidaire du pays de Brest" in home and "--primary: #003a70" in home
    assert "données d'exemple" not in home  # demo: false by default
    for path in output.rglob("*"):
        if path.suffix in (".html", ".json", ".css"):
            assert "nantes" not in path.read_text(encoding="utf-8").lower(), path


def test_fork_started_with_essaim_init_empty(tmp_path):
    """The README's French path: fork, `essaim init --empty`, two `essaim new`, build."""
    fork = copy_repository(tmp_path / "annuaire-rennes")
    essaim = [str(Path(sys.executable).parent / "essaim"), "--root", str(fork)]
    init = subprocess.run(
        [
            *essaim,
            "init",
            "--name",
            "Essaim Rennes",
            "--url",
            "https://org.github.io/essaim-rennes",
            "--repository",
            "https://gitlab.com/org/essaim-rennes",
            "--bbox",
            "48.0,-1.8,48.2,-1.5",
            "--empty",
            "--yes",
        ],
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    assert not list((fork / "actors").glob("*.md")) and not list((fork / "events").glob("*.md"))
    for name in ("Le Jardin des Landes", "Coop Rennaise"):
        new = subprocess.run(
            [
                *essaim,
                "new",
                "actor",
                "--name",
                name,
                "--summary",
                "Une structure de Rennes.",
                "--theme",
                "environnement",
                "--legal-form",
                "association",
                "--city",
                "Rennes",
            ],
            capture_output=True,
            text=True,
        )
        assert new.returncode == 0, new.stdout + new.stderr
    result = subprocess.run([str(PELICAN), "-s", "pelicanconf.py"], cwd=fork, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    output = fork / "output"
    assert (output / "acteurs/le-jardin-des-landes/index.html").is_file()
    page = (output / "acteurs/coop-rennaise/index.html").read_text(encoding="utf-8")
    assert "https://gitlab.com/org/essaim-rennes/-/edit/main/actors/coop-rennaise.md" in page
    for path in output.rglob("*"):
        if path.suffix in (".html", ".json", ".css"):
            assert "nantes" not in path.read_text(encoding="utf-8").lower(), path
