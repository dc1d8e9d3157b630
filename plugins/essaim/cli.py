"""The `essaim` command: thin click commands over the records core."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from .records.checks import STALE_MONTHS, stale_problems, stale_records
from .records.problems import ERROR, Problem
from .records.read import read_directory
from .records.territory import read_territory


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Dossier du territoire (celui qui contient territory.yml).",
)
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Essaim : l'annuaire de l'économie sociale et solidaire de votre territoire."""
    ctx.obj = root.resolve()


def default_format() -> str:
    """GitHub annotations in a GitHub workflow, text elsewhere."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "github"]),
    default=None,
    help="text (défaut) ou github (annotations ; défaut quand GITHUB_ACTIONS=true).",
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
        problems = sorted(problems + stale_problems(directory.records, date.today()))
    if wanted:
        problems = [p for p in problems if _is_under(root / p.path, wanted)]
    return problems


def _is_under(file: Path, wanted: list[Path]) -> bool:
    file = file.resolve()
    return any(file == w or w in file.parents for w in wanted)


def report(problems: list[Problem], style: str) -> None:
    """Print every problem, one per line, in the chosen style."""
    for problem in problems:
        click.echo(problem.format(style))


def validation_report(problems: list[Problem], style: str) -> int:
    """What `essaim validate` prints, and a build that stops on invalid content too: every
    problem (standard output), then the count of errors or that all is valid (standard error).
    Returns the number of errors."""
    report(problems, style)
    errors = sum(p.severity == ERROR for p in problems)
    if errors:
        click.echo(
            f"{errors} erreur(s) : corrigez les lignes indiquées puis relancez « essaim validate ».", err=True
        )
    else:
        click.echo("Toutes les fiches sont valides.", err=True)
    return errors


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
    from .map.geocode import DEFAULT_ENDPOINT, geocode_file
    from .records.read import record_files

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
    from .contribute.fields import constraint
    from .contribute.template import record_path, record_text

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
    "--months", default=STALE_MONTHS, show_default=True, help="Ancienneté à partir de laquelle lister."
)
@click.pass_obj
def stale(root: Path, months: int) -> None:
    """Liste les fiches non mises à jour depuis plus de MONTHS mois (date du dernier commit git,
    ou champ « updated »), les plus anciennes d'abord, pour demander aux structures de confirmer."""
    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(1)
    directory, _ = read_directory(root, territory, cache_dir=None)
    found = stale_records(directory.records, date.today(), months)
    for record in found:
        click.echo(f"{record.updated.isoformat()}  {record.source}  {record.name}")
    click.echo(f"{len(found)} fiche(s) non mise(s) à jour depuis plus de {months} mois.", err=True)


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

    from .contribute.init import remove_demo_records, territory_yaml
    from .records.territory import TERRITORY_FILE

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


ACTIONS = {
    "create": "à créer",
    "update": "à remplacer",
    "exists": "ignorée",
    "duplicate": "ignorée",
    "reject": "rejetée",
}


def _import(
    root: Path,
    source: str,
    file: Path,
    mapping_file: Path | None,
    update: bool,
    write: bool,
    encoding: str | None = None,
) -> None:
    from .contribute.importer import (
        MappingError,
        apply_defaults,
        plan,
        read_mapping,
        rows_from_csv,
        rows_from_gogocarto,
    )
    from .contribute.importer import write as write_files

    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    try:
        mapping = read_mapping(mapping_file)
        kind = mapping.get("kind", "actor")
        if source == "gogocarto" and kind != "actor":
            raise MappingError(f"{mapping_file} : un export GoGoCarto ne donne que des acteurs (kind: actor)")
        if source == "csv":
            rows, used = rows_from_csv(file, mapping, encoding)
            if used not in ("utf-8", encoding):
                click.echo(f"{file} lu comme {used} (sinon, précisez --encoding).", err=True)
        else:
            rows = rows_from_gogocarto(file, mapping)
    except MappingError as error:
        raise click.UsageError(str(error)) from error
    rows = apply_defaults(rows, kind, mapping)
    directory, _ = read_directory(root, territory, cache_dir=None, git_dates=False)
    existing = {"actor": directory.actors, "initiative": directory.initiatives, "event": directory.events}[
        kind
    ]
    outcomes = plan(root, territory, directory.themes, kind, rows, existing, update)
    where = "ligne" if source == "csv" else "élément"
    for outcome in outcomes:
        words = [f"{where} {outcome.row.number} :", ACTIONS[outcome.action], outcome.path]
        reasons = f" : {' ; '.join(outcome.reasons)}" if outcome.reasons else ""
        click.echo(" ".join(w for w in words if w) + reasons)
    counts = {action: sum(o.action == action for o in outcomes) for action in ACTIONS}
    click.echo(
        f"{counts['create']} à créer, {counts['update']} à remplacer, "
        f"{counts['duplicate'] + counts['exists']} ignorée(s) (doublons ou fiches existantes), "
        f"{counts['reject']} rejetée(s).",
        err=True,
    )
    if write:
        click.echo(
            f"{write_files(root, outcomes)} fichier(s) écrit(s). Vérifiez-les : essaim validate.", err=True
        )
    else:
        click.echo("Rien n'a été écrit (essai) : relancez avec --write pour créer les fiches.", err=True)


@main.group(name="import")
def import_group() -> None:
    """Importe des fiches en nombre : un tableur (CSV) ou un export GoGoCarto."""


def _import_options(command):
    """--update and --write, shared by every import source."""
    command = click.option(
        "--write", is_flag=True, help="Écrit les fichiers (sans cette option : essai, rien n'est écrit)."
    )(command)
    return click.option(
        "--update", is_flag=True, help="Remplace les fiches qui existent déjà sous le même nom de fichier."
    )(command)


@import_group.command(name="csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_file",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="Fichier YAML : colonnes → champs (columns), traductions (values), valeurs par défaut (defaults).",
)
@click.option(
    "--encoding",
    default=None,
    help="Encodage du fichier (utf-8, cp1252, latin-1, utf-16...) ; sans cette option, il est détecté.",
)
@_import_options
@click.pass_obj
def import_csv(
    root: Path, file: Path, mapping_file: Path, encoding: str | None, update: bool, write: bool
) -> None:
    """Prépare une fiche par ligne d'un tableur CSV (séparateur ; , ou tabulation ; UTF-8,
    windows-1252 ou UTF-16, détecté ; cellules entre guillemets et sur plusieurs lignes admises)."""
    _import(root, "csv", file, mapping_file, update, write, encoding)


@import_group.command(name="gogocarto")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, path_type=Path),
    help="Fichier YAML facultatif : catégories → thèmes (values), statut par défaut (defaults).",
)
@_import_options
@click.pass_obj
def import_gogocarto(root: Path, file: Path, mapping_file: Path | None, update: bool, write: bool) -> None:
    """Prépare une fiche acteur par élément d'un export JSON de GoGoCarto."""
    _import(root, "gogocarto", file, mapping_file, update, write)


@main.group()
def federation() -> None:
    """Les annuaires voisins inclus dans celui-ci (territory.yml : federation.peers)."""


@federation.command()
@click.option("--dry-run", is_flag=True, help="Affiche les changements sans rien écrire.")
@click.option(
    "--timeout", default=20.0, show_default=True, help="Attente maximale de chaque réponse (secondes)."
)
@click.option(
    "--deadline", default=120.0, show_default=True, help="Durée maximale pour un fichier (secondes)."
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Autorise les adresses locales ou privées (essais, intranet) ; refusées par défaut.",
)
@click.pass_obj
def pull(root: Path, dry_run: bool, timeout: float, deadline: float, allow_private: bool) -> None:
    """Récupère les données ouvertes de chaque annuaire voisin dans federation/<voisin>/.

    Chaque fiche est vérifiée ; en cas d'erreur (serveur injoignable, délai, JSON ou manifeste
    invalide, fichier trop gros, adresse locale ou privée...), l'instantané précédent du voisin
    reste tel quel, et les voisins suivants sont récupérés. Sort avec 1 si un voisin a échoué.
    """
    from .federation.pull import PeerReport, pull_peer
    from .net.http import Client

    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    if not territory.peers:
        click.echo("Aucun annuaire voisin dans territory.yml (federation: peers:).", err=True)
        return
    client = Client(
        max_bytes=territory.federation_max_bytes,
        timeout=timeout,
        deadline=deadline,
        allow_private=allow_private,
    )
    failed = 0
    for peer in territory.peers:
        try:
            outcome = pull_peer(root, peer, client, dry_run, territory)
        except Exception as error:  # unforeseen: this peer fails, the next ones are still pulled
            message = f"erreur inattendue ({error!r}), à signaler aux auteurs d'Essaim"
            outcome = PeerReport(peer["url"], "", error=message)
        if outcome.error:
            failed += 1
            click.echo(f"{outcome.url} : ÉCHEC, {outcome.error} ; l'instantané précédent est conservé")
            continue
        click.echo(
            f"{outcome.url} : {outcome.added} ajoutée(s), {outcome.changed} modifiée(s), "
            f"{outcome.removed} retirée(s), {len(outcome.rejected)} rejetée(s)"
            + (f", {outcome.left_out} laissée(s) de côté par les filtres" if outcome.left_out else "")
            + (f" ; {outcome.offers_needs} offre(s) ou besoin(s)" if outcome.offers_needs else "")
            + (" (essai : rien n'est écrit)" if dry_run else f" → {outcome.folder}/")
        )
        for where, reason in outcome.rejected:
            click.echo(f"  rejetée : {where} : {reason}")
    sys.exit(1 if failed else 0)
