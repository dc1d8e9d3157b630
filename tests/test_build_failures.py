"""A build that cannot finish says why, once, in a sentence a contributor can act on, and exits
non-zero; damaged caches and two builds at once are not reasons to fail."""

from __future__ import annotations

import errno
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from jinja2.bccache import bc_magic

import essaim.forked as forked
import essaim.output
from conftest import DEMO_NOW, actor_text, build, copy_repository, write
from essaim.build import INTERRUPTED, run
from essaim.cli import main
from essaim.output import OutputFiles
from essaim.records import cachefile
from essaim.records.read import CACHE_FILE, RecordCache

BIN = Path(sys.executable).parent
INVALID = actor_text("B", legal_form="scopp")
STALE = actor_text("Ancienne", updated="2020-01-15")


def settings_file(root: Path) -> Path:
    """A pelicanconf.py for a test territory, as a fork's: its own (empty) content/ folder."""
    (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
    return write(
        root,
        "pelicanconf.py",
        f"""\
        from pathlib import Path

        from essaim.settings import pelican_settings

        globals().update(pelican_settings(Path(__file__).resolve().parent))
        ESSAIM_NOW = "{DEMO_NOW}"
        """,
    )


def validate(root: Path):
    return CliRunner().invoke(main, ["--root", str(root), "validate"], env={"GITHUB_ACTIONS": "false"})


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- damaged caches --------------------------------------------------------------------------

DAMAGES = {
    "empty": lambda data: b"",
    "cut short": lambda data: data[: len(data) // 2],
    "only its header": lambda data: data[: len(bc_magic)],
    "overwritten": lambda data: bytes(range(256)) * 2,
    "bytes changed": lambda data: bytes(b ^ 0x55 if i % 97 == 20 else b for i, b in enumerate(data)),
    "another object": lambda data: pickle.dumps([1, 2, 3]),
    "from a module that is gone": lambda data: b"cessaim.records.ancien\nRecord\n.",
}
CACHES = {
    "records": CACHE_FILE,
    "output manifests": "essaim-output-*.pickle",
    "compiled templates": "jinja-*/*",
    "Pelican's readers": "*-Readers",
}


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("cache", CACHES)
def test_a_damaged_cache_is_discarded_and_the_site_is_the_same(territory, tmp_path, cache, damage):
    write(territory, "actors/a.md", actor_text())
    output = build(territory, tmp_path / "output")
    before = tree(output)
    files = sorted((territory / "cache").glob(CACHES[cache]))
    assert files
    for file in files:
        file.write_bytes(DAMAGES[damage](file.read_bytes()))
    build(territory, output)
    assert tree(output) == before
    assert not [p for p in (territory / "cache").rglob("*") if p.name.endswith(".tmp")]
    if cache == "records":
        assert RecordCache.open(territory / "cache").entries  # made again, whole
    if cache == "output manifests":
        assert all(cachefile.load(file, dict) for file in files)


# -- two builds at once ------------------------------------------------------------------------


def test_two_builds_saving_a_manifest_at_the_same_time_both_succeed(tmp_path, monkeypatch):
    """The other build (another process) saves the same manifest between this one's writing its
    temporary file and renaming it."""
    real_replace, real_getpid = os.replace, os.getpid

    def the_other_build_saves_first(source, target):
        monkeypatch.setattr(os, "replace", real_replace)
        monkeypatch.setattr(os, "getpid", lambda: real_getpid() + 1)
        other = OutputFiles(tmp_path / "output", tmp_path / "cache", "pages")
        other.write("b.html", "B", "kb")
        other.finish()
        monkeypatch.setattr(os, "getpid", real_getpid)
        real_replace(source, target)

    mine = OutputFiles(tmp_path / "output", tmp_path / "cache", "pages")
    mine.write("a.html", "A", "ka")
    monkeypatch.setattr(os, "replace", the_other_build_saves_first)
    mine.finish()
    assert cachefile.load(tmp_path / "cache/essaim-output-pages.pickle", dict) == {"a.html": "ka"}
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["essaim-output-pages.pickle"]


def test_a_cache_that_cannot_be_saved_leaves_no_temporary_file(tmp_path, monkeypatch):
    """A full disk while a manifest is saved: the build fails on it (with one sentence), and
    leaves neither a half-written manifest nor a temporary file behind, build after build."""
    files = OutputFiles(tmp_path / "output", tmp_path / "cache", "pages")
    files.write("a.html", "A", "ka")

    def full(value, handle, protocol=None):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pickle, "dump", full)
    with pytest.raises(OSError, match="No space left"):
        files.finish()
    assert list((tmp_path / "cache").iterdir()) == []


def test_an_interrupted_part_leaves_no_manifest_vouching_for_its_files(territory, tmp_path):
    """A page rewritten by a build stopped before it saved its manifest must not be taken, by
    the next build, for the page the old manifest described."""
    write(territory, "actors/a.md", actor_text("Avant"))
    output = build(territory, tmp_path / "output")
    files = OutputFiles(output, territory / "cache", "pages")  # a build of the pages starts...
    files.write("acteurs/a/index.html", "made from other inputs", "another key")
    del files  # ...and stops before `finish`
    build(territory, output)
    assert "Avant" in (output / "acteurs/a/index.html").read_text(encoding="utf-8")


# -- the build command: invalid content, full disk, read-only folder, Ctrl-C -------------------


def test_invalid_content_prints_what_essaim_validate_prints_once(territory, capsys):
    write(territory, "actors/a.md", actor_text())
    write(territory, "actors/b.md", INVALID)
    write(territory, "actors/old.md", STALE)
    settings = settings_file(territory)
    assert run(settings) == 1
    printed = capsys.readouterr()
    expected = validate(territory)
    assert expected.exit_code == 1
    assert (printed.out, printed.err) == (expected.stdout, expected.stderr)
    assert printed.out.count("actors/b.md:3:1: error: valeur « scopp » inconnue") == 1
    assert "actors/old.md:1:1: warning: fiche non mise à jour depuis le 15/01/2020" in printed.out


def test_a_territory_file_that_is_not_utf8_stops_the_build_as_validate_says(territory, capsys):
    (territory / "territory.yml").write_bytes("name: Café\npitch: T\n".encode("latin-1"))
    expected = validate(territory)
    assert expected.exit_code == 1
    assert expected.stdout == (
        "territory.yml:1:1: error: territory.yml n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
        "(dans votre éditeur : « Enregistrer sous », encodage UTF-8)\n"
    )
    assert run(settings_file(territory)) == 1  # pelicanconf.py reads it too
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == (expected.stdout, expected.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_disk_is_one_sentence_naming_the_file(territory, capfd):
    write(territory, "actors/a.md", actor_text())
    (territory / "output").mkdir()
    (territory / "output/index.html").symlink_to("/dev/full")  # every write to it: ENOSPC
    assert run(settings_file(territory)) == 1
    printed = capfd.readouterr()
    assert printed.err == (
        f"Le disque est plein : {territory / 'output/index.html'} n'a pas pu être écrit ; libérez de la "
        "place puis relancez la construction.\n"
    )
    assert "Traceback" not in printed.out + printed.err


def test_a_read_only_output_folder_is_one_sentence_naming_the_file(territory, capfd, monkeypatch):
    write(territory, "actors/a.md", actor_text())

    class ReadOnlyOs:
        """`os` as essaim.output sees it, on a folder mounted read-only."""

        def __getattr__(self, name):
            return getattr(os, name)

        def open(self, path, *args):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))  # as the system says it: no file name

    monkeypatch.setattr(essaim.output, "os", ReadOnlyOs())
    assert run(settings_file(territory)) == 1
    printed = capfd.readouterr()
    assert printed.err.endswith(
        "n'est pas accessible en écriture (lecture seule ou droits insuffisants) : rendez-le "
        "accessible en écriture, ou le dossier qui le contient, puis relancez la construction.\n"
    )
    assert printed.err.startswith(str(territory / "output")) and printed.err.count("\n") == 1
    assert "Traceback" not in printed.out + printed.err


def test_a_full_disk_in_a_page_worker_names_the_file_too(territory, capfd, monkeypatch):
    for number in range(40):
        write(territory, f"actors/acteur-{number:02d}.md", actor_text(f"Acteur {number:02d}"))
    parent, write_file = os.getpid(), essaim.output._write_file

    def full_in_workers(path, data):
        if os.getpid() != parent and "/acteurs/" in path:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        write_file(path, data)

    monkeypatch.setattr(essaim.output, "_write_file", full_in_workers)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked, "CHUNK", 1)
    settings = settings_file(territory)
    write(territory, "pelicanconf.py", settings.read_text() + "ESSAIM_JOBS = 2\n")
    assert run(settings) == 1
    printed = capfd.readouterr()
    assert printed.err.startswith(f"Le disque est plein : {territory / 'output/acteurs/acteur-'}")
    assert printed.err.count("\n") == 1 and "Traceback" not in printed.out + printed.err


def test_an_interrupted_build_exits_130_and_stops_its_workers(territory, capsys, monkeypatch):
    for number in range(40):
        write(territory, f"actors/acteur-{number:02d}.md", actor_text(f"Acteur {number:02d}"))
    from essaim.opendata.generator import OpenDataGenerator

    def ctrl_c(self, writer):
        raise KeyboardInterrupt

    monkeypatch.setattr(OpenDataGenerator, "generate_output", ctrl_c)
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    settings = settings_file(territory)
    write(territory, "pelicanconf.py", settings.read_text() + "ESSAIM_JOBS = 2\n")
    assert run(settings) == INTERRUPTED == 130
    assert capsys.readouterr().err == (
        f"Construction interrompue : {territory / 'output'} est incomplet, relancez la construction "
        "avant de le publier.\n"
    )
    assert forked._PENDING == []


# -- `make build` / `make publish` / `make serve` (tasks.py), in a copy of this repository ------


@pytest.fixture
def repository(tmp_path) -> Path:
    return copy_repository(tmp_path / "annuaire")


def invoke(repository: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "invoke"), *args],
        cwd=repository,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GITHUB_ACTIONS": "false"},
        **kwargs,
    )


def test_make_build_on_invalid_content_prints_what_validate_prints_and_exits_1(repository):
    write(repository, "actors/zz-invalide.md", INVALID)
    write(repository, "actors/zz-ancienne.md", STALE)
    out, err = invoke(repository, "build").communicate(timeout=300)
    expected = validate(repository)
    assert expected.exit_code == 1 and "zz-ancienne.md:1:1: warning" in expected.stdout
    assert (out, err) == (expected.stdout, expected.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_make_build_on_a_full_disk_is_one_sentence_and_exits_1(repository):
    (repository / "output").mkdir()
    (repository / "output/index.html").symlink_to("/dev/full")
    process = invoke(repository, "build")
    out, err = process.communicate(timeout=300)
    assert process.returncode == 1
    assert err == (
        f"Le disque est plein : {repository / 'output/index.html'} n'a pas pu être écrit ; libérez de "
        "la place puis relancez la construction.\n"
    )
    assert "Traceback" not in out


def test_make_publish_interrupted_by_ctrl_c_exits_130(repository):
    """Ctrl-C reaches the whole process group; here, once the free pages are written."""
    ready = repository / "ready"
    publishconf = repository / "publishconf.py"
    publishconf.write_text(
        publishconf.read_text(encoding="utf-8")
        + "\n\nimport time as _time\nfrom pelican.plugins import signals as _signals\n\n\n"
        "def _wait(*_, **__):\n"
        f"    open({str(ready)!r}, 'w').close()\n"
        "    _time.sleep(120)\n\n\n"
        "_signals.page_writer_finalized.connect(_wait, weak=False)\n",
        encoding="utf-8",
    )
    process = invoke(
        repository,
        "publish",
        process_group=0,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err
    assert err == (
        f"Construction interrompue : {repository / 'output'} est incomplet, relancez la construction "
        "avant de le publier.\n"
    )


def test_make_serve_prints_the_problems_and_keeps_watching(repository, capsys, monkeypatch):
    """The watcher's build (`_build_in_process`): the same report, then False, never an
    exception; the next build, once the file is fixed, succeeds."""
    import importlib.util

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))  # tasks.py and pelicanconf.py prepend plugins/
    spec = importlib.util.spec_from_file_location("copied_tasks", repository / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    write(repository, "actors/zz-invalide.md", INVALID)
    assert tasks._build_in_process("pelicanconf.py") is False
    printed = capsys.readouterr()
    expected = validate(repository)
    assert (printed.out, printed.err) == (expected.stdout, expected.stderr)
    (repository / "actors/zz-invalide.md").unlink()
    assert tasks._build_in_process("pelicanconf.py") is True
    assert capsys.readouterr().out.endswith("Site à jour.\n")


# The build's own folders (output/, cache/) are never a way out of the repository, nor a way in.


class _Payload:
    """Unpickling this runs a command: what a cache file carried by a pull request could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _git(root: Path, *args: str) -> None:
    env = {"HOME": str(root), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True, env=env)


def test_a_cache_committed_to_the_repository_is_never_unpickled(territory, tmp_path, caplog):
    write(territory, "actors/a.md", actor_text("Alpha"))
    marker = tmp_path / "executed"
    (territory / "cache").mkdir()
    for name in (CACHE_FILE, "essaim-output-pages.pickle"):
        (territory / "cache" / name).write_bytes(pickle.dumps(_Payload(marker)))
    _git(territory, "init", "-q")
    _git(territory, "add", "-A")
    _git(territory, "commit", "-qm", "a cache, committed")
    output = build(territory, tmp_path / "out")
    assert not marker.exists()
    assert (output / "acteurs/a/index.html").is_file()
    assert "est suivi par git : il n'est pas utilisé" in caplog.text


@pytest.mark.parametrize("folder", ["output", "cache"])
def test_a_build_folder_that_is_a_link_stops_the_build(territory, tmp_path, folder):
    from essaim.records.problems import InvalidContent

    write(territory, "actors/a.md", actor_text("Alpha"))
    victim = tmp_path / "victime"
    victim.mkdir()
    (victim / "precieux.txt").write_text("à garder", encoding="utf-8")
    (territory / folder).symlink_to(victim)
    with pytest.raises(InvalidContent) as error:
        build(
            territory, territory / "output", CACHE_PATH=str(territory / "cache"), DELETE_OUTPUT_DIRECTORY=True
        )
    assert "lien symbolique" in str(error.value)
    assert sorted(p.name for p in victim.iterdir()) == ["precieux.txt"]


def test_a_link_committed_in_the_output_stops_the_build(territory, tmp_path):
    from essaim.records.problems import InvalidContent

    write(territory, "actors/a.md", actor_text("Alpha"))
    victim = tmp_path / "victime"
    victim.mkdir()
    (territory / "output").mkdir()
    (territory / "output/acteurs").symlink_to(victim)
    _git(territory, "init", "-q")
    _git(territory, "add", "-A")
    _git(territory, "commit", "-qm", "output, committed")
    with pytest.raises(InvalidContent) as error:
        build(territory, territory / "output")
    assert "output/acteurs:1:1: error: 1 lien(s) symbolique(s) du dossier de sortie" in str(error.value)
    assert list(victim.iterdir()) == []


def test_a_manifest_that_became_a_folder_is_replaced(territory, tmp_path):
    write(territory, "actors/a.md", actor_text("Alpha"))
    (territory / "cache/essaim-output-pages.pickle/x").mkdir(parents=True)
    output = build(territory, tmp_path / "out")
    assert (output / "acteurs/a/index.html").is_file()
    assert (territory / "cache/essaim-output-pages.pickle").is_file()
    build(territory, tmp_path / "out")
