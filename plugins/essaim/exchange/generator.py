"""The Pelican generator of the board: `/coups-de-main/`, every open offer and need of the
directory, paginated, with one list per kind (`besoins/`, `offres/`) and per category, each
with its count: filtering works without JavaScript. The matches come from the Site (matching.py),
shared with the record pages."""

from __future__ import annotations

from ..output import make_key
from ..paginate import paginate
from ..part import Part
from ..records.offers import OfferNeed

PART = "exchange"
KIND_PAGES = (("need", "besoins", "Besoins"), ("offer", "offres", "Offres"))
RESERVED = {slug for _, slug, _ in KIND_PAGES} | {"page"}  # a category cannot take these names


class ExchangeGenerator(Part):
    """Writes the board of offers and needs (switch: `features.exchange` in territory.yml)."""

    PART = PART

    def write(self) -> list[str]:
        site, files, urls = self.site, self.files, self.site.urls
        items = sorted(
            site.offers_needs,
            key=lambda i: (
                i.kind != "need",
                site.categories.get(i.category, i.category),
                i.record.sort_name,
                i.key,
            ),
        )
        counts = {
            "kinds": [
                (slug, label, sum(1 for i in items if i.kind == kind)) for kind, slug, label in KIND_PAGES
            ],
            "categories": [
                (slug, name, n)
                for slug, name in site.categories.items()
                if slug not in RESERVED and (n := sum(1 for i in items if i.category == slug))
            ],
        }
        groups: list[tuple[str | None, str, list[OfferNeed]]] = [(None, "Tous les coups de main", items)]
        groups += [(slug, label, [i for i in items if i.kind == kind]) for kind, slug, label in KIND_PAGES]
        groups += [
            (slug, label, [i for i in items if i.category == slug]) for slug, label, _ in counts["categories"]
        ]
        shown = [
            (
                item.key,
                item.text,
                str(item.until),
                item.record.change_key,
                [(m.need.key, m.offer.key) for m in site.matches.get(item.key, [])],
            )
            for item in items
        ]
        base_key = make_key(self.build_key(), site.now.date(), shown)
        template = self.get_template("board")
        size = site.territory.listing["page_size"]
        paths = []
        for slug, title, members in groups:
            for listing in paginate(members, size, lambda n, slug=slug: urls.url("board", slug, n)):
                path = urls.path("board", slug, listing.number)
                save_as = urls.save_as(path)
                paths.append(path)
                key = make_key(base_key, slug, listing.number)
                if files.is_fresh(save_as, key):
                    continue
                html = template.render(
                    {
                        **self.context,
                        "output_file": save_as,
                        "canonical_url": site.canonical.url("board", slug, listing.number),
                        "listing": listing,
                        "current": slug,
                        "title": title,
                        "counts": counts,
                        "total": len(items),
                        "matches": site.matches,
                    }
                )
                files.write(save_as, html, key)
        return paths
