"""The Pelican generator of the board: `/coups-de-main/` names the categories of offers and
needs with their counts, and each category has its list (`/coups-de-main/locaux/`, paginated):
needs first, then offers, each with its record, its matches and how to answer. Readable and
browsable without JavaScript; an offer or need appears on one list only. The matches come from
the Site (matching.py), shared with the record pages."""

from __future__ import annotations

from datetime import datetime, time

from ..atomfeed import new_feed
from ..i18n import _
from ..output import make_key
from ..paginate import paginate
from ..part import Part
from ..records.model import slugify
from ..records.offers import OfferNeed

PART = "exchange"
FEED_ITEMS = 30  # the newest offers and needs a feed holds


class ExchangeGenerator(Part):
    """Writes the board of offers and needs (switch: `features.exchange` in territory.yml)."""

    PART = PART

    def write(self) -> list[str]:
        site, files, urls = self.site, self.files, self.site.urls
        items = sorted(site.offers_needs, key=lambda i: (i.kind != "need", i.record.sort_name, i.key))
        by_category: dict[str, list[OfferNeed]] = {}
        for item in items:
            by_category.setdefault(item.category, []).append(item)
        categories = [
            (slug, name, sum(i.kind == "need" for i in found), sum(i.kind == "offer" for i in found))
            for slug, name in site.categories.items()
            if (found := by_category.get(slug))
        ]
        matches = site.matches

        def shown(members: list[OfferNeed]) -> list:
            """What a list shows of its offers and needs: a page is rendered when that changes."""
            return [
                (
                    i.key,
                    i.text,
                    str(i.until),
                    i.record.change_key,
                    [(m.need.key, m.offer.key) for m in matches.get(i.key, [])],
                )
                for i in members
            ]

        base_key = make_key(self.build_key(), site.now.date(), categories)
        template = self.get_template("board")
        size = 2 * site.territory.listing["page_size"]  # an item is a few lines: twice a list's
        total = sum(needs + offers for _, _, needs, offers in categories)
        common = {**self.context, "categories": categories, "total": total, "matches": site.matches}
        pages = [(None, "", paginate([], size, lambda n: urls.url("board")))]
        pages += [
            (slug, name, paginate(by_category[slug], size, lambda n, slug=slug: urls.url("board", slug, n)))
            for slug, name, _, _ in categories
        ]
        paths = []
        for slug, title, listings in pages:
            for listing in listings:
                path = urls.path("board", slug, listing.number)
                save_as = urls.save_as(path)
                paths.append(path)
                key = make_key(base_key, slug, listing.number, listing.count, shown(listing.items))
                if files.is_fresh(save_as, key):
                    continue
                variables = {
                    "filter_labels": self._filter_labels(listing.items),
                    "output_file": save_as,
                    "canonical_url": site.canonical.url("board", slug, listing.number),
                    "listing": listing,
                    "current": slug,
                    "title": title,
                    "feed_url": f"{self.settings.get('SITEURL', '')}/{self.feed_path(slug)}",
                }
                files.write(save_as, template.render({**common, **variables}), key)
        self._feeds(categories, base_key, shown)
        return paths

    def _filter_labels(self, items: list[OfferNeed]) -> dict[str, dict[str, str]]:
        """The values the browser's filters offer on a list's page, with their labels."""
        themes = self.site.directory.themes
        return {
            "kind": {
                kind: self.site.kind_words[kind]["plural"]
                for kind in ("need", "offer")
                if any(i.kind == kind for i in items)
            },
            "theme": {t: themes[t].label for t in themes if any(t in i.record.themes for i in items)},
            "city": dict(
                sorted({slugify(i.record.city): i.record.city for i in items if i.record.city}.items())
            ),
        }

    @staticmethod
    def feed_path(category: str | None) -> str:
        """Where the Atom feed of the newest offers and needs (of one category) is written."""
        return f"feeds/coups-de-main-{category}.atom.xml" if category else "feeds/coups-de-main.atom.xml"

    def _feeds(self, categories: list, base_key: str, shown) -> None:
        """One Atom feed of the newest offers and needs (those of the records updated last), and
        one per category."""
        site, territory = self.site, self.site.territory
        newest_of: dict[str | None, list[OfferNeed]] = {None: site.newest_offers_needs[:FEED_ITEMS]}
        for item in site.newest_offers_needs:  # newest first: each category's first FEED_ITEMS
            found = newest_of.setdefault(item.category, [])
            if len(found) < FEED_ITEMS:
                found.append(item)
        feeds = [(None, _("%(site)s : offres et besoins") % {"site": territory.name})]
        feeds += [
            (slug, _("%(site)s : %(category)s") % {"site": territory.name, "category": name.lower()})
            for slug, name, _count, _offers in categories
        ]
        for slug, title in feeds:
            newest = newest_of.get(slug, [])
            save_as = self.feed_path(slug)
            key = make_key(base_key, "feed", slug, shown(newest))
            if self.files.is_fresh(save_as, key):
                continue
            feed = new_feed(
                title,
                site.canonical.url("board", slug),
                f"{territory.base_url}/{save_as}",
                site.now,
                not newest,
                territory.language,
            )
            for item in newest:
                page = site.canonical.record(item.record)
                updated = datetime.combine(item.record.updated, time(0, 0), tzinfo=territory.tz)
                words = site.kind_words[item.kind]
                category = site.categories.get(item.category, item.category)
                feed.add_item(
                    title=_("%(label)s · %(category)s : %(text)s")
                    % {"label": words["label"], "category": category, "text": item.text},
                    link=page,
                    description=f"{site.name_text(item.record)} "
                    + _("%(verb)s « %(text)s ».") % {"verb": words["verb"], "text": item.text},
                    unique_id=f"{page}#{item.key}",
                    updateddate=updated,
                    pubdate=updated,
                    categories=[item.category],
                    author_name=site.name_text(item.record),
                )
            self.files.write(save_as, feed.writeString("utf-8"), key)
