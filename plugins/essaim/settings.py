"""Pelican settings derived from territory.yml (used by pelicanconf.py and the tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .records.territory import load_territory


def pelican_settings(root: Path, production: bool = False) -> dict[str, Any]:
    """Settings for building the territory at `root` (raises InvalidContent on a bad territory.yml).

    Development builds use an empty SITEURL and keep the output folder (rebuilds only rewrite
    what changed); production builds use the territory's base_url and start from scratch.
    """
    root = Path(root).resolve()
    territory = load_territory(root)
    essaim_theme = Path(__file__).resolve().parents[2] / "theme"
    theme = root / "theme" if (root / "theme" / "templates").is_dir() else essaim_theme
    return {
        "SITENAME": territory.name,
        "SITEURL": territory.base_url if production else "",
        "RELATIVE_URLS": False,
        "TIMEZONE": territory.timezone,
        "DEFAULT_LANG": territory.language,
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "CACHE_PATH": str(root / "cache"),
        "THEME": str(theme),
        "THEME_STATIC_DIR": "theme",
        "PLUGINS": ["essaim"],
        "ESSAIM_ROOT": str(root),
        # Pelican's blog machinery is off: the directory has records, not articles.
        "ARTICLE_PATHS": [],
        "PAGE_PATHS": ["pages"],
        "STATIC_PATHS": ["images"],
        # Contributors' text is untrusted: every template variable is escaped.
        # auto_reload off: templates do not change during a build (spares a stat per render).
        "JINJA_ENVIRONMENT": {
            "trim_blocks": True,
            "lstrip_blocks": True,
            "autoescape": True,
            "auto_reload": False,
        },
        "PAGE_URL": "{slug}/",
        "PAGE_SAVE_AS": "{slug}/index.html",
        # A free page's translation (`Lang: en`, the same `Slug:`) takes its place in that
        # language's site, at the same address: pelican_plugin.one_page_per_slug keeps one.
        "PAGE_LANG_URL": "{slug}/",
        "PAGE_LANG_SAVE_AS": "{slug}/index.html",
        "PAGE_TRANSLATION_ID": None,
        "ESSAIM_HOME_LANGUAGE": territory.language,  # what a page without `Lang:` is written in
        "DIRECT_TEMPLATES": [],
        "TAG_SAVE_AS": "",
        "CATEGORY_SAVE_AS": "",
        "AUTHOR_SAVE_AS": "",
        "ARCHIVES_SAVE_AS": "",
        "FEED_ALL_ATOM": None,
        "FEED_ALL_RSS": None,
        "CATEGORY_FEED_ATOM": None,
        "TRANSLATION_FEED_ATOM": None,
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "DEFAULT_PAGINATION": False,
        "DELETE_OUTPUT_DIRECTORY": production,
        "OUTPUT_RETENTION": [".git"],
        # Essaim's own caches (records, manifests, templates) follow CACHE_CONTENT. Pelican's
        # reader caches are never loaded: it writes them in place, so a build reading one while
        # another build writes it, or reading one cut short, would fail (and they would only
        # spare re-reading the few pages of content/).
        "LOAD_CONTENT_CACHE": False,
        "CACHE_CONTENT": not production,
        "TYPOGRIFY": False,
        "SLUGIFY_SOURCE": "basename",
    }
