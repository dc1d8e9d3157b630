"""Record cards: the same record appears in many lists, so its card is rendered once per build."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup


class Cards:
    """Callable from templates as `card(record, heading)`; remembers what it rendered."""

    def __init__(self, template: Any, urls: Any, themes: dict) -> None:
        self.template = template
        self.urls = urls
        self.themes = themes
        self.rendered: dict[tuple[str, str, str], Markup] = {}

    def __call__(self, record: Any, heading: str = "h3") -> Markup:
        """The card of `record` with its title as `heading` (h2 or h3)."""
        key = (record.KIND, record.slug, heading)
        html = self.rendered.get(key)
        if html is None:
            html = Markup(
                self.template.render(record=record, urls=self.urls, themes=self.themes, heading=heading)
            )
            self.rendered[key] = html
        return html
