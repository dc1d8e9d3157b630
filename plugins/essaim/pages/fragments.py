"""Pieces of pages that repeat: rendered once per build, then reused by every page that shows them.

A record's card appears in many lists. Templates call `card(record, heading)`; the markup stays
in the theme's templates. (The header and footer, which every page shows: chrome.py.)
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .jinja_ext import render


def with_globals(environment: Any, variables: dict[str, Any]) -> dict[str, Any]:
    """The environment's globals (`range`, `card`...), then `variables`: a context for `render`."""
    return {**environment.globals, **variables}


HEADING = "\x00heading\x00"  # the title's tag name, in a card rendered once for every level


class Cards:
    """Its method `card`, given to templates as `card(record, heading)`, remembers what it
    rendered (a bound method: Jinja's quick path for calls, `jinja_ext.QuickContext`, takes it).

    A card is rendered once whatever its title's level (lists show actors as h2, theme pages as
    h3): `_card.html` receives a stand-in for `heading`, replaced by the tag name asked for. The
    template prints `heading`; it must not test it."""

    def __init__(self, template: Any, urls: Any, themes: dict, shown: Any) -> None:
        self.template = template
        self.urls = urls
        self.themes = themes
        self.bodies: dict[tuple[str, str, str, str], str] = {}
        self.rendered: dict[tuple[tuple[str, str, str, str], str], Markup] = {}
        self.context = with_globals(
            template.environment,
            {"urls": urls, "themes": themes, "heading": Markup(HEADING), "shown": shown},  # Site.shown
        )

    def card(self, record: Any, heading: str = "h3") -> Markup:
        """The card of `record` with its title as `heading` (h2 or h3)."""
        key = (record.KIND, record.slug, str(getattr(record, "start", "")), getattr(record, "origin", ""))
        html = self.rendered.get((key, heading))
        if html is None:
            body = self.bodies.get(key)
            if body is None:
                body = self.bodies[key] = render(self.template, {**self.context, "record": record})
            html = self.rendered[(key, heading)] = Markup(body.replace(HEADING, escape(heading)))
        return html
