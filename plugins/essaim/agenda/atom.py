"""Atom feeds of the newest events and actors, with Pelican's feed library (feedgenerator)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from feedgenerator import Atom1Feed

from ..records.model import Record


class PlainTextAtomFeed(Atom1Feed):
    """feedgenerator's Atom feed, with each summary marked as plain text: feedgenerator marks it
    `type="html"`, and feed readers would then interpret the markup of a contributor's summary."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def atom(
    title: str, link: str, feed_url: str, records: list[tuple[Record, str]], tz: Any, now: datetime
) -> str:
    """An Atom feed of records (newest updated first), each linking to its page; a neighbouring
    directory's record names that directory as its author. An empty feed is dated `now` (the
    build's: ESSAIM_NOW in reproducible builds), not the clock feedgenerator would read."""
    feed = PlainTextAtomFeed(title=title, link=link, description=title, feed_url=feed_url, language="fr")
    if not records:
        feed.latest_post_date = lambda: now  # type: ignore[method-assign]
    for record, url in records:
        updated = datetime.combine(record.updated, time(0, 0), tzinfo=tz)
        feed.add_item(
            title=record.name,
            link=url,
            description=record.summary,
            unique_id=url,
            updateddate=updated,
            pubdate=updated,
            categories=record.themes,
            author_name=getattr(record, "origin", None),
        )
    return feed.writeString("utf-8")
