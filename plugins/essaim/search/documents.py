"""What search indexes of each record: Records → SearchDocuments (no Pelican here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from ..analysis import plain_text
from ..i18n import _
from ..records.model import Actor, Event, Initiative, Occurrence, Record, slugify, sort_key
from ..records.taxonomy import Theme
from ..wording import event_when, label, legal_form_label, offer_need_words, record_text
from .index import SearchDocument


def _texts(values: Iterable) -> list[str]:
    return [str(v) for v in values if v]


def _when(event: Event, now: datetime, horizon: timedelta) -> tuple[str, str]:
    """(YYYY-MM-DD of the last day, French label) of the next occurrence, or of the event."""
    shown: Event | Occurrence = event
    if event.recurrence:
        starts = event.starts(now, now + horizon)
        if starts:
            shown = Occurrence(event, starts[0])
    return shown.ends_at().date().isoformat(), event_when(shown)


def document(
    record: Record,
    url_path: str,
    themes: dict[str, Theme],
    now: datetime,
    horizon: timedelta,
) -> SearchDocument:
    """One record as search sees it: name; summary, themes, status, city, skills; body."""
    fields = record.fields
    theme_labels = [themes[t].label for t in record.themes if t in themes]
    # In another language's site: the translation, and the record's own words found too.
    name = record_text(record, "name")[0]
    summary, translated = record_text(record, "summary")
    description, described = record_text(record, "description")
    about = [summary, *([record.summary] if translated else []), *theme_labels, record.city or ""]
    date = date_label = legal_form = hours = ""
    if isinstance(record, Actor):
        legal_form = record.legal_form
        hours = record.osm_hours or ""
        about += [
            legal_form_label(legal_form),
            str(fields.get("purpose") or ""),
            *_texts(fields.get("skills_offered") or []),
            *_texts(fields.get("skills_sought") or []),
        ]
    elif isinstance(record, Initiative):
        needs = fields.get("needs") or {}
        if isinstance(needs, dict):
            about += [label(need, "needs") for need in needs] + _texts(needs.values())
    elif isinstance(record, Event):
        if fields.get("kind"):
            about.append(label(str(fields["kind"]), "event_kinds"))
        date, date_label = _when(record, now, horizon)
    return SearchDocument(
        kind=record.KIND,
        name=name,
        about=" ".join(a for a in about if a) + (f" {record.name}" if name != record.name else ""),
        body=plain_text(description) + (f" {plain_text(record.body)}" if described else ""),
        url_path=url_path,
        summary=summary,
        city=record.city or "",
        themes=[t for t in record.themes if t in themes],
        legal_form=legal_form,
        date=date,
        date_label=date_label,
        hours=hours,
    )


def offer_need_document(
    item, url_path: str, themes: dict[str, Theme], categories: dict[str, str], territory: str
) -> SearchDocument:
    """An offer or need as search sees it: its text; its category, kind, record, themes, city."""
    record, words = item.record, offer_need_words()[item.kind]
    category = categories.get(item.category, item.category)
    theme_labels = [themes[t].label for t in record.themes if t in themes]
    name = record_text(record, "name")[0]  # in the index's language; found by its own name too
    about = [category, words["noun"], name, *([record.name] if name != record.name else [])]
    about += [*theme_labels, record.city or ""]
    return SearchDocument(
        kind="offer_need",
        name=item.text,
        about=" ".join(a for a in about if a),
        body="",
        url_path=url_path,
        summary=f"{name} " + _("%(verb)s « %(text)s »") % {"verb": words["verb"], "text": item.text},
        city=record.city or "",
        themes=[t for t in record.themes if t in themes],
        date_label=f"{words['label']} · {category}",
        territory=territory,
        category=item.category,
    )


def record_documents(
    records: Iterable[Record],
    url_path: Callable[[Record], str],
    themes: dict[str, Theme],
    now: datetime,
    horizon: timedelta,
    territory: str,
    peer: bool = False,
    written_in: Callable[[Record, str], str | None] | None = None,
) -> list[SearchDocument]:
    """One directory's records as SearchDocuments, in name order: ours, or (`peer`) those of
    the neighbour named `territory`, each linking to its page on its own site, without its
    long description (it stays there: name, summary, themes... are indexed). `written_in`:
    the language a record's field is shown in when not the index's (Site.shown's)."""
    found = []
    for record in sorted(records, key=lambda r: (r.sort_name, r.KIND, r.slug)):
        url = getattr(record, "canonical_url", None) or url_path(record)  # a page here, or theirs
        found_document = document(record, url, themes, now, horizon)
        found_document.peer = peer
        found_document.territory = territory
        if written_in is not None:
            found_document.name_lang = written_in(record, "name") or ""
            found_document.summary_lang = written_in(record, "summary") or ""
        if peer:
            found_document.body = ""
        found.append(found_document)
    return found


def offer_need_documents(
    offers_needs: Iterable,
    url_path: Callable[[Record], str],
    themes: dict[str, Theme],
    categories: dict[str, str],
    territory: str,
) -> list[SearchDocument]:
    """Every open offer and need (records.offers.OfferNeed) by category, needs first, each
    linking to its record's page."""
    order = {slug: n for n, slug in enumerate(categories)}
    return [
        offer_need_document(item, url_path(item.record), themes, categories, territory)
        for item in sorted(
            offers_needs, key=lambda i: (order.get(i.category, len(order)), i.kind != "need", i.key)
        )
    ]


def facet_labels(
    used: dict[str, Iterable[str]],
    themes: dict[str, Theme],
    categories: dict[str, str],
    names: Iterable[str],
) -> dict[str, list[tuple[str, str]]]:
    """The facet values in display order, from the values the documents use (`used`: their
    "themes", "categories", "legal_forms" and "cities" as written): themes in the taxonomy's
    order, legal forms and cities by name, categories in territory.yml's; `names`: the
    directories, ours first then the peers in territory.yml's order."""
    used_themes, used_categories = set(used["themes"]), set(used["categories"])
    forms = sorted(set(used["legal_forms"]) - {""}, key=lambda f: sort_key(legal_form_label(f)))
    cities = sorted(set(used["cities"]) - {""}, key=sort_key)
    return {
        "themes": [(slug, theme.label) for slug, theme in themes.items() if slug in used_themes],
        "legal_forms": [(form, legal_form_label(form)) for form in forms],
        "cities": [(slugify(city), city) for city in cities],
        "categories": [(slug, name) for slug, name in categories.items() if slug in used_categories],
        "territories": [(slugify(name), name) for name in dict.fromkeys(names) if name],
    }


def documents(
    records: Iterable[Record],
    url_path: Callable[[Record], str],
    themes: dict[str, Theme],
    now: datetime,
    horizon: timedelta,
    territory: str = "",
    peer_records: Iterable[Record] = (),
    peer_territories: Iterable[str] = (),
    offers_needs: Iterable = (),
    categories: dict[str, str] | None = None,
) -> tuple[list[SearchDocument], dict[str, list[tuple[str, str]]]]:
    """Every document of the index in its order — our records, then each neighbour's (in
    `peer_territories`' order, as territory.yml lists them), each directory's in name order,
    then our open offers and needs — and the facet values in display order (`facet_labels`).
    The site's build makes the same one directory at a time (search/generator.py), for the
    neighbours territory.yml lists (a record's `origin` is always one of them)."""
    categories = categories or {}
    found = record_documents(records, url_path, themes, now, horizon, territory)
    by_origin: dict[str, list[Record]] = {}
    for record in peer_records:
        by_origin.setdefault(record.origin, []).append(record)  # type: ignore[attr-defined]
    for name in dict.fromkeys([*peer_territories, *by_origin]):
        found += record_documents(by_origin.get(name, []), url_path, themes, now, horizon, name, peer=True)
    found += offer_need_documents(offers_needs, url_path, themes, categories, territory)
    used = {
        "themes": [t for d in found for t in d.themes],
        "categories": [d.category for d in found],
        "legal_forms": [d.legal_form for d in found],
        "cities": [d.city for d in found],
    }
    names = [territory, *peer_territories, *(d.territory for d in found)]
    return found, facet_labels(used, themes, categories, names)
