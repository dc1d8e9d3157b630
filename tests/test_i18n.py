"""The interface's languages: every template string goes through gettext, the English and Spanish
catalogues are complete, a territory can choose its language, and a French site is unchanged."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from lxml import html as lxml_html

from conftest import REPO, build, write
from essaim.i18n import catalogue_path, languages, translations
from essaim.records.territory import read_territory

TRANSLATED = ("en", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def template_messages() -> dict[str | tuple[str, str], list[str]]:
    """Every string the templates hand to gettext, as `pybabel extract` reads them (babel.cfg),
    with where it is."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options_map
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def catalogue(language: str):
    with catalogue_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def test_the_interface_speaks_french_english_and_spanish():
    assert languages() == ("fr", "en", "es")
    schema = REPO / "plugins/essaim/records/schemas/territory.json"
    assert '"fr",\n          "en",\n          "es"' in schema.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_template_string_is_translated_with_the_same_placeholders(language):
    messages = template_messages()
    assert len(messages) > 250  # the templates do go through gettext
    entries = {message.id: message for message in catalogue(language) if message.id}
    problems = []
    for msgid, where in messages.items():
        entry = entries.get(msgid)
        if entry is None or not entry.string or "fuzzy" in entry.flags:
            problems.append(f"{where[0]}: {msgid!r} is not translated")
            continue
        sources = msgid if isinstance(msgid, tuple) else (msgid,)
        targets = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(targets):
            problems.append(f"{where[0]}: {msgid!r} lacks a plural form")
        for source, target in zip(sources, targets, strict=False):
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
                problems.append(f"{where[0]}: {msgid!r} → {target!r}: placeholders differ")
    stale = set(entries) - set(messages)
    assert problems == [] and stale == set()


def test_french_plurals_take_the_singular_at_zero_and_one():
    french = translations("fr")
    assert [french.ngettext("%(num)d fiche", "%(num)d fiches", n) % {"num": n} for n in (0, 1, 2)] == [
        "0 fiche",
        "1 fiche",
        "2 fiches",
    ]
    english = translations("en")
    assert english.ngettext("%(num)d fiche", "%(num)d fiches", 0) == "%(num)d records"
    assert english.ngettext("%(num)d fiche", "%(num)d fiches", 1) == "%(num)d record"


def demo_copy(target: Path, extra: str) -> Path:
    """The demo's records and territory.yml, with `extra` lines added to territory.yml."""
    for folder in ("actors", "initiatives", "events", "content"):
        shutil.copytree(REPO / folder, target / folder)
    text = (REPO / "territory.yml").read_text(encoding="utf-8")
    write(target, "territory.yml", re.sub(r"(?m)^language:.*\n", "", text) + extra)
    return target


@pytest.fixture(scope="module")
def english_site(tmp_path_factory):
    root = demo_copy(tmp_path_factory.mktemp("english"), "languages: [en]\n")
    return build(root, root / "output")


def page_text(path: Path) -> str:
    tree = lxml_html.fromstring(path.read_bytes())
    for script in tree.xpath("//script | //style"):
        script.drop_tree()
    attributes = " ".join(tree.xpath("//@aria-label | //@placeholder | //@title | //@alt | //@content"))
    return " ".join(tree.text_content().split()) + " " + attributes


def test_an_english_site_has_no_french_interface_string_left(english_site):
    """Every page of an English site says `lang="en"`, and no French string of the catalogue
    (three words or more, where French and English differ) is left in its text or its
    attributes (the records and the territory's pages are still in French: words they use are left out)."""
    entries = [m for m in catalogue("en") if m.id and m.id != m.string]
    french = [
        part
        for entry in entries
        for source in (entry.id if isinstance(entry.id, tuple) else (entry.id,))
        for part in re.split(r"%\(\w+\)[sd]|<[^>]+>", source)
        if len(part.split()) >= 3
    ]
    records = " ".join(
        " ".join(path.read_text(encoding="utf-8").split())
        for folder in ("actors", "initiatives", "events", "content/pages")
        for path in (REPO / folder).glob("*.md")
    )
    french = [part for part in french if part.strip() not in records]  # the territory's own words
    pages = sorted(english_site.rglob("*.html"))
    assert len(pages) > 100
    left = {}
    for path in pages:
        assert b'<html lang="en">' in path.read_bytes()[:200], path
        text = page_text(path)
        found = [part.strip() for part in french if part.strip() in text]
        if found:
            left[str(path.relative_to(english_site))] = found
    assert left == {}
    home = page_text(english_site / "index.html")
    assert "Skip to content" in home and "Browse by theme" in home and "Next events" in home


def test_a_french_site_is_the_same_with_or_without_languages_fr(tmp_path):
    default = build(demo_copy(tmp_path / "default", ""), tmp_path / "default-output")
    chosen = build(demo_copy(tmp_path / "chosen", "languages: [fr]\n"), tmp_path / "chosen-output")
    files = sorted(p.relative_to(default) for p in default.rglob("*") if p.is_file())
    assert len(files) > 300
    assert files == sorted(p.relative_to(chosen) for p in chosen.rglob("*") if p.is_file())
    for name in files:
        assert (default / name).read_bytes() == (chosen / name).read_bytes(), name
    assert b'<html lang="fr">' in (default / "index.html").read_bytes()


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        ("languages: [fr, de]\n", 4, "de"),
        ("language: de\n", 4, "l'interface n'existe pas en « de »"),
        ("languages: []\n", 4, "languages"),
        ("languages: [en, en]\n", 4, "languages"),
    ],
)
def test_a_language_without_an_interface_is_told_at_its_line(tmp_path, lines, line, words):
    write(tmp_path, "territory.yml", "name: T\npitch: P\nbase_url: https://t.example.org\n" + lines)
    territory, problems = read_territory(tmp_path)
    assert territory is None and len(problems) == 1
    assert problems[0].line == line and words in problems[0].message, problems[0].message


def test_the_older_language_key_still_chooses_the_language(tmp_path):
    write(tmp_path, "territory.yml", "name: T\npitch: P\nbase_url: https://t.example.org\nlanguage: en-GB\n")
    territory, problems = read_territory(tmp_path)
    assert problems == [] and territory.languages == ("en",) and territory.language == "en"
    write(tmp_path, "territory.yml", "name: T\npitch: P\nbase_url: https://t.example.org\n")
    assert read_territory(tmp_path)[0].languages == ("fr",)
