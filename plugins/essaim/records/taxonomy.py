"""The closed lists of the contract: themes (overridable by a territory) and French labels."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Theme:
    """One theme of the taxonomy."""

    slug: str
    label: str
    description: str = ""


def _read_package_yaml(name: str) -> Any:
    text = resources.files(__package__).joinpath("taxonomy", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def default_themes() -> dict[str, Theme]:
    """The themes shipped with Essaim, by slug, in their published order."""
    return {
        slug: Theme(slug, entry["label"], entry.get("description", ""))
        for slug, entry in _read_package_yaml("themes.yml").items()
    }


@cache
def vocabulary() -> dict[str, dict[str, Any]]:
    """French labels of legal forms, event kinds, stages, needs and wheelchair access."""
    return _read_package_yaml("vocabulary.yml")


def themes_for(overrides: dict[str, Any] | None) -> dict[str, Theme]:
    """Default themes with a territory's overrides applied (null removes a theme)."""
    themes = dict(default_themes())
    for slug, entry in (overrides or {}).items():
        if entry is None:
            themes.pop(slug, None)
        else:
            themes[slug] = Theme(slug, entry["label"], entry.get("description", ""))
    return themes


@cache
def default_categories() -> dict[str, str]:
    """The categories of offers and needs in the contract (common.json), slug → French label."""
    text = resources.files(__package__).joinpath("schemas", "common.json").read_text(encoding="utf-8")
    listed = json.loads(text)["x-essaim-offer-need-categories"]
    return {slug: label for slug, label in listed.items() if slug != "description"}


def categories_for(overrides: dict[str, str | None] | None) -> dict[str, str]:
    """The contract's categories with a territory's overrides (null removes one)."""
    categories = dict(default_categories())
    for slug, label in (overrides or {}).items():
        if label is None:
            categories.pop(slug, None)
        else:
            categories[slug] = label
    return categories


def legal_form_label(value: str, plural: bool = False) -> str:
    """French label of a legal form value (the value itself if unknown)."""
    entry = vocabulary()["legal_forms"].get(value)
    if not entry:
        return value
    return entry["plural"] if plural else entry["label"]
