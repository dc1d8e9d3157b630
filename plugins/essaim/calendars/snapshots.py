"""The actors' calendar snapshots (calendars/<actor>.json, written by `essaim events pull`) as
events of the build: each checked again like a local event (a hand-edited snapshot never makes
a build fail: a bad event is left out with a warning), organized by its actor, and marked with
where it comes from (`calendar_of`, shown « source : calendrier de … » in the agenda, feeds and
pages). An event the actor also wrote as a record file (same title, same start) is left out:
the file wins. No network here: the build imports this module, never `pull`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..records.model import Directory, Event, sort_key
from ..records.untrusted import checked_record, strict_json, untrusted_problem

logger = logging.getLogger(__name__)

FOLDER = "calendars"
MAX_SNAPSHOT_BYTES = 20_000_000
MAX_EVENTS = 500  # of one snapshot: what a pull keeps (calendars/ics.py)
AGAIN = "relancez « essaim events pull » pour mettre à jour l'instantané"
EVENT_KEYS = {"uid", "slug", "record", "description", "url", "changed"}


def snapshot_file(root: Path, actor: str) -> Path:
    """Where an actor's calendar snapshot lives."""
    return root / FOLDER / f"{actor}.json"


def read_snapshot(path: Path) -> dict[str, Any] | None:
    """A snapshot as written by the pull (None when missing, a link, too large or malformed)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SNAPSHOT_BYTES:
            return None
        data = strict_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        return None
    envelope = {key: value for key, value in data.items() if key != "events"}
    return None if untrusted_problem(envelope) else data  # each event is checked on its own


def check_event(event: Any, source: str, tz: ZoneInfo) -> str:
    """Why an event of a snapshot cannot be used ("" when it can): its shape, then the checks of
    a local event (schema, dates, recurrence)."""
    return _record(event, source, tz)[1]


def _record(event: Any, source: str, tz: ZoneInfo, shown_with: str = "") -> tuple[Event | None, str]:
    """The event of a snapshot's entry, checked; its digest holds `shown_with` (the actor's name,
    which its pages show: renaming the actor renders them again)."""
    if not isinstance(event, dict) or set(event) - EVENT_KEYS or not isinstance(event.get("record"), dict):
        return None, "événement mal formé"
    problem = untrusted_problem(event)
    if problem:
        return None, problem
    for key in ("uid", "slug", "description", "url"):
        if not isinstance(event.get(key, ""), str):
            return None, f"« {key} » n'est pas un texte"
    changed = event.get("changed")
    if changed is not None and (not isinstance(changed, str) or not _in_contract(changed)):
        return None, "date de modification hors de 1900–2099"
    text = json.dumps([event, shown_with], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(text.encode()).hexdigest()
    record, reason = checked_record(
        "event", event["record"], event.get("description", ""), source, event["slug"], tz, digest
    )
    if record is None:
        return None, reason
    url = event.get("url", "")
    if url and not url.startswith(("https://", "http://")):
        return None, "adresse de l'événement qui n'est pas en http(s)"
    return record, ""


def calendar_events(root: Path, directory: Directory, tz: ZoneInfo, today: date) -> list[Event]:
    """The events of every actor's snapshot, checked again, each once, marked with their source.

    Left out with a warning: a snapshot no actor gives, an unreadable one, an event that fails
    the checks of a local event, names another organizer or a theme the directory does not have.
    Left out silently: an event the actor also wrote as a file (same title, same start), one
    whose page another event has (or an archived one kept), beyond MAX_EVENTS of one snapshot.
    Of two events with one UID (the same Mobilizon event in two actors' feeds), the second
    gives its own in iCalendar feeds (`calendar_uid` empty)."""
    by_slug = {a.slug: a for a in directory.actors}
    local = [r for r in directory.all_records if isinstance(r, Event)]
    taken = {e.slug for e in local}
    written = {(sort_key(e.name), e.start, s) for e in local for s in e.organizer_slugs}
    uids: set[str] = set()
    found: list[Event] = []
    folder = root / FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return found
    archived = {r.slug for r in directory.archived if r.KIND == "actor"}
    for path in sorted(folder.glob("*.json")):
        actor = by_slug.get(path.stem)
        source = path.relative_to(root).as_posix()
        if path.stem in archived:
            continue  # an archived actor's calendar is out of the agenda, as the actor is
        if actor is None or not actor.fields.get("calendar_url"):
            logger.warning("essaim: %s : aucun acteur ne donne ce calendrier ; %s", source, AGAIN)
            continue
        snapshot = read_snapshot(path)
        if snapshot is None or snapshot.get("actor") != actor.slug:
            logger.warning("essaim: %s : instantané illisible, laissé de côté ; %s", source, AGAIN)
            continue
        pulled = _day(str(snapshot.get("pulled_at", ""))[:10], today)
        for event in snapshot["events"][:MAX_EVENTS]:
            record, reason = _record(event, source, tz, actor.name)
            if record is not None and record.organizer_slugs != [actor.slug]:
                record, reason = None, "autre organisateur que l'acteur"
            if record is not None and not set(record.themes) <= set(directory.themes):
                record, reason = None, "thème inconnu de l'annuaire"
            if record is None:
                logger.warning(
                    "essaim: %s : un événement est laissé de côté (%s) ; %s", source, reason, AGAIN
                )
                continue
            if record.slug in taken or (sort_key(record.name), record.start, actor.slug) in written:
                continue  # the actor wrote it as a file too, or its page is another's
            taken.add(record.slug)
            uid = event["uid"]
            record.calendar_of = actor  # type: ignore[attr-defined]
            record.calendar_uid = uid if uid not in uids else ""  # type: ignore[attr-defined]
            record.calendar_page = event.get("url", "")  # type: ignore[attr-defined]
            uids.add(uid)
            record.updated = min(_day(event.get("changed"), pulled), today)
            found.append(record)
    return found


def _in_contract(text: str) -> bool:
    """Whether a date is one the contract allows (1900–2099, as a record's dates)."""
    try:
        return 1900 <= date.fromisoformat(text).year <= 2099
    except ValueError:
        return False


def _day(text: Any, default: date) -> date:
    """A snapshot's date, or `default` when it is not one the contract allows."""
    if isinstance(text, str) and _in_contract(text):
        return date.fromisoformat(text)
    return default
