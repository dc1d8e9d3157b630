"""What a JSON Schema cannot say: checksums, dates in order, references, duplicates.

`record_problems` looks at one record alone (its result can be cached with the record);
`directory_problems` looks across records and at the territory's taxonomy.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from .hours import hours_problem
from .load import SLUG_RE, LinePath
from .media import image_problem
from .model import MAX_OCCURRENCE_DAYS, Actor, Event, Initiative, Record, parse_when, slugify
from .offers import LEGACY_FIELDS, legacy_value
from .problems import Problem
from .recurrence import LAST_DAY, first_date
from .schema import say, schema
from .taxonomy import Theme

# Keys of the contract that only exports carry (a file says them otherwise).
EXPORT_ONLY_KEYS = {
    "slug": "l'identifiant d'une fiche est le nom de son fichier",
    "url": "l'adresse de la page est calculée par le site",
    "description": "la présentation s'écrit après l'en-tête, sous la ligne « --- »",
}
LOGO_PATH = re.compile(schema("common.json")["$defs"]["logo"]["pattern"])  # else the schema says why
RESERVED_SLUGS = {"page"}  # /acteurs/page/2/ is a list page
RESERVED_EVENT_SLUGS = {"passes", "embed"}  # /agenda/passes/ and /agenda/embed/ are lists


def siret_is_valid(siret: str) -> bool:
    """Luhn checksum of a SIRET (La Poste's establishments use their own digit-sum rule)."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith("356000000"):
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for index, digit in enumerate(reversed(siret)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _problem(record: Record, path: LinePath, message: str, severity: str = "error") -> Problem:
    line, col = record.position(path)
    return Problem(record.source, line, col, message, severity)


def record_problems(record: Record, tz: ZoneInfo) -> list[Problem]:
    """Checks on one record that its schema cannot express."""
    problems: list[Problem] = []
    fields = record.fields
    for key, why in EXPORT_ONLY_KEYS.items():
        if key in fields:
            problems.append(
                _problem(
                    record,
                    (key,),
                    f"« {key} » n'est pas à écrire dans une fiche : {why} ; retirez cette ligne",
                )
            )
    siret = fields.get("siret")
    if isinstance(siret, str) and len(siret) == 14 and siret.isdigit() and not siret_is_valid(siret):
        problems.append(
            _problem(
                record,
                ("siret",),
                say("siret_checksum", value=siret),
            )
        )
    city = record.address.get("city") if isinstance(record.address, dict) else None
    if isinstance(city, str) and city and not slugify(city):
        where = ("location", "city") if isinstance(record, Event) else ("address", "city")
        problems.append(
            _problem(
                record,
                where,
                f"la commune « {city} » ne contient ni lettre ni chiffre : écrivez son nom",
            )
        )
    updated = fields.get("updated")
    if isinstance(updated, str) and updated > datetime.now(tz).date().isoformat():
        problems.append(
            _problem(
                record,
                ("updated",),
                f"la date de mise à jour {updated} est dans le futur : indiquez la date "
                "du jour où la fiche a été vérifiée",
            )
        )
    hours = fields.get("opening_hours")
    if isinstance(hours, str) and hours.strip() and (warning := hours_problem(hours)):
        problems.append(_problem(record, ("opening_hours",), warning, severity="warning"))
    if isinstance(record, Event):
        problems.extend(_event_time_problems(record, tz))
    return problems


def _event_time_problems(event: Event, tz: ZoneInfo) -> list[Problem]:
    times = {}
    problems = []
    for key in ("start", "end"):
        value = event.fields.get(key)
        if not isinstance(value, str):
            continue
        try:
            times[key] = parse_when(value, tz)[0]
        except ValueError:
            problems.append(_problem(event, (key,), f"« {key} » : la date « {value} » n'existe pas"))
    rule = event.fields.get("recurrence")
    if isinstance(rule, str) and "start" in times:
        problems.extend(_recurrence_problems(event, rule.removeprefix("RRULE:"), times["start"]))
    for index, value in enumerate(event.fields.get("exdates") or []):
        try:
            parse_when(str(value), tz)
        except ValueError:
            problems.append(
                _problem(event, ("exdates", index), f"« exdates » : la date « {value} » n'existe pas")
            )
    if (
        isinstance(rule, str)
        and "start" in times
        and "end" in times
        and times["end"] - times["start"] > timedelta(days=MAX_OCCURRENCE_DAYS)
    ):
        problems.append(
            _problem(
                event,
                ("end",),
                f"un événement répété dure au plus {MAX_OCCURRENCE_DAYS} jours à chaque fois : "
                "corrigez « end » (la fin de la première occurrence), ou retirez « recurrence »",
            )
        )
    if "start" in times and "end" in times and times["end"] < times["start"]:
        problems.append(
            _problem(
                event,
                ("end",),
                f"la fin ({event.fields['end']}) est avant le "
                f"début ({event.fields['start']}) : corrigez « end »",
            )
        )
    return problems


def _recurrence_problems(event: Event, rule: str, start: datetime) -> list[Problem]:
    """A rule dateutil can read, that gives at least one date: dateutil would look for one
    until the year 9999 (`recurrence.first_date` stops at the contract's last year)."""
    try:
        rrulestr(rule, dtstart=start)  # reads the rule, computes no date
        first = first_date(rule, start.date())
    except (ValueError, TypeError, KeyError, IndexError) as error:
        return [
            _problem(
                event,
                ("recurrence",),
                f"règle de récurrence invalide ({error}) : "
                "par exemple FREQ=WEEKLY;BYDAY=TU, ou FREQ=MONTHLY;BYDAY=1TU;"
                "UNTIL=20271231T235959Z",
            )
        ]
    if first is None:
        return [
            _problem(
                event,
                ("recurrence",),
                f"la règle de récurrence « {rule} » ne donne aucune date entre le début de "
                f"l'événement et la fin de {LAST_DAY.year} : vérifiez les jours et les mois "
                "demandés (un 30 février n'existe pas)",
            )
        ]
    return []


def _closest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def directory_problems(
    actors: list[Actor],
    initiatives: list[Initiative],
    events: list[Event],
    themes: dict[str, Theme],
    root: Path,
    actor_slugs: set[str],
    categories: dict[str, str] | None = None,
    language: str = "fr",
) -> list[Problem]:
    """Checks across records: themes and references exist, no duplicates, logos present, no
    translation into the site's default `language` (its texts are the record's own).

    `actor_slugs` names every actor file, readable or not: a reference to an actor whose file
    has an error is not reported a second time.
    """
    problems: list[Problem] = []
    for record in [*actors, *initiatives, *events]:
        translations = record.fields.get("translations")
        if isinstance(translations, dict) and language in translations:
            problems.append(
                _problem(
                    record,
                    ("translations", language),
                    f"« {language} » est la langue par défaut du site : écrivez ces textes dans la "
                    f"fiche elle-même (name, summary, le texte après l'en-tête), pas dans « translations »",
                )
            )
    for record in [*actors, *initiatives, *events]:
        reserved = RESERVED_SLUGS | (RESERVED_EVENT_SLUGS if isinstance(record, Event) else set())
        if record.slug in reserved:
            problems.append(
                _problem(
                    record,
                    (),
                    f"le nom de fichier « {record.slug}.md » est réservé par le site : renommez le fichier",
                )
            )
    for record in [*actors, *initiatives, *events]:
        for index, slug in enumerate(record.themes):
            if isinstance(slug, str) and slug not in themes:
                problems.append(
                    _problem(
                        record,
                        ("themes", index),
                        f"thème inconnu « {slug} »"
                        f"{_closest(slug, themes)} (liste des thèmes : page "
                        "« Thèmes » du site)",
                    )
                )
    for record in [*actors, *initiatives] if categories is not None else []:
        for index, item in enumerate(record.fields.get("offers_needs") or []):
            category = item.get("category") if isinstance(item, dict) else None
            if isinstance(category, str) and SLUG_RE.match(category) and category not in categories:
                problems.append(
                    _problem(
                        record,
                        ("offers_needs", index, "category"),
                        f"catégorie d'offre ou de besoin inconnue « {category} »"
                        f"{_closest(category, categories)} : choisissez parmi " + ", ".join(categories),
                    )
                )
        for path, (_, category) in LEGACY_FIELDS.get(record.KIND, {}).items():
            if category not in categories and legacy_value(record.fields, path):
                problems.append(
                    _problem(
                        record,
                        tuple(path.split(".")),
                        f"« {path} » compte comme offre ou besoin de la catégorie « {category} », "
                        "que territory.yml retire (offers_needs.categories) : rétablissez-la",
                    )
                )
    for initiative in initiatives:
        problems.extend(_missing_actor_refs(initiative, "actors", initiative.actor_slugs, actor_slugs))
    for event in events:
        problems.extend(_missing_actor_refs(event, "organizers", event.organizer_slugs, actor_slugs))
    problems.extend(_duplicates(actors, "name", lambda a: a.sort_name, "le nom"))
    problems.extend(_duplicates(actors, "siret", lambda a: a.fields.get("siret"), "le SIRET"))
    problems.extend(
        _duplicates(
            actors,
            "website",
            lambda a: a.website_key,
            "le site web",
        )
    )
    problems.extend(_duplicates(initiatives, "name", lambda i: i.sort_name, "le nom"))
    problems.extend(_similar_names(actors))
    for actor in actors:
        logo = actor.fields.get("logo")
        wrong = image_problem(root, logo) if isinstance(logo, str) and LOGO_PATH.match(logo) else None
        if wrong:
            problems.append(_problem(actor, ("logo",), f"le logo « {logo} » {wrong}"))
    return problems


SUGGESTIONS = 5  # "did you mean" for a record's first unknown references: each reads every slug


def _missing_actor_refs(record: Record, key: str, slugs: list[str], known: set[str]) -> list[Problem]:
    unknown = [(i, slug) for i, slug in enumerate(slugs) if isinstance(slug, str) and slug not in known]
    return [
        _problem(
            record,
            (key, index),
            f"acteur inconnu « {slug} » dans « {key} » : indiquez le nom du fichier d'une fiche de "
            f"actors/ (sans .md){_closest(slug, known) if n < SUGGESTIONS else ''}",
        )
        for n, (index, slug) in enumerate(unknown)
    ]


# Words that do not tell two structures apart: « Association La Ruche » and « La Ruche ».
NAME_NOISE = {
    "a",
    "au",
    "aux",
    "asso",
    "association",
    "cooperative",
    "coop",
    "d",
    "de",
    "des",
    "du",
    "en",
    "et",
    "l",
    "la",
    "le",
    "les",
    "scic",
    "scop",
    "sa",
    "sas",
    "sarl",
    "the",
}


_NOT_ALNUM = re.compile(r"[\W_]")  # sort names are ASCII: the same as `not str.isalnum()`


def name_key(sort_name: str) -> str:
    """A name without case, accents, punctuation and common words (likely duplicates share it)."""
    words = _NOT_ALNUM.sub(" ", sort_name).split()
    return " ".join(w for w in words if w not in NAME_NOISE)


def _similar_names(actors: list[Actor]) -> list[Problem]:
    """Warnings (not errors) for actors whose names differ only by common words or punctuation."""
    first_seen: dict[str, Actor] = {}
    problems = []
    for actor in actors:
        key = name_key(actor.sort_name)
        other = first_seen.setdefault(key, actor) if key else actor
        if other is not actor and other.sort_name != actor.sort_name:
            problems.append(
                _problem(
                    actor,
                    ("name",),
                    f"nom très proche de celui de {other.source} (« {other.name} ») : "
                    "s'agit-il de la même structure ?",
                    severity="warning",
                )
            )
    return problems


def _duplicates(records: list, key: str, value_of, what: str) -> list[Problem]:
    first_seen: dict[str, Record] = {}
    problems = []
    for record in records:  # in file order: the first file keeps the value, the next ones are told
        value = value_of(record)
        if not value or not isinstance(value, str):  # an invalid record's field may be anything
            continue
        if value in first_seen:
            other = first_seen[value]
            problems.append(
                _problem(
                    record,
                    (key,),
                    f"{what} est déjà celui de {other.source} : "
                    "s'agit-il de la même structure ? Fusionnez les deux fiches "
                    "ou distinguez-les",
                )
            )
        else:
            first_seen[value] = record
    return problems
