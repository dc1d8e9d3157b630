"""`essaim events pull`: each actor's `calendar_url` (an iCalendar file) fetched through the one
HTTP client, its events checked like a local event, and kept in a committed snapshot,
calendars/<actor>.json — with the guarantees of `essaim federation pull`: a deadline and a size
cap per calendar, conditional requests, the previous snapshot kept whole on any error, the
provenance written down, and one calendar's failure never stopping the others.

A snapshot is rewritten only when its events change (a quiet week changes nothing in git), and
removed when its actor no longer gives a calendar, or no longer exists.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..net.http import Client, FetchError
from ..records.cachefile import write_atomic
from ..records.model import Actor
from ..records.read import record_paths
from ..records.territory import Territory
from .ics import CalendarError, read_calendar
from .snapshots import FOLDER, check_event, read_snapshot, snapshot_file

MAX_BYTES = 10_000_000  # one calendar file


@dataclass
class CalendarReport:
    """What the pull of one actor's calendar did."""

    actor: str  # the actor's file, actors/<slug>.md
    url: str
    snapshot: str  # calendars/<slug>.json
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: bool = False
    left_out: Counter = field(default_factory=Counter)
    error: str = ""

    def line(self) -> str:
        """One line of `essaim events pull`, in French."""
        if self.error:
            return f"{self.actor} ({self.url}) : ÉCHEC, {self.error} ; l'instantané précédent est conservé"
        if self.unchanged and not (self.added or self.changed or self.removed or self.left_out):
            return f"{self.actor} ({self.url}) : inchangé ({self.snapshot})"
        counts = f"{self.added} ajouté(s), {self.changed} modifié(s), {self.removed} retiré(s)"
        if self.left_out:
            why = ", ".join(f"{reason} : {count}" for reason, count in sorted(self.left_out.items()))
            counts += f", {sum(self.left_out.values())} laissé(s) de côté ({why})"
        return f"{self.actor} ({self.url}) : {counts} → {self.snapshot}"


def pull_calendar(
    root: Path, actor: Actor, territory: Territory, client: Client, now: datetime, dry_run: bool = False
) -> CalendarReport:
    """Pull one actor's calendar; on any error its snapshot stays exactly as it was."""
    url = str(actor.fields["calendar_url"])
    path = snapshot_file(root, actor.slug)
    report = CalendarReport(actor.source, url, path.relative_to(root).as_posix())
    previous = read_snapshot(path)
    same_source = previous is not None and previous.get("calendar") == url
    old_events = {}
    if same_source:  # a hand-edited snapshot may hold anything: only its well-formed events count
        old_events = {
            e["uid"]: e for e in previous["events"] if isinstance(e, dict) and isinstance(e.get("uid"), str)
        }
    etag, last_modified = (
        (previous.get("etag"), previous.get("last_modified")) if same_source else (None, None)
    )
    try:
        fetched = client.get(
            url,
            etag if isinstance(etag, str) else None,
            last_modified if isinstance(last_modified, str) else None,
        )
    except FetchError as error:
        report.error = str(error)
        return report
    if fetched.body is None:  # 304 Not Modified
        report.unchanged = True
        return report
    try:
        found = read_calendar(fetched.body, actor.slug, actor.themes, territory.tz, now)
    except CalendarError as error:
        report.error = f"{url} : {error}"
        return report
    report.left_out = found.left_out
    events = []
    for event in found.events:
        reason = check_event(event, f"{report.snapshot} (UID {event['uid']})", territory.tz)
        if reason:
            report.left_out[f"refusé ({reason})"] += 1
            continue
        events.append(event)
    new_events = {e["uid"]: e for e in events}
    report.added = len(set(new_events) - set(old_events))
    report.removed = len(set(old_events) - set(new_events))
    report.changed = sum(1 for uid in set(new_events) & set(old_events) if new_events[uid] != old_events[uid])
    report.unchanged = same_source and not (report.added or report.removed or report.changed)
    if dry_run or report.unchanged:
        return report
    snapshot = {
        "calendar": url,
        "actor": actor.slug,
        "pulled_at": now.astimezone(UTC).isoformat(timespec="seconds"),
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "left_out": dict(sorted(found.left_out.items())),
        "events": events,
    }
    try:
        text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        write_atomic(path, lambda file: file.write(text.encode("utf-8")))  # never half a snapshot
    except OSError as error:
        report.error = f"{report.snapshot} : écriture impossible ({error.strerror or error})"
    return report


def stale_snapshots(root: Path, actors: list[Actor]) -> list[Path]:
    """The snapshots whose actor's file is gone, or whose (valid) actor no longer gives a
    calendar or is archived (`actors`: the valid ones, archived ones included). An actor whose
    file has an error keeps its snapshot until the file is mended."""
    valid = {a.slug: a for a in actors if not a.archived}
    files = {Path(path).stem for kind, path in record_paths(root) if kind == "actor"}
    files -= {a.slug for a in actors if a.archived}
    folder = root / FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return []
    stale = []
    for path in sorted(folder.glob("*.json")):
        actor = valid.get(path.stem)
        gone = path.stem not in files or (actor is not None and not actor.fields.get("calendar_url"))
        if gone and not path.is_symlink() and path.is_file():
            stale.append(path)
    return stale


class PullRefused(Exception):
    """The pull cannot write its snapshots where they belong (the message says why, in French)."""


def pull_all(
    root: Path,
    territory: Territory,
    actors: list[Actor],
    timeout: float,
    deadline: float,
    allow_private: bool,
    dry_run: bool,
    now: datetime | None = None,
) -> tuple[list[CalendarReport], list[Path]]:
    """Pull every actor's calendar in turn (one client, its deadline per file); then remove the
    snapshots no actor gives any more (not in a dry run). Returns the reports and the removed."""
    now = now or datetime.now(territory.tz)
    folder = root / FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise PullRefused(
            f"{FOLDER}/ est un lien ou un fichier : les instantanés s'écrivent dans un dossier du dépôt "
            f"même ; remplacez-le par un dossier « {FOLDER} »"
        )
    client = Client(
        max_bytes=MAX_BYTES,
        timeout=timeout,
        deadline=deadline,
        allow_private=allow_private,
        private_hint="pour un calendrier de l'intranet ou un essai, relancez avec "
        "« essaim events pull --allow-private »",
    )
    reports = []
    for actor in actors:
        if actor.archived or not actor.fields.get("calendar_url"):
            continue
        try:
            reports.append(pull_calendar(root, actor, territory, client, now, dry_run))
        except Exception as error:  # unforeseen: this calendar fails, the next ones are still pulled
            report = CalendarReport(actor.source, str(actor.fields["calendar_url"]), "")
            report.error = f"erreur inattendue ({type(error).__name__}), à signaler aux auteurs d'Essaim"
            reports.append(report)
    removed = stale_snapshots(root, actors)
    if not dry_run:
        for path in removed:
            path.unlink(missing_ok=True)
    return reports, removed


def describe(removed: list[Path], root: Path) -> list[str]:
    """The lines of `essaim events pull` for the snapshots it removed."""
    return [
        f"{p.relative_to(root).as_posix()} : retiré (l'acteur ne donne plus de calendrier)" for p in removed
    ]
