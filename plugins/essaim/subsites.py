"""The site in each other language of `languages` (territory.yml): a build of its own, under
`/<lang>/` in the same output folder, run when the default language's build has finished.

The way Pelican's i18n_subsites plugin does it, with the same settings but for the output
folder, SITEURL, DEFAULT_LANG and the cache folder (each language keeps its own manifests).
The records are read once: the default language's build hands its Directory to the others.
The parts whose files are the same in every language (the open data and sitemap, the federation
manifest, the printed directory) run only in the default language's build, and every
language's pages link to them there (urls.SHARED_SECTIONS); so do the schemas and logos.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

SUBSITE = "ESSAIM_SUBSITE"  # setting: the language of a sub-site's build (absent at the root)
ROOT_SITEURL = "ESSAIM_ROOT_SITEURL"  # setting: the default language's SITEURL, in a sub-site
ROOT_ONLY_PARTS = frozenset({"opendata", "federation", "print"})
_HANDED: dict[str, Any] = {}  # the default language's Directory and peers, for the builds that follow


def language_of(settings: dict) -> str | None:
    """The language of this build when it is a sub-site's, None for the default language's."""
    return settings.get(SUBSITE)


def root_siteurl(settings: dict) -> str:
    """The default language's SITEURL, whichever language this build is."""
    return settings.get(ROOT_SITEURL, settings.get("SITEURL", ""))


def subsite_settings(settings: dict, language: str, name: str) -> dict:
    """The settings of the site in `language` (`name`: the territory's name in it), from the
    default language's."""
    output, cache = Path(settings["OUTPUT_PATH"]), settings.get("CACHE_PATH") or ""
    return {
        **settings,
        SUBSITE: language,
        ROOT_SITEURL: settings.get("SITEURL", ""),
        "SITEURL": f"{settings.get('SITEURL', '')}/{language}",
        "OUTPUT_PATH": str(output / language),
        "CACHE_PATH": str(Path(cache) / language) if cache else "",
        "DEFAULT_LANG": language,
        "SITENAME": name,
        "DELETE_OUTPUT_DIRECTORY": False,  # the default language's build emptied the folder
    }


def hand_over(directory: Any, peers: Any) -> None:
    """Keep the Directory and the neighbours' records just read for the other languages' builds
    of this run."""
    _HANDED["read"] = (directory, peers)


def handed() -> tuple[Any, Any] | None:
    """(Directory, peers) as the default language's build read them (None outside such a run)."""
    return _HANDED.get("read")


def build_subsites(pelican) -> None:
    """Signal `finalized` of the default language's build: build the site in each other
    language, one after the other, in this process (a failure fails the whole build)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from .records.territory import load_territory

    settings = pelican.settings
    if language_of(settings) or not settings.get("ESSAIM_ROOT"):
        return
    try:
        territory = load_territory(Path(settings["ESSAIM_ROOT"]))
        _remove_dropped(settings, territory.languages)
        for language in territory.languages[1:]:
            logger.info("essaim: the site in %s", language)
            name = territory.in_language(language).name
            Pelican(read_settings(None, override=subsite_settings(settings, language, name))).run()
    finally:
        _HANDED.clear()


def _remove_dropped(settings: dict, languages: tuple[str, ...]) -> None:
    """A language taken out of `languages` (or made the default) leaves no site of its own
    behind: its folder is removed, when this build made it (its cache/<lang>/ is there)."""
    from .i18n import languages as interface_languages

    output, cache = Path(settings["OUTPUT_PATH"]), settings.get("CACHE_PATH") or ""
    for language in interface_languages():
        if language in languages[1:] or not cache or not (Path(cache) / language).is_dir():
            continue
        folder = output / language
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
        shutil.rmtree(Path(cache) / language, ignore_errors=True)
        logger.info("essaim: the site in %s is no longer built: removed", language)
