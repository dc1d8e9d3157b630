"""Commands on the territory's own files: validate, new, init, geocode, stale, confirm."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from ..clock import build_now
from ..records.freshness import stale_problems, stale_records
from ..records.problems import ERROR, Problem, visible
from ..records.read import read_directory
from ..records.territory import read_territory
from .base import _is_under, default_format, main, report, territory_and_directory, validation_report
from .markdown import stale_markdown


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "github", "gitlab"]),
    default=None,
    help="text (défaut), github (annotations ; défaut quand GITHUB_ACTIONS=true) ou gitlab "
    "(rapport Code Quality, JSON).",
)
@click.pass_obj
def validate(root: Path, paths: tuple[Path, ...], style: str | None) -> None:
    """Vérifie les fiches (toutes, ou seulement PATHS : fichiers ou dossiers).

    Sort avec 0 si tout est valide, 1 si des fiches sont invalides, 2 en cas d'erreur d'usage.
    """
    style = style or default_format()
    for path in paths:
        if not path.exists():
            raise click.UsageError(f"{path} n'existe pas")
    if validation_report(_problems(root, [p.resolve() for p in paths]), style):
        sys.exit(1)


def _problems(root: Path, wanted: list[Path]) -> list[Problem]:
    """What `essaim validate` reports: every file's problems and the stale-record warnings, only
    for the files under `wanted` when it is not empty."""
    territory, problems = read_territory(root)
    if territory is not None:
        directory, problems = read_directory(root, territory, cache_dir=None)
        months = territory.freshness["stale_months"]
        today = build_now({}, territory.tz).date()  # the build's "now": the same warnings
        problems = sorted(problems + stale_problems(directory.records, today, months))
    if wanted:
        problems = [p for p in problems if _is_under(root / p.path, wanted)]
    return problems


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--endpoint", default=None, help="API de la Base Adresse Nationale (ou compatible).")
@click.option("--timeout", default=10.0, show_default=True, help="Délai maximal par requête (secondes).")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui serait ajouté, sans modifier les fichiers.")
@click.pass_obj
def geocode(root: Path, paths: tuple[Path, ...], endpoint: str | None, timeout: float, dry_run: bool) -> None:
    """Ajoute les coordonnées (geo) des fiches qui ont une adresse et pas de coordonnées.

    Seule une ligne « geo: » est ajoutée : commentaires et ordre des champs restent tels quels.
    En cas d'erreur réseau ou de réponse inattendue, le fichier n'est pas modifié.
    """
    from ..map.geocode import DEFAULT_ENDPOINT, geocode_file
    from ..records.read import record_files

    wanted = [p.resolve() for p in paths]
    outcomes = []
    for kind, file in record_files(root):
        if kind not in ("actor", "initiative", "event"):
            continue
        if wanted and not _is_under(file, wanted):
            continue
        outcomes.append(geocode_file(file, root, kind, endpoint or DEFAULT_ENDPOINT, timeout, dry_run))
    for outcome in outcomes:
        if outcome.status != "skipped":
            click.echo(f"{outcome.path}: {outcome.status}: {outcome.message}")
    failed = sum(o.status == "failed" for o in outcomes)
    filled = sum(o.status == "filled" for o in outcomes)
    click.echo(f"{filled} fiche(s) complétée(s), {failed} échec(s).", err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("kind", type=click.Choice(["actor", "initiative", "event"]))
@click.option("--name", "--title", "name", help="Nom (acteur, initiative) ou titre (événement).")
@click.option("--legal-form", help="Statut d'un acteur : association, cooperative, scop, scic...")
@click.option("--summary", help="Résumé en une ou deux phrases (280 caractères au plus).")
@click.option("--theme", "themes", multiple=True, help="Un thème (slug) ; répétez l'option pour plusieurs.")
@click.option("--city", help="Commune.")
@click.option(
    "--actor", "actors", multiple=True, help="Acteur porteur ou organisateur (nom de fichier sans .md)."
)
@click.option("--start", help="Début d'un événement : AAAA-MM-JJ ou AAAA-MM-JJTHH:MM.")
@click.pass_obj
def new(root: Path, kind: str, name, legal_form, summary, themes, city, actors, start) -> None:
    """Crée une fiche (acteur, initiative ou événement) à partir d'un modèle commenté.

    Les champs obligatoires manquants sont demandés. Le fichier n'écrase jamais une fiche
    existante ; il est vérifié aussitôt écrit.
    """
    from ..contribute.fields import constraint
    from ..contribute.template import record_path, record_text

    title_key = "title" if kind == "event" else "name"
    values: dict = {title_key: name or click.prompt("Nom" if kind != "event" else "Titre")}
    if kind != "event" or summary:
        values["summary"] = summary or click.prompt("Résumé (une ou deux phrases)")
    if kind == "actor":
        values["legal_form"] = legal_form or click.prompt(
            "Statut",
            type=click.Choice(constraint("actor", "legal_form")["enum"]),
            default="association",
        )
    values["themes"] = list(themes) or click.prompt("Thèmes (slugs séparés par des virgules)").replace(
        " ", ""
    ).split(",")
    if kind == "event":
        values["start"] = start or click.prompt("Début (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM)")
        if actors:
            values["organizers"] = list(actors)
        if city:
            values["location.city"] = city
    elif kind == "initiative":
        values["actors"] = list(actors) or click.prompt(
            "Acteurs porteurs (noms de fichiers, séparés par des virgules)"
        ).replace(" ", "").split(",")
        if city:
            values["address.city"] = city
    elif city:
        values["address.city"] = city
    relative = record_path(kind, values)
    file = root / relative
    if file.exists():
        click.echo(f"{relative} existe déjà : modifiez ce fichier, ou choisissez un autre nom.", err=True)
        sys.exit(1)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(record_text(kind, values), encoding="utf-8")
    problems = _problems(root, [file.resolve()])
    report(problems, default_format())
    click.echo(f"Fiche créée : {relative}")
    if any(p.severity == ERROR for p in problems):
        click.echo(
            "Corrigez les erreurs ci-dessus dans le fichier, puis lancez « essaim validate ».", err=True
        )
        sys.exit(1)
    click.echo(
        "Étapes suivantes :\n"
        f"  1. ouvrez {relative} et complétez les champs commentés (pour remplir une ligne,\n"
        "     retirez le « # » et l'espace qui le suit) ;\n"
        "  2. vérifiez : essaim validate ;\n"
        f'  3. proposez-la : git add {relative} && git commit -m "Ajoute {values[title_key]}",'
        " puis ouvrez une demande de fusion (pull request)."
    )


@main.command()
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=None,
    help="Ancienneté à partir de laquelle lister (défaut : freshness.stale_months de territory.yml, 18).",
)
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "github", "gitlab", "markdown"]),
    default="text",
    show_default=True,
    help="text, github (annotations), gitlab (rapport Code Quality) ou markdown (pour un ticket).",
)
@click.pass_obj
def stale(root: Path, months: int | None, style: str) -> None:
    """Liste les fiches non mises à jour depuis plus de MONTHS mois (champ « updated », sinon date
    du dernier commit git), les plus anciennes d'abord, pour demander aux structures de confirmer.

    Sort avec 0 (la liste est un rappel, pas une erreur), 2 si territory.yml est invalide.
    """
    territory, directory = territory_and_directory(root, git_dates=True)
    months = months or territory.freshness["stale_months"]
    today = build_now({}, territory.tz).date()
    found = stale_records(directory.records, today, months)
    if style == "markdown":
        from ..urls import Urls

        click.echo(stale_markdown(found, Urls(territory.base_url, territory.urls), months), nl=False)
    elif style == "text":
        for record in found:
            click.echo(f"{record.updated.isoformat()}  {record.source}  {visible(record.name)}")
    else:
        report(stale_problems(found, today, months), style)
    click.echo(f"{len(found)} fiche(s) non mise(s) à jour depuis plus de {months} mois.", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def confirm(root: Path, paths: tuple[Path, ...]) -> None:
    """Note que les fiches PATHS (fichiers ou dossiers) sont à jour : leur champ « updated »
    prend la date du jour, sans rien changer d'autre au fichier.

    Sort avec 0 si toutes ont été confirmées, 1 sinon (le fichier en cause est nommé).
    """
    from ..record_edit import EditError, set_field
    from ..records.read import record_files

    wanted = [Path(os.path.abspath(p)) for p in paths]  # not resolved: a link is named, not followed
    day = date.today()
    today = day.isoformat()
    done = failed = 0
    for _kind, file in record_files(root):
        if not any(file == w or w in file.parents for w in wanted):
            continue
        relative = file.relative_to(root).as_posix()
        if file.is_symlink() or not file.resolve().is_relative_to(root):
            click.echo(f"{visible(relative)} : lien vers un fichier hors du dépôt, laissé tel quel")
            failed += 1
            continue
        try:
            text = file.read_bytes().decode("utf-8")
            file.write_bytes(set_field(text, "updated", today).encode("utf-8"))
        except (OSError, UnicodeDecodeError, EditError) as error:
            why = str(error) if isinstance(error, EditError) else "fichier illisible (UTF-8 attendu)"
            click.echo(f"{relative} : {why} ; écrivez vous-même la ligne « updated: {today} »")
            failed += 1
        else:
            click.echo(f"{relative} : à jour au {day:%d/%m/%Y}")
            done += 1
    if not done and not failed:
        raise click.UsageError("aucune fiche (actors/, initiatives/, events/) parmi les chemins donnés")
    click.echo(f"{done} fiche(s) confirmée(s). Vérifiez puis proposez le changement (git commit).", err=True)
    if failed:
        sys.exit(1)


def _bounds(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        south, west, north, east = (float(x) for x in value.split(","))
    except ValueError as error:
        raise click.BadParameter("quatre nombres séparés par des virgules : sud,ouest,nord,est") from error
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise click.BadParameter("attendu : sud < nord (latitudes) et ouest < est (longitudes)")
    return south, west, north, east


@main.command()
@click.option("--name", help="Nom de l'annuaire, par exemple « Essaim Rennes ».")
@click.option(
    "--url", "base_url", help="Adresse publique du site, par exemple https://org.github.io/annuaire."
)
@click.option("--repository", default="", help="Dépôt git du territoire (https://github.com/... ou GitLab).")
@click.option("--branch", default="main", show_default=True)
@click.option("--contact-email", default="")
@click.option("--bbox", help="Vue initiale de la carte : sud,ouest,nord,est (degrés).")
@click.option("--timezone", default="Europe/Paris", show_default=True)
@click.option(
    "--licence",
    type=click.Choice(["etalab-2.0", "odbl-1.0", "cc-by-4.0"]),
    default="etalab-2.0",
    show_default=True,
)
@click.option("--empty", is_flag=True, help="Supprime les fiches de démonstration.")
@click.option("--yes", is_flag=True, help="Remplace territory.yml sans demander.")
@click.pass_obj
def init(
    root: Path, name, base_url, repository, branch, contact_email, bbox, timezone, licence, empty, yes
) -> None:
    """Prépare l'annuaire d'un nouveau territoire : écrit territory.yml (et, avec --empty,
    retire les fiches de démonstration), puis indique les étapes suivantes."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from ..contribute.init import remove_demo_records, territory_yaml
    from ..records.territory import TERRITORY_FILE

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise click.BadParameter(f"fuseau horaire inconnu : {timezone}", param_hint="--timezone") from error
    bounds = _bounds(bbox)
    name = name or click.prompt("Nom de l'annuaire")
    base_url = base_url or click.prompt("Adresse publique du site (https://...)")
    if not base_url.startswith(("https://", "http://")):
        raise click.BadParameter("l'adresse doit commencer par https://", param_hint="--url")
    target = root / TERRITORY_FILE
    if target.exists() and not yes:
        click.confirm(f"{TERRITORY_FILE} existe : le remplacer ?", abort=True)
    text = territory_yaml(
        name,
        base_url,
        contact_email=contact_email,
        repository=repository,
        branch=branch,
        bounds=bounds,
        timezone=timezone,
        licence=licence,
    )
    target.write_text(text, encoding="utf-8")
    territory, problems = read_territory(root)
    report(problems, "text")
    if territory is None:
        sys.exit(1)
    if empty:
        click.echo(f"{remove_demo_records(root)} fiche(s) de démonstration supprimée(s).")
    click.echo(
        f"{TERRITORY_FILE} est prêt. Étapes suivantes :\n"
        "  1. relisez territory.yml (couleurs, thèmes, adresses des rubriques) ;\n"
        "  2. ajoutez vos fiches : essaim new actor (ou le formulaire « Proposer une fiche » du site) ;\n"
        "  3. vérifiez et construisez : make build (puis make serve pour voir le site) ;\n"
        "  4. publiez : poussez le dépôt ; les workflows de .github/ ou .gitlab-ci.yml déploient le site."
    )
