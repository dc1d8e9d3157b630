"""Pieces of pages that repeat: rendered once per build, then reused by every page that shows them.

A record's card appears in many lists; the header and footer appear on every page and differ
only by which menu entry is current. Templates call `card(record, heading)` and
`chrome.header(output_file)` / `chrome.footer()`; the markup stays in the theme's templates.
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

    def __init__(self, template: Any, urls: Any, themes: dict) -> None:
        self.template = template
        self.urls = urls
        self.themes = themes
        self.bodies: dict[tuple[str, str, str, str], str] = {}
        self.rendered: dict[tuple[tuple[str, str, str, str], str], Markup] = {}
        self.context = with_globals(
            template.environment, {"urls": urls, "themes": themes, "heading": Markup(HEADING)}
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


class Chrome:
    """The header (one rendering per current menu entry) and the footer (one rendering)."""

    def __init__(self, header: Any, footer: Any, context: dict[str, Any]) -> None:
        site = context["essaim"]
        self.header_template = header
        self.footer_template = footer
        self.site = site
        self.context = {**context, "site": site, "territory": site.territory, "urls": site.urls}
        self.headers: dict[tuple, Markup] = {}
        self.footer_html: Markup | None = None

    def header(self, output_file: str) -> Markup:
        """The header for a page written at `output_file` (its section marked as current)."""
        state = (output_file == "index.html",) + tuple(
            "page" if output_file == path + "index.html" else output_file.startswith(path)
            for path, _, _ in self.site.section_links
        )
        html = self.headers.get(state)
        if html is None:
            html = Markup(self.header_template.render({**self.context, "output_file": output_file}))
            self.headers[state] = html
        return html

    def footer(self) -> Markup:
        """The footer, the same on every page."""
        if self.footer_html is None:
            self.footer_html = Markup(self.footer_template.render(self.context))
        return self.footer_html
