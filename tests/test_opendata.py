"""Open data files, each read by a real reader: jsonschema, frictionless, geojson, the
data·inclusion models, extruct and pyld, csv, an XML parser."""

from __future__ import annotations

import csv
import json
import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import geojson
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from conftest import REPO, actor_text, build, expand_json_ld, json_ld, write
from essaim.opendata.exports import CSV_COLUMNS
from essaim.records.read import record_files

BASE = "https://essaim-nantes.example.org"


def published_validator(output: Path, kind: str) -> Draft202012Validator:
    """A validator built from the schemas as the site publishes them (not from the package)."""
    schemas = {p.name: json.loads(p.read_text()) for p in (output / "schemas").glob("*.json")}
    registry = Registry().with_resources((n, Resource.from_contents(s)) for n, s in schemas.items())
    return Draft202012Validator(schemas[f"{kind}.json"], registry=registry)


def archived_files(kind: str) -> list:
    """The demo's record files of `kind` marked `archived: true`."""
    return [
        f for k, f in record_files(REPO) if k == kind and "\narchived: true" in f.read_text(encoding="utf-8")
    ]


def listed_files(kind: str) -> list:
    """The demo's record files of `kind` that lists and open data show (not archived)."""
    archived = archived_files(kind)
    return [f for k, f in record_files(REPO) if k == kind and f not in archived]


@pytest.mark.parametrize("kind", ["actor", "initiative", "event"])
def test_json_exports_are_valid_against_the_published_schemas(demo_output, kind):
    plural = {"actor": "actors", "initiative": "initiatives", "event": "events"}[kind]
    data = json.loads((demo_output / f"data/{plural}.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.6.0"
    assert data["territory"] == {"name": "Essaim Nantes", "url": BASE}
    assert data["licence"]["id"] == "etalab-2.0"
    slugs = [f.stem for f in listed_files(kind)]
    if kind == "event":  # and the events of the actors' calendars (calendars/)
        for snapshot in (REPO / "calendars").glob("*.json"):
            slugs += [e["slug"] for e in json.loads(snapshot.read_text(encoding="utf-8"))["events"]]
    assert sorted(r["slug"] for r in data["records"]) == sorted(slugs)
    validator = published_validator(demo_output, kind)
    for record in data["records"]:
        assert list(validator.iter_errors(record)) == [], record["slug"]
        section = {"actor": "acteurs", "initiative": "initiatives", "event": "agenda"}[kind]
        assert record["url"] == f"{BASE}/{section}/{record['slug']}/"


def test_csv_round_trip(demo_output):
    exported = json.loads((demo_output / "data/actors.json").read_text(encoding="utf-8"))["records"]
    with (demo_output / "data/actors.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [column for column, _ in CSV_COLUMNS["actor"]]
    assert len(rows) == len(exported)
    for row, record in zip(rows, exported, strict=True):
        assert row["slug"] == record["slug"] and row["name"] == record["name"]
        assert row["themes"].split("|") == record["themes"]
        assert row["city"] == record["address"]["city"]
        if "geo" in record:
            assert (float(row["lat"]), float(row["lon"])) == (record["geo"]["lat"], record["geo"]["lon"])


def test_frictionless_validates_the_data_package(demo_output):
    from frictionless import validate

    report = validate(str(demo_output / "data/datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])[:10]
    package = json.loads((demo_output / "data/datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert {r["path"] for r in package["resources"]} >= {"actors.csv", "actors.json", "events.csv"}


def test_geojson_is_valid_and_in_lon_lat_order(demo_output):
    collection = geojson.loads((demo_output / "data/actors.geojson").read_text(encoding="utf-8"))
    assert collection.is_valid, collection.errors()
    by_slug = {feature["properties"]["slug"]: feature for feature in collection["features"]}
    assert by_slug["libertic"]["id"] == "actor:libertic"  # one rule with the map's GeoJSON
    assert by_slug["libertic"]["geometry"]["coordinates"] == [-1.553, 47.218]
    assert by_slug["libertic"]["properties"]["url"] == f"{BASE}/acteurs/libertic/"


def test_data_inclusion_structures_are_accepted_by_its_models(demo_output):
    from data_inclusion.schema.v1 import Structure

    structures = json.loads((demo_output / "data/data-inclusion/structures.json").read_text())
    assert len(structures) == len(listed_files("actor"))
    for structure in structures:
        Structure.model_validate(structure)
    ecossolies = next(s for s in structures if s["id"] == "essaim-nantes--ecossolies")
    assert ecossolies["adresse"] == "8 rue Saint-Domingue" and ecossolies["code_postal"] == "44200"


def test_records_data_inclusion_refuses_are_logged_not_dropped_silently(territory, tmp_path_factory, caplog):
    write(territory, "actors/ab.md", actor_text("AB"))  # data·inclusion wants 3 characters or more
    write(territory, "actors/ok.md", actor_text("Assez long"))
    with caplog.at_level(logging.WARNING, logger="essaim"):
        output = build(territory, tmp_path_factory.mktemp("out"))
    structures = json.loads((output / "data/data-inclusion/structures.json").read_text())
    assert [s["nom"] for s in structures] == ["Assez long"]
    assert any(
        "data·inclusion: actors/ab.md n'est pas exporté : nom" in r.getMessage() for r in caplog.records
    )


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("acteurs/libertic/index.html", "https://schema.org/NGO"),
        ("acteurs/titi-floris/index.html", "https://schema.org/Organization"),
        ("initiatives/le-solilab/index.html", "https://schema.org/Project"),
        ("agenda/rencontre-echange-competences/index.html", "https://schema.org/Event"),
        ("index.html", "https://schema.org/WebSite"),
    ],
)
def test_pages_carry_json_ld(demo_output, path, kind):
    items = json_ld(demo_output / path)
    assert len(items) == 1
    expanded = expand_json_ld(items[0])
    assert expanded[0]["@type"] == [kind]


def test_event_json_ld_has_location_organizer_mode_and_offer(demo_output):
    event = expand_json_ld(json_ld(demo_output / "agenda/rencontre-echange-competences/index.html")[0])[0]
    schema = "https://schema.org/"
    assert event[schema + "startDate"][0]["@value"] == "2026-11-26T18:30:00+01:00"
    assert event[schema + "eventAttendanceMode"][0]["@value"].endswith("OfflineEventAttendanceMode")
    assert event[schema + "location"][0][schema + "name"][0]["@value"] == "Le Solilab"
    organizers = {o["@id"] for o in event[schema + "organizer"]}
    assert organizers == {f"{BASE}/acteurs/ecossolies/", f"{BASE}/acteurs/libertic/"}
    assert event[schema + "offers"][0][schema + "price"][0]["@value"] == 0


def test_canonical_and_opengraph_on_every_page(demo_output):
    for page in demo_output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{BASE}/' in html, page
        assert '<meta property="og:title" content="' in html and 'name="twitter:card"' in html, page
    actor = (demo_output / "acteurs/libertic/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}/acteurs/libertic/">' in actor
    assert '<meta property="og:title" content="Libertic · Essaim Nantes">' in actor


def test_sitemap_lists_every_page_and_robots_points_to_it(demo_output):
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(demo_output / "sitemap.xml").getroot()
    urls = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    pages = {p.relative_to(demo_output).as_posix() for p in demo_output.rglob("index.html")}
    archived = {f"acteurs/{f.stem}/index.html" for f in archived_files("actor")}
    assert archived and archived <= pages  # an archived record keeps its page, out of the sitemap
    noindex = {  # archived records, the actors' posters (their pages say the same)
        page for page in pages if '<meta name="robots" content="noindex">' in (demo_output / page).read_text()
    }
    assert archived | {"imprimer/affiches/ping/index.html"} <= noindex
    assert {u.removeprefix(BASE + "/") + "index.html" for u in urls} == pages - noindex
    assert f"Sitemap: {BASE}/sitemap.xml" in (demo_output / "robots.txt").read_text()


def test_data_page_lists_every_file_with_size_and_licence(demo_output):
    html = (demo_output / "donnees/index.html").read_text(encoding="utf-8")
    for name in ("actors.csv", "actors.json", "actors.geojson", "datapackage.json", "structures.json"):
        assert f">{name}</a>" in html, name
    assert "Licence Ouverte" in html and " ko</td>" in html


def _without_dates(text: str) -> list[str]:
    return [line for line in text.splitlines() if '"generated_at"' not in line and '"created"' not in line]


def test_exports_are_byte_identical_across_builds_but_for_generated_at(territory, tmp_path_factory):
    write(territory, "actors/a.md", actor_text("Alpha", geo="{lat: 47.2, lon: -1.5}"))
    write(territory, "events/e.md", "---\ntitle: Atelier\nstart: 2026-12-01 10:00\nthemes: [culture]\n---\n")
    first = build(territory, tmp_path_factory.mktemp("one"), CACHE_CONTENT=False)
    second = build(
        territory, tmp_path_factory.mktemp("two"), CACHE_CONTENT=False, ESSAIM_NOW="2026-11-22T12:00:07"
    )
    files = sorted(p.relative_to(first) for p in (first / "data").rglob("*") if p.is_file())
    assert len(files) == 11
    for name in files:
        one, two = (first / name).read_text(), (second / name).read_text()
        assert _without_dates(one) == _without_dates(two), name


def test_open_data_can_be_switched_off(territory, tmp_path_factory):
    write(
        territory,
        "territory.yml",
        (territory / "territory.yml").read_text() + "features:\n  opendata: false\n",
    )
    write(territory, "actors/a.md", actor_text("Alpha"))
    output = build(territory, tmp_path_factory.mktemp("out"))
    assert not (output / "data").exists() and not (output / "sitemap.xml").exists()
    assert (output / "acteurs/a/index.html").is_file()
    assert "Données ouvertes" not in (output / "index.html").read_text(encoding="utf-8")


def test_offers_and_needs_are_exported_valid_against_their_published_schema(demo_output):
    data = json.loads((demo_output / "data/offers-needs.json").read_text(encoding="utf-8"))
    validator = published_validator(demo_output, "offers-needs")
    assert list(validator.iter_errors(data)) == []
    assert data["schema"] == f"{BASE}/schemas/offers-needs.json"
    board = (demo_output / "coups-de-main/index.html").read_text(encoding="utf-8")
    total = int(re.search(r"(\d+) offres et besoins en tout", board).group(1))
    assert len(data["records"]) == total  # what the board lists, and nothing expired
    place = next(r for r in data["records"] if r["id"] == "actor:place-au-velo:4")
    assert (place["kind"], place["category"], place["text"]) == (
        "need",
        "locaux",
        "Un local pour l'atelier vélo",
    )
    assert place["record"]["url"] == f"{BASE}/acteurs/place-au-velo/"
    with (demo_output / "data/offers-needs.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == [r["id"] for r in data["records"]]
    assert next(row for row in rows if row["id"] == place["id"])["themes"].split("|") == place["themes"]
