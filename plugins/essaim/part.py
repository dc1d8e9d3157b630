"""What every output part of Essaim shares: it reads nothing itself, can be switched off in
territory.yml, and writes through OutputFiles with its own manifest."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from .codekey import CODE_KEY
from .jsontext import jinja_dumps
from .output import OutputFiles, make_key
from .pages import jinja_ext
from .records.territory import TERRITORY_FILE
from .site import Site
from .subsites import ROOT_ONLY_PARTS, language_of

logger = logging.getLogger(__name__)
BUILD_KEY = "essaim_build_key"  # where the build's one key is kept, in Pelican's context
OWN_KEY = "essaim_own_key"  # the same without the neighbours' snapshots (Part.PEERS_IN_INPUTS)


class Part(Generator):
    """A Pelican generator that writes one part of the site from the shared Site (`essaim`)."""

    PART = ""
    # True when each file of the part lists in its own key all it shows of the neighbours'
    # records (their change keys, the names of the peers listing a record...): its build key
    # then leaves the snapshots out, and a pull renders again only the files it changes. Such a
    # part's templates must read the neighbours only through what its files' keys list
    # (tests/test_change_detection.py rebuilds aggregates after a pull against clean builds).
    PEERS_IN_INPUTS = False
    site: Site
    files: OutputFiles
    cache_dir: Path | None

    def generate_context(self) -> None:
        """Nothing to add: the Directory is read once, by DirectoryGenerator."""

    def generate_output(self, writer) -> None:
        """Every part's output phase, in this order: `start` (nothing more when territory.yml
        switches the part off), the part's own `write`, `finish` (the manifest saved), and the
        pages `write` returned join the sitemap."""
        if not self.start():
            return
        pages = self.write()
        self.finish()
        self.context.setdefault("essaim_pages", []).extend(pages)

    def write(self) -> list[str]:
        """Write the part's files through `self.files`; return the paths of its pages (for the
        sitemap)."""
        raise NotImplementedError

    def finish(self) -> None:
        """Save the manifest of what `write` wrote (and remove what it no longer writes)."""
        self.files.finish()

    def start(self) -> bool:
        """Set `site` and `files`; False when territory.yml switches this part off."""
        self.site = self.context["essaim"]
        self.env.policies["json.dumps_function"] = jinja_dumps  # `tojson` in templates
        jinja_ext.install(self.env)  # quicker `a.b`, `{{ value }}` and `{{ f(x) }}`: the same output
        if not self.site.territory.feature(self.PART):
            logger.info("essaim: %s is switched off in territory.yml", self.PART)
            return False
        if self.PART in ROOT_ONLY_PARTS and language_of(self.settings):
            return False  # written once, by the default language's site (subsites.py)
        cache = self.settings.get("CACHE_PATH") if self.settings.get("CACHE_CONTENT") else None
        self.cache_dir = Path(cache) if cache else None  # the part's own caches (None: none)
        self.files = OutputFiles(self.output_path, cache, self.PART)
        return True

    def build_key(self) -> str:
        """The one key every output of every part depends on, whatever it shows: the code this
        process runs (codekey), every template of the theme, territory.yml, the menu and
        footer links (content pages), the site's URL and name, and the neighbours' snapshots
        (left out for a part that lists them per file: PEERS_IN_INPUTS). A part adds to it only
        what one file shows (its records, today's date...): a page can never be kept when
        something it may read has changed — for a PEERS_IN_INPUTS part, as long as its files'
        keys list all they show of the neighbours. Made once per build."""
        name = OWN_KEY if self.PEERS_IN_INPUTS else BUILD_KEY
        key = self.context.get(name)
        if key is None:
            own = self.context.get(OWN_KEY)
            if own is None:
                templates = Path(self.settings["THEME"], "templates")
                own = self.context[OWN_KEY] = make_key(
                    CODE_KEY,
                    sorted(
                        (p.relative_to(templates).as_posix(), p.read_bytes())
                        for p in templates.rglob("*.html")
                    ),
                    Path(self.settings["ESSAIM_ROOT"], TERRITORY_FILE).read_bytes(),
                    self.site.nav_links,
                    self.site.footer_links,
                    self.settings.get("SITEURL"),
                    self.settings.get("SITENAME"),
                )
            # A pull changes what pages show, and so does a neighbour's new name (in its
            # provenance, not in the datasets' checksums peers.key is made of).
            peers = self.site.peers
            self.context[BUILD_KEY] = make_key(own, (peers.key, peers.territories) if peers else None)
            key = self.context[name]
        return key
