"""The Pelican generator of search: /recherche/, its index files under search/, and lunr."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from ..output import make_key, record_keys
from ..part import Part
from ..vendor import vendor_files
from .documents import documents
from .index import SHARD_LIMIT, build

logger = logging.getLogger(__name__)
PART = "search"
INDEX_FOLDER = "search/"
# Loaded in this order by search/loading.js when the visitor first focuses the search box: lunr,
# lunr-languages' stemmer support (its trimmer builds ours), then the language's stemmer and stop
# words (lunr.js has English's).
LUNR = ("vendor/lunr/lunr.min.js", "vendor/lunr-languages/min/lunr.stemmer.support.min.js")
LANGUAGE_SCRIPTS = {
    "fr": ("vendor/lunr-languages/min/lunr.fr.min.js",),
    "en": (),
    "es": ("vendor/lunr-languages/min/lunr.es.min.js",),
}


def scripts(language: str) -> tuple[str, ...]:
    """The scripts search needs in a language, in order."""
    return (*LUNR, *LANGUAGE_SCRIPTS.get(language, LANGUAGE_SCRIPTS["fr"]))


class SearchGenerator(Part):
    """Writes the search index (meta, shards, result cards), the search page and lunr.js."""

    PART = PART

    def write(self) -> list[str]:
        """Write search (switch: `features.search` in territory.yml)."""
        site, files = self.site, self.files
        directory, urls = site.directory, site.urls
        root = Path(self.settings["ESSAIM_ROOT"])
        for library in ("lunr", "lunr-languages"):
            for source, save_as in vendor_files(root, library):
                files.copy(save_as, source)

        # How large a shard may grow (ESSAIM_SEARCH_SHARD_LIMIT: tests cut small indexes as a
        # national directory's are cut).
        shard_limit = int(self.settings.get("ESSAIM_SEARCH_SHARD_LIMIT", SHARD_LIMIT))
        key = make_key(
            shard_limit,
            record_keys(directory.records),
            record_keys(site.peer_records),
            self.build_key(),
            site.now.date(),
        )
        if files.keep_all(INDEX_FOLDER, key):  # unchanged: the page needs the index's stamp and shards
            meta = json.loads((Path(self.output_path) / INDEX_FOLDER / "meta.json").read_text("utf-8"))
        else:
            started = time.perf_counter()
            found, labels = documents(
                directory.records,
                urls.record_path,
                directory.themes,
                site.now,
                site.horizon,
                site.territory.name,
                site.peer_records,
                [name for name, _ in site.peers.territories] if site.peers else [],
                # Those written as offers_needs: the older fields (skills, an initiative's needs)
                # are indexed with their record already.
                [i for i in site.offers_needs if i.field == "offers_needs"]
                if site.territory.feature("exchange")
                else [],
                site.categories,
            )
            index_files = build(found, labels, site.territory.language, shard_limit)
            for name, text in index_files.items():
                files.write(INDEX_FOLDER + name, text, key)
            meta = json.loads(index_files["meta.json"])
            logger.info(
                "essaim: search index of %s records in %.2f s", len(found), time.perf_counter() - started
            )
        stamp = meta["stamp"]

        siteurl = self.settings.get("SITEURL", "")
        save_as = urls.save_as(urls.path("search"))
        page_key = make_key(stamp, self.build_key())
        if not files.is_fresh(save_as, page_key):
            html = self.get_template("search").render(
                {
                    **self.context,
                    "output_file": save_as,
                    "canonical_url": site.canonical.url("search"),
                    "index_url": f"{siteurl}/{INDEX_FOLDER}",
                    "index_stamp": stamp,
                    "search_shards": meta["shards"],
                    "search_client": meta["client"],
                    "search_territories": meta["facets"]["territory"]["values"],
                    "search_libraries": [f"{siteurl}/{path}" for path in scripts(site.territory.language)],
                    "search_hours": site.hours_config(f"{siteurl}/{self.settings['THEME_STATIC_DIR']}")
                    if meta["hours"]
                    else None,
                }
            )
            files.write(save_as, html, page_key)
        return [urls.path("search")]
