"""Wiring between Pelican's signals and Essaim's parts."""

from __future__ import annotations

import atexit
import gc
import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket
from pelican import signals
from pelican.writers import Writer

from . import codekey  # noqa: F401 - takes the code's key before any part is imported
from .agenda.generator import AgendaGenerator
from .contribute.generator import ContributeGenerator
from .directory_generator import DirectoryGenerator
from .exchange.generator import ExchangeGenerator
from .federation.generator import FederationGenerator
from .figures.generator import FiguresGenerator
from .forked import abandon_pending, finish_pending
from .i18n import SOURCE_LANGUAGE, activate, script_messages, translations
from .internals import quick_paths
from .map.generator import MapGenerator
from .opendata.generator import OpenDataGenerator
from .pages import filters, jinja_ext
from .pages.generator import PagesGenerator
from .printed.generator import PrintGenerator
from .records.gitdates import tracked_files
from .records.load import inside
from .records.problems import InvalidContent, Problem
from .search.generator import SearchGenerator
from .subsites import build_subsites
from .wording import number
from .writer import UnchangedFilesWriter

logger = logging.getLogger(__name__)

FRAGMENT_EXTENSION = "essaim.pages.jinja_ext.FragmentExtension"
I18N_EXTENSION = "jinja2.ext.i18n"


def guard_build_folders(pelican) -> None:
    """Signal `initialized`: the output and cache folders are the build's own. A folder that is a
    link (committed, or left there) would have pages written, and a production build's output
    emptied, wherever it points; a file of them that git tracks came with the repository, and a
    cache file is code when unpickled (a pull request could carry one). So: a link, as the folder
    or committed inside the output, stops the build, and so does a link in content/ to outside the
    repository (Pelican would publish what it points to); a tracked cache is not used (nothing is read
    from it nor written to it), with a warning."""
    settings = pelican.settings
    root = Path(settings.get("ESSAIM_ROOT", "."))
    problems = []
    for setting in ("OUTPUT_PATH", "CACHE_PATH"):
        folder = Path(settings.get(setting) or "")
        if settings.get(setting) and folder.is_symlink():
            problems.append(
                Problem(
                    str(folder),
                    1,
                    1,
                    "ce dossier de construction est un lien symbolique : remplacez-le par un dossier "
                    "(ou retirez-le), la construction n'écrit que dans ses propres dossiers",
                )
            )
    content = settings.get("PATH")
    paths = [content] if content else []
    for folder, names, files in os.walk(content or "", followlinks=False) if content else ():
        paths += [os.path.join(folder, name) for name in [*names, *files]]
    for path in paths:
        if os.path.islink(path) and not inside(path, str(root)):
            problems.append(
                Problem(
                    os.path.relpath(path, root),
                    1,
                    1,
                    "ce lien mène hors du dépôt, et Pelican publierait ce qu'il désigne : "
                    "remplacez-le par le fichier lui-même",
                )
            )
    output = Path(settings.get("OUTPUT_PATH") or "")
    links = tracked_files(root, output, links_only=True) if settings.get("OUTPUT_PATH") else []
    if links:
        problems.append(
            Problem(
                links[0],
                1,
                1,
                f"{len(links)} lien(s) symbolique(s) du dossier de sortie sont suivis par git : "
                "retirez-les du dépôt (git rm --cached), la construction n'écrit que dans ses dossiers",
            )
        )
    if problems:
        raise InvalidContent(problems)
    if settings.get("CACHE_PATH") and tracked_files(root, Path(settings["CACHE_PATH"])):
        logger.warning(
            "essaim : le dossier %s est suivi par git : il n'est pas utilisé (un cache venu d'un dépôt "
            "peut contenir du code) ; retirez-le du dépôt (git rm -r --cached)",
            settings["CACHE_PATH"],
        )
        settings["CACHE_CONTENT"] = False
        settings["CACHE_PATH"] = ""


def configure_jinja(pelican) -> None:
    """Signal `initialized`: Essaim's filters, `{% fragment %}` tag and gettext (`_()`,
    `{% trans %}`) in every template, and autoescaping always on (contributors' and peers' text
    is untrusted)."""
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(filters.FILTERS)
    environment = pelican.settings.setdefault("JINJA_ENVIRONMENT", {})
    environment["autoescape"] = True
    # Every template a build uses stays loaded, in a plain dict: Jinja's default (a 400-entry
    # LRU cache behind a lock) is looked up for every page's base template and macros.
    environment.setdefault("cache_size", -1)
    extensions = environment.setdefault("extensions", [])
    for extension in (I18N_EXTENSION, FRAGMENT_EXTENSION):
        if extension not in extensions:
            extensions.append(extension)
    if pelican.settings.get("CACHE_PATH") and "bytecode_cache" not in environment:
        environment["bytecode_cache"] = template_cache(Path(pelican.settings["CACHE_PATH"]))


class TolerantBytecodeCache(FileSystemBytecodeCache):
    """Jinja's bytecode cache, where a damaged file (cut short by a full disk, overwritten) is
    compiled again and replaced instead of failing the build: Jinja catches only some of what
    reading one can raise."""

    def load_bytecode(self, bucket: Bucket) -> None:
        """Jinja's `load_bytecode`; a file that cannot be read back leaves the bucket empty."""
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - damaged bytes can raise anything while unpickling
            bucket.reset()


def template_cache(cache_path: Path) -> FileSystemBytecodeCache:
    """Compiled templates, kept in CACHE_PATH: each part of the site has its own Jinja
    environment, and each compiled `base.html`, the header and the footer again (0.4 s of a
    full build went to compiling templates). Jinja compares each template's source with the
    one it compiled; the folder's name changes with our Jinja extension and Jinja's version,
    which shape the compiled code too (older folders are removed)."""
    key = hashlib.sha1(Path(jinja_ext.__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()
    folder = cache_path / f"jinja-{key[:12]}"
    if not folder.is_dir():
        for old in cache_path.glob("jinja-*"):
            shutil.rmtree(old, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
    return TolerantBytecodeCache(str(folder))


def _with_numbers(ngettext):
    """Jinja's newstyle `ngettext`, its `%(num)s` written as the build's language writes a number
    (« 12 500 fiches », « 12,500 entries »): gettext would print the bare integer."""

    @jinja2.pass_context
    def counted(context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", number(num))
        return ngettext(context, singular, plural, num, **variables)

    return counted


def install_translations(generator) -> None:
    """Signal `generator_init`: the templates of every part speak the build's language (newstyle
    gettext: a translation is trusted as template text, its arguments are escaped)."""
    language = generator.settings.get("DEFAULT_LANG", SOURCE_LANGUAGE)
    activate(language)  # and the Python code's strings (wording.py, the parts' titles)
    generator.env.install_gettext_translations(translations(language), newstyle=True)
    generator.env.globals["ngettext"] = _with_numbers(generator.env.globals["ngettext"])
    generator.env.globals["script_messages"] = script_messages(language)  # base.html, for js/messages.js


def page_language(instance) -> None:
    """Signal `content_object_init`: a free page (content/pages/) without `Lang:` is written in
    the territory's default language, whichever language this build is: the English site marks
    it `lang="fr"` until it has its translation."""
    from pelican.contents import Page

    if isinstance(instance, Page) and "lang" not in instance.metadata:
        settings = instance.settings
        instance.lang = settings.get("ESSAIM_HOME_LANGUAGE", settings["DEFAULT_LANG"])
        instance.in_default_lang = instance.lang == settings["DEFAULT_LANG"]


def one_page_per_slug(generator) -> None:
    """Signal `page_generator_finalized`: of a free page and its translations (same slug), the
    one in the build's language, else the one in the default language, else the first read."""
    settings = generator.settings
    wanted = (settings["DEFAULT_LANG"], settings.get("ESSAIM_HOME_LANGUAGE", settings["DEFAULT_LANG"]))
    for attribute in ("pages", "hidden_pages", "draft_pages"):
        pages = getattr(generator, attribute, None)
        if not pages:
            continue
        best: dict[str, Any] = {}
        for page in pages:
            kept = best.get(page.slug)
            rank = wanted.index(page.lang) if page.lang in wanted else len(wanted)
            if kept is None or rank < (wanted.index(kept.lang) if kept.lang in wanted else len(wanted)):
                best[page.slug] = page
        chosen = {id(page) for page in best.values()}
        setattr(generator, attribute, [page for page in pages if id(page) in chosen])
    for attribute in ("pages", "hidden_pages", "draft_pages"):
        generator.context[attribute] = getattr(generator, attribute)


def get_generators(pelican) -> list[type]:
    """Signal `get_generators`, at the start of every build: the Directory reader first, then
    each switched-on part. The workers of an earlier build of this process (`make serve`) that
    stopped on an error are stopped first."""
    abandon_pending()
    return [
        DirectoryGenerator,
        PagesGenerator,
        SearchGenerator,
        AgendaGenerator,
        MapGenerator,
        ContributeGenerator,
        ExchangeGenerator,
        FiguresGenerator,
        PrintGenerator,
        OpenDataGenerator,  # the sitemap lists the pages of every other part
        FederationGenerator,  # /federation.json, once the open data it announces is written
    ]


def get_writer(pelican) -> type:
    """Signal `get_writer`: a writer that does not rewrite unchanged files (it takes Pelican's
    internals: behind the gate, Pelican's own writer otherwise)."""
    return UnchangedFilesWriter if quick_paths() else Writer


def release_build(*_: object) -> None:
    """Signal `finalized`: hand the build's objects, frozen since the records were read, back
    to the garbage collector, so that a process that builds again (`make serve`) frees them."""
    gc.unfreeze()


def skip_final_collection() -> None:
    """At exit: leave every object out of the garbage collector's last passes. A build's objects
    die with the process anyway, and those passes over them took a quarter of a second at
    10,000 records, a tenth of a no-change rebuild. (Our files are closed by `with` blocks, never
    by a collected object.)"""
    gc.freeze()


def register() -> None:
    """Connect Essaim to Pelican."""
    atexit.unregister(skip_final_collection)  # once, however many builds this process runs
    atexit.register(skip_final_collection)
    signals.initialized.connect(guard_build_folders)
    signals.initialized.connect(configure_jinja)
    signals.get_writer.connect(get_writer)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(install_translations)
    signals.content_object_init.connect(page_language)
    signals.page_generator_finalized.connect(one_page_per_slug)
    signals.finalized.connect(finish_pending)  # pages, posters done in the background while other parts ran
    signals.finalized.connect(release_build)
    signals.finalized.connect(build_subsites)  # then the site in each other language, under /<lang>/
