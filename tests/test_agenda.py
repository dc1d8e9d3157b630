"""Agenda feeds read back by real parsers: icalendar, recurring-ical-events, feedparser."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import feedparser
import recurring_ical_events
from icalendar import Calendar

from conftest import actor_text, build, write

PARIS = ZoneInfo("Europe/Paris")
BASE = "https://essaim-nantes.example.org"


def calendar(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_main_feed_has_the_upcoming_events_with_time_zone_and_links(demo_output):
    cal = calendar(demo_output / "agenda.ics")
    assert cal["X-WR-CALNAME"] == "Essaim Nantes : agenda"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert "rencontre-echange-competences@essaim-nantes.example.org" in events
    assert "marche-des-possibles-2026@essaim-nantes.example.org" not in events  # past at DEMO_NOW
    meeting = events["rencontre-echange-competences@essaim-nantes.example.org"]
    start = meeting.decoded("DTSTART")
    assert start == datetime(2026, 11, 26, 18, 30, tzinfo=PARIS)
    assert meeting["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(meeting["URL"]) == f"{BASE}/agenda/rencontre-echange-competences/"
    assert "Le Solilab" in str(meeting["LOCATION"])
    assert [str(c) for c in meeting["CONTACT"]] == ["Les Écossolies", "Libertic"]
    assert str(meeting["ORGANIZER"]) == f"{BASE}/acteurs/ecossolies/"
    assert meeting["ORGANIZER"].params["CN"] == "Les Écossolies"


def test_all_day_events_use_dates_with_an_exclusive_end(demo_output):
    cal = calendar(demo_output / "agenda/marche-des-possibles-2027/evenement.ics")
    (fair,) = cal.walk("VEVENT")
    assert fair.decoded("DTSTART") == date(2027, 8, 28)
    assert fair.decoded("DTEND") == date(2027, 8, 30)


def test_recurring_event_keeps_its_rule_and_gives_the_right_occurrences(demo_output):
    cal = calendar(demo_output / "agenda.ics")
    (workshop,) = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("atelier-reparation-mensuel@")]
    assert workshop["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TU"
    occurrences = recurring_ical_events.of(cal).between(date(2026, 12, 1), date(2027, 5, 1))
    starts = sorted(o.decoded("DTSTART") for o in occurrences if str(o["UID"]).startswith("atelier-rep"))
    assert starts == [
        datetime(2026, 12, 1, 18, 30, tzinfo=PARIS),
        # 5 January 2027 is an exdate
        datetime(2027, 2, 2, 18, 30, tzinfo=PARIS),
        datetime(2027, 3, 2, 18, 30, tzinfo=PARIS),
        datetime(2027, 4, 6, 18, 30, tzinfo=PARIS),  # after the switch to summer time: still 18:30
    ]


def test_recurring_event_is_expanded_in_the_agenda_listing(demo_output):
    html = (demo_output / "agenda/index.html").read_text(encoding="utf-8")
    assert html.count('href="/agenda/atelier-reparation-mensuel/"') == 11  # 12 months, one exdate
    assert 'datetime="2027-01-05T18:30:00+01:00"' not in html


def test_theme_organizer_and_event_feeds(demo_output):
    theme = calendar(demo_output / "themes/economie-circulaire/agenda.ics")
    for event in theme.walk("VEVENT"):
        properties = event["CATEGORIES"] if isinstance(event["CATEGORIES"], list) else [event["CATEGORIES"]]
        assert "economie-circulaire" in [str(c) for prop in properties for c in prop.cats]
    organizer = calendar(demo_output / "acteurs/ping/agenda.ics")
    uids = {str(e["UID"]).split("@")[0] for e in organizer.walk("VEVENT")}
    assert {"atelier-reparation-mensuel", "formation-logiciels-libres-associations"} <= uids
    page = (demo_output / "agenda/rencontre-echange-competences/index.html").read_text(encoding="utf-8")
    assert 'href="/agenda/rencontre-echange-competences/evenement.ics" download>Ajouter à mon agenda' in page
    agenda = (demo_output / "agenda/index.html").read_text(encoding="utf-8")
    assert 'href="webcal://essaim-nantes.example.org/agenda.ics"' in agenda


def test_atom_feeds_are_linked_and_parse(demo_output):
    home = (demo_output / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="Nouveaux événements" href="/feeds/evenements.atom.xml"' in home
    for name, count in (("evenements", 16), ("acteurs", 26)):  # 14 event files, 2 from PiNG's calendar
        feed = feedparser.parse((demo_output / f"feeds/{name}.atom.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert len(feed.entries) == count
        assert all(entry.link.startswith(f"{BASE}/") for entry in feed.entries)


def test_bad_recurrence_rule_is_reported_at_its_line(territory):
    from essaim.records.read import read_directory
    from essaim.records.territory import load_territory

    write(territory, "actors/a.md", actor_text("Alpha"))
    write(
        territory,
        "events/e.md",
        "---\ntitle: Atelier\nstart: 2026-03-05 18:00\nthemes: [culture]\n"
        "recurrence: FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270101\n---\n",
    )
    _, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert [p.format().split(" (")[0] for p in problems] == [
        "events/e.md:5:1: error: règle de récurrence invalide"
    ]


def test_agenda_can_be_switched_off(territory, tmp_path_factory):
    write(
        territory, "territory.yml", (territory / "territory.yml").read_text() + "features:\n  agenda: false\n"
    )
    write(territory, "events/e.md", "---\ntitle: Atelier\nstart: 2026-12-05 18:00\nthemes: [culture]\n---\n")
    output = build(territory, tmp_path_factory.mktemp("out"))
    assert not (output / "agenda.ics").exists()
    assert (
        not (output / "feeds/evenements.atom.xml").exists()
        and not (output / "feeds/acteurs.atom.xml").exists()
    )
    assert "Ajouter à mon agenda" not in (output / "agenda/e/index.html").read_text(encoding="utf-8")
