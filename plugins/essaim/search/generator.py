"""The Pelican generator of search: /recherche/, its index files under search/, and lunr."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from ..output import make_key, record_keys
from ..part import Part
from ..records.read import EntryCache, collector_paused
from ..vendor import vendor_files
from .documents import facet_labels, offer_need_documents, record_documents
from .index import SHARD_LIMIT, Group, build_groups

logger = logging.getLogger(__name__)
PART = "search"
INDEX_FOLDER = "search/"
GROUPS_CACHE = "search-groups"  # in the build's cache folder: one file per directory
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
    # The index lists the neighbours' records it holds and their names; the page, the index's stamp.
    PEERS_IN_INPUTS = True

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
            site.peers.territories if site.peers else None,
            self.build_key(),
            site.now.date(),
        )
        if files.keep_all(INDEX_FOLDER, key):  # unchanged: the page needs the index's stamp and shards
            meta = json.loads((Path(self.output_path) / INDEX_FOLDER / "meta.json").read_text("utf-8"))
        else:
            started = time.perf_counter()
            with collector_paused():  # groups are many objects, all kept until the index is written
                index_files, meta = self._index(shard_limit)
            for name, text in index_files.items():
                files.write(INDEX_FOLDER + name, text, key)
            logger.info(
                "essaim: search index of %s records in %.2f s", meta["count"], time.perf_counter() - started
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

    def _index(self, shard_limit: int) -> tuple[dict[str, str], dict]:
        """The index's files (index.build_groups) and its meta.json, read back."""
        site = self.site
        groups = self._groups()
        used = {
            "themes": [t for g in groups for t in g.columns["themes"][0]],
            "categories": [c for g in groups for c in g.columns["category"][0]],
            "legal_forms": [f for g in groups for f in g.columns["legal_form"][0]],
            "cities": [c for g in groups for c in g.cities],
        }
        names = [site.territory.name, *self._peer_names(), *(n for g in groups for n in g.territories)]
        labels = facet_labels(used, site.directory.themes, site.categories, names)
        index_files = build_groups(groups, labels, site.territory.language, shard_limit)
        return index_files, json.loads(index_files["meta.json"])

    def _peer_names(self) -> list[str]:
        return [name for name, _ in self.site.peers.territories] if self.site.peers else []

    def _groups(self) -> list[Group]:
        """The index's groups (index.Group): our records, each neighbour's in territory.yml's
        order, our open offers and needs. A directory's group is taken from the last build's
        (cache/search-groups/, made under the same build key: code, templates,
        territory.yml, language) while its records are the same — and, when it has events,
        the day: so a pull indexes again only the neighbours it changed."""
        site = self.site
        directory, urls, language = site.directory, site.urls, site.territory.language
        cache = EntryCache.open(self.cache_dir, GROUPS_CACHE, self.build_key())
        theme_labels = {slug: theme.label for slug, theme in directory.themes.items()}
        directories = [("", site.territory.name, directory.records, False)]
        directories += [
            (f"peer:{name}", name, records, True) for name, records in site.peer_records_by_directory.items()
        ]
        wanted = [
            (entry, name, records, peer, self._group_key(name, records))
            for entry, name, records, peer in directories
        ]
        kept = {entry: cache.get(entry, key) for entry, _, _, _, key in wanted}
        # The words the kept groups have analysed: a pull's records mostly use them again.
        known: dict[str, tuple[str, ...]] = {}
        for group in kept.values():
            if group is not None:
                known.update(group.words)
        groups = []
        for entry, name, records, peer, key in wanted:
            group = kept[entry]
            if group is None:
                found = record_documents(
                    records,
                    urls.record_path,
                    directory.themes,
                    site.now,
                    site.horizon,
                    name,
                    peer,
                    lambda record, field: site.shown(record, field)[1],
                )
                group = Group.of(found, language, theme_labels, known)
                cache.put(entry, key, group)
            groups.append(group)
        cache.save(list(kept), background=True)
        # Those written as offers_needs: the older fields (skills, an initiative's needs) are
        # indexed with their record already. Few, and ours only: made again each time.
        items = (
            [i for i in site.offers_needs if i.field == "offers_needs"]
            if site.territory.feature("exchange")
            else []
        )
        offers = offer_need_documents(
            items, urls.record_path, directory.themes, site.categories, site.territory.name
        )
        home = (site.home or site.territory).language
        if home != site.territory.language:  # an offer's or need's text is never translated
            for offer in offers:
                offer.name_lang = home
        groups.append(Group.of(offers, language, theme_labels, known))
        return groups

    def _group_key(self, name: str, records: list) -> tuple:
        """What a directory's group is made from: its records, its name, the languages the
        neighbours write in (a result marks an untranslated text with its own) and, when it has
        events, the day (an event's next date)."""
        events = any(r.KIND == "event" for r in records)
        languages = sorted(self.site.peers.languages.items()) if self.site.peers else []
        day = str(self.site.now.date()) if events else ""
        return (make_key(record_keys(records)), name, tuple(languages), day)
