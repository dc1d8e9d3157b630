"""Contributors' Markdown → safe HTML: CommonMark (cmark-gfm, raw HTML omitted), then nh3."""

from __future__ import annotations

import re

import cmarkgfm
import nh3
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


def _shift_heading(match: re.Match[str]) -> str:
    level = min(int(match.group(2)) + 1, 6)
    return f"<{match.group(1)}h{level}>"


def _drop_empty_links(tag: str, attribute: str, value: str) -> str | None:
    """cmark empties the href of an unsafe link: drop it, leaving the link's text as plain text."""
    return None if attribute == "href" and not value.strip() else value


_CLEANER = nh3.Cleaner(  # built once: nh3.clean() builds its allow-lists again at every call
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="nofollow noopener noreferrer",
    attribute_filter=_drop_empty_links,
)


MAX_NESTING = 16  # quotes in quotes, lists in lists: deeper levels are shown at this one
_TAG = re.compile(r"<(/?)[a-z][a-z0-9]*\b[^>]*?(/?)>")


def limit_nesting(html: str, limit: int = MAX_NESTING) -> str:
    """cmark's HTML with the elements nested deeper than `limit` unwrapped (their content kept).

    The sanitiser's HTML parser takes time in the square of the nesting depth: a body of 20,000
    `>` is 20,000 quotes in quotes, seconds to clean. cmark writes balanced tags and escapes every
    `<` of the text, so counting tags is exact; this pass is linear."""
    if html.count("<") <= 4 * limit:
        return html
    pieces = []
    depth = start = 0
    for match in _TAG.finditer(html):
        closing, self_closing = match.group(1), match.group(2)
        if self_closing or match.group(0).startswith(("<br", "<hr", "<img", "<input")):
            continue
        if not closing:
            depth += 1
        if depth > limit:
            pieces.append(html[start : match.start()])
            start = match.end()
        if closing:
            depth -= 1
    pieces.append(html[start:])
    return "".join(pieces)


def render_markdown(text: str) -> Markup:
    """Render a record body: no raw HTML, no images, headings below the page's h1,
    only http(s) and mailto links (with rel="nofollow noopener noreferrer")."""
    if not text.strip():
        return Markup("")
    # cmark's default (safe) mode omits raw HTML and drops javascript: and data: links.
    html = _HEADING.sub(_shift_heading, limit_nesting(cmarkgfm.markdown_to_html(text)))
    return Markup(_CLEANER.clean(html))


class MarkdownBody:
    """A record body rendered only when a template prints it (in whichever process renders)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __bool__(self) -> bool:
        return bool(self.text.strip())

    def __html__(self) -> str:
        return str(render_markdown(self.text))
