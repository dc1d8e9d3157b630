"""Atom feeds of the newest events and actors, with Pelican's feed library (feedgenerator)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from ..atomfeed import new_feed
from ..i18n import _
from ..records.model import Record
from ..wording import Shown, own_text


def atom(
    title: str,
    link: str,
    feed_url: str,
    records: list[tuple[Record, str]],
    tz: Any,
    now: datetime,
    language: str,
    shown: Shown = own_text,
) -> str:
    """An Atom feed in `language` of records (newest updated first), each linking to its page,
    with its name and summary as a page of that language shows them (`shown`), marked with the
    language they are written in when left untranslated; a neighbouring directory's record names
    that directory as its author. An empty feed is dated `now` (the build's: ESSAIM_NOW in
    reproducible builds), not the clock feedgenerator would read."""
    feed = new_feed(title, link, feed_url, now, not records, language)
    for record, url in records:
        updated = datetime.combine(record.updated, time(0, 0), tzinfo=tz)
        name, name_lang = shown(record, "name")
        description, description_lang = _description(record, shown)
        feed.add_item(
            title=name,
            link=url,
            description=description,
            unique_id=url,
            updateddate=updated,
            pubdate=updated,
            categories=record.themes,
            author_name=getattr(record, "origin", None),
            title_lang=name_lang,
            summary_lang=description_lang,
        )
    return feed.writeString("utf-8")


def _description(record: Record, shown: Shown) -> tuple[str, str | None]:
    """An item's text and its language when not the feed's: the record's summary, and where an
    actor's calendar's event comes from. A summary followed by that sentence, in the feed's
    language, is not marked: plain text cannot mark a part of itself."""
    summary, language = shown(record, "summary")
    language = language if summary else None
    calendar_of = getattr(record, "calendar_of", None)
    if calendar_of is None:
        return summary, language
    source = _("Source : calendrier de %(name)s.") % {"name": shown(calendar_of, "name")[0]}
    return " ".join(part for part in (summary, source) if part), None
