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

from ..records.model import Actor, Event, sort_key
from ..records.untrusted import checked_record, untrusted_problem

logger = logging.getLogger(__name__)

FOLDER = "calendars"
MAX_SNAPSHOT_BYTES = 20_000_000
EVENT_KEYS = {"uid", "slug", "record", "description", "url", "changed"}


def snapshot_file(root: Path, actor: str) -> Path:
    """Where an actor's calendar snapshot lives."""
    return root / FOLDER / f"{actor}.json"


def read_snapshot(path: Path) -> dict[str, Any] | None:
    """A snapshot as written by the pull (None when missing, a link, too large or malformed)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SNAPSHOT_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        return None
    if untrusted_problem(data):
        return None
    return data


def check_event(event: Any, source: str, tz: ZoneInfo) -> str:
    """Why an event of a snapshot cannot be used ("" when it can): its shape, then the checks of
    a local event (schema, dates, recurrence)."""
    record, reason = _record(event, source, tz)
    return reason


def _record(event: Any, source: str, tz: ZoneInfo) -> tuple[Event | None, str]:
    if not isinstance(event, dict) or set(event) - EVENT_KEYS or not isinstance(event.get("record"), dict):
        return None, "événement mal formé"
    for key in ("uid", "slug", "description", "url"):
        if not isinstance(event.get(key, ""), str):
            return None, f"« {key} » n'est pas un texte"
    digest = hashlib.sha1(json.dumps(event, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    record, reason = checked_record(
        "event", event["record"], event.get("description", ""), source, event["slug"], tz, digest
    )
    if record is None:
        return None, reason
    url = event.get("url", "")
    if url and not url.startswith(("https://", "http://")):
        return None, "adresse de l'événement qui n'est pas en http(s)"
    return record, ""


def calendar_events(
    root: Path, actors: list[Actor], local: list[Event], tz: ZoneInfo, today: date
) -> list[Event]:
    """The events of every actor's snapshot, checked again, each once, marked with their source."""
    by_slug = {a.slug: a for a in actors}
    taken = {e.slug for e in local}
    written = {(sort_key(e.name), e.fields.get("start"), s) for e in local for s in e.organizer_slugs}
    found: list[Event] = []
    folder = root / FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return found
    for path in sorted(folder.glob("*.json")):
        actor = by_slug.get(path.stem)
        source = path.relative_to(root).as_posix()
        if actor is None or not actor.fields.get("calendar_url"):
            logger.warning(
                "essaim: %s : aucun acteur ne donne ce calendrier ; relancez « essaim events pull »", source
            )
            continue
        snapshot = read_snapshot(path)
        if snapshot is None or snapshot.get("actor") != actor.slug:
            logger.warning(
                "essaim: %s : instantané illisible, laissé de côté ; relancez « essaim events pull »", source
            )
            continue
        for event in snapshot["events"]:
            record, reason = _record(event, source, tz)
            if record is None or record.organizer_slugs != [actor.slug]:
                logger.warning(
                    "essaim: %s : un événement est laissé de côté (%s)",
                    source,
                    reason or "autre organisateur",
                )
                continue
            if (
                record.slug in taken
                or (sort_key(record.name), record.fields.get("start"), actor.slug) in written
            ):
                continue  # the actor wrote it as a file too, or it was met already
            taken.add(record.slug)
            record.calendar_of = actor  # type: ignore[attr-defined]
            record.calendar_uid = event["uid"]  # type: ignore[attr-defined]
            record.calendar_page = event.get("url", "")  # type: ignore[attr-defined]
            record.updated = _day(event.get("changed"), _day(str(snapshot.get("pulled_at", ""))[:10], today))
            record.updated = min(record.updated, today)
            found.append(record)
    return found


def _day(text: Any, default: date) -> date:
    try:
        return date.fromisoformat(text) if isinstance(text, str) and text else default
    except ValueError:
        return default
