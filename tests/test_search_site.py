"""Search as a part of the site: switched off, rebuilt only when records change, untrusted text."""

from __future__ import annotations

import json
import os
import time

import pytest

from conftest import actor_text, build, serve, write


def _index_stamps(output):
    return {p.name: p.stat().st_mtime_ns for p in (output / "search").iterdir()}


def test_a_territory_can_switch_search_off(territory):
    (territory / "territory.yml").write_text(
        (territory / "territory.yml").read_text() + "features:\n  search: false\n", encoding="utf-8"
    )
    write(territory, "actors/a.md", actor_text("Alpha"))
    output = build(territory)
    assert not (output / "search").exists() and not (output / "recherche").exists()
    home = (output / "index.html").read_text(encoding="utf-8")
    assert 'role="search"' not in home and "/recherche/" not in home


def test_the_index_follows_the_records_and_is_not_rewritten_without_change(territory):
    write(territory, "actors/a.md", actor_text("Alpha"))
    path = write(territory, "actors/b.md", actor_text("Bêta"))
    output = build(territory)
    before = _index_stamps(output)
    time.sleep(0.01)
    build(territory)
    assert _index_stamps(output) == before
    write(territory, "actors/b.md", actor_text("Bêta", summary="Atelier de couture solidaire."))
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    build(territory)
    shard = json.loads((output / "search/shard-co.json").read_text(encoding="utf-8"))
    assert "coutur" in shard["terms"]
    meta = json.loads((output / "search/meta.json").read_text(encoding="utf-8"))
    page = (output / "recherche/index.html").read_text(encoding="utf-8")
    assert f'data-stamp="{meta["stamp"]}"' in page


@pytest.mark.browser
def test_contributors_text_is_shown_as_text(page, territory):
    hostile = "<img src=x onerror=\"document.title='pwned'\"> Fournil"
    write(
        territory,
        "actors/a.md",
        actor_text(json.dumps(hostile), summary=json.dumps("<b>Pain</b> au levain <script>x()</script>")),
    )
    output = build(territory)
    server, url = serve(output)
    try:
        page.goto(f"{url}/recherche/?q=fournil")
        page.wait_for_selector("#search-results li")
        assert page.locator("#search-results img, #search-results b, #search-results script").count() == 0
        assert page.locator("#search-results h2").inner_text() == hostile
        assert "<b>Pain</b>" in page.locator("#search-results li p").nth(1).inner_text()
        assert page.title() != "pwned"
        assert page.locator("#search-results h2 a").get_attribute("href") == "/acteurs/a/"
    finally:
        server.shutdown()
