"""`essaim events pull` and the events of the actors' own calendars in the build, against a local
server (127.0.0.1) serving iCalendar files written by the icalendar library, and the quirky
shapes real calendars have: floating times, unknown TZID, all-day events, RRULE with COUNT and
UNTIL, EXDATE, STATUS:CANCELLED, an empty calendar, an HTML page instead of a calendar."""

from __future__ import annotations

import http.server
import json
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from click.testing import CliRunner

from conftest import DEMO_NOW, actor_text, build, local_server, text_of, write
from essaim.cli import main

PARIS = ZoneInfo("Europe/Paris")


def calendar(*events: icalendar.Event) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Essaim tests//FR")
    cal.add("version", "2.0")
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def vevent(uid: str, summary: str | None, start, end=None, **properties) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    if summary is not None:
        event.add("summary", summary)
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    event.add("dtstamp", datetime(2026, 11, 1, 9, 0, tzinfo=ZoneInfo("UTC")))
    for name, value in properties.items():
        event.add(name.replace("_", "-"), value)
    return event


NEW_YORK = ZoneInfo("America/New_York")
RUCHE_ICS = calendar(
    vevent(
        "atelier-1@mobilizon.example",
        "Atelier réparation",
        datetime(2026, 12, 5, 12, 0, tzinfo=NEW_YORK),
        datetime(2026, 12, 5, 14, 0, tzinfo=NEW_YORK),
        location="La Ruche, Nantes",
        url="https://mobilizon.example/events/1",
        description="Venez avec vos objets.\nCafé offert.",
        categories=["Atelier"],
    ),
    vevent("marche@ruche", "Marché de Noël", date(2026, 12, 12), date(2026, 12, 14)),  # two days
    vevent("journee@ruche", "Journée portes ouvertes", date(2026, 12, 20), date(2026, 12, 21)),
    vevent(
        "weekly@ruche",
        "Permanence",
        datetime(2026, 12, 1, 18, 0, tzinfo=PARIS),
        datetime(2026, 12, 1, 20, 0, tzinfo=PARIS),
        rrule={"freq": "weekly", "count": 4},
        exdate=datetime(2026, 12, 8, 18, 0, tzinfo=PARIS),
    ),
    vevent(
        "monthly@ruche",
        "Assemblée",
        datetime(2026, 12, 3, 19, 0, tzinfo=PARIS),
        rrule={"freq": "monthly", "until": datetime(2027, 3, 31, 22, 0, tzinfo=ZoneInfo("UTC"))},
    ),
    vevent("annule@ruche", "Atelier annulé", datetime(2026, 12, 9, 18, 0, tzinfo=PARIS), status="CANCELLED"),
    vevent("vieux@ruche", "Vieil atelier", datetime(2024, 3, 1, 18, 0, tzinfo=PARIS)),
    vevent("sans-titre@ruche", None, datetime(2026, 12, 10, 18, 0, tzinfo=PARIS)),
)
QUIRKS_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hand//FR\r\n"
    b"BEGIN:VEVENT\r\nUID:flottant@x\r\nSUMMARY:Heure flottante\r\nDTSTART:20261206T100000\r\n"
    b"DURATION:PT1H30M\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:mars@x\r\nSUMMARY:Fuseau inconnu\r\nDTSTART;TZID=Mars/Olympus:20261207T100000\r\n"
    b"END:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
EMPTY_ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//FR\r\nEND:VCALENDAR\r\n"
HTML = b"<!doctype html><html lang=fr><title>Agenda</title><p>Notre agenda</p></html>"


@pytest.fixture
def calendars():
    served = {"/ruche.ics": RUCHE_ICS, "/quirks.ics": QUIRKS_ICS, "/empty.ics": EMPTY_ICS, "/page.ics": HTML}
    asked: list[tuple[str, str | None]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            asked.append((self.path, self.headers.get("If-None-Match")))
            if self.path == "/slow.ics":
                time.sleep(3)
            body = served.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            etag = f'"{hash(body) & 0xFFFF:x}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with local_server(Handler) as url:
        yield url, served, asked


def run(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), *args], env={"ESSAIM_NOW": DEMO_NOW})


@pytest.fixture
def ruche(territory, calendars):
    url, _, _ = calendars
    write(territory, "actors/la-ruche.md", actor_text("La Ruche", calendar_url=f"{url}/ruche.ics"))
    return territory


def pull(root, *options):
    return run(root, "events", "pull", "--allow-private", "--timeout", "1", "--deadline", "2", *options)


def snapshot(root, slug="la-ruche"):
    return json.loads((root / f"calendars/{slug}.json").read_text(encoding="utf-8"))


def test_pull_keeps_each_vevent_as_one_of_our_events(ruche, calendars):
    result = pull(ruche)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("actors/la-ruche.md (http://127.0.0.1:")
    assert (
        "5 ajouté(s), 0 modifié(s), 0 retiré(s), 3 laissé(s) de côté (annulé : 1, passé depuis plus d'un "
        in result.stdout
    )
    events = {e["uid"]: e for e in snapshot(ruche)["events"]}
    atelier = events["atelier-1@mobilizon.example"]
    assert atelier["record"] == {
        "title": "Atelier réparation",
        "start": "2026-12-05T18:00",  # 12:00 in New York
        "end": "2026-12-05T20:00",
        "themes": ["numerique"],
        "organizers": ["la-ruche"],
        "kind": "workshop",
        "location": {"name": "La Ruche, Nantes"},
    }
    assert atelier["description"] == "Venez avec vos objets.\nCafé offert."
    assert atelier["url"] == "https://mobilizon.example/events/1"
    assert (events["marche@ruche"]["record"]["start"], events["marche@ruche"]["record"]["end"]) == (
        "2026-12-12",
        "2026-12-13",
    )
    assert "end" not in events["journee@ruche"]["record"]  # one day: DTEND is the day after
    weekly = events["weekly@ruche"]["record"]
    assert weekly["recurrence"] == "FREQ=WEEKLY;COUNT=4" and weekly["exdates"] == ["2026-12-08T18:00"]
    assert events["monthly@ruche"]["record"]["recurrence"] == "FREQ=MONTHLY;UNTIL=20270331T220000Z"
    assert snapshot(ruche)["calendar"].endswith("/ruche.ics")


def test_floating_times_and_unknown_zones_are_read_in_the_territory_s(territory, calendars):
    url, _, _ = calendars
    write(territory, "actors/quirks.md", actor_text("Quirks", calendar_url=f"{url}/quirks.ics"))
    result = pull(territory)
    assert result.exit_code == 0, result.output
    assert "fuseau horaire inconnu (lu à l'heure du territoire) : 1" in result.stdout
    events = {e["uid"]: e["record"] for e in snapshot(territory, "quirks")["events"]}
    assert (events["flottant@x"]["start"], events["flottant@x"]["end"]) == (
        "2026-12-06T10:00",
        "2026-12-06T11:30",
    )
    assert events["mars@x"]["start"] == "2026-12-07T10:00"


def test_a_quiet_week_changes_nothing_and_asks_with_the_etag(ruche, calendars):
    pull(ruche)
    path = ruche / "calendars/la-ruche.json"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = pull(ruche)
    assert result.exit_code == 0
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    _, _, asked = calendars
    assert asked[-1][1] is not None  # If-None-Match sent: the server said 304


def test_one_failing_calendar_keeps_its_snapshot_and_never_stops_the_others(ruche, calendars):
    url, served, _ = calendars
    pull(ruche)
    before = (ruche / "calendars/la-ruche.json").read_bytes()
    served["/ruche.ics"] = HTML
    write(
        ruche,
        "actors/vide.md",
        actor_text("Vide", calendar_url=f"{url}/empty.ics", website="https://v.example.org"),
    )
    write(
        ruche,
        "actors/lent.md",
        actor_text("Lent", calendar_url=f"{url}/slow.ics", website="https://l.example.org"),
    )
    result = pull(ruche)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(
        "la-ruche.md" in line and "ÉCHEC" in line and "pas un fichier iCalendar" in line for line in lines
    )
    assert any("lent.md" in line and "ÉCHEC" in line and "délai dépassé" in line for line in lines)
    assert any("vide.md" in line and "0 ajouté(s)" in line for line in lines)
    assert (ruche / "calendars/la-ruche.json").read_bytes() == before
    assert snapshot(ruche, "vide")["events"] == []
    assert "Traceback" not in result.output


def test_a_calendar_no_actor_gives_is_removed(ruche, calendars):
    pull(ruche)
    write(ruche, "actors/la-ruche.md", actor_text("La Ruche"))
    result = pull(ruche)
    assert "calendars/la-ruche.json : retiré (l'acteur ne donne plus de calendrier)" in result.stdout
    assert not (ruche / "calendars/la-ruche.json").exists()


def test_a_loopback_calendar_is_refused_unless_allowed(ruche, calendars):
    result = run(ruche, "events", "pull")
    assert result.exit_code == 1
    assert "relancez avec « essaim events pull --allow-private »" in result.stdout
    assert calendars[2] == []


def test_calendar_events_are_in_the_agenda_feeds_search_and_open_data(ruche, calendars):
    write(
        ruche,
        "events/permanence-ecrite.md",
        "---\ntitle: Journée portes ouvertes\nstart: 2026-12-20\n"
        "themes: [numerique]\norganizers: [la-ruche]\n---\nÉcrite à la main.\n",
    )
    pull(ruche)
    output = build(ruche)
    agenda = text_of((output / "agenda/index.html").read_text(encoding="utf-8"))
    assert "Atelier réparation" in agenda and "source : calendrier de La Ruche" in agenda
    assert agenda.count("Journée portes ouvertes") == 1  # the file wins over its calendar copy
    (slug,) = [e["slug"] for e in snapshot(ruche)["events"] if e["uid"] == "atelier-1@mobilizon.example"]
    page = (output / f"agenda/{slug}/index.html").read_text(encoding="utf-8")
    assert "https://mobilizon.example/events/1" in page and "calendrier de La Ruche" in text_of(page)
    assert "Modifier cette fiche" not in page
    ics = icalendar.Calendar.from_ical((output / "agenda.ics").read_bytes())
    uids = {str(e.get("uid")) for e in ics.walk("VEVENT")}
    assert "atelier-1@mobilizon.example" in uids  # its own UID: a subscriber to both sees it once
    data = json.loads((output / "data/events.json").read_text(encoding="utf-8"))
    assert "Atelier réparation" in {r["title"] for r in data["records"]}
    feed = feedparser.parse((output / "feeds/evenements.atom.xml").read_bytes())
    assert "Atelier réparation" in {e.title for e in feed.entries}
    documents = "".join(p.read_text(encoding="utf-8") for p in (output / "search").rglob("*.json"))
    assert "Atelier réparation" in documents or "atelier" in documents


def test_a_hand_edited_snapshot_never_breaks_a_build(ruche, calendars, caplog):
    pull(ruche)
    data = snapshot(ruche)
    data["events"][0]["record"]["start"] = "le 5 décembre"
    data["events"][1]["record"]["organizers"] = ["quelqu-un-d-autre"]
    data["events"].append({"uid": "x", "slug": "../../etc", "record": {}})
    (ruche / "calendars/la-ruche.json").write_text(json.dumps(data), encoding="utf-8")
    output = build(ruche)
    assert (output / "agenda/index.html").exists()
    warned = [r.getMessage() for r in caplog.records if "calendars/la-ruche.json" in r.getMessage()]
    assert len(warned) == 3
    assert not (output / "etc").exists()


def test_events_pull_dry_run_writes_nothing(ruche, calendars):
    result = pull(ruche, "--dry-run")
    assert result.exit_code == 0 and "5 ajouté(s)" in result.stdout
    assert not (ruche / "calendars").exists()


def test_the_demo_snapshot_is_what_the_pull_makes_of_its_fixture():
    from conftest import REPO
    from essaim.calendars.ics import read_calendar
    from essaim.calendars.snapshots import check_event

    fixture = (REPO / "tests/fixtures/calendars/ping.ics").read_bytes()
    now = datetime.fromisoformat(DEMO_NOW).replace(tzinfo=PARIS)
    themes = ["numerique", "education-formation", "economie-circulaire"]
    found = read_calendar(fixture, "ping", themes, PARIS, now)
    events = [e for e in found.events if not check_event(e, "calendars/ping.json", PARIS)]
    committed = json.loads((REPO / "calendars/ping.json").read_text(encoding="utf-8"))
    assert committed["events"] == events and committed["left_out"] == {"annulé": 1}
    assert "calendar_url: " + committed["calendar"] in (REPO / "actors/ping.md").read_text(encoding="utf-8")


# -- what a hostile-input review of this code found --------------------------------------------

UTC = ZoneInfo("UTC")


def serve_one(calendars, path: str, body: bytes) -> str:
    url, served, _ = calendars
    served[path] = body
    return url + path


def test_a_last_modified_out_of_the_contract_never_breaks_a_build(territory, calendars):
    event = vevent("vieux@x", "Atelier", datetime(2026, 12, 5, 18, 0, tzinfo=PARIS))
    event.add("last-modified", datetime(1, 1, 1, tzinfo=UTC))
    url = serve_one(calendars, "/lm.ics", calendar(event))
    write(territory, "actors/a.md", actor_text("A", calendar_url=url))
    assert pull(territory).exit_code == 0
    assert "changed" not in snapshot(territory, "a")["events"][0]
    data = snapshot(territory, "a")
    data["events"][0]["changed"] = "0001-01-01"  # as a hand-edited snapshot may say
    (territory / "calendars/a.json").write_text(json.dumps(data), encoding="utf-8")
    assert (build(territory) / "agenda/index.html").exists()


def test_an_old_series_starts_again_in_the_kept_year_and_a_finished_one_is_left_out(territory, calendars):
    daily = vevent(
        "daily@x",
        "Chaque jour",
        datetime(2020, 1, 1, 10, 0, tzinfo=PARIS),
        datetime(2020, 1, 1, 11, 0, tzinfo=PARIS),
        rrule={"freq": "daily", "count": 5000},
    )
    ended = vevent(
        "ended@x", "Fini", datetime(2018, 1, 1, 10, 0, tzinfo=PARIS), rrule={"freq": "weekly", "count": 3}
    )
    ancient = vevent(
        "ancient@x", "Très ancien", datetime(1990, 1, 1, 10, 0, tzinfo=PARIS), rrule={"freq": "yearly"}
    )
    url = serve_one(calendars, "/old.ics", calendar(daily, ended, ancient))
    write(territory, "actors/a.md", actor_text("A", calendar_url=url))
    result = pull(territory)
    assert "série commencée il y a plus de 10 ans : 1" in result.stdout
    assert "passé depuis plus d'un an : 1" in result.stdout
    (kept,) = snapshot(territory, "a")["events"]
    record = kept["record"]
    # the first occurrence not over a year before DEMO_NOW (2026-11-22 12:00)
    assert record["start"] == "2025-11-23T10:00" and record["end"] == "2025-11-23T11:00"
    first = datetime(2020, 1, 1, 10, 0)
    skipped = (datetime(2025, 11, 23, 10, 0) - first).days
    assert record["recurrence"] == f"FREQ=DAILY;COUNT={5000 - skipped}"  # the same last day


def test_the_cut_keeps_events_to_come_before_past_ones(territory, calendars):
    past = [
        vevent(f"p{n}@x", f"Passé {n}", datetime(2026, 1, 1, 10, 0, tzinfo=PARIS) + timedelta(hours=n))
        for n in range(520)
    ]
    soon = vevent("soon@x", "Bientôt", datetime(2026, 11, 30, 10, 0, tzinfo=PARIS))
    url = serve_one(calendars, "/many.ics", calendar(*past, soon))
    write(territory, "actors/a.md", actor_text("A", calendar_url=url))
    result = pull(territory)
    events = snapshot(territory, "a")["events"]
    assert len(events) == 500 and events[0]["uid"] == "soon@x"
    assert "au-delà des 500 premiers : 21" in result.stdout


def test_moved_and_cancelled_occurrences_leave_their_series(territory, calendars):
    series = vevent(
        "serie@x",
        "Permanence",
        datetime(2026, 12, 1, 18, 0, tzinfo=PARIS),
        datetime(2026, 12, 1, 20, 0, tzinfo=PARIS),
        rrule={"freq": "weekly", "count": 4},
    )
    moved = vevent(
        "serie@x",
        "Permanence (déplacée)",
        datetime(2026, 12, 10, 18, 0, tzinfo=PARIS),
        datetime(2026, 12, 10, 20, 0, tzinfo=PARIS),
        recurrence_id=datetime(2026, 12, 8, 18, 0, tzinfo=PARIS),
    )
    cancelled = vevent(
        "serie@x",
        "Permanence",
        datetime(2026, 12, 15, 18, 0, tzinfo=PARIS),
        recurrence_id=datetime(2026, 12, 15, 18, 0, tzinfo=PARIS),
        status="CANCELLED",
    )
    url = serve_one(calendars, "/moved.ics", calendar(series, moved, cancelled))
    write(territory, "actors/a.md", actor_text("A", calendar_url=url))
    assert pull(territory).exit_code == 0
    events = {e["uid"]: e["record"] for e in snapshot(territory, "a")["events"]}
    assert events["serie@x"]["exdates"] == ["2026-12-08T18:00", "2026-12-15T18:00"]
    assert events["serie@x#2026-12-08T18:00"]["start"] == "2026-12-10T18:00"
    agenda = text_of((build(territory) / "agenda/index.html").read_text(encoding="utf-8"))
    assert agenda.count("Permanence mardi") == 2 and "Permanence (déplacée) jeudi 10 décembre" in agenda


def test_a_rule_whose_weekday_changes_with_the_zone_is_left_out(territory, calendars):
    event = vevent(
        "tz@x",
        "Tard",
        datetime(2026, 12, 1, 23, 30, tzinfo=UTC),
        rrule={"freq": "weekly", "byday": "TU", "count": 3},
    )
    url = serve_one(calendars, "/tz.ics", calendar(event))
    write(territory, "actors/a.md", actor_text("A", calendar_url=url))
    assert "répétition dont les jours changent dans le fuseau du territoire : 1" in pull(territory).stdout


def test_two_actors_never_share_an_event_page_nor_a_uid(territory, calendars):
    body = calendar(vevent("meme@mobilizon.example", "Atelier", datetime(2026, 12, 5, 18, 0, tzinfo=PARIS)))
    url = serve_one(calendars, "/shared.ics", body)
    write(territory, "actors/a.md", actor_text("A", calendar_url=url))
    write(territory, "actors/b.md", actor_text("B", calendar_url=url, website="https://b.example.org"))
    pull(territory)
    output = build(territory)
    assert snapshot(territory, "a")["events"][0]["slug"] != snapshot(territory, "b")["events"][0]["slug"]
    uids = [
        str(e.get("uid"))
        for e in icalendar.Calendar.from_ical((output / "agenda.ics").read_bytes()).walk("VEVENT")
    ]
    assert len(uids) == 2 and len(set(uids)) == 2


def test_a_snapshot_cannot_take_a_list_page_nor_a_theme_the_directory_lacks(ruche, calendars, caplog):
    pull(ruche)
    data = snapshot(ruche)
    data["events"][0]["slug"] = "embed"
    data["events"][1]["record"]["themes"] = ["inconnu"]
    (ruche / "calendars/la-ruche.json").write_text(json.dumps(data), encoding="utf-8")
    output = build(ruche)
    assert "Atelier" not in (output / "agenda/embed/index.html").read_text(encoding="utf-8").split("<main")[0]
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "réservé à une page de liste" in warned and "thème inconnu de l'annuaire" in warned


def test_the_file_wins_whatever_way_its_start_is_written(ruche, calendars):
    write(
        ruche,
        "events/atelier.md",
        "---\ntitle: Atelier réparation\nstart: 2026-12-05 18:00\n"
        "themes: [numerique]\norganizers: [la-ruche]\n---\n",
    )
    pull(ruche)
    agenda = (build(ruche) / "agenda/index.html").read_text(encoding="utf-8")
    assert agenda.count(">Atelier réparation<") == 1


def test_a_damaged_snapshot_or_folder_is_told_never_a_traceback(ruche, calendars):
    pull(ruche)
    (ruche / "calendars/la-ruche.json").write_text('{"calendar": 1, "events": ["s", {"uid": []}], "etag": 5}')
    result = pull(ruche)
    assert result.exit_code == 0, result.output
    assert snapshot(ruche)["events"]
    (ruche / "calendars/la-ruche.json").unlink()
    (ruche / "calendars").rmdir()
    (ruche / "calendars").write_text("un fichier")
    result = pull(ruche)
    assert result.exit_code == 1 and "calendars/ est un lien ou un fichier" in result.stderr
    assert "Traceback" not in result.output


def test_a_record_with_an_error_keeps_its_calendar_snapshot(ruche, calendars):
    pull(ruche)
    write(ruche, "actors/la-ruche.md", actor_text("La Ruche", legal_form="asociation"))
    result = pull(ruche)
    assert "retiré" not in result.stdout and (ruche / "calendars/la-ruche.json").exists()


def test_a_new_export_time_alone_is_not_a_change(ruche, calendars):
    url, served, _ = calendars
    pull(ruche)
    served["/ruche.ics"] = RUCHE_ICS.replace(b"DTSTAMP:20261101T090000Z", b"DTSTAMP:20261201T090000Z")
    result = pull(ruche)
    assert "0 ajouté(s), 0 modifié(s), 0 retiré(s)" in result.stdout


def test_an_event_inside_an_alarm_is_not_an_event(territory, calendars):
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//FR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Vrai\r\n"
        b"DTSTART:20261205T100000Z\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nBEGIN:VEVENT\r\nUID:b@x\r\n"
        b"SUMMARY:Cach\xc3\xa9\r\nDTSTART:20261206T100000Z\r\nEND:VEVENT\r\nEND:VALARM\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    url = serve_one(calendars, "/alarm.ics", body)
    write(territory, "actors/a.md", actor_text("A", calendar_url=url))
    pull(territory)
    assert [e["uid"] for e in snapshot(territory, "a")["events"]] == ["a@x"]


def test_one_bad_event_of_a_snapshot_never_drops_the_others(ruche, calendars, caplog):
    pull(ruche)
    path = ruche / "calendars/la-ruche.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"][0]["description"] = "un\x07caractère de contrôle"
    path.write_text(json.dumps(data), encoding="utf-8")
    agenda = text_of((build(ruche) / "agenda/index.html").read_text(encoding="utf-8"))
    assert "Marché de Noël" in agenda  # the other events are kept
    assert "caractère de contrôle dans un texte" in " ".join(r.getMessage() for r in caplog.records)


def test_a_snapshot_that_is_not_json_is_told_and_left_out(ruche, calendars, caplog):
    pull(ruche)
    path = ruche / "calendars/la-ruche.json"
    text = path.read_text(encoding="utf-8").replace('"kind": "workshop"', '"kind": "workshop", "x": NaN', 1)
    path.write_text(text, encoding="utf-8")
    agenda = text_of((build(ruche) / "agenda/index.html").read_text(encoding="utf-8"))
    assert "Marché de Noël" not in agenda and "Atelier réparation" not in agenda
    assert "instantané illisible" in " ".join(r.getMessage() for r in caplog.records)
