"""What every output part of Essaim shares: it reads nothing itself, can be switched off in
territory.yml, and writes through OutputFiles with its own manifest."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from .codestamp import CODE_STAMP
from .jsontext import jinja_dumps
from .output import OutputFiles, fingerprint
from .pages import jinja_ext
from .records.territory import TERRITORY_FILE
from .site import Site

logger = logging.getLogger(__name__)
BUILD_STAMP = "essaim_build_stamp"  # where the build's one key is kept, in Pelican's context


class Part(Generator):
    """A Pelican generator that writes one part of the site from the shared Site (`essaim`)."""

    PART = ""
    site: Site
    files: OutputFiles

    def generate_context(self) -> None:
        """Nothing to add: the Directory is read once, by DirectoryGenerator."""

    def start(self) -> bool:
        """Set `site` and `files`; False when territory.yml switches this part off."""
        self.site = self.context["essaim"]
        self.env.policies["json.dumps_function"] = jinja_dumps  # `tojson` in templates
        jinja_ext.install(self.env)  # quicker `a.b`, `{{ value }}` and `{{ f(x) }}`: the same output
        if not self.site.territory.feature(self.PART):
            logger.info("essaim: %s is switched off in territory.yml", self.PART)
            return False
        cache = self.settings.get("CACHE_PATH") if self.settings.get("CACHE_CONTENT") else None
        self.files = OutputFiles(self.output_path, cache, self.PART)
        return True

    def part_stamp(self) -> str:
        """The one key every output of every part depends on, whatever it shows: the code this
        process runs (codestamp), every template of the theme, territory.yml, the menu and
        footer links (content pages), the site's URL and name, and the neighbours' snapshots.
        A part adds to it only what one file shows (its records, today's date...): a page can
        never be kept when something it may read has changed. Made once per build."""
        stamp = self.context.get(BUILD_STAMP)
        if stamp is None:
            templates = Path(self.settings["THEME"], "templates")
            stamp = fingerprint(
                CODE_STAMP,
                sorted(
                    (p.relative_to(templates).as_posix(), p.read_bytes()) for p in templates.rglob("*.html")
                ),
                Path(self.settings["ESSAIM_ROOT"], TERRITORY_FILE).read_bytes(),
                self.site.nav_links,
                self.site.footer_links,
                self.settings.get("SITEURL"),
                self.settings.get("SITENAME"),
                self.site.peers.stamp if self.site.peers else None,  # a pull changes what pages show
            )
            self.context[BUILD_STAMP] = stamp
        return stamp
