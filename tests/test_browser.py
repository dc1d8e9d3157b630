"""Real Chromium: zero axe-core WCAG 2.1 A/AA violations on every page type, keyboard basics."""

from __future__ import annotations

import json

import pytest

from conftest import REPO, actor_text, build, in_language, serve, write

AXE = REPO / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGE_TYPES = {
    "home": "/",
    "actor": "/acteurs/ecossolies/",
    "initiative": "/initiatives/plateforme-innovation-numerique-sociale/",
    "event": "/agenda/rencontre-echange-competences/",
    "past event": "/agenda/marche-des-possibles-2026/",
    "theme": "/themes/numerique/",
    "actors A-Z": "/acteurs/",
    "initiatives": "/initiatives/",
    "themes": "/themes/",
    "legal forms": "/statuts/",
    "legal form": "/statuts/scop/",
    "cities": "/communes/",
    "city": "/communes/nantes/",
    "agenda": "/agenda/",
    "past agenda": "/agenda/passes/",
    "content page": "/a-propos/",
    "search": "/recherche/",
    "propose": "/proposer/",
    "propose form": "/proposer/acteur/",
    "search with results": "/recherche/?q=numerique&type=actor",
    "board": "/coups-de-main/",
    "board category": "/coups-de-main/partenariats/",
    "actor with matches": "/acteurs/place-au-velo/",
    "stale actor": "/acteurs/libertic/",
    "archived actor": "/acteurs/l-escale-des-possibles/",
    "figures": "/chiffres/",
    "print": "/imprimer/",
    "booklet": "/imprimer/communes/nantes/",
    "poster": "/imprimer/affiches/la-tricyclerie/",
    "actor with opening hours": "/acteurs/la-tricyclerie/",
    "event from an actor's calendar": "/agenda/{}/".format(
        json.loads((REPO / "calendars/ping.json").read_text(encoding="utf-8"))["events"][0]["slug"]
    ),
    "404": "/404.html",
    "places list": "/carte/",
    "map": "/carte/?vue=carte",
    "map embed": "/carte/embed/",
    "agenda embed": "/agenda/embed/",
    "event form": "/proposer/evenement/",
    "legal notice": "/mentions-legales/",
}


def axe_violations(page) -> list[dict]:
    """Run axe-core (from npm) in the page; return its WCAG 2.1 A/AA violations."""
    assert AXE.is_file(), "axe-core is missing: run `make test` (npm ci installs it)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "name", [name for name, path in PAGE_TYPES.items() if not path.startswith("/imprimer/")]
)
def test_page_type_in_english_and_spanish_has_no_accessibility_violation(
    page, languages_url, languages_output, name, language
):
    response = page.goto(languages_url + in_language(languages_output, PAGE_TYPES[name], language))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page, name)


def assert_accessible(page, name: str) -> None:
    """The page type `name`, loaded, has no axe violation nor console error (once what it
    shows after loading is there)."""
    if name.startswith("map"):
        page.wait_for_selector("#carte[data-ready=true]")
    if name == "search with results":
        page.wait_for_selector("html[data-search-shown]")
        assert page.locator("#search-results li").count() > 0
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_type_has_no_accessibility_violation(page, demo_url, name):
    response = page.goto(demo_url + PAGE_TYPES[name])
    assert response.status == 200
    assert_accessible(page, name)


@pytest.mark.browser
def test_paginated_list_has_no_violation_and_working_pages(page, territory, tmp_path_factory):
    for number in range(130):
        write(territory, f"actors/structure-{number:03d}.md", actor_text(f"Structure {number:03d}"))
    output = build(territory, tmp_path_factory.mktemp("big"))
    server, url = serve(output)
    try:
        page.goto(url + "/acteurs/page/2/")
        assert axe_violations(page) == []
        assert page.locator(".card-title").count() == 60
        page.get_by_role("link", name="Page 3").click()
        assert page.url.endswith("/acteurs/page/3/")
        assert page.locator(".card-title").count() == 10
    finally:
        server.shutdown()


@pytest.mark.browser
def test_a_paginated_list_in_each_language_has_no_violation_and_its_switcher_keeps_the_page(
    page, territory, tmp_path_factory
):
    """The second page of 130 organisations, in English and Spanish: no axe violation, and the
    French page's switcher leads to the second page in each language."""
    (territory / "territory.yml").write_text(
        (territory / "territory.yml").read_text(encoding="utf-8") + "languages: [fr, en, es]\n",
        encoding="utf-8",
    )
    for number in range(130):
        write(territory, f"actors/structure-{number:03d}.md", actor_text(f"Structure {number:03d}"))
    output = build(territory, tmp_path_factory.mktemp("big-languages"))
    server, url = serve(output)
    try:
        for language in ("en", "es"):
            address = in_language(output, "/acteurs/page/2/", language)
            assert address.startswith(f"/{language}/") and address.endswith("/page/2/"), address
            assert page.goto(url + address).status == 200
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator(".card-title").count() == 60
            assert axe_violations(page) == []
    finally:
        server.shutdown()


@pytest.mark.browser
def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, demo_url):
    page.goto(demo_url + "/acteurs/ecossolies/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Aller au contenu"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


@pytest.mark.browser
def test_pages_work_without_javascript(browser, demo_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_url + "/")
    page.get_by_role("link", name="Thèmes", exact=True).click()
    page.get_by_role("link", name="Numérique").click()
    page.get_by_role("link", name="Libertic").first.click()
    assert page.locator("h1").inner_text() == "Libertic"
    context.close()
