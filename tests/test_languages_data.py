"""Each language's feeds, calendars and structured data speak that language: an Atom feed
declares it and takes a record's translated name and summary, a calendar takes its translated
title, the JSON-LD its translated texts, and a text left untranslated says its own language
(Atom's `xml:lang`, iCalendar's LANGUAGE parameter, a JSON-LD language-tagged string), as the
pages do. Read back with feedparser, icalendar, extruct and pyld."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from conftest import build, demo_copy, expand_json_ld, json_ld

ENGLISH_ITEM = re.compile(r"(Need|Offer) · [A-Z][a-z ]*[a-z]: \S")  # « Need · Premises: … »
FORUM_EN = "Social economy job fair"
FORUM_SUMMARY_EN = "Meet the work-integration organisations and social economy companies that are hiring."
TRANSLATED_FORUM = f"""
translations:
  en:
    title: {FORUM_EN}
    summary: {FORUM_SUMMARY_EN}
"""


@pytest.fixture(scope="module")
def translated_event_site(tmp_path_factory) -> Path:
    """The demo in French and English, the job fair's title and summary translated."""
    root = demo_copy(tmp_path_factory.mktemp("feeds"), "languages: [fr, en]\n")
    path = root / "events/forum-emploi-insertion-2027.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nstart:", TRANSLATED_FORUM + "start:", 1), encoding="utf-8")
    return build(root, root / "output")


def events(path: Path) -> list:
    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def language_of(prop) -> str | None:
    return prop.params.get("LANGUAGE")


def test_an_english_atom_feed_speaks_english_and_marks_the_french_left(languages_output):
    """The English feed of new organisations is in English; PiNG's translated summary is read as
    English, every name and untranslated summary as French. The French feed marks nothing."""
    feed = feedparser.parse((languages_output / "en/feeds/acteurs.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title_detail.language == "en"
    assert feed.feed.title == "Essaim Nantes in English: new organisations"
    by_name = {entry.title: entry for entry in feed.entries}
    ping = by_name["PiNG"]
    assert ping.summary.startswith("A popular education association") and ping.summary_detail.language == "en"
    assert all(entry.title_detail.language == "fr" for entry in feed.entries)  # no name is translated
    others = [entry for entry in feed.entries if entry.title != "PiNG"]
    assert others and all(entry.summary_detail.language == "fr" for entry in others)
    root = (languages_output / "feeds/acteurs.atom.xml").read_text(encoding="utf-8")
    assert root.count("xml:lang") == 1 and '<feed xml:lang="fr"' in root


def test_the_english_board_feeds_speak_english(languages_output):
    """The board's feeds in English: English titles with English punctuation, the category's
    name in the feed's title; an offer's text stays as written."""
    for name in ("coups-de-main", "coups-de-main-locaux"):
        feed = feedparser.parse((languages_output / f"en/feeds/{name}.atom.xml").read_bytes())
        assert not feed.bozo and feed.feed.title_detail.language == "en"
        assert " : " not in feed.feed.title, feed.feed.title
        titles = [entry.title for entry in feed.entries]
        assert titles and all(ENGLISH_ITEM.match(title) for title in titles), titles
    premises = feedparser.parse((languages_output / "en/feeds/coups-de-main-locaux.atom.xml").read_bytes())
    assert premises.feed.title == "Essaim Nantes in English: premises"


def test_an_english_calendar_marks_the_untranslated_titles_french(languages_output):
    """No demo event is translated: in the English calendar each title says it is French, and the
    theme calendars are named in English; the French calendar marks no language."""
    english = events(languages_output / "en/agenda.ics")
    assert english and all(language_of(e["SUMMARY"]) == "fr" for e in english)
    organised = [e for e in english if "ORGANIZER" in e]
    assert organised and all(language_of(e["ORGANIZER"]) == "fr" for e in organised)
    contacts = [
        c for e in organised for c in (e["CONTACT"] if isinstance(e["CONTACT"], list) else [e["CONTACT"]])
    ]
    assert contacts and all(language_of(contact) == "fr" for contact in contacts)
    french = (languages_output / "agenda.ics").read_bytes()
    assert b"LANGUAGE=" not in french
    calendar = Calendar.from_ical((languages_output / "en/themes/emploi-insertion/agenda.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Essaim Nantes in English: Employment and inclusion"


def test_a_translated_event_is_titled_in_english_in_every_feed(translated_event_site):
    """The job fair, translated: the English calendar, its own file and the English feed of new
    events give its English title and summary, unmarked; the other events stay marked French,
    and the French site is untouched."""
    output = translated_event_site
    english = {str(e["SUMMARY"]): e for e in events(output / "en/agenda.ics")}
    forum = english[FORUM_EN]
    assert language_of(forum["SUMMARY"]) is None
    assert (
        str(forum["DESCRIPTION"]).startswith(FORUM_SUMMARY_EN) and language_of(forum["DESCRIPTION"]) is None
    )
    assert all(language_of(e["SUMMARY"]) == "fr" for name, e in english.items() if name != FORUM_EN)
    own = Calendar.from_ical((output / "en/events/forum-emploi-insertion-2027/evenement.ics").read_bytes())
    assert str(own["X-WR-CALNAME"]) == FORUM_EN
    feed = feedparser.parse((output / "en/feeds/evenements.atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == FORUM_EN)
    assert entry.title_detail.language == "en" and entry.summary == FORUM_SUMMARY_EN
    french = {str(e["SUMMARY"]) for e in events(output / "agenda.ics")}
    assert "Forum de l'emploi solidaire" in french and FORUM_EN not in french


def expanded(page: Path) -> dict:
    """A page's one JSON-LD item, read by extruct and expanded by pyld."""
    (item,) = json_ld(page)
    (node,) = expand_json_ld(item)
    return node


SCHEMA = "https://schema.org/"


def test_the_structured_data_of_an_english_page_tags_its_french_texts(languages_output):
    """PiNG's English page: its JSON-LD gives the English summary as a plain string (in the
    page's language) and its untranslated name tagged French; the English home page's WebSite is
    in English. The French page's texts are plain strings."""
    english = expanded(languages_output / "en/organisations/ping/index.html")
    assert english[SCHEMA + "name"] == [{"@value": "PiNG", "@language": "fr"}]
    (description,) = english[SCHEMA + "description"]
    assert (
        description["@value"].startswith("A popular education association") and "@language" not in description
    )
    assert expanded(languages_output / "en/index.html")[SCHEMA + "inLanguage"] == [{"@value": "en"}]
    assert expanded(languages_output / "index.html")[SCHEMA + "inLanguage"] == [{"@value": "fr"}]
    french = expanded(languages_output / "acteurs/ping/index.html")
    assert french[SCHEMA + "name"] == [{"@value": "PiNG"}]
    event = expanded(languages_output / "en/events/forum-emploi-insertion-2027/index.html")
    assert event[SCHEMA + "name"] == [{"@value": "Forum de l'emploi solidaire", "@language": "fr"}]
    organizers = event[SCHEMA + "organizer"]
    assert organizers and all(o[SCHEMA + "name"][0]["@language"] == "fr" for o in organizers), organizers
