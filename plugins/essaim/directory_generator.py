"""The Pelican generator that reads the Directory once per build and publishes the contract."""

from __future__ import annotations

import gc
import logging
import os
import time
from pathlib import Path

from pelican.generators import Generator

from .clock import build_now
from .output import OutputFiles
from .records.freshness import stale_problems
from .records.problems import ERROR, WARNING, InvalidContent, Problem
from .records.read import collector_paused, read_directory
from .records.schema import SCHEMA_FILES, SCHEMA_VERSION, schema_text
from .records.territory import load_territory
from .site import Site
from .subsites import hand_over, handed, language_of, root_siteurl
from .urls import Urls
from .wording import translate_themes

logger = logging.getLogger(__name__)


class DirectoryGenerator(Generator):
    """Reads and checks every record (context phase); publishes the JSON Schemas and logos."""

    def generate_context(self) -> None:
        """Build the Directory and put it in the context as `essaim`; fail on invalid content."""
        started = time.perf_counter()
        root = Path(self.settings["ESSAIM_ROOT"])
        home = load_territory(root)  # as written: its default language
        language = language_of(self.settings)
        territory = home.in_language(language) if language else home
        read = handed() if language else None
        if read is not None:  # the site in another language: the records read once, at the root
            directory, peers = read
            self._share(root, home, territory, directory, peers, started)
            return
        cache_dir = Path(self.settings["CACHE_PATH"]) if self.settings.get("CACHE_CONTENT") else None
        with collector_paused():
            directory, problems = read_directory(
                root, territory, cache_dir=cache_dir, jobs=self.settings.get("ESSAIM_JOBS")
            )
            if any(p.severity == ERROR for p in problems):
                # Exactly what `essaim validate` reports (its review warnings included), once:
                # the build's command prints it (essaim.build), nothing is logged here.
                today = build_now(self.settings, territory.tz).date()  # the build's "now"
                stale = stale_problems(directory.records, today, territory.freshness["stale_months"])
                raise InvalidContent(problems + stale)
            for problem in problems:
                if problem.severity == WARNING:
                    logger.warning("essaim: %s", problem.format())
            # The records live as long as the build and never change: the collector leaves them
            # alone until the end of the build (`release_build` in pelican_plugin). Frozen before
            # it runs again: it would first scan them all.
            gc.freeze()
        now = build_now(self.settings, territory.tz)
        from .calendars.snapshots import calendar_events

        extra = calendar_events(root, directory, territory.tz, now.date())
        if extra:  # the actors' own calendars (calendars/, written by `essaim events pull`)
            directory = directory.with_events(extra)
        peers = None
        if territory.peers and territory.feature("federation"):
            from .federation.snapshots import load_peers

            listed = [r for r in directory.all_records if r.KIND == "actor"]  # an archived one too
            with collector_paused():  # as our records: theirs live as long as the build
                peers = load_peers(root, territory, listed, cache_dir)
                gc.freeze()
            logger.info(
                "essaim: %d records from %d neighbouring directories",
                len(peers.records),
                len(peers.territories),
            )
        if len(home.languages) > 1:
            hand_over(directory, peers)
        self._share(root, home, territory, directory, peers, started)

    def _share(self, root: Path, home, territory, directory, peers, started: float) -> None:
        """Put the Site of this build (its language's territory, URLs and themes) in the context."""
        now = build_now(self.settings, territory.tz)
        said = home.translations.get(territory.language, {}) if territory is not home else {}
        translate_themes(directory, home.themes, said.get("themes"))
        urls = Urls(self.settings.get("SITEURL", ""), territory.urls)
        if language_of(self.settings):
            urls = Urls(urls.siteurl, urls.sections, Urls(root_siteurl(self.settings), home.urls))
        cores = os.cpu_count() or 1  # matching never takes more processes than the cores
        jobs = max(1, min(int(self.settings.get("ESSAIM_JOBS") or cores), cores))
        site = Site(
            territory, directory, urls, now, jobs=jobs, home=home, home_siteurl=root_siteurl(self.settings)
        )
        site.peers = peers
        site.link_pages(self.context.get("pages", []), self.settings.get("SITEURL", ""))
        content = Path(self.settings.get("PATH", "")).resolve().parent  # where content/ lives
        problems = []
        for page in self.context.get("pages", []):
            first = str(page.save_as).split("/")[0].removesuffix(".html")
            why = self._in_the_way(first, home, territory)
            if why:
                source = Path(page.source_path).resolve()
                where = str(source.relative_to(content)) if source.is_relative_to(content) else source.name
                problems.append(Problem(where, 1, 1, f"le chemin « {first} » de cette page est {why}"))
        if problems:
            raise InvalidContent(problems)
        self.context["essaim"] = site
        logger.info(
            "essaim: %d actors, %d initiatives, %d events read in %.2f s",
            len(directory.actors),
            len(directory.initiatives),
            len(directory.events),
            time.perf_counter() - started,
        )

    def _in_the_way(self, first: str, home, territory) -> str | None:
        """Why a content page whose path begins with `first` would overwrite the site's own
        pages (a section's segment, in this language or, at the root, in another; another
        language's site), as the end of a sentence; None when it is free."""
        if first in territory.urls.values():
            return (
                "déjà celui d'une rubrique de l'annuaire : changez son « Slug: », ou le chemin de la "
                "rubrique (« urls » de territory.yml)"
            )
        if language_of(self.settings):
            return None  # the other languages are the root's to check
        if first in home.languages[1:]:
            return "celui du site en une autre langue : changez son « Slug: »"
        for language in home.languages[1:]:
            if first in home.in_language(language).urls.values():
                return (
                    f"celui d'une rubrique du site en « {language} » (/{language}/{first}/) : changez "
                    f"son « Slug: », ou ce chemin (« translations.{language}.urls » de territory.yml)"
                )
        return None

    def generate_output(self, writer) -> None:
        """Publish the record schemas (`/schemas/` and `/schemas/v1/`) and the actors' logos
        (once, with the default language's site: every language links to them there)."""
        if language_of(self.settings):
            return
        site: Site = self.context["essaim"]
        files = OutputFiles(self.output_path, self.settings.get("CACHE_PATH"), "core")
        major = SCHEMA_VERSION.split(".")[0]
        for name in SCHEMA_FILES:
            text = schema_text(name)
            files.write(f"schemas/{name}", text)
            files.write(f"schemas/v{major}/{name}", text)
        root = Path(self.settings["ESSAIM_ROOT"])
        logos = [a.fields["logo"] for a in site.directory.actors if a.fields.get("logo")]
        if site.territory.logo:
            logos.append(site.territory.logo)
        for logo in sorted(set(logos)):
            files.copy(logo, root / logo)
        files.finish()
