"""Hostile record files: a small file never exhausts the machine, never reaches outside the
repository, and valid-looking values that would break a page, a feed or a peer are refused, each
at its line with a French sentence.

Each check runs `essaim validate` in a child process with a memory cap and a deadline, so a
regression shows as a failed test (not an exhausted or crashed test runner).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BLANK_PNG, REPO, actor_text, build, event_text, write
from essaim.pages.markdown import render_markdown
from essaim.records.limits import LIMITS
from essaim.records.recurrence import LAST_DAY, dates, parse
from essaim.records.schema import body_limit

MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space for `essaim validate`
DEADLINE = 20  # seconds: every case here takes well under one


def validate(root: Path) -> subprocess.CompletedProcess[str]:
    """`essaim validate` on `root` in a child process with a memory cap and a deadline."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [str(Path(sys.executable).parent / "essaim"), "--root", str(root), "validate"],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        preexec_fn=cap_memory,
        env={**os.environ, "GITHUB_ACTIONS": "false"},
    )


def refused(root: Path, file: str, line: int | None, words: str) -> str:
    """Assert `validate` exits 1 with a clear error for `file` at `line` (None: any line)
    containing `words`."""
    result = validate(root)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    where = f"{file}:{line}:" if line is not None else f"{file}:"
    errors = [row for row in result.stdout.splitlines() if row.startswith(where) and ": error: " in row]
    assert any(words in row for row in errors), result.stdout
    return result.stdout


# 1. A small file exhausts the machine ------------------------------------------------------------


def test_nested_yaml_aliases_are_refused_at_their_line(territory):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = actor_text(**{line.split(":")[0]: line.split(": ", 1)[1] for line in levels})
    write(territory, "actors/bombe.md", text)
    assert len(text) < 1000
    started = time.perf_counter()
    output = refused(territory, "actors/bombe.md", 10, "les renvois YAML")  # a1 names *a0
    assert time.perf_counter() - started < DEADLINE
    assert "recopiez la valeur" in output


def test_an_alias_of_a_list_is_refused_even_used_once(territory):
    write(territory, "actors/a.md", actor_text(themes="&t [numerique]", skills_offered="*t"))
    refused(territory, "actors/a.md", 9, "les renvois YAML")


@pytest.mark.parametrize(
    "value",
    [
        "[" * 1000 + "]" * 1000,
        "[" * 100_000,  # crashed libyaml's composer (a C recursion)
        "{a: " * 2000 + "b" + "}" * 2000,
        "\n" + "- " * 20_000 + "x",  # block lists in lists, on one line
        "\n" + "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "v",
    ],
    ids=["flow-1000", "flow-100000", "mappings", "dashes", "indentation"],
)
def test_deep_nesting_is_refused_without_crashing(territory, value):
    write(territory, "actors/profond.md", actor_text(skills_offered=value))
    output = refused(territory, "actors/profond.md", None, "niveaux")
    assert f"plus de {LIMITS['yaml_depth']} niveaux" in output


def test_a_file_over_the_size_limit_is_refused_unread(territory):
    write(territory, "actors/gros.md", actor_text() + "x" * LIMITS["file_bytes"])
    refused(territory, "actors/gros.md", 1, f"dépasse {LIMITS['file_bytes'] // 1024} Ko")


def test_a_body_over_the_contract_s_description_limit_is_refused_at_its_line(territory):
    limit = body_limit("actor")
    write(territory, "actors/long.md", actor_text() + ">" * (limit + 1))
    refused(territory, "actors/long.md", 10, f"{limit} au plus")
    write(territory, "actors/long.md", actor_text() + "a" * (limit - 20))
    assert validate(territory).returncode == 0


def test_deeply_nested_markdown_renders_in_linear_time():
    timings = []
    for size in (2_000, 20_000):
        started = time.perf_counter()
        html = str(render_markdown(">" * size))
        timings.append(time.perf_counter() - started)
        assert html.count("<blockquote>") <= 16
    # Ten times the input: far less than the hundred times a quadratic step would take.
    assert timings[1] < 0.5, timings


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-30",
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # the start is a Thursday: every 7 days is a Thursday
        "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=1,2,3;BYSETPOS=4",
        "FREQ=WEEKLY;COUNT=0",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",  # from 2026: never a leap year
    ],
)
def test_a_rule_that_never_occurs_is_an_error_found_at_once(territory, rule):
    write(territory, "actors/la-ruche.md", actor_text())
    write(territory, "events/jamais.md", event_text(start="2026-03-05 18:00", recurrence=rule))
    started = time.perf_counter()
    refused(territory, "events/jamais.md", 6, "ne donne aucune date")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
        "FREQ=DAILY;BYHOUR=1,2;BYMINUTE=0,1,2,3,4,5,6,7,8,9",
        "FREQ=DAILY;FOO=1",
        "FREQ=YEARLY;BYMONTH=9;BYDAY=53MO",  # dateutil fails with an IndexError
        "FREQ=MONTHLY;BYMONTHDAY=0",
    ],
)
def test_rules_outside_the_contract_are_refused(territory, rule):
    write(territory, "actors/la-ruche.md", actor_text())
    write(territory, "events/e.md", event_text(recurrence=f'"{rule}"'))
    result = validate(territory)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "events/e.md:6:1: error: " in result.stdout and "récurrence" in result.stdout


def test_occurrences_are_listed_in_one_walk(territory, tmp_path):
    """A daily rule started long ago costs the build one pass through its dates."""
    write(territory, "actors/la-ruche.md", actor_text())
    write(territory, "events/chaque-jour.md", event_text(start="1990-01-01 09:00", recurrence="FREQ=DAILY"))
    from essaim.records.read import read_directory
    from essaim.records.territory import load_territory

    directory, problems = read_directory(territory, load_territory(territory), git_dates=False)
    assert problems == []
    now = dt.datetime(2026, 11, 22, 12, tzinfo=directory.events[0].start.tzinfo)
    started = time.perf_counter()
    occurrences = directory.occurrences(now, dt.timedelta(days=1830))
    assert time.perf_counter() - started < 1  # a walk after() by after() took minutes
    assert len(occurrences) == 1830  # one a day within the longest horizon
    assert occurrences[0].start == dt.datetime(2026, 11, 23, 9, tzinfo=now.tzinfo)
    output = build(territory, tmp_path / "out")
    assert "chaque-jour" in (output / "agenda/index.html").read_text(encoding="utf-8")


W = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 4))}")
    if draw(st.booleans()):
        months = draw(st.lists(st.integers(1, 12), min_size=1, max_size=3, unique=True))
        parts.append("BYMONTH=" + ",".join(map(str, months)))
    if draw(st.booleans()):
        monthdays = st.sampled_from([1, 13, 28, 29, 30, 31, -1, -2])
        days = draw(st.lists(monthdays, min_size=1, max_size=2, unique=True))
        parts.append("BYMONTHDAY=" + ",".join(map(str, days)))
    if draw(st.booleans()):
        positions = ["", "1", "2", "-1", "5"] if freq in ("MONTHLY", "YEARLY") else [""]
        byday = st.tuples(st.sampled_from(positions), st.sampled_from(W))
        items = draw(st.lists(byday, min_size=1, max_size=3))
        parts.append("BYDAY=" + ",".join(dict.fromkeys(n + day for n, day in items)))
    if draw(st.booleans()):
        parts.append("BYSETPOS=" + draw(st.sampled_from(["1", "-1", "2", "3,-1"])))
    if draw(st.booleans()):
        parts.append("WKST=" + draw(st.sampled_from(W)))
    return ";".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=rules(), start=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
def test_the_bounded_walk_gives_dateutil_s_dates(rule, start):
    """`recurrence.dates` is the check that a rule occurs: it must give the days dateutil gives."""
    try:
        mine = list(itertools.islice(dates(parse(rule, start), start), 20))
    except ValueError:
        return  # refused by validation: dateutil never sees it
    if len(mine) < 20:
        return  # rare dates before 2100: asking dateutil for 20 could walk to the year 9999
    moment = dt.datetime.combine(start, dt.time(10, 0))
    theirs = [d.date() for d in itertools.islice(rrulestr(rule, dtstart=moment), 20)]
    assert mine == theirs
    assert mine[-1] <= LAST_DAY


# 2. Files outside the repository ----------------------------------------------------------------


@pytest.mark.parametrize(
    "logo",
    ["../secret.png", "/etc/passwd.png", "media/../../x.png", "logos/a.png", "media/logo.svg"],
)
def test_a_logo_path_outside_media_is_refused(territory, logo):
    write(territory, "actors/a.md", actor_text(logo=logo))
    refused(territory, "actors/a.md", 9, "« logo »")


def test_a_logo_that_is_a_link_or_of_another_type_is_refused(territory, tmp_path):
    media = territory / "media"
    media.mkdir()
    (media / "lien.png").symlink_to("/proc/self/environ")
    (media / "faux.png").write_text("<svg onload=alert(1)>", encoding="utf-8")
    (media / "gros.png").write_bytes(BLANK_PNG + b"\0" * LIMITS["logo_bytes"])
    (media / "dossier").mkdir()
    outside = tmp_path.parent / "hors-depot"
    outside.mkdir(exist_ok=True)
    (outside / "vrai.png").write_bytes(BLANK_PNG)
    (media / "ailleurs").symlink_to(outside)
    write(territory, "actors/a.md", actor_text("A", logo="media/lien.png"))
    write(territory, "actors/b.md", actor_text("B", logo="media/faux.png"))
    write(territory, "actors/c.md", actor_text("C", logo="media/gros.png"))
    write(territory, "actors/d.md", actor_text("D", logo="media/ailleurs/vrai.png"))
    write(territory, "actors/e.md", actor_text("E", logo="media/dossier.png"))
    output = refused(territory, "actors/a.md", 9, "est un lien symbolique")
    assert "actors/b.md:9:1: error: le logo « media/faux.png » n'est pas une image PNG" in output
    assert "actors/c.md:9:1: error: le logo « media/gros.png » pèse" in output
    assert "actors/d.md:9:1: error: le logo « media/ailleurs/vrai.png » est un lien symbolique" in output
    assert "actors/e.md:9:1: error: le logo « media/dossier.png » est introuvable" in output


def test_a_real_logo_is_published(territory, tmp_path):
    (territory / "media").mkdir()
    (territory / "media/ruche.png").write_bytes(BLANK_PNG)
    write(territory, "actors/a.md", actor_text(logo="media/ruche.png"))
    assert validate(territory).returncode == 0
    output = build(territory, tmp_path / "out")
    assert (output / "media/ruche.png").read_bytes() == BLANK_PNG


def test_a_record_file_linked_from_outside_the_repository_is_refused(territory, tmp_path):
    outside = tmp_path.parent / "ailleurs.md"
    outside.write_text(actor_text("Ailleurs"), encoding="utf-8")
    (territory / "actors").mkdir()
    (territory / "actors/ailleurs.md").symlink_to(outside)
    refused(territory, "actors/ailleurs.md", 1, "hors du dépôt")


# 3. Valid-looking data that breaks something later ------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "line", "words"),
    [
        ({"geo": "{lat: .nan, lon: -1.5}"}, 9, "n'est pas un nombre utilisable"),
        ({"geo": "{lat: 47.2, lon: .inf}"}, 9, "n'est pas un nombre utilisable"),
        ({"website": "http://user:motdepasse@example.org/"}, 9, "adresse web complète"),
        ({"website": "https://example.org@evil.example/"}, 9, "adresse web complète"),
        ({"updated": "9999-12-31"}, 9, "AAAA-MM-JJ"),
        ({"updated": "2098-01-01"}, 9, "dans le futur"),
        ({"founded": "0"}, 9, "hors des limites"),
        ({"address": "\n  city: '!!!'"}, 7, "ni lettre ni chiffre"),
    ],
)
def test_values_that_would_break_an_output_are_refused(territory, fields, line, words):
    write(territory, "actors/a.md", actor_text(**fields))
    refused(territory, "actors/a.md", line, words)


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "2026-13-01"])
def test_event_dates_outside_the_contract_years_are_refused(territory, start):
    write(territory, "actors/la-ruche.md", actor_text())
    write(territory, "events/e.md", event_text(start=start))
    refused(territory, "events/e.md", 3, "start")


def test_a_city_without_latin_letters_gets_its_own_page(territory, tmp_path):
    write(territory, "actors/a.md", actor_text("A", address="\n  city: 東京"))
    write(territory, "actors/b.md", actor_text("B", address="\n  city: Testville"))
    assert validate(territory).returncode == 0
    output = build(territory, tmp_path / "out")
    assert "東京" in (output / "communes/dong-jing/index.html").read_text(encoding="utf-8")
    listing = (output / "communes/index.html").read_text(encoding="utf-8")
    assert "Testville" in listing and "dong-jing" in listing


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lat=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([".nan", ".inf", "-.inf"])),
)
def test_generated_coordinates_are_finite_or_refused(territory, lat):
    """Whatever number YAML can write, a record that passes has coordinates a map can show."""
    from essaim.records.read import read_directory
    from essaim.records.territory import load_territory

    text = lat if isinstance(lat, str) else repr(lat)
    write(territory, "actors/a.md", actor_text(geo=f"{{lat: {text}, lon: 1.5}}"))
    directory, problems = read_directory(territory, load_territory(territory), git_dates=False)
    for actor in directory.actors:
        assert -90 <= actor.geo["lat"] <= 90


# More cases of the same classes, found by a hostile pass over the first fixes ------------------


def test_a_text_alias_repeated_is_refused(territory):
    """An alias of one long text, ten thousand times, made a 121 KB file into 59 MB of site."""
    url = "https://example.org/" + "a" * 1900
    social = "".join(f"\n  s{i}: *u" for i in range(50))
    write(territory, "actors/a.md", actor_text(website=f"&u {url}", social=social))
    refused(territory, "actors/a.md", 11, "les renvois YAML")  # the first `*u`


def test_a_long_list_of_mixed_values_is_refused_in_linear_time(territory):
    write(territory, "actors/la-ruche.md", actor_text())
    items = ", ".join(["{}"] + [str(i) for i in range(8000)])
    write(territory, "events/e.md", event_text(organizers=f"[{items}]"))
    started = time.perf_counter()
    refused(territory, "events/e.md", 5, "50 au plus")
    assert time.perf_counter() - started < 10  # jsonschema's own uniqueItems: over 30 s


def test_a_repeated_event_lasting_years_is_refused(territory):
    write(territory, "actors/la-ruche.md", actor_text())
    write(territory, "events/e.md", event_text(start="1900-01-01", end="2099-12-31", recurrence="FREQ=DAILY"))
    refused(territory, "events/e.md", 6, "dure au plus 31 jours")


def test_search_terms_are_found_in_linear_time():
    from essaim.analysis import plain_text, terms

    started = time.perf_counter()
    terms("a" + "!" * 19_990 + "zN")
    plain_text("](" * 10_000 + "![" * 10_000)
    assert time.perf_counter() - started < 1  # 2.7 s per record before


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('"C\\x01"', "caractère de contrôle"),
        ('"x\\0y"', "caractère de contrôle"),
        ('"x\\uFFFE"', "caractère de contrôle"),
        ('"x\\x85"', "caractère de contrôle"),
    ],
)
def test_control_characters_written_as_escapes_are_refused(territory, value, words):
    write(territory, "actors/a.md", actor_text(name=value))
    refused(territory, "actors/a.md", 2, words)


def test_control_characters_in_territory_yml_are_refused(territory):
    write(territory, "territory.yml", (territory / "territory.yml").read_text() + 'short_name: "A\\x01"\n')
    refused(territory, "territory.yml", 5, "caractère de contrôle")


@pytest.mark.parametrize("number", ["1" * 5000, "0x" + "f" * 30, "0b" + "1" * 20_000])
def test_numbers_too_big_for_json_are_refused(territory, number):
    write(territory, "actors/a.md", actor_text(founded=number))
    refused(territory, "actors/a.md", 9, "n'est pas un nombre utilisable")


def test_a_long_city_name_gives_a_page_folder_of_bounded_length(territory, tmp_path):
    write(territory, "actors/a.md", actor_text(address="\n  city: " + "東京" * 50))
    assert validate(territory).returncode == 0
    output = build(territory, tmp_path / "out")
    folders = [p.name for p in (output / "communes").iterdir() if p.is_dir()]
    assert folders and all(len(name) <= 80 for name in folders)


def test_a_date_exception_cancels_the_occurrence_of_a_timed_event(territory, tmp_path):
    from icalendar import Calendar

    write(territory, "actors/la-ruche.md", actor_text())
    write(
        territory,
        "events/e.md",
        event_text(start="2026-11-03 18:00", recurrence="FREQ=WEEKLY", exdates="[2026-11-24]"),
    )
    output = build(territory, tmp_path / "out")
    event = Calendar.from_ical((output / "agenda.ics").read_bytes()).walk("VEVENT")[0]
    exdates = [d.dt for value in [event["EXDATE"]] for d in value.dts]
    assert exdates == [dt.datetime(2026, 11, 24, 18, 0, tzinfo=exdates[0].tzinfo)]
    assert str(exdates[0].tzinfo) == "Europe/Paris"
    from essaim.records.read import read_directory
    from essaim.records.territory import load_territory

    directory, _ = read_directory(territory, load_territory(territory), git_dates=False)
    tz = directory.events[0].start.tzinfo
    starts = directory.events[0].starts(
        dt.datetime(2026, 11, 20, tzinfo=tz), dt.datetime(2026, 12, 5, tzinfo=tz)
    )
    assert [s.day for s in starts] == [1]  # the 24th is cancelled


def test_a_time_with_an_offset_is_shown_in_the_territory_s_zone(territory, tmp_path):
    from icalendar import Calendar

    write(territory, "actors/la-ruche.md", actor_text())
    write(territory, "events/e.md", event_text(start="2026-12-05T18:00+14:00"))
    output = build(territory, tmp_path / "out")
    calendar = Calendar.from_ical((output / "agenda.ics").read_bytes())
    start = calendar.walk("VEVENT")[0]["DTSTART"].dt
    assert str(start.tzinfo) == "Europe/Paris" and (start.day, start.hour) == (5, 5)
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    assert zones == {"Europe/Paris"}


def test_a_record_folder_linked_out_of_the_repository_is_refused(territory, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-dehors"
    outside.mkdir()
    (outside / "secret.md").write_text(actor_text("Secret"), encoding="utf-8")
    (territory / "actors").symlink_to(outside)
    refused(territory, "actors/secret.md", 1, "hors du dépôt")


def test_essaim_init_empty_never_deletes_through_a_link(territory, tmp_path):
    from essaim.contribute.init import remove_demo_records

    outside = tmp_path.parent / f"{tmp_path.name}-victime"
    outside.mkdir()
    (outside / "notes.md").write_text("à garder", encoding="utf-8")
    (territory / "events").symlink_to(outside)
    write(territory, "actors/a.md", actor_text())
    assert remove_demo_records(territory) == 1
    assert (outside / "notes.md").read_text(encoding="utf-8") == "à garder"
    assert not (outside / ".gitkeep").exists()


def test_a_content_page_linked_out_of_the_repository_stops_the_build(territory, tmp_path):
    from essaim.records.problems import InvalidContent

    outside = tmp_path.parent / f"{tmp_path.name}-page"
    outside.mkdir()
    (outside / "fuite.md").write_text("Title: Fuite\nSlug: fuite\n\nSecret.\n", encoding="utf-8")
    shutil.copytree(REPO / "content", territory / "content")
    (territory / "content/pages/fuite.md").symlink_to(outside / "fuite.md")
    with pytest.raises(InvalidContent) as error:
        build(territory, tmp_path / "out")
    assert "content/pages/fuite.md:1:1: error: ce lien mène hors du dépôt" in str(error.value)
    assert not (tmp_path / "out/fuite").exists()


def test_a_url_segment_taken_by_a_content_page_is_refused(territory, tmp_path):
    from essaim.records.problems import InvalidContent

    write(
        territory, "territory.yml", (territory / "territory.yml").read_text() + "urls:\n  actors: a-propos\n"
    )
    write(territory, "actors/a.md", actor_text())
    with pytest.raises(InvalidContent) as error:
        build(territory, tmp_path / "out")
    expected = "content/pages/a-propos.md:1:1: error: le chemin « a-propos » de cette page est déjà celui"
    assert expected in str(error.value)


def test_did_you_mean_is_bounded_for_a_record_full_of_unknown_references(territory):
    for i in range(300):
        write(territory, f"actors/acteur-{i}.md", actor_text(f"Acteur {i}"))
    organizers = ", ".join(f"inconnu-{i}" for i in range(50))
    write(territory, "events/e.md", event_text(organizers=f"[{organizers}]"))
    started = time.perf_counter()
    output = refused(territory, "events/e.md", 5, "acteur inconnu « inconnu-0 »")
    assert time.perf_counter() - started < 10
    assert output.count("vouliez-vous dire") <= 5


def test_a_file_name_ending_in_a_line_feed_is_refused(territory):
    """`$` in a pattern takes a final line feed: the slug rule does not, so no page folder or
    profile file name ends in one."""
    write(territory, "actors/cyclo\n.md", actor_text("Cyclo"))
    refused(territory, "actors/cyclo\\x0a.md", 1, "nom de fichier « cyclo\\x0a.md » invalide")
