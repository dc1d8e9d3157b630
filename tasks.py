"""Tasks (invoke), with pelican-quickstart's names. `make` only bootstraps and calls these.

invoke build | rebuild | regenerate | serve | reserve | preview | livereload | publish | clean
invoke test | lint | bench | audit | system-deps
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
OUTPUT = ROOT / "output"
HOST, PORT = "127.0.0.1", 8000
WATCHED = ["actors", "initiatives", "events", "content", "theme", "plugins", "media", "territory.yml"]


def _build(settings_file: str = "pelicanconf.py") -> int:
    """One build in this process (essaim.build: a failure says why, once, without traceback);
    its exit status."""
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))  # this repository's Essaim, as pelicanconf.py does
    from essaim.build import run
    from essaim.cli import default_format

    return run(ROOT / settings_file, default_format())


def _pelican(c, settings: str = "pelicanconf.py") -> None:
    """Build, and stop the task with the build's exit status when it fails (1: invalid content or
    a file that cannot be written; 130: interrupted), without a word more: it said why."""
    status = _build(settings)
    if status:
        raise Exit(code=status)


@task
def clean(c):
    """Remove the generated site and the build caches."""
    for folder in (OUTPUT, ROOT / "cache"):
        shutil.rmtree(folder, ignore_errors=True)


@task
def build(c):
    """Build the site into output/ (development settings, incremental)."""
    _pelican(c)


@task(pre=[clean])
def rebuild(c):
    """Build from scratch."""
    _pelican(c)


def _build_in_process(settings_file: str) -> bool:
    """One build for the watcher: a failure is printed (invalid content as by `make build`, a
    template error with its traceback) and the watcher goes on; Ctrl-C during the build stops it."""
    try:
        status = _build(settings_file)
    except Exception:  # noqa: BLE001 - the watcher must survive a broken template
        traceback.print_exc()
        return False
    if status == 130:
        raise KeyboardInterrupt
    if status == 0:
        print("Site à jour.", flush=True)
    return status == 0


def _watch(settings_file: str = "pelicanconf.py") -> None:
    """Rebuild whenever a record, a page, the theme, the code or territory.yml changes."""
    from watchfiles import watch

    paths = [str(ROOT / p) for p in WATCHED if (ROOT / p).exists()]
    print(f"Surveillance de {', '.join(WATCHED)} : le site est reconstruit à chaque changement.")
    for changes in watch(*paths):
        names = sorted({Path(p).relative_to(ROOT).as_posix() for _, p in changes})
        print(f"Modifié : {', '.join(names)}", flush=True)
        if any(name.startswith("plugins/") for name in names):
            restart()
        _build_in_process(settings_file)


def restart() -> None:
    """Start this task again in a new process: Essaim's code changed, and a process renders
    with the code it loaded (its pages are keyed with that code, essaim/codekey.py). The
    server's socket is closed on exec and bound again by the new process."""
    print("Le code d'Essaim a changé : la construction redémarre avec le nouveau code.", flush=True)
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, *sys.argv])


@task
def regenerate(c):
    """Rebuild on every change (no server)."""
    _build_in_process("pelicanconf.py")
    _watch()


def _server(port: int):
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    RootedHTTPServer.allow_reuse_address = True
    return RootedHTTPServer(str(OUTPUT), (HOST, port), ComplexHTTPRequestHandler)


@task
def serve(c, port=PORT):
    """Serve output/ on http://127.0.0.1:8000."""
    server = _server(int(port))
    print(f"Site servi sur http://{HOST}:{port}/ (Ctrl-C pour arrêter)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task
def reserve(c, port=PORT):
    """Build, then serve."""
    build(c)
    serve(c, port)


@task
def livereload(c, port=PORT):
    """Build, serve on http://127.0.0.1:8000 and rebuild on every change (`make serve`)."""
    _build_in_process("pelicanconf.py")
    server = _server(int(port))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Site servi sur http://{HOST}:{port}/ (Ctrl-C pour arrêter)")
    try:
        _watch()
    except KeyboardInterrupt:
        server.shutdown()


@task(aliases=["preview"])
def publish(c):
    """Build the site to deploy (production settings, output/ emptied first). `preview` is the
    same task under pelican-quickstart's other name: there, `publish` also uploads; here the CI
    workflow deploys output/."""
    _pelican(c, "publishconf.py")


SYSTEM_PACKAGES = {
    "/usr/bin/chromium": "chromium",  # browser tests
    "/usr/bin/java": "default-jre-headless",  # the HTML validator
    "/usr/bin/pdftotext": "poppler-utils",  # the printed directory's PDFs read back
    "/usr/bin/zbarimg": "zbar-tools",  # their QR codes read back
}
SYSTEM_LIBRARIES = {"pangoft2-1.0": "libpangoft2-1.0-0"}  # WeasyPrint (`essaim print`)


@task
def system_deps(c):
    """Debian packages the tests need: chromium (browser tests), a Java runtime (HTML validator),
    poppler and zbar (PDFs and QR codes read back), Pango (WeasyPrint writes the PDFs).

    Installed with apt-get when missing and running as root; otherwise a clear message.
    """
    missing = [package for path, package in SYSTEM_PACKAGES.items() if not Path(path).exists()]
    missing += [package for name, package in SYSTEM_LIBRARIES.items() if not ctypes.util.find_library(name)]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installation des paquets Debian {', '.join(missing)} pour les tests...")
        c.run(
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
            f"apt-get install -y -qq --no-install-recommends {' '.join(missing)}"
        )
        return
    print(
        f"Paquets absents : {', '.join(missing)}. Installez-les avec « sudo apt-get install "
        f"{' '.join(missing)} ». Sans eux, les tests qui en dépendent échouent quand CI=true, et "
        "sont signalés comme non lancés sinon.",
        file=sys.stderr,
    )


LOCALE = ROOT / "plugins" / "essaim" / "locale"
CATALOGUE_TEMPLATE = LOCALE / "messages.pot"


@task
def i18n_extract(c):
    """Every string of the templates into the catalogue template (locale/messages.pot), with
    Babel; French is the source language."""
    c.run(
        f'"{BIN / "pybabel"}" extract --mapping-file babel.cfg --no-wrap --sort-by-file '
        f'--keywords N_ --project Essaim --copyright-holder "Essaim" --msgid-bugs-address "" '
        f'--output-file "{CATALOGUE_TEMPLATE}" .',
        pty=False,
    )


@task(pre=[i18n_extract])
def i18n_update(c):
    """Each language's catalogue (locale/<lang>/LC_MESSAGES/messages.po) brought up to date
    with the templates: new strings to translate, gone ones marked obsolete."""
    c.run(
        f'"{BIN / "pybabel"}" update --no-wrap --ignore-obsolete --input-file "{CATALOGUE_TEMPLATE}" '
        f'--output-dir "{LOCALE}"',
        pty=False,
    )


@task
def i18n_compile(c):
    """Compile every catalogue (a check: the build reads the .po files itself), with statistics;
    fails on a catalogue that does not compile."""
    with tempfile.TemporaryDirectory() as folder:
        for po in sorted(LOCALE.glob("*/LC_MESSAGES/messages.po")):
            language = po.parts[-3]
            c.run(
                f'"{BIN / "pybabel"}" compile --statistics -l {language} '
                f'-i "{po}" -o "{Path(folder) / (language + ".mo")}"',
                pty=False,
            )


@task
def lint(c):
    """ruff: lint and formatting check."""
    c.run(f'"{BIN / "ruff"}" check .')
    c.run(f'"{BIN / "ruff"}" format --check .')


LATEST = ROOT / ".venv-latest"


@task(pre=[lint])
def test(c, latest=False):
    """The whole test suite (the JavaScript's node --test tests, then unit, site, fork and browser
    tests), after the lint. `--latest`: the
    same suite in a virtualenv of its own (.venv-latest) where every dependency our pins leave
    free (the dependencies of our dependencies) is at its newest version: what a fresh install
    may get next month. Jinja's quick paths then open only for the versions they were tested
    with (pages/jinja_ext.quick_paths), so the public API is tested whenever they differ."""
    if not latest:
        _node_tests(c, BIN / "python")
        c.run(f'"{BIN / "pytest"}" -q', pty=False)
        return
    if not (LATEST / "bin" / "python").exists():
        c.run(f'"{sys.executable}" -m venv "{LATEST}"', pty=False)
    c.run(f'"{LATEST / "bin" / "pip"}" install --quiet --upgrade pip', pty=False)
    c.run(
        f'"{LATEST / "bin" / "pip"}" install --quiet --upgrade --upgrade-strategy eager -e ".[test]"',
        pty=False,
    )
    c.run(f'"{LATEST / "bin" / "pip"}" list --format=freeze', pty=False)
    _node_tests(c, LATEST / "bin" / "python")
    c.run(f'"{LATEST / "bin" / "pytest"}" -q', pty=False)


def _node_tests(c, python: Path) -> None:
    """node --test: the JavaScript's unit tests (tests/js/), which ask `python` for an index built
    by the Python they must agree with."""
    tests = " ".join(f'"{p}"' for p in sorted((ROOT / "tests/js").glob("*.test.js")))
    c.run(f"node --test {tests}", env={"ESSAIM_PYTHON": str(python)}, pty=False)


@task
def bench(c, sizes="1000,10000", skip_pelican=False, repeat=3, only=""):
    """Benchmarks: the build (Essaim vs bare Pelican vs Hugo), search (Essaim vs Pagefind), a
    national aggregate of 50,000 peer records, and what matching offers and needs adds to a
    build, what two more languages cost, and the national cost curve (1,000 to 250,000 records),
    each against its baseline or target in the same run. `--only build`, `search`, `federation`,
    `exchange`, `languages` or `national`."""
    flags = f" --repeat {repeat}" + (" --skip-pelican" if skip_pelican else "")
    if only in ("", "build"):
        c.run(f'"{sys.executable}" -m benchmarks.build --sizes {sizes}{flags}', pty=False)
    if only in ("", "search"):
        c.run(f'"{sys.executable}" -m benchmarks.search --sizes {sizes}', pty=False)
    if only in ("", "federation"):
        c.run(f'"{sys.executable}" -m benchmarks.federation --peers 20 --records 2500', pty=False)
    if only in ("", "exchange"):
        c.run(f'"{sys.executable}" -m benchmarks.exchange --count 10000 --repeat {repeat}', pty=False)
    if only in ("", "languages"):
        c.run(f'"{sys.executable}" -m benchmarks.languages --count 10000 --repeat {repeat}', pty=False)
    if only in ("", "national"):
        c.run(f'"{sys.executable}" -m benchmarks.national --sizes 1000,10000,50000,250000', pty=False)


@task(pre=[build])
def audit(c):
    """Lighthouse scores and page weights of the demo site: output/audit/index.html."""
    c.run(f'"{sys.executable}" -m audit.report', pty=False)
