"""The header and footer of every page, rendered once per build (the header once per current
menu entry), then reused: templates call `chrome.header(output_file)` and `chrome.footer()`.
Shared by the parts that write many pages (record pages, posters); the markup stays in the
theme's templates."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup


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
