"""Opening hours in OpenStreetMap's syntax: free text is a warning with a suggested OSM form (old
files stay valid), OSM hours become a French weekly table with public holidays, schema.org
`openingHoursSpecification` and data·inclusion's `horaires_accueil`, and « Ouvert maintenant »
in the browser agrees with the Python parser."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import extruct
import opening_hours
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from conftest import actor_text, build, write
from essaim.cli import main
from essaim.records.hours import parse_error, regular_week, suggest_osm

WEEK = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off"
SUMMER = "Tu-Sa 10:00-18:00; Aug off; PH 10:00-12:00"  # open on a Wednesday afternoon, except in August


def run(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), *args], env={})


@pytest.mark.parametrize(
    ("text", "osm"),
    [
        (
            "du lundi au vendredi de 9h à 12h et de 14h à 18h, fermé les jours fériés",
            "Mo-Fr 09:00-12:00,14:00-18:00; PH off",
        ),
        ("Lundi, mardi et jeudi : 9h30-12h30", "Mo,Tu,Th 09:30-12:30"),
        ("Du mardi au samedi, 10h - 13h / 14h30 - 19h", "Tu-Sa 10:00-13:00,14:30-19:00"),
        ("lundi 9h-12h et mardi 14h-17h", "Mo 09:00-12:00; Tu 14:00-17:00"),
        ("Ouvert tous les jours de 10h à 19h", "Mo-Su 10:00-19:00"),
        ("de 9h à midi du lundi au samedi", "Mo-Sa 09:00-12:00"),
        ("sur rendez-vous", None),  # nothing to guess: no suggestion rather than a wrong one
        ("9h-18h", None),
        ("lundi 12h-9h", None),
        ("lundi 25h-26h", None),
        ("le lundi, sauf en été, 9h-12h", None),
    ],
)
def test_free_text_suggestions_are_valid_osm_or_nothing(text, osm):
    assert suggest_osm(text) == osm
    assert osm is None or parse_error(osm) is None


def test_free_text_is_a_warning_at_its_line_and_the_suggestion_is_given(territory):
    write(territory, "actors/libre.md", actor_text(opening_hours='"du lundi au vendredi de 9h à 17h"'))
    write(territory, "actors/osm.md", actor_text("La Bonne", opening_hours=f'"{WEEK}"'))
    write(territory, "actors/faux.md", actor_text("La Fausse", opening_hours='"Mo-Fr 09:00-12:00 ;; Sa"'))
    result = run(territory, "validate")
    assert result.exit_code == 0, result.output  # warnings: old files stay valid
    lines = [line for line in result.output.splitlines() if "horaires" in line]
    assert len(lines) == 2, result.output
    free = next(line for line in lines if line.startswith("actors/libre.md:9:1: warning:"))
    assert "écrivez « Mo-Fr 09:00-17:00 » si c'est bien cela" in free
    broken = next(line for line in lines if line.startswith("actors/faux.md:9:1: warning:"))
    assert "lisible jusqu'au caractère" in broken and "Mo-Fr 09:00-12:00,14:00-18:00; PH off" in broken
    github = run(territory, "validate", "--format", "github").output
    assert "::warning file=actors/libre.md,line=9,col=1::les horaires ne sont pas" in github


def test_the_week_is_the_same_whatever_the_build_date_and_says_when_it_varies():
    week = regular_week(WEEK, "FR")
    assert [len(day) for day in week.days] == [2, 2, 2, 2, 2, 1, 0]
    assert week.holidays == () and not week.varies
    summer = regular_week("Mo-Fr 09:00-18:00; Aug off", "FR")
    assert summer.varies and [len(day) for day in summer.days] == [1, 1, 1, 1, 1, 0, 0]
    assert regular_week("Mo-Fr 09:00-18:00", "FR").holidays is None  # PH not said: not shown
    assert regular_week("lundi 9h", "FR") is None


@pytest.fixture(scope="module")
def hours_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hours")
    write(root, "territory.yml", "name: Testville\npitch: L'ESS.\nbase_url: https://t.example.org\n")
    write(
        root,
        "actors/la-ruche.md",
        actor_text(opening_hours=f'"{WEEK}"', geo="{lat: 47.2, lon: -1.55}"),
    )
    write(root, "actors/ete.md", actor_text("L'Été", opening_hours=f'"{SUMMER}"'))
    write(root, "actors/libre.md", actor_text("La Libre", opening_hours='"le mardi, sur rendez-vous"'))
    write(
        root,
        "actors/toujours.md",
        actor_text("Toujours", opening_hours='"24/7"', geo="{lat: 47.21, lon: -1.56}"),
    )
    closed = """'off "fermé pour travaux"'"""
    write(
        root, "actors/travaux.md", actor_text("Travaux", opening_hours=closed, geo="{lat: 47.22, lon: -1.57}")
    )
    return build(root)


def open_now_expected() -> set[str]:
    """The places of hours_site that the Python parser says are open now."""
    now = datetime.now(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    open_now = {"Toujours"}
    for name, hours in (("La Ruche", WEEK), ("L'Été", SUMMER)):
        if opening_hours.OpeningHours(hours, country="FR").is_open(now):
            open_now.add(name)
    return open_now


def rows(page: str) -> list[tuple[str, str]]:
    tree = lxml_html.fromstring(page)
    return [
        (tr.findtext("th"), tr.find("td").text_content()) for tr in tree.xpath("//table[@class='hours']//tr")
    ]


def test_actor_page_shows_a_french_weekly_table_with_public_holidays(hours_site):
    page = (hours_site / "acteurs/la-ruche/index.html").read_text(encoding="utf-8")
    assert rows(page) == [
        ("Lundi", "9 h – 12 h et 14 h – 18 h"),
        ("Mardi", "9 h – 12 h et 14 h – 18 h"),
        ("Mercredi", "9 h – 12 h et 14 h – 18 h"),
        ("Jeudi", "9 h – 12 h et 14 h – 18 h"),
        ("Vendredi", "9 h – 12 h et 14 h – 18 h"),
        ("Samedi", "10 h – 12 h"),
        ("Dimanche", "fermé"),
        ("Jours fériés", "fermé"),
    ]
    summer = (hours_site / "acteurs/ete/index.html").read_text(encoding="utf-8")
    assert rows(summer)[0] == ("Lundi", "fermé") and rows(summer)[-1] == ("Jours fériés", "10 h – 12 h")
    assert "ces horaires changent selon la période" in summer and "Aug off" in summer
    free = (hours_site / "acteurs/libre/index.html").read_text(encoding="utf-8")
    assert rows(free) == [] and "le mardi, sur rendez-vous" in free and "data-opening-hours" not in free


def test_structured_data_and_data_inclusion_carry_osm_hours_only(hours_site):
    page = (hours_site / "acteurs/la-ruche/index.html").read_text(encoding="utf-8")
    [data] = extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
    spec = {
        (s["opens"], s["closes"]): [d.rsplit("/", 1)[1] for d in s["dayOfWeek"]]
        for s in data["openingHoursSpecification"]
    }
    weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    assert spec == {
        ("09:00", "12:00"): weekdays,
        ("14:00", "18:00"): weekdays,
        ("10:00", "12:00"): ["Saturday"],
    }
    for slug in ("ete", "libre"):  # seasonal hours and free text: no specification that lies
        other = (hours_site / f"acteurs/{slug}/index.html").read_text(encoding="utf-8")
        assert "openingHoursSpecification" not in extruct.extract(other, syntaxes=["json-ld"])["json-ld"][0]
    from data_inclusion.schema.v1 import Structure

    structures = json.loads((hours_site / "data/data-inclusion/structures.json").read_text(encoding="utf-8"))
    by_name = {s["nom"]: s for s in structures}
    for structure in structures:
        Structure.model_validate(structure)
    assert by_name["La Ruche"]["horaires_accueil"] == WEEK
    assert "horaires_accueil" not in by_name["La Libre"]


def test_open_now_in_the_browser_agrees_with_the_python_parser(hours_site, page):
    from conftest import serve

    server, url = serve(hours_site)
    try:
        for _attempt in range(2):  # a change of state between the two readings: read again
            page.goto(url + "/acteurs/la-ruche/")
            line = page.locator(".hours-now")
            line.wait_for(state="visible", timeout=10000)
            text = line.inner_text()
            now = datetime.now(ZoneInfo("Europe/Paris"))
            expected = opening_hours.OpeningHours(WEEK, country="FR").is_open(now.replace(tzinfo=None))
            if text.startswith("Ouvert maintenant" if expected else "Fermé maintenant"):
                break
        else:
            pytest.fail(f"the page says {text!r} at {now:%A %H:%M}, Python says open={expected}")
        assert " · " in text  # and when it changes
    finally:
        server.shutdown()


def test_search_and_map_filter_the_places_open_now(hours_site, page):
    from conftest import serve

    server, url = serve(hours_site)
    try:
        for _attempt in range(2):  # the state may change between the two readings
            expected = open_now_expected()
            expected_on_map = expected - {"L'Été"}  # the only one of them without coordinates
            page.goto(url + "/recherche/?open=now")
            page.wait_for_function("document.documentElement.hasAttribute('data-search-shown')")
            names = set(page.locator("#search-results h2").all_inner_texts())
            options = page.locator("#facet-open option").all_inner_texts()
            page.goto(url + "/carte/?vue=carte")
            page.wait_for_function("document.getElementById('carte').dataset.ready === 'true'")
            page.select_option("#filtres-carte [name=open]", "now")
            page.wait_for_function(
                "n => document.querySelectorAll('#lieux-visibles li').length === n", arg=len(expected_on_map)
            )
            on_map = set(page.locator("#lieux-visibles li > a").all_inner_texts())
            if names == expected == open_now_expected() and on_map == expected_on_map:
                break
        assert names == expected and on_map == expected_on_map
        assert f"Ouvert maintenant ({len(expected)})" in options
        assert "open=now" in page.url
        page.locator("#lieux-visibles li", has_text="Toujours").get_by_role("button").click()
        assert page.locator(".leaflet-popup .hours-now").inner_text() == "Ouvert maintenant"
        assert page.console_errors == []
    finally:
        server.shutdown()


def test_a_value_the_browser_library_loops_on_is_refused_and_a_stuck_worker_is_stopped(
    hours_site, page, territory
):
    from conftest import serve

    # `20262026 Dec 25` passes the Python parser, but the npm library never returns from it
    assert parse_error("20262026 Dec 25") == 1 and regular_week("20262026 Dec 25") is None
    write(territory, "actors/boucle.md", actor_text(opening_hours='"20262026 Dec 25"'))
    result = run(territory, "validate")
    assert result.exit_code == 0 and "les horaires ne sont pas dans la syntaxe" in result.output
    server, url = serve(hours_site)
    try:
        page.goto(url + "/acteurs/la-ruche/")
        page.locator(".hours-now").wait_for(state="visible", timeout=10000)
        # the same worker, asked about it anyway: the page gives up after its timeout, no hang
        answers = page.evaluate(
            """async () => {
                 const line = document.querySelector("[data-opening-hours]");
                 const config = JSON.parse(line.getAttribute("data-hours-config"));
                 const client = await import(config.worker.replace("worker.js", "client.js"));
                 const stuck = await client.hoursNow(config, ["20262026 Dec 25"]);
                 const after = await client.hoursNow(config, ["24/7"]);
                 return [stuck, after];
               }"""
        )
        assert answers == [[None], [None]]  # stopped: it says nothing of "now" rather than hang
    finally:
        server.shutdown()


def test_public_holidays_are_the_countrys_own(tmp_path):
    from essaim.wording import hours_rows

    for country in ("FR", "CH", "DE"):  # 1 May is not a holiday everywhere
        assert hours_rows("Mo-Fr 09:00-18:00; PH off", country)["rows"][-1] == ("Jours fériés", "fermé"), (
            country
        )
