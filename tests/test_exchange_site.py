"""The board of offers and needs (`/coups-de-main/`) and the « Correspondances » of record
pages, read back from the demo site as a visitor (without JavaScript) would read them."""

from __future__ import annotations

import gzip
import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

from conftest import actor_text, build, section, text_of, write


def test_a_need_shows_the_offer_that_answers_it_with_the_words_in_common(demo_output):
    page = (demo_output / "acteurs/place-au-velo/index.html").read_text(encoding="utf-8")
    found = section(page, 'id="correspondances"')
    assert '<a href="/acteurs/la-cantine-numerique/">La Cantine numérique</a>' in found
    assert (
        "propose « Local d'atelier à partager le week-end » "
        "(mots en commun : « local », « atelier »)" in text_of(found)
    )
    # and the other side sees the need its offer answers
    other = (demo_output / "acteurs/la-cantine-numerique/index.html").read_text(encoding="utf-8")
    assert '<a href="/acteurs/place-au-velo/">Place au vélo</a> cherche' in section(
        other, 'id="correspondances"'
    )


def test_an_answer_link_is_an_e_mail_with_the_need_in_its_subject(demo_output):
    page = (demo_output / "acteurs/place-au-velo/index.html").read_text(encoding="utf-8")
    links = re.findall(
        r'<a class="exchange-answer" href="([^"]+)">Je peux aider', section(page, 'class="offers-needs"')
    )
    assert len(links) == 2
    parts = urlsplit(unescape(links[1]))
    assert parts.scheme == "mailto"
    # The record has no e-mail and the demo no forge: the directory's contact passes it on.
    assert unquote(parts.path) == "contact@essaim-nantes.example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Réponse à Place au vélo : besoin « Un local pour l'atelier vélo »"]
    assert "https://essaim-nantes.example.org/acteurs/place-au-velo/" in query["body"][0]


def test_the_record_s_own_e_mail_is_used_and_cannot_add_headers(territory):
    items = "\n  - kind: need\n    category: locaux\n    text: Une salle"
    write(territory, "actors/a.md", actor_text("Alpha", email="'a?cc=b@c.fr'", offers_needs=items))
    output = build(territory)
    page = (output / "acteurs/a/index.html").read_text(encoding="utf-8")
    (link,) = re.findall(r'<a class="exchange-answer" href="([^"]+)"', page)
    parts = urlsplit(unescape(link))
    assert parts.path == "a%3Fcc%3Db@c.fr" and set(parse_qs(parts.query)) == {"subject", "body"}


def test_the_board_names_each_category_with_its_counts_and_lists_it(demo_output):
    board = (demo_output / "coups-de-main/index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="board-filters".*?</nav>', board, re.S).group(0)
    rows = re.findall(
        r'<a href="/coups-de-main/([a-z-]+)/">([^<]+)</a> '
        r'<span class="list-count">(\d+) besoins?, (\d+) offres?',
        nav,
    )
    assert len(rows) >= 5
    total = int(re.search(r"(\d+) offres et besoins en tout", text_of(board)).group(1))
    assert sum(int(needs) + int(offers) for _, _, needs, offers in rows) == total > 50
    for slug, label, needs, offers in rows:  # each list holds its category, needs first
        page = (demo_output / f"coups-de-main/{slug}/index.html").read_text(encoding="utf-8")
        kinds = re.findall(r'<span class="exchange-kind">([^<]+)</span>', page)
        assert all(k.endswith(f"· {label}") for k in kinds), slug
        assert [k.split(" ·")[0] for k in kinds] == ["Besoin"] * int(needs) + ["Offre"] * int(offers), slug
        assert f'aria-current="page">{label}</a>' in page


def test_a_board_page_is_light(demo_output):
    for path in (demo_output / "coups-de-main").rglob("index.html"):
        assert len(gzip.compress(path.read_bytes())) <= 14_000, path


def test_an_expired_offer_leaves_the_board_and_the_pages(territory):
    items = (
        "\n  - kind: offer\n    category: materiel\n    text: Prêt de vélos cargos\n    until: 2026-01-31"
        "\n  - kind: offer\n    category: materiel\n    text: Prêt de remorques"
    )
    write(territory, "actors/a.md", actor_text("Alpha", offers_needs=items))
    output = build(territory)  # ESSAIM_NOW is in 2026, after January
    board = (output / "coups-de-main/materiel/index.html").read_text(encoding="utf-8")
    assert "Prêt de remorques" in board and "Prêt de vélos cargos" not in board
    assert "Prêt de vélos cargos" not in (output / "acteurs/a/index.html").read_text(encoding="utf-8")


def test_a_territory_can_switch_the_board_off(territory):
    write(
        territory,
        "territory.yml",
        (territory / "territory.yml").read_text() + "features:\n  exchange: false\n",
    )
    write(territory, "actors/a.md", actor_text("Alpha"))
    output = build(territory)
    assert not (output / "coups-de-main").exists()
    assert "Coups de main" not in (output / "index.html").read_text(encoding="utf-8")


def test_a_territory_can_show_offers_and_needs_without_suggesting_matches(territory):
    items = "\n  - kind: {}\n    category: locaux\n    text: Un local pour réparer les vélos"
    for slug, kind in (("a", "need"), ("b", "offer")):
        write(territory, f"actors/{slug}.md", actor_text(slug.upper(), offers_needs=items.format(kind)))
    page = (build(territory) / "acteurs/a/index.html").read_text(encoding="utf-8")
    assert 'id="correspondances"' in page  # matched by default
    write(
        territory,
        "territory.yml",
        (territory / "territory.yml").read_text() + "offers_needs:\n  matching: false\n",
    )
    output = build(territory)
    page = (output / "acteurs/a/index.html").read_text(encoding="utf-8")
    assert "Un local pour réparer les vélos" in page and 'id="correspondances"' not in page
    board = (output / "coups-de-main/locaux/index.html").read_text(encoding="utf-8")
    assert "Un local pour réparer les vélos" in board and "y répond" not in board


def test_a_new_offer_elsewhere_reaches_the_need_s_page_and_the_rebuild_equals_a_clean_build(
    territory, tmp_path
):
    """A's page shows B's offer as soon as B writes it, though A's file did not change."""
    import os
    import shutil
    import time

    need = "\n  - kind: need\n    category: locaux\n    text: Une salle de réunion le soir"
    offer = "\n  - kind: offer\n    category: locaux\n    text: Salles de réunion à prêter"
    write(territory, "actors/a.md", actor_text("Alpha", offers_needs=need))
    write(territory, "actors/b.md", actor_text("Bêta"))
    incremental = build(territory, tmp_path / "incremental")
    assert 'id="correspondances"' not in (incremental / "acteurs/a/index.html").read_text(encoding="utf-8")
    time.sleep(0.01)
    path = write(territory, "actors/b.md", actor_text("Bêta", offers_needs=offer))
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    build(territory, incremental)
    page = (incremental / "acteurs/a/index.html").read_text(encoding="utf-8")
    assert '<a href="/acteurs/b/">Bêta</a> propose « Salles de réunion à prêter »' in page
    shutil.rmtree(territory / "cache")
    clean = build(territory, tmp_path / "clean")
    files = sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(incremental) for p in incremental.rglob("*") if p.is_file())
    assert [f for f in files if (clean / f).read_bytes() != (incremental / f).read_bytes()] == []


def test_the_home_page_shows_the_latest_needs_with_a_way_to_help(demo_output):
    home = (demo_output / "index.html").read_text(encoding="utf-8")
    found = section(home, 'aria-labelledby="besoins"')
    assert len(re.findall(r"<li>", found)) == 5  # listing.home_latest_needs in territory.yml
    assert found.count('class="exchange-answer"') == 5 and 'href="/coups-de-main/"' in found


def test_each_category_has_an_atom_feed_of_its_newest_offers_and_needs(demo_output):
    import feedparser

    page = (demo_output / "coups-de-main/locaux/index.html").read_text(encoding="utf-8")
    href = re.search(
        r'type="application/atom\+xml" title="Coups de main : locaux" href="([^"]+)"', page
    ).group(1)
    assert href == "/feeds/coups-de-main-locaux.atom.xml"
    feed = feedparser.parse((demo_output / href.lstrip("/")).read_bytes())
    assert not feed.bozo and feed.feed.title == "Essaim Nantes : locaux"
    kinds = re.findall(r'<span class="exchange-kind">([^<]+)</span>', page)
    assert len(feed.entries) == len(kinds) and all(e.title.split(" : ")[0] in kinds for e in feed.entries)
    need = next(e for e in feed.entries if e.title == "Besoin · Locaux : Un local pour l'atelier vélo")
    assert need.link == "https://essaim-nantes.example.org/acteurs/place-au-velo/"
    assert need.summary == "Place au vélo cherche « Un local pour l'atelier vélo »."
    everything = feedparser.parse((demo_output / "feeds/coups-de-main.atom.xml").read_bytes())
    assert len(everything.entries) == 30  # the newest thirty
