"""Contributors' Markdown → safe HTML: CommonMark, then the nh3 sanitiser."""

from __future__ import annotations

import re
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
_HEADING = re.compile(r"<(/?)h([1-6])>")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable("image")


def _shift_heading(match: re.Match[str]) -> str:
    level = min(int(match.group(2)) + 1, 6)
    return f"<{match.group(1)}h{level}>"


def render_markdown(text: str) -> Markup:
    """Render a record body: no raw HTML, no images, headings below the page's h1,
    only http(s) and mailto links (with rel="nofollow noopener noreferrer")."""
    if not text.strip():
        return Markup("")
    html = _HEADING.sub(_shift_heading, _parser().render(text))
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="nofollow noopener noreferrer",
        )
    )
