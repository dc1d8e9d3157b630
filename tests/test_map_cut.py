"""A large directory's map, cut at build time (map/tiles.py, js/map-tiles.js), in Chromium: the
first view downloads counted cells and the few shallow tiles, not every place; the counts add up
to the places, exactly under one filter; zooming in fetches the tiles in view and shows their
places; a cell's button zooms in; no accessibility violation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_browser import axe_violations

from conftest import build, peer_places, serve, write
from essaim.federation.pull import peer_folder

PEER = "https://voisins.example.org"
PLACES = 2_400  # past TILE_PLACES (500): the dense town's tiles are split, hence cells above them


@pytest.fixture(scope="module")
def cut_site(tmp_path_factory) -> tuple[Path, list[dict]]:
    root = tmp_path_factory.mktemp("cut-map")
    write(
        root,
        "territory.yml",
        "name: Essaim France\npitch: Les annuaires réunis.\nbase_url: https://essaim.example.org\n"
        "map:\n  chunk_above: 1000\nfeatures:\n  search: false\n  print: false\n"
        f"federation:\n  peers:\n    - url: {PEER}\n      include: [actors]\n",
    )
    folder = root / "federation" / peer_folder(PEER)
    folder.mkdir(parents=True)
    records = peer_places(PEER, PLACES, seed=11, crowded_every=8, spread=0.3)
    (folder / "actors.json").write_text(json.dumps(records), encoding="utf-8")
    provenance = {"peer": PEER, "territory": {"name": "Voisins", "url": PEER}, "datasets": {}}
    (folder / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    return build(root), records


def test_a_large_map_is_cut_into_tiles_and_cells(cut_site):
    output, records = cut_site
    assert not (output / "carte/lieux.geojson").exists()
    index = json.loads((output / "carte/lieux/index.json").read_text(encoding="utf-8"))
    assert index["count"] == PLACES == sum(leaf[3] for leaf in index["leaves"])
    assert max(leaf[0] for leaf in index["leaves"]) > 5 and index["cells"]
    page = (output / "carte/index.html").read_text(encoding="utf-8")
    assert 'data-index="/carte/lieux/index.json"' in page and "data-geojson" not in page


def visible_count(page) -> int:
    """Places on screen: single markers, and the numbers on clusters and cells."""
    singles = page.locator(".leaflet-marker-icon:not(.marker-cluster)").count()
    numbers = page.locator(".marker-cluster span").all_inner_texts()
    assert all(not n.startswith("≤") for n in numbers)
    return singles + sum(int(n) for n in numbers)


@pytest.mark.browser
def test_the_first_view_counts_every_place_without_downloading_them(page, cut_site):
    output, records = cut_site
    server, url = serve(output)
    try:
        fetched: list[str] = []
        page.on("requestfinished", lambda r: fetched.append(r.url))
        page.goto(f"{url}/carte/?vue=carte")
        page.wait_for_selector("#carte[data-ready=true]")
        page.wait_for_timeout(300)  # markercluster adds markers in chunks
        assert visible_count(page) == PLACES
        leaves = [u for u in fetched if "/carte/lieux/" in u and "grappes" not in u and "index" not in u]
        index = json.loads((output / "carte/lieux/index.json").read_text(encoding="utf-8"))
        assert 0 < len(leaves) < len(index["leaves"])  # the deep tiles of the town wait
        assert [u for u in fetched if "/carte/lieux/grappes-" in u]
        french = f"{PLACES:,}".replace(",", "\u202f")  # « 2 400 »: a count as French writes it
        assert page.locator("#lieux-statut").inner_text() == f"({french} dans la vue)"

        # One filter: the cells count exactly the places that pass it.
        page.select_option("#filtres-carte [name=theme]", "agriculture-alimentation")
        page.wait_for_timeout(300)
        assert visible_count(page) == sum("agriculture-alimentation" in r["themes"] for r in records)
        # Two: a cell says at most how many.
        page.select_option("#filtres-carte [name=legal_form]", "scop")
        page.wait_for_timeout(300)
        assert any(n.startswith("≤") for n in page.locator(".marker-cluster span").all_inner_texts())
        page.select_option("#filtres-carte [name=legal_form]", "")
        page.select_option("#filtres-carte [name=theme]", "")

        # A cell is a button that zooms in.
        cell = page.locator(".marker-cluster[aria-label$='zoomer pour les voir']").first
        label = cell.get_attribute("aria-label")
        assert label.endswith("lieux, zoomer pour les voir") and cell.get_attribute("role") == "button"
        assert axe_violations(page) == []
        assert page.console_errors == []
    finally:
        server.shutdown()


@pytest.mark.browser
def test_zooming_in_fetches_the_tiles_in_view_and_shows_their_places(page, cut_site):
    output, records = cut_site
    server, url = serve(output)
    try:
        page.goto(f"{url}/carte/?vue=carte")
        page.wait_for_selector("#carte[data-ready=true]")
        fetched: list[str] = []
        page.on("requestfinished", lambda r: fetched.append(r.url))
        first = page.locator(".marker-cluster[aria-label$='zoomer pour les voir']").first
        first.focus()
        page.keyboard.press("Enter")  # a cell zooms in two levels
        page.wait_for_timeout(800)
        for _ in range(4):  # then closer, on Nantes, where the tiles are deepest
            page.locator(".leaflet-control-zoom-in").click()
            page.wait_for_timeout(500)
        page.wait_for_function("document.querySelectorAll('#lieux-visibles li').length > 0")
        assert [u for u in fetched if "/carte/lieux/" in u and "grappes" not in u]
        names = page.locator("#lieux-visibles li a").all_inner_texts()
        assert names and set(names) <= {r["name"] for r in records}
        assert page.console_errors == []
    finally:
        server.shutdown()
