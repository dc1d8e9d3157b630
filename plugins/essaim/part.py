"""What every output part of Essaim shares: it reads nothing itself, can be switched off in
territory.yml, and writes through OutputFiles with its own manifest."""

from __future__ import annotations

import inspect
import logging
from pathlib import Path

from pelican.generators import Generator

from .jsontext import jinja_dumps
from .output import OutputFiles, fingerprint
from .pages import jinja_ext
from .records.territory import TERRITORY_FILE
from .site import Site

logger = logging.getLogger(__name__)


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
        """What all of this part's outputs depend on: territory.yml and the part's own code."""
        code = Path(inspect.getfile(type(self))).parent
        return fingerprint(
            Path(self.settings["ESSAIM_ROOT"], TERRITORY_FILE).read_bytes(),
            sorted((p.name, p.stat().st_mtime_ns) for p in code.glob("*.py")),
            self.site.peers.stamp if self.site.peers else None,  # a pull changes what pages show
        )
