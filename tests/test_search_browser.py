"""Search in Chromium, on the demo site: French queries, facets, the URL, the keyboard, and the
agreement between the index built in Python and lunr.js."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest

from conftest import DEMO_NOW, REPO
from essaim.analysis import pipeline
from essaim.calendars.snapshots import calendar_events
from essaim.matching import open_offers_needs
from essaim.records.read import read_directory
from essaim.records.territory import load_territory
from essaim.search.documents import documents
from essaim.search.index import BOOSTS, FIELDS, field_texts
from essaim.urls import Urls

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


def search(page, url: str) -> list[str]:
    """Open a search URL, wait for the results, return their titles in order."""
    page.clock.set_fixed_time(datetime(2026, 11, 22, 12, 0, tzinfo=PARIS))
    page.goto(url)
    page.wait_for_selector("html[data-search-shown]")
    return page.locator("#search-results h2").all_inner_texts()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("electricite", "Enercoop Pays de la Loire"),  # accents optional
        ("ÉLECTRICITÉ", "Enercoop Pays de la Loire"),
        ("coopératives", "Entreprendre en coopérative"),  # plural → singular
        ("vélos", "Place au vélo"),  # a plural the stemmer keeps
        ("réparer", "Atelier de réparation ouvert"),  # verb → noun
        ("l'île", "La Ressourcerie de l'Île"),  # elision
        ("debrouil", "Les Petits Débrouillards Grand Ouest"),  # a prefix, while typing
        ("tricycl", "La Tricyclerie"),
        ("ressourcrie", "La Ressourcerie de l'Île"),  # one typo
        ("debrouillrds", "Les Petits Débrouillards Grand Ouest"),
        ("logiciels libres", "Formation « Des logiciels libres pour mon association »"),  # every word
    ],
)
def test_french_queries_find_the_expected_record_first(page, demo_url, query, expected):
    titles = search(page, f"{demo_url}/recherche/?q={query}")
    assert titles and titles[0] == expected, titles
    assert page.console_errors == []


def test_a_match_in_the_name_ranks_before_matches_elsewhere(page, demo_url):
    titles = search(page, f"{demo_url}/recherche/?q=velo")
    kinds = page.locator("#search-results .search-result-meta").all_inner_texts()
    # Records only: an offer's or need's text is its title, but weighs as a summary.
    titles = [t for t, kind in zip(titles, kinds, strict=True) if not kind.startswith("Offre ou besoin")]
    in_name = [("vélo" in t.lower()) for t in titles]
    assert in_name[:3] == [True, True, True] and not any(in_name[in_name.index(False) :])
    assert "La Tricyclerie" in titles  # "vélo" in its summary


def test_every_word_must_match(page, demo_url):
    assert "Enercoop Pays de la Loire" in search(page, f"{demo_url}/recherche/?q=energie")
    assert search(page, f"{demo_url}/recherche/?q=energie+velo") == []
    assert page.locator("#search-status").inner_text().startswith("Aucun résultat pour « energie velo »")


def test_matched_words_are_highlighted(page, demo_url):
    search(page, f"{demo_url}/recherche/?q=velos")
    first = page.locator("#search-results li").first
    assert first.locator("h2 mark").all_inner_texts() == ["vélo"]


def test_facets_count_and_filter_and_the_url_follows(page, demo_url):
    titles = search(page, f"{demo_url}/recherche/?q=numerique")
    # The filters' counts come just after the first results (their files are fetched then).
    page.wait_for_selector("#facet-type option[value=actor]", state="attached")
    options = dict(
        (o.get_attribute("value"), o.inner_text()) for o in page.locator("#facet-type option").all()
    )
    actors = int(options["actor"].rsplit("(", 1)[1].rstrip(")"))
    initiatives = int(options["initiative"].rsplit("(", 1)[1].rstrip(")"))
    assert options["actor"].startswith("Acteurs (") and actors + initiatives <= len(titles)
    page.select_option("#facet-type", "actor")
    page.wait_for_function("n => document.querySelectorAll('#search-results li').length === n", arg=actors)
    assert parse_qs(urlparse(page.url).query) == {"q": ["numerique"], "type": ["actor"]}
    assert f"{actors} résultats pour « numerique » (filtres actifs)" == page.inner_text("#search-status")
    # Theme counts are those among actors now.
    theme_total = page.locator("#facet-theme option").count()
    assert theme_total > 1
    page.go_back()
    page.wait_for_function(
        "n => document.querySelectorAll('#search-results li').length === n", arg=len(titles)
    )
    assert page.input_value("#facet-type") == ""
    assert page.console_errors == []


def test_a_shared_url_restores_the_query_and_filters(page, demo_url):
    titles = search(page, f"{demo_url}/recherche/?q=reemploi&type=actor")
    assert page.input_value("#search-q") == "reemploi"
    assert page.input_value("#facet-type") == "actor"
    assert set(titles) == {"Envie 44", "La Ressourcerie de l'Île"}


def test_an_empty_query_with_filters_browses_in_name_order(page, demo_url):
    titles = search(page, f"{demo_url}/recherche/?type=event&when=upcoming")
    assert len(titles) == 10 and titles[0] == "Atelier d'entretien de vélo"
    past = search(page, f"{demo_url}/recherche/?type=event&when=past")
    assert len(past) == 16 - 10 and not set(past) & set(titles)
    assert page.locator("#search-results .search-result-meta").first.inner_text().startswith("Événement · ")


def test_typing_shows_results_and_the_status_is_announced(page, demo_url):
    page.goto(f"{demo_url}/recherche/")
    assert page.get_attribute("#search-status", "role") == "status"
    page.fill("#search-q", "compost")
    page.wait_for_selector("#search-results li")
    assert "Le compost à vélo" in page.locator("#search-results h2").all_inner_texts()
    assert "pour « compost »" in page.inner_text("#search-status")
    page.wait_for_function("location.search === '?q=compost'")


def test_the_keyboard_walks_the_results(page, demo_url):
    titles = search(page, f"{demo_url}/recherche/?q=velo")
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == titles[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == titles[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("Escape")
    assert page.input_value("#search-q") == ""
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 0")
    page.keyboard.press("Tab")  # the search button, then the filters
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "facet-type"
    assert page.console_errors == []


def test_enter_on_a_result_opens_its_page(page, demo_url):
    titles = search(page, f"{demo_url}/recherche/?q=tricyclerie")
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/acteurs/la-tricyclerie/")
    assert page.locator("h1").inner_text() == titles[0]


def test_the_header_box_leads_to_the_results(page, demo_url):
    page.goto(f"{demo_url}/acteurs/")
    page.fill("#header-q", "libres")
    page.keyboard.press("Enter")
    page.wait_for_selector("html[data-search-shown]")
    assert "Libertic" in page.locator("#search-results h2").all_inner_texts()
    assert page.input_value("#search-q") == "libres"


def test_nothing_is_downloaded_before_the_box_is_used(page, demo_url):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    page.goto(f"{demo_url}/recherche/")
    page.wait_for_load_state("networkidle")
    assert not [p for p in requested if p.startswith(("/search/", "/vendor/lunr"))]
    page.focus("#search-q")
    page.wait_for_selector("#search-facets:not([hidden])")
    assert "/search/meta.json" in requested and not [p for p in requested if "/shard-" in p]
    page.keyboard.type("velo")
    page.wait_for_selector("#search-results li")
    assert [p for p in requested if "/shard-" in p] == ["/search/shard-ve.json"]


def test_without_javascript_the_page_explains_itself(browser, demo_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_url}/recherche/?q=velo")
    notice = page.locator("noscript").inner_text()
    assert "a besoin de JavaScript" in notice
    assert 'href="/acteurs/"' in page.content() and 'href="/agenda/"' in page.content()
    context.close()


def test_the_python_index_answers_as_a_lunr_js_index_of_the_same_documents(page, demo_url):
    """lunr.js builds its own index from the same documents, with the same pipeline and boosts;
    every query gives the same documents with the same scores as the shards built in Python."""
    territory = load_territory(REPO)
    directory, _ = read_directory(REPO, territory, git_dates=False)
    now = datetime.fromisoformat(DEMO_NOW).replace(tzinfo=territory.tz)
    extra = calendar_events(REPO, directory, territory.tz, now.date())
    directory = directory.with_events(extra)  # as the build does: the actors' calendars too
    found, _ = documents(
        directory.records,
        Urls("", territory.urls).record_path,
        directory.themes,
        now,
        timedelta(days=365),
        offers_needs=[i for i in open_offers_needs(directory, now.date()) if i.field == "offers_needs"],
        categories=territory.offer_need_categories,
    )
    docs = [{"id": str(n), **dict(zip(FIELDS, field_texts(d), strict=True))} for n, d in enumerate(found)]
    page.goto(f"{demo_url}/recherche/")
    queries = [
        "velo",
        "vélos",
        "économie sociale",
        "numériq",
        "ressourcrie",
        "l'insertion",
        "coopératives",
        "logiciels libres",
        "2026",
        "debrouillrds",
        "accompagnement des associations",
        "zzz",
    ]
    compared = page.evaluate(
        """([docs, fields, boosts, queries]) => essaimSearch.ensureLunr().then(() => {
          const index = lunr(function () {
            this.pipeline.reset();
            this.pipeline.add(...["trimmer-essaim", "stopWordFilter-fr", "accentFold-fr", "stemmer-fr"]
              .map(label => lunr.Pipeline.registeredFunctions[label]));
            this.ref("id");
            fields.forEach((f, i) => this.field(f, {boost: boosts[i]}));
            docs.forEach(d => this.add(d));
          });
          const whole = new essaimSearch.WholeIndex(index);
          const fromJs = q => essaimSearch.match(essaimSearch.queryWords(q), () => whole)
            .map(m => [m.doc, m.score]);
          return Promise.all(queries.map(q => essaimSearch.find(q).then(found =>
            [q, found.map(m => [m.doc, m.score]), fromJs(q)])));
        })""",
        [docs, list(FIELDS), list(BOOSTS), queries],
    )
    for query, python_built, js_built in compared:
        assert python_built == js_built, query
    assert sum(1 for _, python_built, _ in compared if python_built) >= len(queries) - 1
    assert page.console_errors == []


def test_offers_and_needs_are_found_with_their_type_and_category(page, demo_url):
    titles = search(page, f"{demo_url}/recherche/?q=local+atelier&type=offer_need&category=locaux")
    assert sorted(titles) == ["Local d'atelier à partager le week-end", "Un local pour l'atelier vélo"]
    meta = page.locator("#search-results .search-result-meta").first.inner_text()
    assert meta.startswith("Offre ou besoin · ") and "· Locaux" in meta
    options = page.locator("#facet-category option").all_inner_texts()
    assert "Locaux (2)" in options
    assert page.console_errors == []


def test_the_english_site_finds_a_record_by_its_translation_and_by_its_french_text(page, languages_url):
    """PiNG's English description says « soldering », its French one « fabrication »: the
    English site's search finds it by either; the Spanish site, which has no Spanish text for
    it, by its French one only. The result shows the page's language's summary."""
    assert "PiNG" in search(page, languages_url + "/en/search/?q=soldering")
    first = page.locator("#search-results li", has_text="PiNG").first
    assert "A popular education association" in first.inner_text()
    assert page.locator("#search-status").inner_text() == "1 result for “soldering”"  # the catalogue's
    assert first.locator(".search-result-meta").inner_text().startswith("Organisation")
    assert "PiNG" in search(page, languages_url + "/en/search/?q=fabrication")
    assert "PiNG" in search(page, languages_url + "/es/buscar/?q=fabrication")
    assert "PiNG" not in search(page, languages_url + "/es/buscar/?q=soldering")
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("path", "library"),
    [("/en/search/", None), ("/es/buscar/", "lunr.es.min.js"), ("/recherche/", "lunr.fr.min.js")],
)
def test_each_language_searches_with_its_own_pipeline(page, languages_url, path, library):
    """Each site loads its language's lunr-languages script (English is lunr's own) and analyses
    words with its stemmer and stop words: English « repairing » meets « repair », Spanish
    « reparación » without its accent; French text is found without accents on every site."""
    loaded = []
    page.on("request", lambda request: loaded.append(request.url.rsplit("/", 1)[-1]))
    assert "Enercoop Pays de la Loire" in search(page, languages_url + path + "?q=electricite+cooperative")
    scripts = [name for name in loaded if name.startswith("lunr.") and name != "lunr.min.js"]
    assert scripts == ["lunr.stemmer.support.min.js", *([library] if library else [])]
    language = {"/en/search/": "en", "/es/buscar/": "es"}.get(path, "fr")
    words = ["repairing", "repair", "the", "reparacion", "reparación", "los", "réparations", "les"]
    analysed = page.evaluate("words => words.map(w => essaimSearch.queryWords(w).map(a => a.term))", words)
    analysis = pipeline(language)
    expected = [list(analysis.index_terms(w)[:1]) for w in words]
    stop = {"en": "the", "es": "los", "fr": "les"}[language]
    assert analysed[words.index(stop)] == []
    if language == "en":
        assert analysed[0] == analysed[1]
    if language == "es":
        assert set(analysis.index_terms("reparacion")) <= set(analysis.index_terms("reparación"))
    assert analysed == expected
    assert page.console_errors == []
