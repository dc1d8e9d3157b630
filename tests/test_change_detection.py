"""One change-detection key: whatever a theme author, a territory or a developer edits, an
incremental rebuild gives the site a clean build gives, page for page and byte for byte.

Each case builds, edits, builds again on the same cache, then compares with a clean build of the
edited tree. The pages the issue found stale (/carte/, /proposer/ and its forms, /recherche/,
/donnees/) are named in each case.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import (
    DEMO_NOW,
    REPO,
    TERRITORY,
    actor_text,
    build,
    copy_repository,
    peer_places,
    territory_yml,
    write,
)

STALE_BEFORE = [
    "carte/index.html",
    "proposer/index.html",
    "proposer/acteur/index.html",
    "recherche/index.html",
    "donnees/index.html",
]


def files_of(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def assert_same_site(incremental: Path, clean: Path) -> None:
    ours, theirs = files_of(incremental), files_of(clean)
    assert sorted(ours) == sorted(theirs)
    differ = [name for name in ours if ours[name] != theirs[name]]
    assert differ == [], differ


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small territory with its own copy of the theme and of the content pages."""
    root = tmp_path / "territoire"
    write(root, "territory.yml", TERRITORY)
    shutil.copytree(REPO / "theme", root / "theme")
    shutil.copytree(REPO / "content", root / "content")
    write(root, "actors/a.md", actor_text("Alpha"))
    write(root, "actors/b.md", actor_text("Bêta", address="\n  city: Rezé"))
    return root


def edit_base_template(root: Path) -> str:
    base = root / "theme/templates/base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("</main>", "<p>Marque du thème</p></main>", 1),
        encoding="utf-8",
    )
    return "Marque du thème"


def add_menu_page(root: Path) -> str:
    write(
        root,
        "content/pages/partenaires.md",
        "Title: Nos partenaires\nSlug: partenaires\nNav: Partenaires\n\nTexte\n",
    )
    return ">Partenaires<"


def edit_territory(root: Path) -> str:
    path = root / "territory.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Annuaire de Testville", "Annuaire de Neuville", 1), encoding="utf-8")
    return "Annuaire de Neuville"


def edit_footer_page(root: Path) -> str:
    path = root / "content/pages/mentions-legales.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(["Title: Mentions et crédits", *lines[1:]]), encoding="utf-8")
    return "Mentions et crédits"


EDITS: dict[str, Callable[[Path], str]] = {
    "base.html": edit_base_template,
    "a page in the menu": add_menu_page,
    "territory.yml": edit_territory,
    "a page in the footer": edit_footer_page,
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_incremental_rebuild_after_an_edit_equals_a_clean_build(site, tmp_path, edit):
    theme = str(site / "theme")
    incremental = build(site, tmp_path / "incremental", THEME=theme)
    time.sleep(0.01)
    marker = EDITS[edit](site)
    build(site, incremental, THEME=theme)
    for page in STALE_BEFORE:
        assert marker in (incremental / page).read_text(encoding="utf-8"), page
    shutil.rmtree(site / "cache")
    clean = build(site, tmp_path / "clean", THEME=theme)
    assert_same_site(incremental, clean)


def run_build(root: Path) -> None:
    """`make build` in a copy of the repository, in a new process: the copy's own code."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1] + '/plugins'); from essaim.build import run; "
        "sys.exit(run(sys.argv[1] + '/pelicanconf.py'))"
    )
    env = {**os.environ, "ESSAIM_NOW": DEMO_NOW, "ESSAIM_JOBS": "1"}
    result = subprocess.run([sys.executable, "-c", code, str(root)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_edit_of_essaim_s_code_reaches_every_page(tmp_path):
    """A label changed in site.py (the menu's "Carte") re-renders every page showing the menu,
    the map's among them, and the result is the clean build of the edited code."""
    repo = copy_repository(tmp_path / "depot")
    run_build(repo)
    site_py = repo / "plugins/essaim/site.py"
    code = site_py.read_text(encoding="utf-8")
    assert '("map", N_("Carte"))' in code
    site_py.write_text(code.replace('("map", N_("Carte"))', '("map", N_("Plan"))', 1), encoding="utf-8")
    run_build(repo)
    for page in ["index.html", "acteurs/index.html", *STALE_BEFORE]:
        assert ">Plan<" in (repo / "output" / page).read_text(encoding="utf-8"), page
    clean = tmp_path / "propre"
    shutil.copytree(repo, clean, symlinks=True, ignore=shutil.ignore_patterns("output", "cache"))
    run_build(clean)
    assert_same_site(repo / "output", clean / "output")


def test_the_code_key_is_the_code_loaded_not_the_code_on_disk(tmp_path):
    """A process renders with the code it imported: its key must not follow files edited since
    (`make serve` then restarts the build process, see tasks.restart)."""
    repo = copy_repository(tmp_path / "depot")
    code = (
        "import sys, pathlib; sys.path.insert(0, sys.argv[1] + '/plugins'); from essaim import codekey; "
        "before = codekey.CODE_KEY; p = pathlib.Path(sys.argv[1], 'plugins/essaim/site.py'); "
        "p.write_text(p.read_text() + '\\n# edited\\n'); import importlib; "
        "print(before == codekey.CODE_KEY, before != importlib.reload(codekey).CODE_KEY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True"]


def test_make_serve_restarts_its_build_process_when_the_code_changes(monkeypatch):
    import tasks

    calls = []
    monkeypatch.setattr(tasks.os, "execv", lambda *args: calls.append(args))
    monkeypatch.setattr(tasks, "_build_in_process", lambda settings: calls.append(("build", settings)))
    changes = [{(1, str(REPO / "plugins/essaim/site.py"))}, {(1, str(REPO / "actors/x.md"))}]
    monkeypatch.setattr("watchfiles.watch", lambda *paths: iter(changes))
    tasks._watch()
    assert calls[0] == (sys.executable, [sys.executable, *sys.argv])
    assert calls[1:] == [("build", "pelicanconf.py"), ("build", "pelicanconf.py")]


def peer_snapshot(root: Path, peer: str, records: list[dict]) -> None:
    """federation/<peer>/ as `essaim federation pull` leaves it (the build reads no more)."""
    import json

    from essaim.federation.pull import peer_folder

    folder = root / "federation" / peer_folder(peer)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "actors.json").write_text(json.dumps(records), encoding="utf-8")
    provenance = {"peer": peer, "territory": {"name": peer.split("//")[1], "url": peer}, "datasets": {}}
    (folder / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")


def test_an_aggregate_rebuilt_after_a_peer_changed_equals_a_clean_build(tmp_path):
    """An aggregate as a national network builds it, at a small size: its map cut into tiles and
    counted cells (map.chunk_above), its search keys cut into several shards (a small shard
    limit). One peer's snapshot changes — new summaries, a record gone, one added, one moved:
    the rebuild gives, file for file and byte for byte, the site a clean build gives."""
    peers = ["https://nord.example.org", "https://sud.example.org"]
    root = tmp_path / "national"
    text = "name: Essaim France\npitch: Les annuaires réunis.\nbase_url: https://essaim.example.org\n"
    text += "map:\n  chunk_above: 500\nfeatures:\n  print: false\nfederation:\n  peers:\n"
    write(root, "territory.yml", text + "".join(f"    - url: {p}\n      include: [actors]\n" for p in peers))
    north = peer_places(peers[0], 1300, seed=5, crowded_every=4, spread=0.2)
    south = peer_places(peers[1], 1300, seed=6, crowded_every=4, spread=0.2)
    peer_snapshot(root, peers[0], north)
    peer_snapshot(root, peers[1], south)
    small_shards = {"ESSAIM_SEARCH_SHARD_LIMIT": 2_000}
    incremental = build(root, tmp_path / "incremental", **small_shards)
    assert (incremental / "carte/lieux/grappes-1.json").is_file()
    assert any(p.name.startswith("shard-00-") for p in (incremental / "search").iterdir())  # numbers

    for record in north[::10]:
        record["summary"] = record["summary"].replace("voisine", "du Nord, mise à jour")
    north[5]["geo"] = {"lat": 48.85, "lon": 2.35}
    del north[7]
    north.append({**north[0], "slug": "nouvelle", "url": f"{peers[0]}/acteurs/nouvelle/", "name": "Nouvelle"})
    time.sleep(0.01)
    peer_snapshot(root, peers[0], north)
    build(root, incremental, **small_shards)
    shutil.rmtree(root / "cache")
    clean = build(root, tmp_path / "clean", **small_shards)
    assert_same_site(incremental, clean)


def test_a_pull_renders_again_the_pages_that_show_it_and_only_those(tmp_path):
    """Pages key on the neighbours' records they show, not on every snapshot: after a pull
    that changes one summary and brings a twin of a local actor, the actor's page says which
    directory lists it too, the lists holding the changed record are rendered again, the
    others are not — and the site equals a clean build."""
    peer = "https://nord.example.org"
    root = tmp_path / "territoire"
    write(root, "territory.yml", territory_yml("Testville", "https://testville.example.org", [peer]))
    write(root, "actors/alpha.md", actor_text("Alpha", website="https://alpha.example.org"))
    write(root, "actors/beta.md", actor_text("Bêta", themes="[agriculture-alimentation]"))
    north = peer_places(peer, 30, seed=7, crowded_every=4, spread=0.2)
    peer_snapshot(root, peer, north)
    incremental = build(root, tmp_path / "incremental")
    alpha = incremental / "acteurs/alpha/index.html"
    assert "Aussi présent" not in alpha.read_text(encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in incremental.rglob("*.html")}

    changed = north[3]  # on « agriculture-alimentation », an association
    changed["summary"] = "Une coopérative voisine, mise à jour."
    twin = {**north[1], "slug": "alpha-nord", "url": f"{peer}/acteurs/alpha-nord/", "name": "Alpha"}
    north.append({**twin, "website": "https://alpha.example.org"})
    time.sleep(0.01)
    peer_snapshot(root, peer, north)
    build(root, incremental)
    assert "Aussi présent dans l'annuaire : nord.example.org." in alpha.read_text(encoding="utf-8")
    rendered = {p.relative_to(incremental).as_posix() for p, t in before.items() if p.stat().st_mtime_ns != t}
    assert "themes/agriculture-alimentation/index.html" in rendered
    assert "acteurs/alpha/index.html" in rendered
    assert "acteurs/beta/index.html" not in rendered
    assert "themes/numerique/index.html" not in rendered
    shutil.rmtree(root / "cache")
    assert_same_site(incremental, build(root, tmp_path / "clean"))

    # The neighbour takes a new name (its provenance only): every card of its records says it.
    provenance_file = next((root / "federation").glob("*/provenance.json"))
    provenance = json.loads(provenance_file.read_text(encoding="utf-8"))
    provenance["territory"]["name"] = "Pays du Nord"
    provenance_file.write_text(json.dumps(provenance), encoding="utf-8")
    build(root, incremental)
    theme_page = incremental / "themes/numerique/index.html"
    assert "annuaire Pays du Nord" in theme_page.read_text(encoding="utf-8")
    shutil.rmtree(root / "cache")
    assert_same_site(incremental, build(root, tmp_path / "clean-2"))
