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
    about = [category, words["noun"], record.name, *theme_labels, record.city or ""]
    return SearchDocument(
        kind="offer_need",
        name=item.text,
        about=" ".join(a for a in about if a),
        body="",
        url_path=url_path,
        summary=f"{record.name} " + _("%(verb)s « %(text)s »") % {"verb": words["verb"], "text": item.text},
        city=record.city or "",
        themes=[t for t in record.themes if t in themes],
        date_label=f"{words['label']} · {category}",
        territory=territory,
        category=item.category,
    )


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
    """Every record (ours, then the peers') as a SearchDocument, in name order, then every open
    offer and need (records.offers.OfferNeed, by category, needs first), and the facet values in
    display order (territories: ours, then the peers in territory.yml's order). A peer record
    links to its page on its own site; an offer or need to its record's page."""
    tagged = [(r, False) for r in records] + [(r, True) for r in peer_records]
    ordered = sorted(tagged, key=lambda t: (t[0].sort_name, t[0].KIND, t[0].slug, t[1]))
    found = []
    for record, peer in ordered:
        url = getattr(record, "canonical_url", None) or url_path(record)  # a page here, or theirs
        found_document = document(record, url, themes, now, horizon)
        found_document.peer = peer
        found_document.territory = record.origin if peer else territory
        if peer:  # a peer's long description stays on its own site: name, summary, themes... are indexed
            found_document.body = ""
        found.append(found_document)
    categories = categories or {}
    order = {slug: n for n, slug in enumerate(categories)}
    for item in sorted(
        offers_needs, key=lambda i: (order.get(i.category, len(order)), i.kind != "need", i.key)
    ):
        found.append(offer_need_document(item, url_path(item.record), themes, categories, territory))
    used_themes = {t for d in found for t in d.themes}
    used_categories = {d.category for d in found}
    forms = sorted({d.legal_form for d in found if d.legal_form}, key=lambda f: sort_key(legal_form_label(f)))
    cities = sorted({d.city for d in found if d.city}, key=sort_key)
    labels = {
        "themes": [(slug, theme.label) for slug, theme in themes.items() if slug in used_themes],
        "legal_forms": [(form, legal_form_label(form)) for form in forms],
        "cities": [(slugify(city), city) for city in cities],
        "categories": [(slug, name) for slug, name in categories.items() if slug in used_categories],
        "territories": [
            (slugify(name), name)
            for name in dict.fromkeys([territory, *peer_territories, *(d.territory for d in found)])
            if name
        ],
    }
    return found, labels
