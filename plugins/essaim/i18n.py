"""The interface's languages: French is the source, English and Spanish are gettext catalogues.

Every string of the templates goes through gettext (Jinja's i18n extension, newstyle: `_()`,
with autoescaped arguments). The catalogues are `locale/<lang>/LC_MESSAGES/messages.po`,
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
def translations(language: str) -> gettext.NullTranslations:
    """The interface's strings in `language` (the source language: each string as written)."""
    if language == SOURCE_LANGUAGE:
        return FrenchSource()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as handle:
        catalogue = read_po(handle, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)  # fuzzy entries left out, as pybabel compile does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
