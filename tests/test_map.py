"""The map in Chromium: markers per filter, clusters, popups, the list beside it, embedding."""

from __future__ import annotations

import json

import pytest

from conftest import serve


def open_map(page, url):
    """The map page, its map shown as a visitor shows it: with the button."""
    page.goto(url)
    page.get_by_role("button", name="Afficher la carte interactive").click()
    page.wait_for_selector("#carte[data-ready=true]")


def expected(demo_output, **filters) -> int:
    features = json.loads((demo_output / "carte/lieux.geojson").read_text())["features"]

    def keep(p):
        def passes(key, value):
            if key == "theme":
                return bool(p["themes"]) and value in p["themes"]
            if key == "exchange":  # places with an open need (or offer)
                return p.get("needs" if value == "need" else "offers", 0) > 0
            return p.get(key) == value

        return all(passes(key, value) for key, value in filters.items())

    return sum(keep(f["properties"]) for f in features)


@pytest.mark.browser
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"type": "actor"},
        {"type": "actor", "theme": "numerique"},
        {"legal_form": "scop"},
        {"type": "event"},
        {"exchange": "need"},
        {"type": "actor", "exchange": "offer"},
    ],
)
def test_markers_and_list_follow_the_filters_in_the_url(page, demo_url, demo_output, filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    open_map(page, f"{demo_url}/carte/?{query}")
    count = expected(demo_output, **filters)
    assert count > 0
    assert page.locator("#lieux-visibles li").count() == count  # the initial view shows them all
    markers = page.locator(".leaflet-marker-icon:not(.marker-cluster)").count()
    in_clusters = sum(int(t) for t in page.locator(".marker-cluster span").all_inner_texts())
    assert markers + in_clusters == count
    assert page.console_errors == []


@pytest.mark.browser
def test_changing_a_filter_updates_the_url_and_the_embed_code(page, demo_url, demo_output):
    open_map(page, f"{demo_url}/carte/")
    assert page.locator(".marker-cluster").count() >= 1  # Nantes' places are clustered
    page.get_by_label("Type").select_option("initiative")
    assert page.url.endswith("/carte/?type=initiative&vue=carte")
    assert page.locator("#lieux-visibles li").count() == expected(demo_output, type="initiative")
    page.get_by_text("Intégrer cette carte dans un autre site").click()
    code = page.locator("#code-integration").input_value()
    assert 'src="https://essaim-nantes.example.org/carte/embed/?type=initiative"' in code


@pytest.mark.browser
def test_the_map_loads_only_when_asked_for_and_the_list_is_there_before(page, demo_url):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{demo_url}/carte/?type=actor")
    page.wait_for_load_state("networkidle")
    assert page.locator("#lieux-par-commune").is_visible()  # every place, by commune, at once
    assert not [u for u in requested if "leaflet" in u or "tile.openstreetmap.org" in u]
    button = page.get_by_role("button", name="Afficher la carte interactive")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#carte[data-ready=true]")
    assert [u for u in requested if u.endswith("leaflet.js")] and page.url.endswith("?type=actor&vue=carte")
    page.goto(f"{demo_url}/carte/?type=actor&vue=carte")  # the address asks for it: shown at once
    page.wait_for_selector("#carte[data-ready=true]")
    assert page.locator("#carte .map-offer").count() == 0
    assert page.console_errors == []


@pytest.mark.browser
def test_keyboard_user_opens_a_popup_from_the_list(page, demo_url):
    open_map(page, f"{demo_url}/carte/?type=actor")
    button = page.get_by_role("button", name="Voir sur la carte : Libertic")
    button.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Libertic" in popup.inner_text()
    assert popup.get_by_role("link", name="Libertic").get_attribute("href") == "/acteurs/libertic/"
    # the view zoomed in: the list now shows fewer places than the whole map holds
    page.wait_for_function("document.querySelectorAll('#lieux-visibles li').length < 26")


@pytest.mark.browser
def test_without_javascript_places_are_listed_by_city(browser, demo_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_url}/carte/")
    assert page.get_by_role("heading", name="Saint-Herblain").is_visible()
    assert page.get_by_role("link", name="Envie 44").is_visible()
    assert page.locator("#filtres-carte").is_hidden()
    context.close()


@pytest.mark.browser
def test_embed_page_works_in_an_iframe_of_another_site(page, demo_url, demo_output, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>Un autre site</title></head><body>'
        f'<iframe src="{demo_url}/carte/embed/?type=actor&theme=numerique" title="Carte" '
        'width="800" height="450"></iframe></body></html>',
        encoding="utf-8",
    )
    server, other = serve(tmp_path)
    try:
        page.goto(other + "/")
        frame = page.frame_locator("iframe")
        frame.locator("#carte[data-ready=true]").wait_for()
        markers = frame.locator(".leaflet-marker-icon:not(.marker-cluster)").count()
        clustered = sum(int(t) for t in frame.locator(".marker-cluster span").all_inner_texts())
        assert markers + clustered == expected(demo_output, type="actor", theme="numerique")
    finally:
        server.shutdown()


def test_a_large_directory_links_to_city_pages_instead_of_listing_every_place(territory, tmp_path_factory):
    from conftest import actor_text, build, write

    for number in range(210):
        city = "Brest" if number % 2 else "Quimper"
        write(
            territory,
            f"actors/s-{number:03d}.md",
            actor_text(
                f"Structure {number:03d}",
                address=f'\n  postcode: "29200"\n  city: {city}',
                geo="{lat: 48.39, lon: -4.49}",
            ),
        )
    output = build(territory, tmp_path_factory.mktemp("big"))
    page = (output / "carte/index.html").read_text(encoding="utf-8")
    assert '<a href="/communes/brest/">Brest</a> (105)' in page
    assert 'href="/acteurs/s-001/"' not in page
    assert (output / "communes/brest/index.html").is_file()
