"""Pages rendered by forked workers (large directories): the same files as one process, and a
page that cannot be rendered fails the build with its error instead of leaving it waiting."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import essaim.forked as forked
import essaim.pages.generator as pages_generator
from conftest import REPO, actor_text, build, write

ACTORS = 40


def many_actors(root: Path) -> None:
    for number in range(ACTORS):
        write(root, f"actors/acteur-{number:02d}.md", actor_text(f"Acteur {number:02d}"))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_forked_workers_write_the_same_site_as_one_process(territory, tmp_path_factory, monkeypatch):
    many_actors(territory)
    alone = build(territory, tmp_path_factory.mktemp("alone"), ESSAIM_JOBS=1, CACHE_CONTENT=False)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)  # workers even for a few pages
    monkeypatch.setattr(forked, "CHUNK", 3)  # and many turns at the shared counter
    in_workers = build(territory, tmp_path_factory.mktemp("forked"), ESSAIM_JOBS=3, CACHE_CONTENT=False)
    pages = [name for name in tree(alone) if name.endswith(".html")]
    assert len(pages) > ACTORS and "acteurs/acteur-39/index.html" in pages
    assert tree(in_workers) == tree(alone)


def test_a_page_that_fails_in_a_worker_fails_the_build(territory, tmp_path, monkeypatch):
    many_actors(territory)
    shutil.copytree(REPO / "theme", territory / "theme")  # a territory's own theme...
    actor = territory / "theme" / "templates" / "actor.html"  # ...where one page asks for what is not there
    actor.write_text(
        actor.read_text(encoding="utf-8").replace(
            "{% block content %}",
            '{% block content %}{% if record.slug == "acteur-07" %}{{ record.missing.attribute }}{% endif %}',
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked, "CHUNK", 1)
    with pytest.raises(Exception, match="has no attribute 'missing'"):
        build(territory, tmp_path / "output", ESSAIM_JOBS=2, CACHE_CONTENT=False)


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("raise", "a page-rendering worker failed: RuntimeError: cannot render"),
        ("die", "a page-rendering worker failed: stopped without finishing"),
    ],
)
def test_a_worker_that_fails_or_dies_is_reported(territory, tmp_path, monkeypatch, failure, message):
    many_actors(territory)
    parent, render = os.getpid(), pages_generator.PagesGenerator._render

    def render_in_parent_only(self, *job):
        if os.getpid() != parent:  # in the forked worker
            if failure == "die":
                os._exit(9)  # as if killed: no word sent back
            raise RuntimeError(f"cannot render {job[0]}")
        return render(self, *job)

    monkeypatch.setattr(pages_generator.PagesGenerator, "_render", render_in_parent_only)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked, "CHUNK", 1)
    with pytest.raises(RuntimeError, match=message):
        build(territory, tmp_path / "output", ESSAIM_JOBS=2, CACHE_CONTENT=False)


def test_after_a_failed_build_the_next_one_starts_afresh(territory, tmp_path, monkeypatch):
    """`make serve` rebuilds in one process: a build that stopped after its pages were started
    (here the open data part fails, and its page worker was failing too) must leave neither
    workers nor their errors to the next build."""
    many_actors(territory)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    from essaim.opendata.generator import OpenDataGenerator

    parent, render = os.getpid(), pages_generator.PagesGenerator._render
    generate = OpenDataGenerator.generate_output

    def render_in_parent_only(self, *job):
        if os.getpid() != parent:
            raise RuntimeError("the first build's worker fails")
        return render(self, *job)

    def failing(self, writer):
        raise OSError("disk full")

    monkeypatch.setattr(pages_generator.PagesGenerator, "_render", render_in_parent_only)
    monkeypatch.setattr(OpenDataGenerator, "generate_output", failing)
    with pytest.raises(OSError, match="disk full"):
        build(territory, tmp_path / "output", ESSAIM_JOBS=2, CACHE_CONTENT=False)
    stale = list(forked._PENDING)  # its pages (and posters) were still being made
    assert stale
    monkeypatch.setattr(pages_generator.PagesGenerator, "_render", render)
    monkeypatch.setattr(OpenDataGenerator, "generate_output", generate)
    output = build(territory, tmp_path / "output", ESSAIM_JOBS=2, CACHE_CONTENT=False)
    assert forked._PENDING == [] and not any(p.is_alive() for w in stale for p in w.processes)
    assert (output / "acteurs/acteur-39/index.html").is_file() and (output / "data/actors.json").is_file()


def test_a_forked_rebuild_renders_only_what_changed_and_keeps_the_rest(
    territory, tmp_path_factory, monkeypatch
):
    """Workers decide themselves which of their pages are unchanged: after one record changes,
    only its pages are written again, none is removed, and the site is the one a single process
    builds from scratch."""
    many_actors(territory)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked, "CHUNK", 3)
    output = tmp_path_factory.mktemp("forked")
    build(territory, output, ESSAIM_JOBS=3)
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*.html")}
    write(territory, "actors/acteur-07.md", actor_text("Acteur 07 renommé"))
    build(territory, output, ESSAIM_JOBS=3)
    rewritten = {
        str(p.relative_to(output)) for p in output.rglob("*.html") if p.stat().st_mtime_ns != before.get(p)
    }
    assert "acteurs/acteur-07/index.html" in rewritten
    assert "acteurs/acteur-08/index.html" not in rewritten and "acteurs/acteur-39/index.html" not in rewritten
    assert len(rewritten) < len(before) / 2
    assert set(output.rglob("*.html")) >= set(before)  # nothing unchanged was removed as stale
    alone = build(territory, tmp_path_factory.mktemp("alone"), ESSAIM_JOBS=1, CACHE_CONTENT=False)
    assert tree(output) == tree(alone)
