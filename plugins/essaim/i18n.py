"""The interface's languages: French is the source, English and Spanish are gettext catalogues.

Every string of the templates goes through gettext (Jinja's i18n extension, newstyle: `_()`,
with autoescaped arguments), and so does every string the Python code writes into a page: `_()`
and `ngettext()` here translate into the language of the build running (`activate`, at the
start of each build), `N_()` marks a string of a module-level table, translated where it is
used. The catalogues are `locale/<lang>/LC_MESSAGES/messages.po`,
kept by Babel (`invoke i18n-extract`, `i18n-update`, `i18n-compile`; `babel.cfg` says what is
extracted). A build reads the `.po` of its language with Babel and compiles it in memory, so
that no compiled file has to be made on install nor committed. French needs no catalogue: its
strings are the source, and a French build renders them as written.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

SOURCE_LANGUAGE = "fr"
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "es": "Español"}  # each in its own language


def catalogue_path(language: str) -> Path:
    """The `.po` catalogue of a language."""
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> tuple[str, ...]:
    """The languages the interface can be shown in: the source and every catalogue."""
    found = sorted(path.name for path in LOCALE.iterdir() if catalogue_path(path.name).is_file())
    return (SOURCE_LANGUAGE, *[language for language in found if language != SOURCE_LANGUAGE])


class FrenchSource(gettext.NullTranslations):
    """The source strings as written, with French plurals: 0 and 1 take the singular (gettext's
    default, for English, gives « 0 fiches »)."""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n <= 1 else plural

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return singular if n <= 1 else plural


@cache
def _catalogue(language: str):
    """A language's `.po` catalogue as Babel reads it (once per process: the templates' and the
    JavaScript's messages both come from it)."""
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The interface's strings in `language` (the source language: each string as written)."""
    if language == SOURCE_LANGUAGE:
        return FrenchSource()
    from babel.messages.mofile import write_mo

    catalogue = _catalogue(language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)  # fuzzy entries left out, as pybabel compile does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


# The order gettext numbers a language's plural forms in: CLDR's categories, as Babel writes them.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@cache
def script_messages(language: str) -> dict[str, str | dict[str, str]]:
    """The JavaScript's messages in `language` (theme/static/js/messages.js reads them from the
    page): {French text: translation}, a plural's translation as {CLDR category: text} for
    Intl.PluralRules. Empty for the source language, and without untranslated or fuzzy entries
    (the French text stays)."""
    if language == SOURCE_LANGUAGE:
        return {}
    from babel import Locale

    catalogue = _catalogue(language)
    categories = [c for c in PLURAL_CATEGORIES if c in Locale.parse(language).plural_form.tags | {"other"}]
    found: dict[str, str | dict[str, str]] = {}
    for message in catalogue:
        if not message.id or message.fuzzy or not any(path.endswith(".js") for path, _ in message.locations):
            continue
        if isinstance(message.id, tuple):
            forms = dict(zip(categories, message.string, strict=False))
            if all(forms.values()):
                found[message.id[0]] = forms
        elif message.string:
            found[message.id] = message.string
    return found


_active: list = [SOURCE_LANGUAGE, FrenchSource()]  # the build's language and its translations


def activate(language: str) -> None:
    """Make `language` the one `_()` and `ngettext()` translate into (a build speaks one)."""
    _active[:] = [language, translations(language)]


def active_language() -> str:
    """The language of the build running."""
    return _active[0]


def _(message: str) -> str:
    """`message` in the build's language."""
    return _active[1].gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural of a message, by `count`, in the build's language."""
    return _active[1].ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it (a module-level table's entries,
    translated with `_()` where they are used)."""
    return message


def extract_taxonomy(fileobj, keywords, comment_tags, options):
    """Babel extraction method (babel.cfg) for the labels Essaim ships as data: the themes and
    the closed lists' labels (records/taxonomy/*.yml: every `label`, `plural`, `description` and
    plain value) and the offer and need categories (records/schemas/common.json). They are
    shown through `_()` (wording.py, the Site's label views), so the catalogues translate them."""
    import json

    import yaml

    text = fileobj.read().decode("utf-8")
    if getattr(fileobj, "name", "").endswith(".json"):
        listed = json.loads(text).get("x-essaim-offer-need-categories", {})
        strings = [label for slug, label in listed.items() if slug != "description"]
    else:
        strings = []

        def walk(value) -> None:  # every text of these files is a label or a description
            if isinstance(value, dict):
                for child in value.values():
                    walk(child)
            elif isinstance(value, str):
                strings.append(value)

        walk(yaml.safe_load(text))
    lines = text.splitlines()
    for message in dict.fromkeys(strings):
        line = next((n for n, row in enumerate(lines, 1) if message in row), 1)
        yield line, "_", message, []
