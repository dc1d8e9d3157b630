"""Published files never attack their readers: spreadsheets (CSV), feed readers (Atom), the map."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

from conftest import actor_text, build, serve, write
from essaim.opendata.exports import to_csv
from essaim.records.territory import read_territory

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_SUMMARY = "<img src=x onerror=alert(1)> <b>gras</b> & cie"


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe():
    rows = list(
        csv.reader(
            to_csv(
                "actor",
                [
                    {
                        "slug": "piege",
                        "name": '=HYPERLINK("https://evil.example","clic")',
                        "summary": "+1+cmd|' /C calc'!A0",
                        "legal_form": "-2+3",
                        "email": "@SUM(1+1)",
                        "purpose": "\tcachée",
                        "skills_offered": ["=1+1", "soudure"],
                        "phone": "+33 2 40 00 00 00",
                        "geo": {"lat": 47.2, "lon": -1.55},
                        "founded": 1901,
                        "themes": ["numerique"],
                    }
                ],
            ).splitlines()
        )
    )
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == '\'=HYPERLINK("https://evil.example","clic")'
    assert row["summary"] == "'+1+cmd|' /C calc'!A0"
    assert row["legal_form"] == "'-2+3" and row["email"] == "'@SUM(1+1)" and row["purpose"] == "'\tcachée"
    assert row["skills_offered"] == "'=1+1|soudure"
    assert row["phone"] == "'+33 2 40 00 00 00"  # a spreadsheet would compute "+33 2 40..." too
    assert (row["lat"], row["lon"], row["founded"]) == ("47.2", "-1.55", "1901")  # numbers stay numbers
    assert row["themes"] == "numerique" and row["slug"] == "piege"


def test_the_published_csv_is_neutralised_and_the_json_keeps_the_exact_text(territory, tmp_path_factory):
    write(territory, "actors/piege.md", actor_text(name='"=1+1"', summary='"@SUM(A1:A9)"'))
    output = build(territory, tmp_path_factory.mktemp("out"))
    with (output / "data/actors.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["name"], row["summary"]) == ("'=1+1", "'@SUM(A1:A9)")
    (record,) = json.loads((output / "data/actors.json").read_text(encoding="utf-8"))["records"]
    assert (record["name"], record["summary"]) == ("=1+1", "@SUM(A1:A9)")


def test_atom_summaries_are_plain_text(territory, tmp_path_factory):
    write(territory, "actors/piege.md", actor_text(summary=json.dumps(HOSTILE_SUMMARY)))
    output = build(territory, tmp_path_factory.mktemp("out"))
    data = (output / "feeds/acteurs.atom.xml").read_bytes()
    (summary,) = ET.fromstring(data).iter(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == HOSTILE_SUMMARY
    (entry,) = feedparser.parse(data).entries
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary == HOSTILE_SUMMARY  # shown as written, never interpreted


def test_an_attribution_url_that_could_leave_its_attribute_is_refused(territory):
    write(
        territory,
        "territory.yml",
        "name: T\npitch: T\nbase_url: https://t.example.org\nmap:\n"
        '  attribution_url: https://osm.example/"onmouseover="alert(1)\n',
    )
    _, problems = read_territory(territory)
    assert [p.format() for p in problems] == [
        "territory.yml:5:3: error: « map.attribution_url » doit être une adresse web commençant par "
        "https:// (ou http://), sans espace, guillemet ni chevron "
        '(reçu : « https://osm.example/"onmouseover="alert(1) »)'
    ]


HOSTILE_URL = 'https://osm.example/" onmouseover="window.hacked=1" data-x="'


@pytest.mark.browser
@pytest.mark.parametrize(
    ("page_path", "ready"), [("carte/index.html", "#carte"), ("acteurs/ici/index.html", ".mini-map")]
)
def test_map_attribution_cannot_add_markup(page, territory, tmp_path_factory, page_path, ready):
    """Whatever the attribution text and address that reach the page (an attribute escaped by
    Jinja), map.js shows a link to that address with that text, and nothing else."""
    write(territory, "actors/ici.md", actor_text(geo="\n  lat: 47.2\n  lon: -1.55"))
    output = build(territory, tmp_path_factory.mktemp("out"))
    target = output / page_path
    html = target.read_text(encoding="utf-8")
    escaped_url = HOSTILE_URL.replace('"', "&quot;")
    html = html.replace(
        'data-attribution-url="https://www.openstreetmap.org/copyright"',
        f'data-attribution-url="{escaped_url}"',
    ).replace('data-attribution="', 'data-attribution="&lt;b&gt;OSM&lt;/b&gt; ', 1)
    assert escaped_url in html
    target.write_text(html, encoding="utf-8")
    server, url = serve(output)
    try:
        page.goto(f"{url}/{page_path.removesuffix('index.html')}?vue=carte")  # the map asked for
        page.wait_for_selector(f"{ready}[data-ready=true]")
        link = page.locator(".leaflet-control-attribution a:not([href*='leafletjs'])")
        assert link.count() == 1
        assert link.get_attribute("href") == HOSTILE_URL
        assert link.get_attribute("onmouseover") is None and link.get_attribute("data-x") is None
        assert link.inner_text().startswith("<b>OSM</b> ")
        link.hover()
        assert page.evaluate("window.hacked") is None
    finally:
        server.shutdown()
