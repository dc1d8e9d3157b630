"""The demo territory built by real Pelican: the pages a visitor browses."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO
from essaim.records.read import record_files


class Links(HTMLParser):
    """Collects href/src attributes, ids and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "id":
                self.ids.add(value)

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_record_has_its_page(demo_output):
    for kind, file in record_files(REPO):
        section = {"actor": "acteurs", "initiative": "initiatives", "event": "agenda"}[kind]
        assert (demo_output / section / file.stem / "index.html").is_file(), file


def test_demo_has_the_promised_size():
    kinds = [kind for kind, _ in record_files(REPO)]
    assert kinds.count("actor") >= 25
    assert kinds.count("initiative") >= 8
    assert kinds.count("event") >= 12


def test_actor_page_shows_its_initiatives_and_events(demo_output):
    page = (demo_output / "acteurs/libertic/index.html").read_text(encoding="utf-8")
    assert "<h1>Libertic</h1>" in page
    assert 'href="/initiatives/plateforme-innovation-numerique-sociale/"' in page
    assert 'href="/agenda/hackathon-donnees-ess-2027/"' in page  # upcoming at DEMO_NOW
    upcoming, past = page.split('id="a-venir"')[1].split('id="passes"')
    assert "hackathon-donnees-ess-2027" in upcoming
    assert "atelier-donnees-ouvertes-associations" in past


def test_theme_page_lists_actors_initiatives_and_events(demo_output):
    page = (demo_output / "themes/numerique/index.html").read_text(encoding="utf-8")
    for slug in (
        "acteurs/libertic/",
        "acteurs/ping/",
        "initiatives/plateforme-c/",
        "agenda/hackathon-donnees-ess-2027/",
    ):
        assert f'href="/{slug}"' in page, slug


def test_lists_by_legal_form_city_and_a_to_z(demo_output):
    scop = (demo_output / "statuts/scop/index.html").read_text(encoding="utf-8")
    assert "Titi Floris" in scop and "Libertic" not in scop
    city = (demo_output / "communes/saint-herblain/index.html").read_text(encoding="utf-8")
    assert "Envie 44" in city and "Libertic" not in city
    names = re.findall(
        r'class="card-title"><a href="/acteurs/[^"]+">([^<]+)<',
        (demo_output / "acteurs/index.html").read_text(encoding="utf-8"),
    )
    assert len(names) >= 25
    assert names[0] == "ACCOORD" and names.index("Écopôle, CPIE Pays de Nantes") < names.index(
        "Enercoop Pays de la Loire"
    )


def test_agenda_splits_upcoming_and_past(demo_output):
    upcoming = (demo_output / "agenda/index.html").read_text(encoding="utf-8")
    past = (demo_output / "agenda/passes/index.html").read_text(encoding="utf-8")
    assert "rencontre-echange-competences" in upcoming and "rencontre-echange-competences" not in past
    assert "marche-des-possibles-2026" in past and "marche-des-possibles-2026" not in upcoming
    assert upcoming.index("Novembre 2026") < upcoming.index("Décembre 2026") < upcoming.index("Janvier 2027")


def test_home_page_has_pitch_counts_and_next_events(demo_output):
    home = (demo_output / "index.html").read_text(encoding="utf-8")
    assert "économie sociale et solidaire de Nantes" in home
    assert re.search(r"<strong>26</strong> acteurs", home)
    next_events = home.split('id="prochains"')[1].split('id="nouveaux"')[0]
    assert next_events.index("rencontre-echange-competences") < next_events.index("atelier-entretien-velo")


def test_every_page_says_the_data_is_a_demonstration(demo_output):
    pages = list(demo_output.rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        assert "données d'exemple" in path.read_text(encoding="utf-8").replace(
            "Démonstration : données", "données"
        ), path


def test_every_page_is_french_with_a_skip_link_and_a_main(demo_output):
    for path in demo_output.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert html.startswith('<!DOCTYPE html>\n<html lang="fr">'), path
        assert 'href="#contenu"' in html and '<main id="contenu"' in html, path


def test_internal_links_and_anchors_resolve(demo_output):
    for path in demo_output.rglob("*.html"):
        page = parse(path)
        for link in page.links:
            if link.startswith(("http://", "https://", "mailto:", "webcal://")):
                continue
            target, _, anchor = link.partition("#")
            target = target.partition("?")[0]
            if not target:
                assert anchor in page.ids, (path, link)
                continue
            assert target.startswith("/"), (path, link)
            file = demo_output / target.lstrip("/")
            if target.endswith("/"):
                file = file / "index.html"
            assert file.is_file(), (path, link)
            if anchor:
                assert anchor in parse(file).ids, (path, link)


def test_only_http_and_mailto_links_leave_the_site(demo_output):
    for path in demo_output.rglob("*.html"):
        for link in parse(path).links:
            own_feed = link.startswith("webcal://essaim-nantes.example.org/")  # our own calendar feed
            assert link.startswith(("/", "#", "http://", "https://", "mailto:")) or own_feed, (path, link)


def test_schemas_are_published_and_versioned(demo_output):
    for name in ("actor", "initiative", "event", "common"):
        latest = json.loads((demo_output / f"schemas/{name}.json").read_text())
        assert latest == json.loads((demo_output / f"schemas/v1/{name}.json").read_text())
    assert json.loads((demo_output / "schemas/actor.json").read_text())["x-essaim-schema-version"] == "1.6.0"


def test_content_pages_and_404(demo_output):
    about = (demo_output / "a-propos/index.html").read_text(encoding="utf-8")
    assert "<h1>À propos</h1>" in about
    assert "Page introuvable" in (demo_output / "404.html").read_text(encoding="utf-8")


def test_menu_marks_the_current_section_and_page(demo_output):
    def current(path: str) -> list[str]:
        html = (demo_output / path).read_text(encoding="utf-8")
        nav = html.split('aria-label="Navigation principale"')[1].split("</nav>")[0]
        return re.findall(r'<a href="[^"]+" aria-current="(\w+)">([^<]+)</a>', nav)

    assert current("acteurs/index.html") == [("page", "Acteurs")]
    assert current("acteurs/ecossolies/index.html") == [("true", "Acteurs")]
    assert current("agenda/passes/index.html") == [("true", "Agenda")]
    assert current("a-propos/index.html") == [("page", "À propos")]
    assert current("index.html") == []


def test_two_builds_of_the_same_content_are_byte_identical(tmp_path_factory):
    from conftest import build

    cache = str(tmp_path_factory.mktemp("cache"))
    first = build(REPO, tmp_path_factory.mktemp("one"), CACHE_CONTENT=False, CACHE_PATH=cache)
    second = build(REPO, tmp_path_factory.mktemp("two"), CACHE_CONTENT=False, CACHE_PATH=cache)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []


def test_the_report_link_is_the_query_urlencode_writes(territory):
    """ "Signaler une erreur" must be the URL urlencode gives, for a GitHub or GitLab forge and
    for an e-mail."""
    from datetime import datetime
    from urllib.parse import quote, urlencode

    from essaim.records.model import Actor, Directory
    from essaim.records.territory import load_territory
    from essaim.site import Site
    from essaim.urls import Urls

    territory_settings = load_territory(territory)
    actor = Actor(
        slug="l-ecole",
        source="actors/l-ecole.md",
        fields={"name": "L'École & « Cie » ?"},
        body="",
        body_line=5,
        digest="x",
    )
    urls = Urls("", territory_settings.urls)
    site = Site(territory_settings, Directory({}, [actor], [], []), urls, datetime(2026, 11, 23))
    title = "Erreur sur la fiche « L'École & « Cie » ? »"
    body = (
        "Fiche : https://testville.example.org/acteurs/l-ecole/\nFichier : actors/l-ecole.md\n\n"
        "Ce qui est inexact ou manque (et, si possible, la bonne information) :\n"
    )
    cases = [
        (
            {"kind": "gitlab", "repository": "https://gitlab.example.org/g/a", "branch": "main"},
            None,
            "https://gitlab.example.org/g/a/-/issues/new?"
            + urlencode({"issue[title]": title, "issue[description]": body}, quote_via=quote),
        ),
        (
            {"kind": "github", "repository": "https://github.com/o/a", "branch": "main"},
            None,
            "https://github.com/o/a/issues/new?" + urlencode({"title": title, "body": body}, quote_via=quote),
        ),
        (
            None,
            "equipe@example.org",
            "mailto:equipe@example.org?" + urlencode({"subject": title, "body": body}, quote_via=quote),
        ),
        (None, None, None),
    ]
    for forge, email, expected in cases:
        territory_settings.forge, territory_settings.contact_email = forge, email
        assert site.report_url(actor) == expected


def test_the_letter_index_of_a_long_list_leads_to_each_letter_first_card(territory, tmp_path):
    from conftest import actor_text, build, write

    letters = "ABCDEFGHIJK"
    for number in range(130):  # 3 pages of 60: letters continue from one page to the next
        name = f"{letters[number // 12]}tructure {number:03d}"
        write(territory, f"actors/structure-{number:03d}.md", actor_text(name))
    output = build(territory, tmp_path / "out")
    first = (output / "acteurs" / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="letters".*?</nav>', first, re.S).group(0)
    links = re.findall(r'<a href="[^"]*?/(acteurs/(?:page/\d+/)?)#lettre-(\w)">(\w)</a>', nav)
    assert [letter for _, letter, _ in links] == list(letters)
    for path, anchor, letter in links:
        assert anchor == letter
        page = (output / path / "index.html").read_text(encoding="utf-8")
        card = re.search(rf'<li id="lettre-{letter}">.*?<a href="[^"]+">([^<]+)</a>', page, re.S)
        assert card, f"no anchor for {letter} on {path}"
        expected = min(n for n in range(130) if letters[n // 12] == letter)
        assert card.group(1) == f"{letter}tructure {expected:03d}"  # the letter's first card
    # A page that starts in the middle of a letter also marks its first card with the letter.
    second = (output / "acteurs" / "page" / "2" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<ul class="cards">\s*<li id="lettre-F">', second)
