"""`essaim geocode` against a local HTTP server that answers in the Base Adresse Nationale format."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse

import pytest
from click.testing import CliRunner

from conftest import write
from essaim.cli import main
from essaim.records.read import read_directory
from essaim.records.territory import load_territory

# Answers that no file may receive (json.dumps writes NaN and Infinity, as a broken server would).
ODD_COORDINATES = {
    "rue infinie 44200 Nantes": [float("nan"), float("inf")],
    "rue lointaine 44200 Nantes": [-1.5, 147.2],
    "rue booléenne 44200 Nantes": [True, 47.2],
    "rue du méridien 44200 Nantes": [0.00005, 47.2],
}
ODD_SCORES = {"rue sans score 44200 Nantes": float("nan")}
ODD_FEATURES = {"rue sans propriétés 44200 Nantes": {"geometry": {"coordinates": [1, 2]}, "properties": []}}


class BAN(http.server.BaseHTTPRequestHandler):
    """Answers /search/ like api-adresse.data.gouv.fr, misbehaving on purpose for some queries."""

    def log_message(self, *args) -> None:  # noqa: D102
        pass

    def do_GET(self) -> None:  # noqa: N802
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        text = query.get("q", [""])[0]
        if "lente" in text:
            time.sleep(1.5)
        if "panne" in text:
            self.send_response(500)
            self.end_headers()
            return
        if "invalide" in text:
            body = b"<html>pas du json</html>"
        else:
            features = (
                []
                if "nulle part" in text
                else [
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "Point",
                            "coordinates": ODD_COORDINATES.get(text, [-1.5646, 47.2016]),
                        },
                        "properties": {
                            "label": text,
                            "score": ODD_SCORES.get(text, 0.2 if "incertaine" in text else 0.93),
                            "citycode": "44109",
                            "postcode": query.get("postcode", [""])[0],
                        },
                    }
                ]
            )
            if text in ODD_FEATURES:
                features = [ODD_FEATURES[text]]
            body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def ban():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BAN)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


ACTOR = """\
---
# Fiche relue le 3 mars
name: La Ruche
legal_form: association
summary: Une association de test.
themes: [numerique]
address:
  street: {street}
  postcode: "44200"   # code postal de l'île de Nantes
  city: Nantes
---
Présentation.
"""


def run(root, endpoint, *args):
    return CliRunner().invoke(
        main, ["--root", str(root), "geocode", "--endpoint", endpoint, "--timeout", "0.5", *args]
    )


def test_fills_geo_and_changes_nothing_else(territory, ban):
    path = write(territory, "actors/la-ruche.md", ACTOR.format(street="8 rue Saint-Domingue"))
    before = path.read_text(encoding="utf-8")
    result = run(territory, ban)
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    lines = after.split("\n")
    assert lines.pop(10) == "geo: {lat: 47.2016, lon: -1.5646}"
    assert "\n".join(lines) == before  # comments, order and spacing kept
    directory, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert problems == [] and directory.actors[0].geo == {"lat": 47.2016, "lon": -1.5646}


def test_event_geo_goes_inside_its_location(territory, ban):
    path = write(
        territory,
        "events/atelier.md",
        "---\ntitle: Atelier\nstart: 2026-12-01 18:00\n"
        "themes: [culture]\nlocation:\n  name: Le Solilab\n  city: Nantes\nfree: true\n---\n",
    )
    assert run(territory, ban).exit_code == 0
    assert (
        "location:\n  name: Le Solilab\n  city: Nantes\n  geo: {lat: 47.2016, lon: -1.5646}\nfree: true"
        in (path.read_text(encoding="utf-8"))
    )
    _, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert problems == []


@pytest.mark.parametrize(
    ("street", "reason"),
    [
        ("rue lente", "délai dépassé"),
        ("rue en panne", "500"),
        ("rue invalide", "réponse qui n'est pas du JSON"),
        ("rue de nulle part", "adresse introuvable"),
        ("adresse incertaine", "résultat trop incertain (score 0.20)"),
    ],
)
def test_failures_leave_the_file_unchanged(territory, ban, street, reason):
    path = write(territory, "actors/la-ruche.md", ACTOR.format(street=street))
    before = path.read_bytes()
    result = run(territory, ban)
    assert result.exit_code == 1
    assert "actors/la-ruche.md: failed: " in result.output and reason in result.output
    assert path.read_bytes() == before


def test_dry_run_and_records_with_coordinates_are_left_alone(territory, ban):
    path = write(territory, "actors/la-ruche.md", ACTOR.format(street="8 rue Saint-Domingue"))
    before = path.read_bytes()
    result = run(territory, ban, "--dry-run")
    assert result.exit_code == 0 and "filled: lat 47.20160" in result.output
    assert path.read_bytes() == before
    run(territory, ban)
    filled = path.read_bytes()
    assert run(territory, ban).exit_code == 0
    assert path.read_bytes() == filled  # already has geo: skipped


EVENT = "---\ntitle: Atelier\nstart: 2026-12-01 18:00\nthemes: [culture]\n{location}free: true\n---\nTexte.\n"
GEO = "{lat: 47.2016, lon: -1.5646}"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (  # a `{…}` on one line
            "location: {name: Le Solilab, city: Nantes}  # lieu\n",
            f"location: {{name: Le Solilab, city: Nantes, geo: {GEO}}}  # lieu\n",
        ),
        (  # a `{…}` over two lines, with a trailing comma
            "location: {name: Le Solilab,\n  city: Nantes, }\n",
            f"location: {{name: Le Solilab,\n  city: Nantes, geo: {GEO}}}\n",
        ),
        (  # a comment after `location:`
            "location:  # le lieu\n    name: Le Solilab\n    city: Nantes\n\n",
            f"location:  # le lieu\n    name: Le Solilab\n    city: Nantes\n    geo: {GEO}\n\n",
        ),
        (  # an empty `geo:` inside it is completed, its comment kept
            "location:\n  city: Nantes\n  geo:   # à compléter\n  name: Le Solilab\n",
            f"location:\n  city: Nantes\n  geo: {GEO}   # à compléter\n  name: Le Solilab\n",
        ),
    ],
)
def test_event_locations_written_in_any_form_get_their_geo(territory, ban, location, expected):
    path = write(territory, "events/atelier.md", EVENT.format(location=location))
    result = run(territory, ban)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == EVENT.format(location=expected)
    _, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert problems == []


@pytest.mark.parametrize("empty", ["geo:", "geo: ~", "geo: {}", "geo:  # plus tard"])
def test_an_empty_geo_line_is_completed_not_written_twice(territory, ban, empty):
    text = ACTOR.format(street="8 rue Saint-Domingue").replace("address:", f"{empty}\naddress:")
    path = write(territory, "actors/la-ruche.md", text)
    result = run(territory, ban)
    assert result.exit_code == 0, result.output
    comment = "  # plus tard" if "#" in empty else ""
    assert path.read_text(encoding="utf-8") == text.replace(empty, f"geo: {GEO}{comment}")
    directory, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert problems == [] and directory.actors[0].geo == {"lat": 47.2016, "lon": -1.5646}


def test_a_place_that_cannot_be_edited_safely_is_left_alone(territory, ban):
    path = write(territory, "events/atelier.md", EVENT.format(location="location: {city: Nantes, geo: }\n"))
    before = path.read_bytes()
    result = run(territory, ban)
    assert result.exit_code == 1
    assert (
        "events/atelier.md: failed: impossible d'ajouter les coordonnées sans toucher au reste du fichier : "
        f"ajoutez vous-même la ligne « geo: {GEO} » dans « location: »"
    ) in result.output
    assert path.read_bytes() == before


def test_an_event_whose_location_is_a_text_is_skipped(territory, ban):
    path = write(territory, "events/atelier.md", EVENT.format(location="location: Salle des fêtes\n"))
    before = path.read_bytes()
    result = run(territory, ban)
    assert result.exit_code == 0 and "0 fiche(s) complétée(s), 0 échec(s)." in result.output, result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("street", "reason"),
    [
        ("rue infinie", "réponse invalide : lat inf, lon nan"),
        ("rue sans score", "réponse invalide : lat 47.2016, lon -1.5646, score nan"),
        ("rue lointaine", "réponse invalide : lat 147.2, lon -1.5"),
        ("rue booléenne", "réponse invalide : coordonnées 47.2, True"),
        ("rue sans propriétés", "réponse inattendue (pas de coordonnées)"),
    ],
)
def test_answers_that_are_not_coordinates_are_never_written(territory, ban, street, reason):
    path = write(territory, "actors/la-ruche.md", ACTOR.format(street=street))
    before = path.read_bytes()
    result = run(territory, ban)
    assert result.exit_code == 1 and f"failed: géocodage impossible ({reason}" in result.output, result.output
    assert path.read_bytes() == before


def test_coordinates_near_the_meridian_are_written_as_numbers(territory, ban):
    path = write(territory, "actors/la-ruche.md", ACTOR.format(street="rue du méridien"))
    assert run(territory, ban).exit_code == 0
    assert "geo: {lat: 47.2, lon: 0.00005}\n" in path.read_text(encoding="utf-8")  # not 5e-05: text in YAML
    directory, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert problems == [] and directory.actors[0].geo == {"lat": 47.2, "lon": 0.00005}


def test_line_endings_and_byte_order_mark_are_kept(territory, ban):
    text = ACTOR.format(street="8 rue Saint-Domingue")
    path = territory / "actors/la-ruche.md"
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert run(territory, ban).exit_code == 0
    expected = text.replace("---\nPrésentation", f"geo: {GEO}\n---\nPrésentation").replace("\n", "\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode()
