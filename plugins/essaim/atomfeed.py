"""Atom feeds as Essaim writes them, with Pelican's feed library (feedgenerator): shared by the
agenda's feeds and the board's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedgenerator import Atom1Feed


class PlainTextAtomFeed(Atom1Feed):
    """feedgenerator's Atom feed, with each summary marked as plain text: feedgenerator marks it
    `type="html"`, and feed readers would then interpret the markup of a contributor's summary."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def new_feed(title: str, link: str, feed_url: str, now: datetime, empty: bool) -> PlainTextAtomFeed:
    """An Atom feed in French; an empty one is dated `now` (the build's: ESSAIM_NOW in
    reproducible builds), not the clock feedgenerator would read."""
    feed = PlainTextAtomFeed(title=title, link=link, description=title, feed_url=feed_url, language="fr")
    if empty:
        feed.latest_post_date = lambda: now  # type: ignore[method-assign]
    return feed
