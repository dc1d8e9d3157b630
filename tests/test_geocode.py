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
                        "geometry": {"type": "Point", "coordinates": [-1.5646, 47.2016]},
                        "properties": {
                            "label": text,
                            "score": 0.2 if "incertaine" in text else 0.93,
                            "citycode": "44109",
                            "postcode": query.get("postcode", [""])[0],
                        },
                    }
                ]
            )
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
        ("rue lente", "timed out"),
        ("rue en panne", "500"),
        ("rue invalide", "Expecting value"),
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
