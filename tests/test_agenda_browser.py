"""The agenda in Chromium: events age by the visitor's clock, filters in the URL, embedding."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import serve

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.browser
def test_an_event_that_just_ended_leaves_the_upcoming_list(page, demo_url):
    # The demo is built on 22 November 2026; the visitor comes back on the 26th at 21:30,
    # half an hour after the end of « Rencontre : échange de compétences ».
    page.clock.set_fixed_time(datetime(2026, 11, 26, 21, 30, tzinfo=PARIS))
    page.goto(demo_url + "/agenda/")
    meeting = page.locator(".agenda-item", has_text="Échange de compétences")
    assert meeting.is_hidden()
    assert page.locator(".agenda-item", has_text="Atelier d'entretien de vélo").is_visible()
    assert "1 événement terminé depuis la mise à jour du site" in page.locator("#agenda-statut").inner_text()
    assert page.console_errors == []


@pytest.mark.browser
def test_before_its_end_the_event_is_still_listed(page, demo_url):
    page.clock.set_fixed_time(datetime(2026, 11, 26, 20, 30, tzinfo=PARIS))
    page.goto(demo_url + "/agenda/")
    assert page.locator(".agenda-item", has_text="Échange de compétences").is_visible()
    assert page.locator("#agenda-statut").inner_text() == ""


@pytest.mark.browser
def test_filters_are_kept_in_the_url(page, demo_url):
    page.clock.set_fixed_time(datetime(2026, 11, 22, 12, 0, tzinfo=PARIS))
    page.goto(demo_url + "/agenda/?organizer=ping")
    visible = page.locator(".agenda-item:visible")
    assert visible.count() >= 2
    assert all("ping" in item.get_attribute("data-organizers").split() for item in visible.all())
    page.get_by_label("Organisé par").select_option("")
    page.get_by_label("Thème").select_option("mobilite")
    assert page.url.endswith("/agenda/?theme=mobilite")
    titles = page.locator(".agenda-item:visible .card-title").all_inner_texts()
    assert titles == ["Atelier d'entretien de vélo"]
    page.get_by_text("Intégrer cet agenda dans un autre site").click()
    assert "/agenda/embed/?theme=mobilite" in page.locator("#code-integration").input_value()


@pytest.mark.browser
def test_agenda_embed_in_an_iframe_of_another_site(page, demo_url, tmp_path):
    page.clock.set_fixed_time(datetime(2026, 11, 22, 12, 0, tzinfo=PARIS))
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>Autre site</title></head><body>'
        f'<iframe src="{demo_url}/agenda/embed/?kind=workshop" title="Agenda"></iframe></body></html>',
        encoding="utf-8",
    )
    server, other = serve(tmp_path)
    try:
        page.goto(other + "/")
        frame = page.frame_locator("iframe")
        kinds = frame.locator(".agenda-item:visible").evaluate_all("items => items.map(i => i.dataset.kind)")
        assert kinds and set(kinds) == {"workshop"}
    finally:
        server.shutdown()


@pytest.mark.browser
def test_actor_page_shows_a_small_map(page, demo_url):
    page.goto(demo_url + "/acteurs/libertic/")
    page.locator(".mini-map").scroll_into_view_if_needed()  # Leaflet loads when the map comes near
    page.wait_for_selector(".mini-map[data-ready=true]")
    assert page.locator(".mini-map .leaflet-marker-icon").count() == 1
    assert page.locator("head link[href$='leaflet.css']").count() == 1
    assert page.console_errors == []


@pytest.mark.browser
def test_the_small_map_does_not_block_the_page(page, demo_url):
    page.set_viewport_size({"width": 400, "height": 300})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(demo_url + "/acteurs/libertic/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "leaflet" in u]  # the map is far below on a phone
    page.locator(".mini-map").scroll_into_view_if_needed()
    page.wait_for_selector(".mini-map[data-ready=true]")
    assert [u for u in requested if u.endswith("leaflet.js")]
