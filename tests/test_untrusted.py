"""Contributors' text is untrusted: escaped in fields, sanitised in bodies, only safe links out."""

from __future__ import annotations

from conftest import actor_text, build, write
from essaim.pages.markdown import render_markdown

HOSTILE_BODY = """\
# Titre

<script>alert("body")</script>
[cliquez](javascript:alert(1)) [site](https://ok.example.org) [écrire](mailto:a@example.org)
<img src=x onerror=alert(1)>
![image](https://tracker.example.org/pixel.png)
"""


def test_markdown_body_is_sanitised():
    html = str(render_markdown(HOSTILE_BODY))
    assert "<script" not in html and "<img" not in html and "alert" not in html
    assert "javascript" not in html and 'href=""' not in html and "cliquez" in html
    assert '<a href="https://ok.example.org" rel="nofollow noopener noreferrer">site</a>' in html
    assert '<a href="mailto:a@example.org" rel="nofollow noopener noreferrer">écrire</a>' in html
    assert "<h2>Titre</h2>" in html  # below the page's own h1


def test_fields_are_escaped_in_pages(territory, tmp_path_factory):
    write(
        territory,
        "actors/piege.md",
        actor_text(
            name='"<script>alert(1)</script>"',
            summary='"<img src=x onerror=alert(2)> & cie"',
            skills_offered='["<b>gras</b>"]',
        )
        + HOSTILE_BODY,
    )
    output = build(territory, tmp_path_factory.mktemp("out"))
    for path in output.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, path
        assert "<img src=x" not in html, path
        assert "<b>gras</b>" not in html, path
    page = (output / "acteurs/piege/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt; &amp; cie" in page
