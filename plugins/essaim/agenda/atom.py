"""Atom feeds of the newest events and actors, with Pelican's feed library (feedgenerator)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from ..atomfeed import new_feed
from ..i18n import _
from ..records.model import Record


def atom(
    title: str, link: str, feed_url: str, records: list[tuple[Record, str]], tz: Any, now: datetime
) -> str:
    """An Atom feed of records (newest updated first), each linking to its page; a neighbouring
    directory's record names that directory as its author. An empty feed is dated `now` (the
    build's: ESSAIM_NOW in reproducible builds), not the clock feedgenerator would read."""
    feed = new_feed(title, link, feed_url, now, empty=not records)
    for record, url in records:
        updated = datetime.combine(record.updated, time(0, 0), tzinfo=tz)
        feed.add_item(
            title=record.name,
            link=url,
            description=_description(record),
            unique_id=url,
            updateddate=updated,
            pubdate=updated,
            categories=record.themes,
            author_name=getattr(record, "origin", None),
        )
    return feed.writeString("utf-8")


def _description(record: Record) -> str:
    """An item's text: the record's summary, and where an actor's calendar's event comes from."""
    calendar_of = getattr(record, "calendar_of", None)
    source = (
        _("Source : calendrier de %(name)s.") % {"name": calendar_of.name} if calendar_of is not None else ""
    )
    return " ".join(part for part in (record.summary, source) if part)
