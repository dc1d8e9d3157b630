"""The JSON Schemas of the contract, and their errors told in French at the right line."""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from .load import LinePath, SourceRecord
from .problems import Problem

SCHEMA_VERSION = "1.6.0"
KINDS = ("actor", "initiative", "event")
SCHEMA_FILES = (
    "common.json",
    "actor.json",
    "initiative.json",
    "event.json",
    "federation.json",
    "offers-needs.json",
)


def N_(text: str) -> str:
    """Mark a French sentence for the interface's catalogues (Babel extracts `N_()`): the form
    (contribute/) shows these checks in the page's language; `essaim validate` speaks French."""
    return text


TYPE_NAMES = {
    "string": N_("du texte"),
    "integer": N_("un nombre entier"),
    "number": N_("un nombre"),
    "array": N_("une liste (une ligne « - valeur » par élément, ou [a, b])"),
    "object": N_("un groupe de champs indentés"),
    "boolean": N_("true ou false"),
    "null": N_("vide"),
}


# The French sentences a schema error becomes, with their blanks; the same text for `essaim
# validate` and for the "Proposer une fiche" form, which gets them from the build.
MESSAGES = {
    "type": N_("« {name} » doit être {wanted}"),
    "enum": N_("valeur « {value} » inconnue pour « {name} » : choisissez parmi {choices}"),
    "pattern": N_("« {name} » {message} (reçu : « {value} »)"),
    "other_pattern": N_("n'a pas la forme attendue"),
    "maxLength": N_("« {name} » est trop long : {count} caractères, {limit} au plus"),
    "minLength": N_("« {name} » est vide : écrivez au moins un caractère ou retirez la ligne"),
    "minItems": N_("« {name} » doit contenir au moins {limit} élément(s)"),
    "maxItems": N_("« {name} » contient {count} éléments, {limit} au plus : gardez les principaux"),
    "uniqueItems": N_("« {name} » contient deux fois la même valeur"),
    "minimum": N_("« {name} » vaut {value}, hors des limites permises (au moins {limit})"),
    "maximum": N_("« {name} » vaut {value}, hors des limites permises (au plus {limit})"),
    # Not from the schema, said by essaim validate (checks.py) and the proposal form alike:
    "siret_checksum": N_(
        "le SIRET « {value} » n'est pas valide (clé de contrôle fausse) : recopiez-le "
        "depuis l'avis de situation INSEE ou annuaire-entreprises.data.gouv.fr"
    ),
    # The form's own sentence for a required field (a file is told which line to add instead):
    "required_in_form": N_("champ obligatoire « {name} » manquant : remplissez-le"),
}


def say(kind: str, **blanks: Any) -> str:
    """One of MESSAGES with its blanks filled in."""
    return MESSAGES[kind].format(**blanks)


@cache
def schema_text(name: str) -> str:
    """The published text of one schema file (`actor.json`, `common.json`...)."""
    return resources.files(__package__).joinpath("schemas", name).read_text(encoding="utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    """One schema file, parsed."""
    return json.loads(schema_text(name))


@cache
def _registry() -> Registry:
    return Registry().with_resources((name, Resource.from_contents(schema(name))) for name in SCHEMA_FILES)


def _unique_items(checker: Any, unique: bool, instance: Any, _schema: Any) -> Any:
    """`uniqueItems` in linear time: jsonschema's own compares every pair of items it cannot
    sort (a list mixing texts, numbers and groups), minutes for a list a 128 KB file can hold."""
    if not unique or not checker.is_type(instance, "array"):
        return
    seen = set()
    for item in instance:
        key = json.dumps(item, sort_keys=True, default=repr)
        if key in seen:
            yield ValidationError(f"{instance!r} has non-unique elements")
            return
        seen.add(key)


ContractValidator = validators.extend(Draft202012Validator, {"uniqueItems": _unique_items})


@cache
def validator(kind: str) -> Draft202012Validator:
    """A validator for records of `kind` (actor, initiative, event)."""
    return ContractValidator(
        schema(f"{kind}.json"), registry=_registry(), format_checker=FormatChecker(["date"])
    )


@cache
def bundled(name: str) -> dict[str, Any]:
    """A schema with every `$ref` replaced by what it points to (our schemas have no cycles).

    Made once per process and shared: read it, never change it (the forms look up 200 fields
    in it per build)."""

    def resolve(node: Any, document: str) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target, _, pointer = node["$ref"].partition("#")
                target = target or document
                value: Any = schema(target)
                for step in pointer.strip("/").split("/") if pointer else []:
                    value = value[step]
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return resolve({**copy.deepcopy(value), **rest}, target)
            return {k: resolve(v, document) for k, v in node.items() if k not in ("$schema", "$defs")}
        if isinstance(node, list):
            return [resolve(item, document) for item in node]
        return node

    return resolve(schema(name), name)


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def fast_validator(kind: str):
    """A compiled validator (fastjsonschema) that only says valid or not, ~20x faster.

    Most records are valid: they are checked by this one alone; an invalid record is checked
    again by jsonschema, which lists every error with its path.
    """
    return fastjsonschema.compile(
        bundled(f"{kind}.json"), formats={"date": _is_date, "uri": lambda value: True}
    )


@cache
def territory_validator() -> Draft202012Validator:
    """A validator for territory.yml."""
    return Draft202012Validator(schema("territory.json"), registry=_registry())


def pattern_messages(_: Callable[[str], str] = N_, in_form: bool = False) -> dict[str, str]:
    """What each pattern of the contract wants, said to whoever breaks it: in French for
    `essaim validate`; through `_` (the page's language) for the form, whose fields need no
    quotes (`in_form`), where a file's SIRET and postcode do."""
    defs = schema("common.json")["$defs"]
    actor = schema("actor.json")["properties"]
    address = defs["address"]["properties"]
    territory = schema("territory.json")["properties"]
    quoted = "" if in_form else _(", entre guillemets")
    return {
        territory["base_url"]["pattern"]: _(
            "doit être l'adresse publique du site, commençant par https:// et sans / final"
        ),
        territory["forge"]["properties"]["repository"]["pattern"]: _(
            "doit être l'adresse https:// du dépôt, sans / final"
        ),
        territory["map"]["properties"]["attribution_url"]["pattern"]: _(
            "doit être une adresse web commençant par https:// (ou http://), "
            "sans espace, guillemet ni chevron"
        ),
        defs["url"]["pattern"]: _("doit être une adresse web complète commençant par https:// (ou http://)"),
        defs["email"]["pattern"]: _("doit être une adresse e-mail valide (nom@domaine.fr)"),
        defs["phone"]["pattern"]: _(
            "doit être un numéro de téléphone (chiffres, espaces, points, + au début)"
        ),
        defs["date"]["pattern"]: _("doit être une date au format AAAA-MM-JJ (par exemple 2026-03-05)"),
        defs["datetime"]["pattern"]: _(
            "doit être une date AAAA-MM-JJ ou une date et une heure AAAA-MM-JJ HH:MM "
            "(par exemple 2026-03-05 18:30)"
        ),
        schema("event.json")["properties"]["recurrence"]["pattern"]: _(
            "doit être une règle de récurrence iCalendar, par exemple FREQ=MONTHLY;BYDAY=1TU "
            "(chaque premier mardi du mois)"
        ),
        defs["slug"]["pattern"]: _(
            "doit être un identifiant en minuscules sans accents, avec des tirets "
            "(par exemple « economie-circulaire »)"
        ),
        actor["siret"]["pattern"]: _("doit être un numéro SIRET de 14 chiffres, sans espaces") + quoted,
        address["postcode"]["pattern"]: _("doit être un code postal à 5 chiffres")
        + quoted
        + _(' (par exemple "44000")'),
        address["insee_code"]["pattern"]: _("doit être un code INSEE de commune à 5 caractères"),
        defs["logo"]["pattern"]: _(
            "doit être le chemin d'une image PNG, JPEG ou WebP du dossier media/ du dépôt, "
            "par exemple media/logos/ma-structure.png"
        ),
        defs["translation"]["properties"]["name"]["pattern"]: _(
            "doit contenir au moins un mot, pas seulement des espaces"
        ),
    }


french_pattern_messages = cache(pattern_messages)


def field_label(path: LinePath) -> str:
    """A readable name for a field path: `address.city`, `themes[2]`."""
    label = ""
    for step in path:
        if isinstance(step, int):
            label += f"[{step + 1}]"
        else:
            label += f".{step}" if label else str(step)
    return label or "la fiche"


@cache
def body_limit(kind: str) -> int:
    """How long a record's body may be: its `description` in the contract (the same text in
    exports, where peers check it)."""
    return int(schema(f"{kind}.json")["properties"]["description"]["maxLength"])


def schema_problems(source: SourceRecord) -> list[Problem]:
    """Check one record against its JSON Schema; every error, at the line of its key. The body
    is checked as the contract's `description`: a body too long for it is refused here rather
    than by every peer."""
    problems = []
    limit = body_limit(source.kind)
    if len(source.body) > limit:
        problems.append(
            Problem(
                source.path,
                source.body_line,
                1,
                f"la présentation fait {len(source.body)} caractères, {limit} au plus : "
                "raccourcissez-la ou mettez le détail sur votre site",
            )
        )
    try:
        fast_validator(source.kind)(source.fields)
        return problems
    except fastjsonschema.JsonSchemaException:
        pass
    for error in validator(source.kind).iter_errors(source.fields):
        problems.extend(_translate(error, source))
    return problems


def problems_for_mapping(
    errors: list[ValidationError], path: str, lines: dict[LinePath, tuple[int, int]]
) -> list[Problem]:
    """Translate schema errors of a plain YAML mapping file (territory.yml)."""
    source = SourceRecord("territory", "", path, {}, "", 0, lines)
    return [problem for error in errors for problem in _translate(error, source)]


def _translate(error: ValidationError, source: SourceRecord) -> list[Problem]:
    """One schema error → one or more problems with a French message and a position."""
    path: LinePath = tuple(error.absolute_path)
    name = field_label(path)
    kind = error.validator
    value = error.instance

    def at(where: LinePath, message: str) -> Problem:
        line, col = source.position(where)
        return Problem(source.path, line, col, message)

    if kind == "required":
        missing = [key for key in error.validator_value if key not in (value or {})]
        problems = []
        for key in missing:
            where = f"dans « {name} »" if path else "dans l'en-tête"
            problems.append(
                at(path, f"champ obligatoire « {key} » manquant {where} : ajoutez une ligne « {key}: ... »")
            )
        return problems
    if kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        problems = []
        for key in value:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = (
                f" : vouliez-vous dire « {close[0]} » ?"
                if close
                else (f" : les champs possibles ici sont {', '.join(known)}")
            )
            problems.append(at(path + (str(key),), f"champ inconnu « {key} »{hint}"))
        return problems
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        wanted = " ou ".join(TYPE_NAMES.get(t, t) for t in expected)
        return [at(path, say("type", name=name, wanted=wanted))]
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
        return [
            at(
                path,
                say("enum", value=value, name=name, choices=", ".join(choices)) + hint,
            )
        ]
    if kind == "pattern":
        message = french_pattern_messages().get(error.validator_value, MESSAGES["other_pattern"])
        return [at(path, say("pattern", name=name, message=message, value=value))]
    if kind == "format":
        return [at(path, f"« {name} » : la date « {value} » n'existe pas")]
    if kind == "maxLength":
        return [at(path, say("maxLength", name=name, count=len(value), limit=error.validator_value))]
    if kind == "minLength":
        return [at(path, say("minLength", name=name))]
    if kind == "minItems":
        return [at(path, say("minItems", name=name, limit=error.validator_value))]
    if kind == "maxItems":
        return [at(path, say("maxItems", name=name, count=len(value), limit=error.validator_value))]
    if kind == "maxProperties":
        return [
            at(
                path,
                f"« {name} » a {len(value)} entrées, {error.validator_value} au plus : "
                "gardez les principales",
            )
        ]
    if kind == "uniqueItems":
        return [at(path, say("uniqueItems", name=name))]
    if kind == "minProperties":  # an empty translation: `translations: {en: {}}`
        return [at(path, f"« {name} » est vide : donnez-y au moins un texte, ou retirez-le")]
    if kind in ("minimum", "maximum"):
        return [at(path, say(kind, name=name, value=value, limit=error.validator_value))]
    return [at(path, f"« {name} » est invalide : {error.message}")]
