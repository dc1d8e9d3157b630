"""Federation over real HTTP: small territory sites served on 127.0.0.1, pulled, included."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import actor_text, build, serve, territory_yml, write
from essaim.cli import main
from essaim.federation.pull import peer_folder, pull_peer
from essaim.net.http import Client

SIRET = "12345678900007"
PULL = ["federation", "pull", "--allow-private"]  # the peers are served on 127.0.0.1


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    """Two neighbouring directories, built and served: Rezé and Saint-Herblain."""
    sites = {}
    for key, name, actors in (
        ("reze", "Annuaire de Rezé", [("la-ruche", "La Ruche", SIRET), ("le-fournil", "Le Fournil", None)]),
        (
            "herblain",
            "Annuaire de Saint-Herblain",
            [("<b>hostile</b>", "<img src=x onerror=alert(1)> Atelier", None)],
        ),
    ):
        root = tmp_path_factory.mktemp(key)
        output = root / "output"
        output.mkdir()
        server, url = serve(output)
        write(root, "territory.yml", territory_yml(name, url))
        for slug, actor_name, siret in actors:
            slug = "atelier" if slug.startswith("<") else slug
            extra = {"siret": f'"{siret}"'} if siret else {}
            write(
                root,
                f"actors/{slug}.md",
                actor_text(json.dumps(actor_name), geo="{lat: 47.2, lon: -1.55}", **extra),
            )
        if key == "reze":
            write(
                root,
                "events/repair-cafe.md",
                "---\ntitle: Repair café de Rezé\nstart: 2026-12-12T14:00\n"
                "themes: [economie-circulaire]\n---\n",
            )
        build(root, output)
        sites[key] = (root, url, server)
    yield sites
    for _, _, server in sites.values():
        server.shutdown()


def test_every_site_publishes_a_manifest_valid_against_its_schema(peers):
    from jsonschema import Draft202012Validator

    from essaim.records.schema import schema

    root, url, _ = peers["reze"]
    data = json.loads((root / "output/federation.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema("federation.json")).validate(data)
    assert data["territory"]["url"] == url and data["datasets"]["actors"] == f"{url}/data/actors.json"
    assert (root / "output/schemas/federation.json").is_file()


def test_pull_snapshots_each_peer_with_provenance_then_the_build_includes_them(peers, tmp_path):
    reze, herblain = peers["reze"][1], peers["herblain"][1]
    write(
        tmp_path,
        "territory.yml",
        territory_yml("Essaim Nantes", "https://nantes.example.org", [reze, herblain]),
    )
    # A local actor with La Ruche's SIRET: the local record wins, La Ruche is not listed twice.
    write(tmp_path, "actors/ruche-nantes.md", actor_text("La Ruche (Nantes)", siret=f'"{SIRET}"'))
    result = CliRunner().invoke(main, ["--root", str(tmp_path), *PULL], env={})
    assert result.exit_code == 0, result.output
    assert (
        f"{reze} : 3 ajoutée(s), 0 modifiée(s), 0 retirée(s), 0 rejetée(s)" in result.output
    )  # 2 actors, 1 event
    folder = tmp_path / "federation" / peer_folder(reze)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["peer"] == reze and provenance["datasets"]["actors"]["records"] == 2
    assert len(provenance["datasets"]["actors"]["sha256"]) == 64 and provenance["pulled_at"]
    output = build(tmp_path)
    meta = json.loads((output / "search/meta.json").read_text(encoding="utf-8"))
    facet = json.loads((output / "search/facet-territory.json").read_text(encoding="utf-8"))
    assert [name for _, name in facet["labels"]] == [
        "Essaim Nantes",
        "Annuaire de Rezé",
        "Annuaire de Saint-Herblain",
    ]
    cards = [
        c
        for n in range(0, meta["count"], meta["chunk"])
        for c in json.loads((output / f"search/docs-{n // meta['chunk']}.json").read_text(encoding="utf-8"))
    ]
    by_name = {c[0]: c for c in cards}
    assert "La Ruche" not in by_name  # deduplicated by SIRET
    assert by_name["Le Fournil"][1] == f"{reze}/acteurs/le-fournil/"
    assert by_name["Le Fournil"][5] == "Annuaire de Rezé"
    assert by_name["La Ruche (Nantes)"][5] == ""
    page = (output / "acteurs/ruche-nantes/index.html").read_text(encoding="utf-8")
    assert "Aussi présent dans l'annuaire : Annuaire de Rezé." in page
    places = json.loads((output / "carte/lieux.geojson").read_text(encoding="utf-8"))["features"]
    fournil = next(f for f in places if f["properties"]["name"] == "Le Fournil")
    assert fournil["properties"]["territory"] == "Annuaire de Rezé"
    assert not (output / "acteurs/le-fournil").exists()  # no local page: the link goes to Rezé
    theme = (output / "themes/numerique/index.html").read_text(encoding="utf-8")
    assert f'<a href="{reze}/acteurs/le-fournil/">Le Fournil</a>' in theme
    assert '<span class="badge">annuaire Annuaire de Rezé</span>' in theme
    associations = (output / "statuts/association/index.html").read_text(encoding="utf-8")
    assert f'<a href="{reze}/acteurs/le-fournil/">Le Fournil</a>' in associations
    testville = (output / "communes/testville/index.html").read_text(encoding="utf-8")  # the peers' city
    assert f'<a href="{reze}/acteurs/le-fournil/">Le Fournil</a>' in testville
    agenda = (output / "agenda/index.html").read_text(encoding="utf-8")
    assert f'<a href="{reze}/agenda/repair-cafe/">Repair café de Rezé</a>' in agenda
    assert "annuaire Annuaire de Rezé" in agenda
    assert f"{reze}/agenda/repair-cafe/" in (output / "agenda/embed/index.html").read_text(encoding="utf-8")
    check_peer_event_in_feeds(output, reze, peers["reze"][0])
    exported = json.loads((output / "data/actors.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in exported["records"]] == ["La Ruche (Nantes)"]  # only our own records
    assert exported["included_peers"] == [reze, herblain]
    manifest = json.loads((output / "federation.json").read_text(encoding="utf-8"))
    assert manifest["peers"] == [{"url": reze}, {"url": herblain}]


def check_peer_event_in_feeds(output: Path, reze: str, reze_root: Path) -> None:
    """Rezé's event in the whole agenda's and its theme's iCalendar, and in the Atom feed."""
    import feedparser
    from icalendar import Calendar

    host = reze.split("://", 1)[1]
    for path in ("agenda.ics", "themes/economie-circulaire/agenda.ics"):
        calendar = Calendar.from_ical((output / path).read_bytes())
        events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
        event = events["Repair café de Rezé"]
        assert str(event["url"]) == f"{reze}/agenda/repair-cafe/"
        assert str(event["uid"]) == f"repair-cafe@{host}"  # the UID Rezé's own calendar gives it
        assert "Annuaire : Annuaire de Rezé" in str(event["description"])
        assert event.decoded("dtstart").isoformat() == "2026-12-12T14:00:00+01:00"
    (rezes_own,) = Calendar.from_ical((reze_root / "output/agenda.ics").read_bytes()).walk("VEVENT")
    assert str(rezes_own["uid"]) == f"repair-cafe@{host}"  # one event for an app subscribed to both
    feed = feedparser.parse((output / "feeds/evenements.atom.xml").read_bytes())
    assert not feed.bozo
    entry = next(e for e in feed.entries if e.title == "Repair café de Rezé")
    assert entry.link == f"{reze}/agenda/repair-cafe/" and entry.author == "Annuaire de Rezé"
    actors = feedparser.parse((output / "feeds/acteurs.atom.xml").read_bytes())
    fournil = next(e for e in actors.entries if e.title == "Le Fournil")
    assert fournil.link == f"{reze}/acteurs/le-fournil/" and fournil.author == "Annuaire de Rezé"
    assert not (output / "acteurs/le-fournil/agenda.ics").exists()


def test_a_second_pull_asks_if_modified_and_changes_nothing(peers, tmp_path):
    reze = peers["reze"][1]
    write(tmp_path, "territory.yml", territory_yml("Essaim Nantes", "https://nantes.example.org", [reze]))
    client = Client(retries=0, allow_private=True)  # the peers are on 127.0.0.1
    peer = {"url": reze, "include": ["actors"], "themes": [], "transitive": False}
    first = pull_peer(tmp_path, peer, client)
    snapshot = tmp_path / "federation" / peer_folder(reze) / "actors.json"
    stamp = snapshot.stat().st_mtime_ns
    time.sleep(0.01)
    second = pull_peer(tmp_path, peer, client)
    assert first.added == 2 and second.unchanged and not second.error
    assert snapshot.stat().st_mtime_ns == stamp  # the snapshot (and git) untouched
    dry = pull_peer(tmp_path, {**peer, "include": ["actors", "events"]}, client, dry_run=True)
    assert not (snapshot.parent / "events.json").exists() and not dry.error


class Misbehaving(http.server.BaseHTTPRequestHandler):
    """A peer that fails in every way the pull must survive."""

    def log_message(self, *args) -> None:  # noqa: D102
        pass

    def do_GET(self) -> None:  # noqa: N802, D102
        case = self.path.split("/")[1]
        if case == "down":
            self.send_response(503)
            self.end_headers()
        elif case == "slow":
            time.sleep(1.5)
            self._send(b"{}")
        elif case == "loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.end_headers()
        elif case == "big":
            self._send(b"{" + b" " * 5000 + b"}")
        elif case == "badjson":
            self._send(b"{not json")
        elif case == "badmanifest":
            self._send(json.dumps({"protocol": "essaim-federation", "version": "1.0"}).encode())
        elif case == "v2":
            manifest = json.loads(Path(self.server.good_manifest).read_text())
            self._send(json.dumps({**manifest, "schema_version": "2.0.0"}).encode())
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("down", "réponse HTTP 503"),
        ("slow", "délai dépassé"),
        ("loop", "trop de redirections"),
        ("big", "au-delà de la limite de 1000"),
        ("badjson", "JSON invalide"),
        ("badmanifest", "manifeste invalide"),
        ("v2", "incompatible avec la version"),
        ("unreachable", "serveur injoignable"),
    ],
)
def test_a_failing_peer_keeps_its_previous_snapshot(peers, tmp_path, case, reason):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    server.good_manifest = str(peers["reze"][0] / "output/federation.json")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/{case}"
    if case == "unreachable":
        server.shutdown()
        server.server_close()
    previous = tmp_path / "federation" / peer_folder(url)
    write(previous, "actors.json", "[\n]\n")
    write(previous, "provenance.json", '{"previous": true}\n')
    before = {p.name: p.read_bytes() for p in previous.iterdir()}
    peer = {"url": url, "include": ["actors"], "themes": [], "transitive": False}
    client = Client(max_bytes=1000, timeout=0.5, retries=1, backoff=0.01, allow_private=True)
    report = pull_peer(tmp_path, peer, client)
    assert reason in report.error
    assert {p.name: p.read_bytes() for p in previous.iterdir()} == before
    if case != "unreachable":
        server.shutdown()


def test_records_are_checked_one_by_one(peers, tmp_path):
    """A schema-invalid record or one copied from a third directory is rejected with its reason;
    unknown fields of a newer minor version are set aside; the rest is kept."""
    root, url, _ = peers["reze"]
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    server, base = serve(site)  # Rezé's records, on a peer of their own at `base`
    data = json.loads((root / "output/data/actors.json").read_text(encoding="utf-8").replace(url, base))
    good = {**data["records"][0], "slug": "la-ruche"}
    data["records"] = [
        {**good, "nouveau_champ": "v1.3"},
        {**good, "url": "https://ailleurs.example.org/acteurs/x/", "name": "Copie", "slug": "copie"},
        {**good, "url": f"{base}/acteurs/sans-theme/", "name": "Sans thème", "themes": [], "slug": "st"},
        {**good, "url": f"{base}/acteurs/js/", "name": "JS", "website": "javascript:alert(1)", "slug": "js"},
        {**good, "url": "javascript:alert(1)", "name": "Lien piégé", "slug": "lien"},
        {**good, "url": f"{base}/acteurs/script/", "name": "<script>alert(1)</script>", "slug": "script"},
    ]
    (site / "data/actors.json").write_text(json.dumps(data), encoding="utf-8")
    manifest = json.loads((root / "output/federation.json").read_text(encoding="utf-8"))
    try:
        manifest["territory"]["url"] = url  # what a peer declares does not matter: `base` is configured
        manifest["datasets"] = {"actors": f"{base}/data/actors.json"}
        (site / "federation.json").write_text(json.dumps(manifest), encoding="utf-8")
        peer = {"url": base, "include": ["actors"], "themes": [], "transitive": False}
        report = pull_peer(tmp_path, peer, Client(retries=0, allow_private=True))
    finally:
        server.shutdown()
    assert report.added == 2 and not report.error  # the first one, and the <script> name (kept as text)
    reasons = dict(report.rejected)
    assert "« website » doit être une adresse web complète" in reasons[f"{base}/acteurs/js/"]
    assert "« url » doit être une adresse web complète" in reasons["javascript:alert(1)"]
    assert "autre annuaire" in reasons["https://ailleurs.example.org/acteurs/x/"]
    assert "« themes »" in reasons[f"{base}/acteurs/sans-theme/"]
    provenance = json.loads((tmp_path / "federation" / peer_folder(base) / "provenance.json").read_text())
    assert provenance["datasets"]["actors"]["ignored_fields"] == {"nouveau_champ": 1}
    kept = json.loads((tmp_path / "federation" / peer_folder(base) / "actors.json").read_text())
    assert "nouveau_champ" not in kept[0]


@pytest.mark.browser
def test_peer_records_are_searchable_and_their_text_stays_text(peers, tmp_path, page):
    herblain = peers["herblain"][1]
    write(tmp_path, "territory.yml", territory_yml("Essaim Nantes", "https://nantes.example.org", [herblain]))
    write(tmp_path, "actors/local.md", actor_text("Atelier local"))
    CliRunner().invoke(main, ["--root", str(tmp_path), *PULL], env={})
    output = build(tmp_path)
    server, url = serve(output)
    try:
        page.goto(f"{url}/recherche/?q=atelier&territory=annuaire-de-saint-herblain")
        page.wait_for_selector("#search-results li")
        assert page.locator("#search-results li").count() == 1
        assert page.locator("#search-results img").count() == 0
        link = page.locator("#search-results h2 a")
        assert link.inner_text() == "<img src=x onerror=alert(1)> Atelier"
        assert link.get_attribute("href") == f"{herblain}/acteurs/atelier/"
        assert "annuaire Annuaire de Saint-Herblain" in page.inner_text(".search-result-meta")
        assert page.locator("#facet-territory option").count() == 3
        # On the map: a marker for the neighbour's actor, its popup names its directory and links
        # to its page there; its hostile name stays text.
        page.goto(f"{url}/carte/?type=actor&vue=carte")
        page.wait_for_selector("#carte[data-ready=true]")
        assert "Atelier" in page.locator("#lieux-visibles").inner_text()  # the local actor has no place
        page.get_by_role("button", name="Voir sur la carte : <img src=x onerror=alert(1)> Atelier").click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "annuaire Annuaire de Saint-Herblain" in popup.inner_text()
        assert popup.locator("img").count() == 0
        link = popup.get_by_role("link", name="<img src=x onerror=alert(1)> Atelier")
        assert link.get_attribute("href") == f"{herblain}/acteurs/atelier/"
        assert page.console_errors == []
    finally:
        server.shutdown()


def test_an_aggregator_can_render_pages_canonical_to_the_origin(peers, tmp_path):
    reze = peers["reze"][1]
    text = territory_yml("Essaim France", "https://france.example.org", [reze]) + "  render_pages: true\n"
    write(tmp_path, "territory.yml", text)
    assert CliRunner().invoke(main, ["--root", str(tmp_path), *PULL], env={}).exit_code == 0
    output = build(tmp_path)
    page = (output / "acteurs/le-fournil--annuaire-de-reze/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{reze}/acteurs/le-fournil/">' in page
    assert f'<a href="{reze}/acteurs/le-fournil/">voir la fiche d\'origine</a>' in page
    assert "Modifier cette fiche" not in page and "Signaler une erreur" not in page
    event = (output / "agenda/repair-cafe--annuaire-de-reze/index.html").read_text(encoding="utf-8")
    assert f'href="{reze}/agenda/repair-cafe/"' in event
    # Its "Ajouter à mon agenda" file exists, and names the event as Rezé's calendar does.
    assert 'href="/agenda/repair-cafe--annuaire-de-reze/evenement.ics"' in event
    from icalendar import Calendar

    ics = Calendar.from_ical((output / "agenda/repair-cafe--annuaire-de-reze/evenement.ics").read_bytes())
    (only,) = ics.walk("VEVENT")
    assert str(only["uid"]) == f"repair-cafe@{reze.split('://', 1)[1]}"
    assert str(only["url"]) == f"{reze}/agenda/repair-cafe/"
    # Links now stay here; the sitemap lists only the aggregator's own pages.
    meta = json.loads((output / "search/meta.json").read_text(encoding="utf-8"))
    cards = json.loads((output / "search/docs-0.json").read_text(encoding="utf-8"))
    assert any(c[1] == "acteurs/le-fournil--annuaire-de-reze/" and c[5] == "Annuaire de Rezé" for c in cards)
    assert meta["count"] == 3
    assert "le-fournil--" not in (output / "sitemap.xml").read_text(encoding="utf-8")


def test_a_peer_area_keeps_only_the_records_placed_inside_it(peers, tmp_path):
    """`area: [west, south, east, north]`: records with coordinates in the box; changing the
    filter fetches the peer again in full (no "not modified" answer with the old selection)."""
    reze = peers["reze"][1]

    def pull_with(area: str) -> str:
        text = territory_yml("Essaim Nantes", "https://nantes.example.org", [reze])
        write(tmp_path, "territory.yml", text + f"      area: {area}\n")
        result = CliRunner().invoke(main, ["--root", str(tmp_path), *PULL], env={})
        assert result.exit_code == 0, result.output
        return result.output

    # Rezé's two actors are at 47.2, -1.55; its event has no coordinates.
    output = pull_with("[-1.6, 47.1, -1.5, 47.3]")
    assert f"{reze} : 2 ajoutée(s), 0 modifiée(s), 0 retirée(s), 0 rejetée(s), 1 laissée(s) de côté" in output
    folder = tmp_path / "federation" / peer_folder(reze)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["datasets"]["actors"]["filters"]["area"] == [-1.6, 47.1, -1.5, 47.3]
    assert provenance["datasets"]["events"]["outside_area"] == 1
    output = pull_with("[2.2, 48.8, 2.5, 48.9]")  # Paris: nothing of Rezé's
    assert f"{reze} : 0 ajoutée(s), 0 modifiée(s), 2 retirée(s)" in output
    assert json.loads((folder / "actors.json").read_text(encoding="utf-8")) == []


def test_in_area_reads_actors_and_events_coordinates():
    from essaim.federation.pull import in_area

    box = [-1.6, 47.1, -1.5, 47.3]
    assert in_area({"geo": {"lat": 47.2, "lon": -1.55}}, box)
    assert in_area({"location": {"geo": {"lat": 47.2, "lon": -1.55}}}, box)
    assert not in_area({"geo": {"lat": 48.85, "lon": 2.35}}, box)
    assert not in_area({"location": {"name": "en ligne"}}, box)  # no coordinates: not in any area
    pacific = [170.0, -50.0, -170.0, 0.0]  # across the antimeridian (west > east)
    assert in_area({"geo": {"lat": -20.0, "lon": 175.0}}, pacific)
    assert in_area({"geo": {"lat": -20.0, "lon": -175.0}}, pacific)
    assert not in_area({"geo": {"lat": -20.0, "lon": 0.0}}, pacific)
