"""The board in Chromium: filters by type, theme and commune with their counts, kept in the URL;
what expires after the build leaves the list by the visitor's clock; and without JavaScript,
the whole list."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import actor_text, build, serve, write

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def board(territory):
    items = (
        "\n  - kind: offer\n    category: materiel\n    text: Prêt de vélos cargos\n    until: 2026-12-31"
        "\n  - kind: need\n    category: materiel\n    text: Une remorque"
    )
    write(territory, "actors/a.md", actor_text("Alpha", themes="[mobilite]", offers_needs=items))
    other = "\n  - kind: offer\n    category: materiel\n    text: Des tables et des chaises"
    write(
        territory,
        "actors/b.md",
        actor_text("Bêta", themes="[culture]", address="\n  city: Rezé", offers_needs=other),
    )
    server, url = serve(build(territory))
    yield url + "/coups-de-main/materiel/"
    server.shutdown()


def texts(page) -> list[str]:
    return page.locator(".board-item:visible h2").all_inner_texts()


def test_filters_count_and_narrow_the_list_and_stay_in_the_url(page, board):
    page.clock.set_fixed_time(datetime(2026, 12, 1, 12, 0, tzinfo=PARIS))
    page.goto(board)
    assert len(texts(page)) == 3
    themes = page.locator("#board-theme option").all_inner_texts()
    assert themes == ["Tous les thèmes", "Culture (1)", "Mobilité (2)"]
    page.select_option("#board-kind", "offer")
    assert len(texts(page)) == 2
    assert page.locator("#board-theme option").all_inner_texts().count("Mobilité (1)") == 1
    page.select_option("#board-city", "reze")
    assert len(texts(page)) == 1 and "Des tables et des chaises" in texts(page)[0]
    assert "kind=offer" in page.url and "city=reze" in page.url
    assert "1 offre ou besoin correspond aux filtres." in page.locator("#board-status").inner_text()
    assert page.console_errors == []


def test_an_offer_that_expired_since_the_build_leaves_the_list(page, board):
    page.clock.set_fixed_time(datetime(2027, 1, 15, 12, 0, tzinfo=PARIS))
    page.goto(board)
    assert len(texts(page)) == 2 and not any("vélos cargos" in t for t in texts(page))
    assert "arrivé à échéance depuis la mise à jour du site" in page.locator("#board-status").inner_text()


def test_without_javascript_the_whole_list_is_there(browser, board):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(board)
    assert page.locator(".board-item").count() == 3 and page.locator("#board-filters").is_hidden()
    context.close()
