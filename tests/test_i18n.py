"""The interface's languages: every template string goes through gettext, the English and Spanish
catalogues are complete, a territory can choose its language, and a French site is unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from lxml import html as lxml_html

from conftest import REPO, build, demo_copy, json_ld, translate_ping, write
from essaim.i18n import activate, catalogue_path, languages, translations
from essaim.records.model import sort_key
from essaim.records.territory import read_territory

TRANSLATED = ("en", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")  # gettext's, and the checks' str.format blanks


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
    assert [french.ngettext("%(num)s fiche", "%(num)s fiches", n) % {"num": n} for n in (0, 1, 2)] == [
        "0 fiche",
        "1 fiche",
        "2 fiches",
    ]
    english = translations("en")
    assert english.ngettext("%(num)s fiche", "%(num)s fiches", 0) == "%(num)s records"
    assert english.ngettext("%(num)s fiche", "%(num)s fiches", 1) == "%(num)s record"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("fr", "12\u202f500 fiches · 1\u202f000 · 7"),
        ("en", "12,500 records · 1,000 · 7"),
        ("es", "12.500 fichas · 1000 · 7"),
    ],
)
def test_a_count_is_written_as_the_page_s_language_writes_numbers(language, said):
    """The templates' plurals and the `number` filter, as the build installs them, write a count
    the way each language does: a French site of 12,500 records says « 12 500 fiches »."""
    import jinja2

    from essaim.pages.filters import FILTERS
    from essaim.pelican_plugin import install_translations

    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.filters.update(FILTERS)
    generator = SimpleNamespace(settings={"DEFAULT_LANG": language}, env=env)
    try:
        install_translations(generator)
        counted = '{{ ngettext("%(num)s fiche", "%(num)s fiches", 12500) }}'
        template = env.from_string(counted + " · {{ 1000 | number }} · {{ 7 | number }}")
        assert template.render() == said
    finally:
        activate("fr")


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


def catalogue_parts(language: str) -> tuple[list[str], set[str]]:
    """The French strings of the catalogue, cut at their placeholders and markup, where French
    and `language` differ: those of three words or more, and the shorter ones (« Thèmes »,
    « Site web »), without those the language writes the same way (« Agenda »)."""
    entries = [m for m in catalogue(language) if m.id and m.id != m.string]

    def parts(texts) -> list[str]:
        return [
            " ".join(part.split()).strip(" :.,;·()")
            for text in texts
            for part in re.split(r"%\(\w+\)[sd]|<[^>]+>", text or "")
        ]

    french = parts(source for e in entries for source in (e.id if isinstance(e.id, tuple) else (e.id,)))
    said = set(
        parts(text for e in entries for text in (e.string if isinstance(e.string, tuple) else (e.string,)))
    )
    long = [part for part in french if len(part.split()) >= 3]
    short = {part for part in french if 0 < len(part.split()) < 3 and len(part) > 1} - said
    return long, short


def short_french_left(tree, language: str, short: set[str]) -> list[str]:
    """The short French strings that are the whole text of an element or of one of its
    attributes, outside what says it is in another language (a record's name, a French page):
    a short string is only an interface word where it stands alone."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        if any(e.get("lang") not in (None, language) for e in (element, *element.iterancestors())):
            continue
        texts = [element.text, *(child.tail for child in element)]
        texts += [element.get(name) for name in ("aria-label", "placeholder", "title", "alt")]
        found += [
            t for t in (" ".join((text or "").split()).strip(" :.,;·()") for text in texts) if t in short
        ]
    return found


def french_left(folder: Path, language: str) -> dict[str, list[str]]:
    """The French strings of the catalogue left in the text or attributes of the pages under
    `folder`, by page: one of three words or more anywhere, a shorter one standing alone
    (`short_french_left`); every page must say `lang="<language>"`. The records and the
    territory's pages are still in French: longer strings they use are left out."""
    french, short = catalogue_parts(language)
    records = " ".join(
        " ".join(path.read_text(encoding="utf-8").split())
        for kind in ("actors", "initiatives", "events", "content/pages")
        for path in (REPO / kind).glob("*.md")
    )
    french = [part for part in french if part not in records]  # the territory's own words
    pages = [p for p in sorted(folder.rglob("*.html")) if p.relative_to(folder).parts[0] not in TRANSLATED]
    assert len(pages) > 100
    left = {}
    for path in pages:
        assert f'<html lang="{language}">'.encode() in path.read_bytes()[:200], path
        text = page_text(path)
        found = [part for part in french if part in text]
        found += short_french_left(lxml_html.fromstring(path.read_bytes()), language, short)
        if found:
            left[str(path.relative_to(folder))] = found
    return left


def test_the_scan_finds_a_short_french_word_standing_alone():
    """The scan's own check: a French page passed off as English is caught by its short words
    (« Thèmes », « Site web »), and not by a French record name marked `lang="fr"`."""
    _, short = catalogue_parts("en")
    page = lxml_html.fromstring(
        '<html lang="en"><body><nav><a href="/">Thèmes</a></nav><p>Website: <a href="#">Site web</a></p>'
        '<h2 lang="fr">Thèmes</h2><p>Themes</p></body></html>'
    )
    assert short_french_left(page, "en", short) == ["Thèmes", "Site web"]


def test_an_english_site_has_no_french_interface_string_left(english_site):
    assert french_left(english_site, "en") == {}
    home = page_text(english_site / "index.html")
    assert "Skip to content" in home and "Browse by theme" in home and "Next events" in home
    agenda = page_text(english_site / "agenda/index.html")  # dates by Babel, in English
    assert re.search(
        r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} [A-Z][a-z]+ 20\d\d, ", agenda
    )
    assert re.search(r"\d{1,2}:\d\d – \d{1,2}:\d\d", agenda) and " h " not in agenda


@pytest.fixture
def three_languages(languages_output):
    return languages_output


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_language_s_site_has_no_french_interface_string_left(three_languages, language):
    assert french_left(three_languages / language, language) == {}


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


def switcher(path: Path) -> dict[str, str]:
    """The language switcher of a page: language → link."""
    tree = lxml_html.fromstring(path.read_bytes())
    return {a.get("hreflang"): a.get("href") for a in tree.xpath("//nav[@class='languages wrap']//a")}


def file_of(output: Path, url: str) -> Path:
    path = output / url.removeprefix("https://essaim-nantes.example.org").lstrip("/")
    return path / "index.html" if url.endswith("/") else path


PAGE_TYPES = [  # a page of each type, in the French site
    "index.html",
    "acteurs/index.html",
    "acteurs/ping/index.html",
    "initiatives/le-solilab/index.html",
    "agenda/index.html",
    "agenda/passes/index.html",
    "agenda/marche-des-possibles-2026/index.html",
    "themes/index.html",
    "themes/numerique/index.html",
    "communes/nantes/index.html",
    "statuts/association/index.html",
    "carte/index.html",
    "recherche/index.html",
    "coups-de-main/index.html",
    "coups-de-main/competences/index.html",
    "chiffres/index.html",
    "proposer/acteur/index.html",
    "a-propos/index.html",
    "mentions-legales/index.html",  # a free page left untranslated
    "initiatives/index.html",
    "agenda/forum-emploi-insertion-2027/index.html",
    "communes/index.html",
    "statuts/index.html",
    "proposer/index.html",
    "proposer/evenement/index.html",
    "404.html",
]


@pytest.mark.parametrize("page", PAGE_TYPES)
def test_the_switcher_of_each_page_type_leads_to_the_same_page_in_each_language(three_languages, page):
    links = switcher(three_languages / page)
    assert list(links) == ["fr", "en", "es"]
    assert links["fr"] == "/" + page.removesuffix("index.html")
    for language, url in links.items():
        target = file_of(three_languages, url)
        assert target.is_file(), url
        assert f'<html lang="{language}">'.encode() in target.read_bytes()[:200]
        assert switcher(target) == links  # the same page: it offers the same three
        head = lxml_html.fromstring(target.read_bytes())
        alternates = dict(
            (link.get("hreflang"), link.get("href"))
            for link in head.xpath("//link[@rel='alternate'][@hreflang]")
        )
        assert alternates["x-default"] == alternates["fr"]
        assert {
            k: v.removeprefix("https://essaim-nantes.example.org")
            for k, v in alternates.items()
            if k != "x-default"
        } == links
    english = lxml_html.fromstring(file_of(three_languages, links["en"]).read_bytes())
    assert english.xpath("//nav[@class='languages wrap']//a[@aria-current]/@hreflang") == ["en"]


def test_the_sitemap_lists_every_page_in_every_language_with_its_alternates(three_languages):
    from lxml import etree

    tree = etree.parse(str(three_languages / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = tree.xpath("//s:url", namespaces=ns)
    locs = [entry.findtext("s:loc", namespaces=ns) for entry in entries]
    assert all(file_of(three_languages, loc).is_file() for loc in locs)
    assert "https://essaim-nantes.example.org/es/organizaciones/ping/" in locs
    for entry, loc in zip(entries, locs, strict=True):
        alternates = entry.xpath("x:link/@href", namespaces=ns)
        assert alternates == [] or loc in alternates
    assert "https://essaim-nantes.example.org/donnees/" in locs
    assert not any("/en/donnees" in loc or "/en/imprimer" in loc for loc in locs)


def test_the_other_languages_link_to_what_the_default_language_s_site_alone_has(three_languages):
    """The open data, the printed directory, the schemas are made once, at the root: the English
    site has none of its own, and links to them there."""
    english = three_languages / "en"
    assert not (english / "donnees").exists() and not (english / "imprimer").exists()
    assert not (english / "data").exists() and not (english / "schemas").exists()
    home = (english / "index.html").read_text(encoding="utf-8")
    assert 'href="/donnees/"' in home and 'href="/imprimer/"' in home and 'href="/schemas/actor.json"' in home
    ping = (english / "organisations/ping/index.html").read_text(encoding="utf-8")
    assert 'href="/imprimer/affiches/ping/"' in ping
    assert "<title>Essaim Nantes in English</title>" in home
    assert "The social and solidarity economy of Nantes." in home
    assert "<title>Essaim Nantes</title>" in (three_languages / "es/index.html").read_text(encoding="utf-8")


def test_the_french_site_is_the_same_with_two_more_languages_but_for_the_switcher(three_languages, tmp_path):
    """Adding languages adds /en/ and /es/, the switcher and the alternates: the French pages
    are otherwise the ones a French-only build writes, but for the proposal forms, which ask
    for the record in the other languages too (test_languages_browser)."""
    alone_root = demo_copy(tmp_path / "alone", "")
    translate_ping(alone_root)  # the same records
    alone = build(alone_root, tmp_path / "alone-output")
    switcher_nav = rb'\s*<nav class="languages wrap".*?</nav>'
    alternate = rb'\s*<link rel="alternate" hreflang="[^"]+" href="[^"]+">'
    added = re.compile(switcher_nav + b"|" + alternate, re.S)
    pages = sorted(p.relative_to(alone) for p in alone.rglob("*.html"))
    assert len(pages) > 100
    forms = [name for name in pages if name.parts[0] == "proposer" and len(name.parts) == 3]
    assert len(forms) == 3
    for name in forms:
        assert b"La fiche en anglais (facultatif)" in (three_languages / name).read_bytes()
        assert b"La fiche en anglais" not in (alone / name).read_bytes()
    for name in set(pages) - set(forms):
        assert added.sub(b"", (three_languages / name).read_bytes()) == (alone / name).read_bytes(), name


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (
            "languages: [fr, en]\nurls: {actors: en}\n",
            "le chemin « en » est celui du site en une autre langue",
        ),
        (
            "languages: [fr, en]\ntranslations:\n  en: {urls: {actors: map}}\n",
            "deux rubriques de « urls » ont le même chemin",
        ),
        ("languages: [fr, en]\ntranslations:\n  de: {name: T}\n", "champ inconnu « de »"),
    ],
)
def test_the_languages_urls_are_checked(tmp_path, lines, words):
    write(tmp_path, "territory.yml", "name: T\npitch: P\nbase_url: https://t.example.org\n" + lines)
    territory, problems = read_territory(tmp_path)
    assert territory is None and problems and words in problems[0].message, [p.message for p in problems]


def test_a_rebuild_in_three_languages_equals_a_clean_build(tmp_path):
    """Each language keeps its own manifests (cache/<lang>/): an edited record reaches its page
    in every language, and the rebuilt site is the one a clean build writes."""
    root = demo_copy(tmp_path / "repo", "languages: [fr, en, es]\n")
    output = build(root, root / "output")
    ping = root / "actors/ping.md"
    ping.write_text(ping.read_text(encoding="utf-8").replace("PiNG", "PiNG modifié", 1), encoding="utf-8")
    build(root, root / "output")
    for page in ("acteurs/ping/", "en/organisations/ping/", "es/organizaciones/ping/"):
        assert "PiNG modifié" in (output / page / "index.html").read_text(encoding="utf-8"), page
    clean = build(root, tmp_path / "clean", CACHE_PATH=str(tmp_path / "clean-cache"))
    files = sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(output) for p in output.rglob("*") if p.is_file())
    assert [f for f in files if (clean / f).read_bytes() != (output / f).read_bytes()] == []


def test_a_translated_record_speaks_the_page_s_language_and_an_untranslated_one_says_its_own(
    three_languages,
):
    """PiNG has an English summary and description: the English page shows them, without a
    `lang` of their own; the Spanish page shows the French ones, marked `lang="fr"` so that a
    screen reader switches voice; its name, untranslated, is marked too."""
    english = lxml_html.fromstring((three_languages / "en/organisations/ping/index.html").read_bytes())
    lead = english.xpath("//p[@class='lead']")[0]
    assert lead.text_content().startswith("A popular education association") and lead.get("lang") is None
    body = english.xpath("//section[@class='record-body']")[0]
    assert "soldering, sewing machines" in body.text_content() and not body.xpath(".//*[@lang]")
    assert english.xpath("//section[@class='record-body']//strong/text()") == ["digital technology"]
    assert english.xpath("//h1/@lang") == ["fr"]  # its name is as written
    spanish = lxml_html.fromstring((three_languages / "es/organizaciones/ping/index.html").read_bytes())
    assert spanish.xpath("//p[@class='lead']/@lang") == ["fr"]
    assert spanish.xpath("//section[@class='record-body']/div/@lang") == ["fr"]
    assert "Association nantaise" in spanish.xpath("//p[@class='lead']")[0].text_content()
    card = lxml_html.fromstring((three_languages / "en/organisations/index.html").read_bytes())
    summaries = card.xpath("//p[@class='card-summary'][starts-with(., 'A popular education')]")
    assert len(summaries) == 1 and summaries[0].get("lang") is None
    french = (three_languages / "acteurs/ping/index.html").read_text(encoding="utf-8")
    assert "A popular education" not in french and 'lang="fr"' not in french.split("<main")[1]
    exported = json.loads((three_languages / "data/actors.json").read_text(encoding="utf-8"))
    ping = next(r for r in exported["records"] if r["slug"] == "ping")
    assert ping["summary"].startswith("Association nantaise")  # the open data keeps its keys
    assert ping["translations"]["en"]["summary"].startswith("A popular education")


def test_a_language_taken_out_leaves_no_site_behind(tmp_path):
    root = demo_copy(tmp_path / "repo", "languages: [fr, en, es]\n")
    output = build(root, root / "output")
    assert (output / "es/index.html").is_file()
    text = (root / "territory.yml").read_text(encoding="utf-8")
    write(root, "territory.yml", text.replace("languages: [fr, en, es]", "languages: [fr, en]"))
    build(root, root / "output")
    assert not (output / "es").exists() and (output / "en/index.html").is_file()
    assert 'hreflang="es"' not in (output / "acteurs/ping/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("translations", "words"),
    [
        ("{fr: {name: Le Bourdon}}", "« fr » est la langue par défaut du site"),
        ("{en: {}}", "« translations.en » est vide"),
        ('{en: {summary: "   "}}', "doit contenir au moins un mot"),
    ],
)
def test_a_record_s_translation_is_checked_at_its_line(tmp_path, translations, words):
    from conftest import actor_text
    from essaim.records.read import read_directory
    from essaim.records.territory import load_territory

    write(
        tmp_path, "territory.yml", "name: T\npitch: P\nbase_url: https://t.example.org\nlanguages: [fr, en]\n"
    )
    write(
        tmp_path,
        "actors/la-ruche.md",
        actor_text().replace("\nlegal_form:", f"\ntranslations: {translations}\nlegal_form:", 1),
    )
    _, problems = read_directory(tmp_path, load_territory(tmp_path))
    assert [(p.line, words in p.message) for p in problems] == [(3, True)], [p.format() for p in problems]


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("en", "celui du site en une autre langue"),
        ("organisations", "rubrique du site en « en » (/en/organisations/)"),
    ],
)
def test_a_content_page_in_the_way_of_another_language_is_refused(tmp_path, slug, words):
    from essaim.records.problems import InvalidContent

    root = demo_copy(tmp_path / "repo", "languages: [fr, en]\n")
    write(root, f"content/pages/{slug}.md", f"Title: Page\nSlug: {slug}\n\nTexte.\n")
    with pytest.raises(InvalidContent) as error:
        build(root, root / "output")
    assert f"content/pages/{slug}.md:1:1: error: le chemin « {slug} »" in str(error.value) and words in str(
        error.value
    )
    assert not (root / "output").exists() or not (root / "output/index.html").exists()


def test_a_territory_s_own_themes_and_categories_have_their_labels_in_each_language(tmp_path):
    """A territory's own theme and category have no catalogue entry: territory.yml gives them
    in English (`translations.en.themes`, `.categories`); Spanish shows them as written;
    Essaim's own are translated by the catalogues."""
    extra = (
        "languages: [fr, en, es]\n"
        "themes:\n  numerique: {label: Numérique et libre, description: Logiciels libres.}\n"
        "offers_needs:\n  categories:\n    locaux: Lieux partagés\n"
        "translations:\n  en:\n    themes: {numerique: {label: Free software and digital}}\n"
        "    categories: {locaux: Shared spaces}\n"
    )
    from conftest import actor_text

    write(tmp_path, "territory.yml", "name: T\npitch: P\nbase_url: https://t.example.org\n" + extra)
    need = "\n  - {kind: need, category: locaux, text: Un local pour nos ateliers}"
    write(
        tmp_path,
        "actors/la-ruche.md",
        actor_text(themes="[numerique, economie-circulaire]", offers_needs=need),
    )
    output = build(tmp_path, tmp_path / "output")
    english = page_text(output / "en/themes/index.html")
    assert "Free software and digital" in english and "Numérique et libre" not in english
    assert "Circular economy" in english  # one of Essaim's own
    assert "Numérique et libre" in page_text(output / "es/temas/index.html")
    assert "Shared spaces" in page_text(output / "en/helping-hands/index.html")
    assert "Lieux partagés" in page_text(output / "coups-de-main/index.html")


def test_a_translation_of_an_unknown_theme_is_told_at_its_line(tmp_path):
    write(
        tmp_path,
        "territory.yml",
        "name: T\npitch: P\nbase_url: https://t.example.org\nlanguages: [fr, en]\n"
        "translations:\n  en:\n    themes: {numerik: {label: Digital}}\n",
    )
    territory, problems = read_territory(tmp_path)
    assert territory is None and [p.line for p in problems] == [7]
    assert "thème inconnu « numerik »" in problems[0].message


def test_a_free_page_speaks_its_translation_and_an_untranslated_one_says_its_own(three_languages):
    """content/pages/a-propos.en.md (`Lang: en`, the same slug) is the English site's « About »,
    at the same address; « Mentions légales », not translated, stays French there, marked
    `lang="fr"` in the page and in the footer; the French site is unchanged."""

    def page(path: str):
        return lxml_html.fromstring((three_languages / path).read_bytes())

    english = page("en/a-propos/index.html")
    assert english.xpath("//main//h1/text()") == ["About"]
    assert english.xpath("//article/@lang") == []
    assert "Free software, open data" in english.xpath("//article")[0].text_content()
    assert page("es/a-propos/index.html").xpath("//main//h1/text()") == ["Acerca de"]
    legal = page("en/mentions-legales/index.html")
    assert legal.xpath("//article/@lang") == ["fr"]
    footer = {a.text_content(): a.get("lang") for a in legal.xpath("//ul[@class='footer-links']/li/a")}
    assert footer["About"] is None and footer["Mentions légales"] == "fr"
    assert english.xpath("//header//nav//a[text()='About']/@lang") == []
    french = page("a-propos/index.html")
    assert french.xpath("//main//h1/text()") == ["À propos"] and french.xpath("//article/@lang") == []
    assert not [p for p in three_languages.rglob("*") if p.name.startswith("a-propos-")]


def test_a_search_result_says_the_language_of_its_untranslated_texts(three_languages):
    """The English index's cards carry, after their usual fields, the language of an untranslated
    name and summary (the page sets `lang` on them): PiNG's summary is translated, its name is
    not. The French index's cards have no such fields. The browser side: test_languages_browser."""

    def cards(folder: str) -> list:
        chunks = sorted((three_languages / folder).glob("docs-*.json"))
        return [card for chunk in chunks for card in json.loads(chunk.read_text(encoding="utf-8"))]

    english = {(card[1], card[6]): card for card in cards("en/search")}
    assert english["organisations/ping/", 0][8:] == ["fr", ""]
    assert english["organisations/accoord/", 0][8:] == ["fr", "fr"]
    # An offer's or need's text is never translated: it is marked too, its English sentence not.
    assert english["organisations/ping/", 3][8:] == ["fr", ""]
    assert all(len(card) == 8 for card in cards("search"))


def test_every_link_of_every_language_resolves_at_the_root(three_languages):
    """The link crawl at the root (test_subpath crawls the same sites under a sub-path): every
    internal link and anchor of every page, French, English and Spanish, leads to a file."""
    ids: dict[Path, set[str]] = {}

    def ids_of(file: Path) -> set[str]:
        if file not in ids:
            ids[file] = set(lxml_html.fromstring(file.read_bytes()).xpath("//@id"))
        return ids[file]

    checked = set()
    for path in three_languages.rglob("*.html"):
        for link in lxml_html.fromstring(path.read_bytes()).xpath("//a/@href | //link/@href"):
            if link.startswith(("http://", "https://", "mailto:", "webcal://")):
                continue
            target, _, anchor = link.partition("#")
            target = target.partition("?")[0]
            if not target:
                assert not anchor or anchor in ids_of(path), (path, link)
                continue
            assert target.startswith("/"), (path, link)
            file = three_languages / target.lstrip("/")
            if target.endswith("/"):
                file = file / "index.html"
            assert file.is_file(), (path, link)
            if anchor:
                assert anchor in ids_of(file), (path, link)
            checked.add(target)
    for needed in ("/en/", "/es/", "/en/a-propos/", "/es/mentions-legales/", "/en/organisations/ping/"):
        assert needed in checked, needed


def test_an_offer_or_need_is_marked_with_the_language_it_is_written_in(three_languages):
    """An offer's or need's text is never translated: on the English board, on the record's page
    and on the home page it is marked `lang="fr"`; on the French site it is not."""
    text = "Bénévoles pour les ateliers de fabrication"
    for path in ("en/helping-hands/benevolat/index.html", "en/organisations/ping/index.html"):
        tree = lxml_html.fromstring((three_languages / path).read_bytes())
        assert tree.xpath(f"//span[@lang='fr'][.='{text}']"), path
    board = lxml_html.fromstring((three_languages / "en/helping-hands/benevolat/index.html").read_bytes())
    assert board.xpath("//li[@class='board-item']//p/a/span[@lang='fr'][.='PiNG']")  # « Needed by PiNG »
    home = lxml_html.fromstring((three_languages / "en/index.html").read_bytes())
    needs = home.xpath("//ul[@class='exchange-list']/li")
    assert needs and all(need.xpath("span[@lang='fr']") for need in needs)
    french = lxml_html.fromstring((three_languages / "coups-de-main/benevolat/index.html").read_bytes())
    assert french.xpath(f"//h2[contains(., '{text}')]") and not french.xpath("//main//*[@lang]")


def test_a_translated_name_is_listed_a_to_z_under_its_own_letter(tmp_path):
    """« Médecins du Monde » is « Doctors of the World » in English: the English A–Z lists it
    under D, in the order of the names shown, on the list of organisations and on its theme's
    page; the French lists keep it under M. Its needs, on the board and in search, are its
    English name's."""
    root = demo_copy(tmp_path / "site", "languages: [fr, en]\n")
    path = root / "actors/medecins-du-monde-nantes.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "\nlegal_form:", "\ntranslations:\n  en: {name: Doctors of the World Nantes}\nlegal_form:", 1
        ),
        encoding="utf-8",
    )
    output = build(root, tmp_path / "output")

    def cards(page: str, scope: str = "//main") -> list:
        tree = lxml_html.fromstring((output / page).read_bytes())
        return tree.xpath(f"{scope}//ul[@class='cards']/li")

    def names(page: str, scope: str = "//main") -> list[str]:
        return [" ".join(card.xpath("string(.//h2|.//h3)").split()) for card in cards(page, scope)]

    def letter(page: str, name: str) -> str | None:
        return next((card.get("id") for card in cards(page) if name in card.text_content()), None)

    english = names("en/organisations/index.html")
    assert "Doctors of the World Nantes" in english and "Médecins du Monde Nantes" not in english
    assert english == sorted(english, key=sort_key), english
    assert letter("en/organisations/index.html", "Doctors of the World Nantes") == "lettre-D"
    french = names("acteurs/index.html")
    assert "Médecins du Monde Nantes" in french and french == sorted(french, key=sort_key)
    assert letter("acteurs/index.html", "Médecins du Monde Nantes") == "lettre-M"
    themed = names("en/themes/sante-social/index.html", "//section[@aria-labelledby='acteurs']")
    assert "Doctors of the World Nantes" in themed and themed == sorted(themed, key=sort_key), themed
    board = lxml_html.fromstring((output / "en/helping-hands/benevolat/index.html").read_bytes())
    by = [" ".join(a.text_content().split()) for a in board.xpath("//li[@class='board-item']/p[1]/a")]
    assert "Doctors of the World Nantes" in by and "Médecins du Monde Nantes" not in by, by
    # a search result of its need says who needs it by the English name
    results = [
        c for f in sorted((output / "en/search").glob("docs-*.json")) for c in json.loads(f.read_bytes())
    ]
    needs = [
        card[2] for card in results if card[1] == "organisations/medecins-du-monde-nantes/" and card[6] == 3
    ]
    assert needs and all(need.startswith("Doctors of the World Nantes is looking for") for need in needs), (
        needs
    )


def test_the_agenda_embed_marks_an_untranslated_event_title(three_languages):
    """The embeddable agenda of the English site shows each event's title as the page does:
    the demo's events are not translated, so each title is marked `lang="fr"`."""
    tree = lxml_html.fromstring((three_languages / "en/events/embed/index.html").read_bytes())
    titles = tree.xpath("//h3[@class='card-title']/a")
    assert titles and all(title.xpath("span[@lang='fr']") for title in titles)
    french = lxml_html.fromstring((three_languages / "agenda/embed/index.html").read_bytes())
    assert french.xpath("//h3[@class='card-title']/a") and not french.xpath("//h3//*[@lang]")


@pytest.mark.parametrize(
    ("language", "page", "title", "body"),
    [
        (
            "en",
            "en/organisations/ping/",
            "Mistake in the record “PiNG”",
            "Record: {url}\nFile: actors/ping.md",
        ),
        (
            "es",
            "es/organizaciones/ping/",
            "Error en la ficha «PiNG»",
            "Ficha: {url}\nArchivo: actors/ping.md",
        ),
    ],
)
def test_report_a_mistake_prefills_a_message_in_the_page_s_language(
    three_languages, language, page, title, body
):
    """« Report a mistake » on an English record page opens an e-mail to the team (the demo names
    no forge) written in English, which the visitor reads and answers in."""
    from urllib.parse import parse_qs, urlsplit

    tree = lxml_html.fromstring((three_languages / page / "index.html").read_bytes())
    (link,) = tree.xpath("//footer[@class='record-footer']//a[starts-with(@href, 'mailto:')]/@href")
    query = parse_qs(urlsplit(link).query)
    assert query["subject"] == [title]
    url = f"https://essaim-nantes.example.org/{page}"
    assert query["body"][0].startswith(body.format(url=url)), query["body"]


def test_the_page_not_found_speaks_each_language(three_languages):
    """Each language's 404 page is its translation (content/pages/404.en.md, .es.md); the root's,
    which GitHub and GitLab Pages serve for every missing address, stays the default language's,
    and its switcher leads to the others."""
    said = {}
    for page in ("404.html", "en/404.html", "es/404.html"):
        tree = lxml_html.fromstring((three_languages / page).read_bytes())
        said[page] = (
            tree.get("lang"),
            tree.xpath("string(//main//h1)").strip(),
            tree.xpath("//main//*[@lang]"),
        )
    assert said["404.html"][:2] == ("fr", "Page introuvable")
    assert said["en/404.html"][:2] == ("en", "Page not found") and said["en/404.html"][2] == []
    assert said["es/404.html"][:2] == ("es", "Página no encontrada") and said["es/404.html"][2] == []
    root = lxml_html.fromstring((three_languages / "404.html").read_bytes())
    switcher = {a.get("hreflang"): a.get("href") for a in root.xpath("//a[@hreflang]")}
    assert switcher == {"fr": "/404.html", "en": "/en/404.html", "es": "/es/404.html"}


def test_a_record_s_and_the_territory_s_untranslated_words_say_their_language(three_languages):
    """What a record or territory.yml writes only in French is marked so on the Spanish pages:
    the territory's pitch (translated into English only), an actor's purpose, an event's price
    and place, the organisers the agenda's filter offers; the English home page's pitch is
    English. The home page's JSON-LD tags its description likewise."""

    def tree(page: str):
        return lxml_html.fromstring((three_languages / page).read_bytes())

    assert tree("es/index.html").xpath("//div[@class='hero']/p[@class='lead']/@lang") == ["fr"]
    assert tree("en/index.html").xpath("//div[@class='hero']/p[@class='lead']/@lang") == []
    assert tree("index.html").xpath("//div[@class='hero']/p[@class='lead']/@lang") == []
    (website,) = json_ld(three_languages / "es/index.html")
    assert website["description"]["@language"] == "fr" and website["inLanguage"] == "es"
    facts = tree("es/organizaciones/ecossolies/index.html").xpath("//dl[@class='facts']/dd/span[@lang='fr']")
    assert facts, "the purpose is marked French"
    event = tree("es/agenda/atelier-entretien-velo-decembre/index.html")
    assert event.xpath("//dl[@class='facts']//address/span[@lang='fr']")
    assert event.xpath("//dl[@class='facts']/dd/span[@lang='fr']")  # the price
    options = tree("es/agenda/index.html").xpath("//select[@name='organizer']/option[@value!='']")
    assert options and all(option.get("lang") == "fr" for option in options)
    assert not tree("agenda/index.html").xpath("//select[@name='organizer']/option[@lang]")


def test_an_english_page_punctuates_and_quotes_in_english(three_languages):
    """No French colon nor guillemets where the interface writes them: the board's category
    heading, the map's count, a match's heading and words in common."""

    def tree(page: str):
        return lxml_html.fromstring((three_languages / page).read_bytes())

    board = tree("en/helping-hands/partenariats/index.html")
    assert board.xpath("string(//h1)") == "Helping hands: partnerships"
    assert "Helping hands: partnerships" in board.xpath("//link[@type='application/atom+xml']/@title")
    lead = " ".join(tree("en/map/index.html").xpath("string(//main//p[@class='lead'])").split())
    assert re.match(r"\d+ places: organisations, initiatives", lead), lead
    matches = tree("en/organisations/place-au-velo/index.html").xpath("//section[@id='correspondances']")
    assert matches
    text = " ".join(matches[0].text_content().split())
    assert "«" not in text and "“" in text and " : " not in text, text
