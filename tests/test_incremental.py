"""Rebuilds: unchanged pages are neither rendered nor rewritten; changes and deletions show."""

from __future__ import annotations

import os
import time

from conftest import actor_text, build, write


def _stamps(output):
    return {p.relative_to(output).as_posix(): p.stat().st_mtime_ns for p in output.rglob("*.html")}


def test_no_change_rebuild_rewrites_nothing(territory):
    write(territory, "actors/a.md", actor_text("Alpha"))
    write(territory, "actors/b.md", actor_text("Bêta"))
    output = build(territory)
    before = _stamps(output)
    time.sleep(0.01)
    build(territory)
    assert _stamps(output) == before


def test_a_changed_record_is_rebuilt_with_its_lists(territory):
    write(territory, "actors/a.md", actor_text("Alpha"))
    write(territory, "actors/b.md", actor_text("Bêta"))
    output = build(territory)
    before = _stamps(output)
    time.sleep(0.01)
    path = write(territory, "actors/a.md", actor_text("Alpha", summary="Un nouveau résumé."))
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    build(territory)
    after = _stamps(output)
    assert "Un nouveau résumé." in (output / "acteurs/a/index.html").read_text(encoding="utf-8")
    assert "Un nouveau résumé." in (output / "acteurs/index.html").read_text(encoding="utf-8")
    assert after["acteurs/b/index.html"] == before["acteurs/b/index.html"]
    assert after["acteurs/a/index.html"] != before["acteurs/a/index.html"]


def test_a_deleted_record_loses_its_page(territory):
    write(territory, "actors/a.md", actor_text("Alpha"))
    gone = write(territory, "actors/b.md", actor_text("Bêta"))
    output = build(territory)
    assert (output / "acteurs/b/index.html").is_file()
    gone.unlink()
    build(territory)
    assert not (output / "acteurs/b/index.html").exists()
    assert "Bêta" not in (output / "acteurs/index.html").read_text(encoding="utf-8")


def test_a_process_that_builds_again_can_free_the_previous_build(territory):
    """`make serve` rebuilds in one process: the records, frozen out of the garbage collector's
    reach during a build, are handed back at its end (else every rebuild would keep the last)."""
    import gc

    write(territory, "actors/a.md", actor_text("Alpha"))
    assert gc.isenabled()
    for _ in range(2):
        build(territory)
        assert gc.get_freeze_count() == 0
        assert gc.isenabled()


def test_an_edited_template_shows_on_the_next_build(territory, tmp_path):
    """A territory that edits its copy of the theme sees the edit at once: neither the pages'
    keys nor the compiled templates kept in the cache hold the old version."""
    import shutil

    from conftest import REPO

    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    write(territory, "actors/a.md", actor_text("Alpha"))
    output = build(territory, THEME=str(theme))
    assert list((territory / "cache").glob("jinja-*/__jinja2_*.cache"))  # compiled templates kept
    page = output / "acteurs" / "a" / "index.html"
    assert "Modifié par le territoire" not in page.read_text(encoding="utf-8")
    actor = theme / "templates" / "actor.html"
    text = actor.read_text(encoding="utf-8")
    assert "<h1" in text
    actor.write_text(text.replace("<h1", "<p>Modifié par le territoire</p><h1", 1), encoding="utf-8")
    build(territory, THEME=str(theme))
    assert "Modifié par le territoire" in page.read_text(encoding="utf-8")


def test_a_record_committed_after_a_build_shows_its_commit_date_on_the_next(territory):
    """`updated` defaults to the file's last commit date: committing a file (its bytes and
    stamp unchanged, its record taken from the cache) changes the date its page shows."""
    import subprocess

    actor = write(territory, "actors/a.md", actor_text("Alpha"))
    os.utime(actor, (1740830400, 1740830400))  # 2025-03-01, before any commit: the file's date
    output = build(territory)
    page = output / "acteurs" / "a" / "index.html"
    assert 'datetime="2025-03-01"' in page.read_text(encoding="utf-8")
    env = {"GIT_AUTHOR_DATE": "2026-01-15T12:00:00", "GIT_COMMITTER_DATE": "2026-01-15T12:00:00"}
    env |= {"HOME": str(territory), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a"],
    ):
        subprocess.run(["git", *command], cwd=territory, check=True, env=env)
    build(territory)
    assert 'datetime="2026-01-15"' in page.read_text(encoding="utf-8")
