"""Atom feeds as Essaim writes them, with Pelican's feed library (feedgenerator): shared by the
agenda's feeds and the board's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedgenerator import Atom1Feed


class _LanguageMarks:
    """feedgenerator's XML handler, adding `xml:lang` to an item's title and summary when they
    are written in another language than the feed's (a record left untranslated), so that a
    reader reading the feed aloud switches voice, as on the pages."""

    def __init__(self, handler: Any, marks: dict[str, str | None]) -> None:
        self._handler, self._marks = handler, marks

    def addQuickElement(self, name: str, contents: Any = None, attrs: Any = None) -> None:  # noqa: N802
        if self._marks.get(name):
            attrs = {**(attrs or {}), "xml:lang": self._marks[name]}
        self._handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handler, name)


class PlainTextAtomFeed(Atom1Feed):
    """feedgenerator's Atom feed, with each summary marked as plain text: feedgenerator marks it
    `type="html"`, and feed readers would then interpret the markup of a contributor's summary.
    An item's `title_lang` and `summary_lang` (None in the feed's language) become `xml:lang`."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        marks = {"title": item.get("title_lang"), "summary": item.get("summary_lang")}
        handler = _LanguageMarks(handler, marks)
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def new_feed(
    title: str, link: str, feed_url: str, now: datetime, empty: bool, language: str
) -> PlainTextAtomFeed:
    """An Atom feed in `language` (the site's being built); an empty one is dated `now` (the
    build's: ESSAIM_NOW in reproducible builds), not the clock feedgenerator would read."""
    feed = PlainTextAtomFeed(title=title, link=link, description=title, feed_url=feed_url, language=language)
    if empty:
        feed.latest_post_date = lambda: now  # type: ignore[method-assign]
    return feed
