"""The `essaim` command: thin click commands over the records core."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from .records.freshness import stale_problems, stale_records
from .records.problems import ERROR, Problem, render_problems, visible
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


# What an issue body shows of each list (GitHub's body holds 65,536 characters): the stale
# records (about 190 characters a row), then each check's warnings (about 300).
STALE_ITEMS = 120
MARKDOWN_ITEMS = 60
GIVE_UP_AFTER = 3  # failed registry requests in a row: it will not answer the others now


def default_format() -> str:
    """GitHub annotations in a GitHub workflow, text elsewhere."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


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
        problems = sorted(problems + stale_problems(directory.records, date.today(), months))
    if wanted:
        problems = [p for p in problems if _is_under(root / p.path, wanted)]
    return problems


def _is_under(file: Path, wanted: list[Path]) -> bool:
    file = file.resolve()
    return any(file == w or w in file.parents for w in wanted)


def report(problems: list[Problem], style: str) -> None:
    """Print every problem in the chosen style: one per line, or GitLab's JSON report."""
    if problems or style == "gitlab":
        click.echo(render_problems(problems, style))


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
    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    months = months or territory.freshness["stale_months"]
    directory, _ = read_directory(root, territory, cache_dir=None)
    today = date.today()
    found = stale_records(directory.records, today, months)
    if style == "markdown":
        from .urls import Urls

        click.echo(stale_markdown(found, Urls(territory.base_url, territory.urls), months), nl=False)
    elif style == "text":
        for record in found:
            click.echo(f"{record.updated.isoformat()}  {record.source}  {visible(record.name)}")
    else:
        report(stale_problems(found, today, months), style)
    click.echo(f"{len(found)} fiche(s) non mise(s) à jour depuis plus de {months} mois.", err=True)


def markdown_text(text: str) -> str:
    """A contributor's text inside Markdown (an issue, a pull request): its signs shown as
    signs, no mention (@name) or reference (#12) made, on one line."""
    text = " ".join(visible(text).split())
    text = text.replace("&", "&amp;")  # no entity (&commat;) becomes a sign
    text = "".join("\\" + c if c in "\\`*_[]()<>|!~" else c for c in text)
    for sign in "@#%$":  # no mention (@name), reference (#12, %jalon, $extrait)
        text = text.replace(sign, sign + "\u2060")
    return text


def stale_markdown(records: list, urls, months: int) -> str:
    """The body of the maintainers' monthly issue: the stale records, oldest first, with what
    to do (ask the actor, then correct the file or `essaim confirm` it)."""
    if not records:
        return f"Aucune fiche n'a plus de {months} mois sans mise à jour.\n"
    lines = [
        f"## Fiches à faire confirmer ({len(records)})",
        "",
        f"Ces fiches n'ont pas été mises à jour depuis plus de {months} mois. Demandez à chaque "
        "structure si ses informations sont toujours justes, puis corrigez la fiche, ou, si tout "
        "est juste, lancez `essaim confirm <fichier>` (la date de mise à jour devient celle du jour).",
        "",
        "| Fiche | Fichier | Dernière mise à jour |",
        "| --- | --- | --- |",
    ]
    for record in records[:STALE_ITEMS]:
        lines.append(
            f"| [{markdown_text(record.name)}]({urls.record(record)}) | `{record.source}` "
            f"| {record.updated:%d/%m/%Y} |"
        )
    if len(records) > STALE_ITEMS:
        more = len(records) - STALE_ITEMS
        lines += ["", f"Et {more} autre(s), plus récentes : « essaim stale » les liste toutes."]
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def confirm(root: Path, paths: tuple[Path, ...]) -> None:
    """Note que les fiches PATHS (fichiers ou dossiers) sont à jour : leur champ « updated »
    prend la date du jour, sans rien changer d'autre au fichier.

    Sort avec 0 si toutes ont été confirmées, 1 sinon (le fichier en cause est nommé).
    """
    from .record_edit import EditError, set_field
    from .records.read import record_files

    wanted = [Path(os.path.abspath(p)) for p in paths]  # not resolved: a link is named, not followed
    today = date.today().isoformat()
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
            click.echo(f"{relative} : à jour au {date.today():%d/%m/%Y}")
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
    outcomes = plan(root, territory, directory.themes, kind, rows, _existing(directory, kind), update)
    where = "ligne" if source == "csv" else "élément"
    _carry_out(root, outcomes, lambda row: f"{where} {row.number}", write)


def _existing(directory, kind: str) -> list:
    """The records an import compares its rows with: archived ones too (never proposed again)."""
    listed = {"actor": directory.actors, "initiative": directory.initiatives, "event": directory.events}
    return [*listed[kind], *(r for r in directory.archived if kind == r.KIND)]


def _carry_out(root: Path, outcomes: list, label, write: bool) -> None:
    """Print an import's plan, a line per row named by `label(row)`, its counts, and write the
    files when asked (`--write`)."""
    from .contribute.importer import write as write_files

    written = write_files(root, outcomes) if write else 0  # a row it cannot write is rejected
    for outcome in outcomes:
        words = [f"{label(outcome.row)} :", ACTIONS[outcome.action], outcome.path]
        reasons = f" : {' ; '.join(outcome.reasons)}" if outcome.reasons else ""
        click.echo(visible(" ".join(w for w in words if w) + reasons))
    counts = {action: sum(o.action == action for o in outcomes) for action in ACTIONS}
    click.echo(
        f"{counts['create']} à créer, {counts['update']} à remplacer, "
        f"{counts['duplicate'] + counts['exists']} ignorée(s) (doublons ou fiches existantes), "
        f"{counts['reject']} rejetée(s).",
        err=True,
    )
    if write:
        click.echo(f"{written} fichier(s) écrit(s). Vérifiez-les : essaim validate.", err=True)
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


def _registry_options(command):
    """--endpoint and --allow-private, shared by the commands that ask the registry."""
    command = click.option(
        "--allow-private",
        is_flag=True,
        help="Autorise une adresse locale ou privée (un serveur d'essai, une copie de l'API).",
    )(command)
    return click.option(
        "--endpoint",
        default=None,
        help="API Recherche d'entreprises (défaut : https://recherche-entreprises.api.gouv.fr).",
    )(command)


def _codes(values: tuple[str, ...], pattern, what: str, example: str) -> list[str]:
    codes = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
    for code in codes:
        if not pattern.match(code):
            raise click.BadParameter(f"« {code} » n'est pas {what} (par exemple {example})")
    return list(dict.fromkeys(codes))


@import_group.command(name="registry")
@click.option("--departement", "departements", multiple=True, help="Département (44, 2A, 974...), répétable.")
@click.option(
    "--commune", "communes", multiple=True, help="Code INSEE d'une commune (44109 : Nantes), répétable."
)
@click.option("--naf", "nafs", multiple=True, help="Code d'activité NAF (94.99Z...), répétable.")
@_registry_options
@_import_options
@click.pass_obj
def import_registry(
    root: Path,
    departements: tuple[str, ...],
    communes: tuple[str, ...],
    nafs: tuple[str, ...],
    endpoint: str | None,
    allow_private: bool,
    update: bool,
    write: bool,
) -> None:
    """Propose une fiche acteur par établissement ouvert de l'économie sociale et solidaire d'un
    département ou d'une commune, d'après le répertoire Sirene (API Recherche d'entreprises) :
    nom, statut, adresse, SIRET, coordonnées, thèmes d'après le code NAF (table de
    correspondance modifiable dans territory.yml, « registry: »).

    Essai par défaut ; doublons (SIRET, site web, nom) ignorés ; --write écrit les fichiers.
    """
    from .contribute.importer import Row, plan
    from .sources.registry import (
        API_URL,
        COMMUNE,
        DEPARTEMENT,
        NAF,
        Registry,
        RegistryError,
        distinct_names,
        record_values,
        table,
    )

    wanted_departements = _codes(departements, DEPARTEMENT, "un numéro de département", "44 ou 2A")
    wanted_communes = _codes(communes, COMMUNE, "un code INSEE de commune", "44109")
    wanted_nafs = _codes(nafs, NAF, "un code NAF", "94.99Z")
    if not wanted_departements and not wanted_communes:
        raise click.UsageError("indiquez au moins --departement ou --commune (par exemple --departement 44)")
    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    registry = Registry(endpoint or API_URL, allow_private)
    try:
        found = registry.area(wanted_departements, wanted_communes, wanted_nafs)
    except RegistryError as error:
        click.echo(f"Répertoire Sirene : {error}", err=True)
        sys.exit(1)
    mapping = table(territory.registry)
    proposed = [record_values(est, mapping) for est in found.establishments]
    distinct_names(proposed)
    rows = []
    for number, (est, values) in enumerate(zip(found.establishments, proposed, strict=True), start=1):
        row = Row(number, values)
        if not row.values["themes"]:
            example = f'"{est.naf[:5] or "94.99"}": [citoyennete]'
            row.reasons.append(
                f"aucun thème pour le code NAF « {est.naf or 'inconnu'} » : ajoutez-le à « registry: "
                f"themes: » dans territory.yml, la clé entre guillemets (par exemple « {example} »)"
            )
        rows.append(row)
    directory, _ = read_directory(root, territory, cache_dir=None, git_dates=False)
    outcomes = plan(root, territory, directory.themes, "actor", rows, _existing(directory, "actor"), update)
    sirets = {row.number: row.values["siret"] for row in rows}
    _carry_out(root, outcomes, lambda row: f"SIRET {sirets[row.number]}", write)
    left = []
    if found.closed:
        left.append(f"{found.closed} établissement(s) fermé(s)")
    if found.outside:
        left.append(f"{found.outside} hors de la zone demandée")
    if found.unreadable_count:
        left.append(f"{found.unreadable_count} illisible(s) ({found.unreadable[0]})")
    if left:
        click.echo("Laissés de côté : " + ", ".join(left) + ".", err=True)
    if found.truncated:
        click.echo(
            "Le répertoire ne donne que les 10 000 premières entreprises : relancez par commune "
            "(--commune) ou par activité (--naf) pour voir les autres.",
            err=True,
        )


def _pull_options(command):
    """--timeout, --deadline and --allow-private, shared by the commands that pull snapshots."""
    command = click.option(
        "--allow-private",
        is_flag=True,
        help="Autorise les adresses locales ou privées (essais, intranet) ; refusées par défaut.",
    )(command)
    command = click.option(
        "--deadline", default=120.0, show_default=True, help="Durée maximale pour un fichier (secondes)."
    )(command)
    return click.option(
        "--timeout", default=20.0, show_default=True, help="Attente maximale de chaque réponse (secondes)."
    )(command)


@main.group()
def events() -> None:
    """Les événements des agendas des acteurs (champ « calendar_url » de leur fiche)."""


@events.command(name="pull")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui changerait, sans écrire les instantanés.")
@_pull_options
@click.pass_obj
def events_pull(root: Path, dry_run: bool, timeout: float, deadline: float, allow_private: bool) -> None:
    """Récupère l'agenda iCalendar de chaque acteur qui en donne un (« calendar_url ») et garde
    ses événements dans calendars/<acteur>.json : vérifiés comme un événement de l'annuaire,
    annulés et trop anciens laissés de côté. En cas d'erreur, l'instantané précédent est gardé.

    Sort avec 0 si tous les calendriers ont été lus, 1 si l'un d'eux a échoué (les autres sont
    quand même mis à jour), 2 si territory.yml est invalide.
    """
    from .calendars.pull import describe, pull_all
    from .clock import build_now

    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    directory, _ = read_directory(root, territory, cache_dir=None, git_dates=False)
    now = build_now({}, territory.tz)  # ESSAIM_NOW, as for a build, else the clock
    reports, removed = pull_all(
        root, territory, directory.actors, timeout, deadline, allow_private, dry_run, now
    )
    for line in [*(r.line() for r in reports), *describe(removed, root)]:
        click.echo(visible(line))
    failed = sum(1 for r in reports if r.error)
    click.echo(
        f"{len(reports)} calendrier(s), {failed} en échec."
        + (" Rien n'a été écrit (essai)." if dry_run else ""),
        err=True,
    )
    if failed:
        sys.exit(1)


def _check_options(command):
    """PATHS and --format, shared by the `essaim check` commands."""
    command = click.option(
        "--format",
        "style",
        type=click.Choice(["text", "github", "gitlab", "markdown"]),
        default=None,
        help="text (défaut ; github quand GITHUB_ACTIONS=true), github, gitlab (Code Quality) ou markdown.",
    )(command)
    return click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))(command)


@main.group()
def check() -> None:
    """Vérifie les fiches auprès de sources extérieures : répertoire Sirene, sites web."""


@check.command(name="registry")
@_check_options
@_registry_options
@click.pass_obj
def check_registry(
    root: Path, paths: tuple[Path, ...], style: str | None, endpoint: str | None, allow_private: bool
) -> None:
    """Vérifie dans le répertoire Sirene le SIRET de chaque fiche (ou des fiches PATHS) : SIRET
    inconnu, établissement fermé, adresse différente. Des avertissements, pas des erreurs.

    Sort avec 0 (même avec des avertissements), 1 si le répertoire n'a pas pu répondre pour
    une fiche au moins (les autres sont vérifiées quand même), 2 si territory.yml est invalide.
    """
    from .sources.registry import API_URL, Registry, RegistryError, registry_warning

    style = style or default_format()
    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    directory, _ = read_directory(root, territory, cache_dir=None, git_dates=False)
    wanted = [p.resolve() for p in paths]
    registry = Registry(endpoint or API_URL, allow_private)
    warnings: list[Problem] = []
    failed: list[tuple[str, str]] = []  # (record, why)
    checked = in_a_row = 0
    todo = [
        a
        for a in directory.actors
        if a.fields.get("siret") and (not wanted or _is_under(root / a.source, wanted))
    ]
    for index, actor in enumerate(todo):
        line, col = actor.position(("siret",))
        try:
            message = registry_warning(actor.fields, registry.establishment(str(actor.fields["siret"])))
        except RegistryError as error:
            failed.append((actor.source, str(error)))
            in_a_row += 1
            if error.rate_limited or in_a_row >= GIVE_UP_AFTER:  # it will not answer the others now
                why = "le répertoire ne répond plus ; vérification reportée"
                failed += [(later.source, why) for later in todo[index + 1 :]]
                break
            continue
        in_a_row = 0
        checked += 1
        if message:
            warnings.append(Problem(actor.source, line, col, message, "warning"))
    for source, why in failed:
        click.echo(f"{source} : vérification impossible ({visible(why)})", err=True)
    if style == "markdown":
        none = "Le répertoire Sirene confirme les SIRET de toutes les fiches."
        text = warnings_markdown("Répertoire Sirene", none, warnings, directory)
        if failed:
            text += (
                "\n**Le répertoire Sirene n'a pas répondu pour ces fiches** (à revérifier le mois "
                "prochain) :\n\n"
                + "".join(f"- `{source}` : {markdown_text(why)}\n" for source, why in failed[:MARKDOWN_ITEMS])
                + (f"- et {len(failed) - MARKDOWN_ITEMS} autre(s)\n" if len(failed) > MARKDOWN_ITEMS else "")
            )
        click.echo(text, nl=False)
    else:
        report(warnings, style)
    click.echo(
        f"{checked} SIRET vérifié(s) : {len(warnings)} avertissement(s)"
        + (f", {len(failed)} vérification(s) impossible(s)." if failed else "."),
        err=True,
    )
    if failed:
        sys.exit(1)


@check.command(name="links")
@_check_options
@click.option("--timeout", default=10.0, show_default=True, help="Délai maximal par lecture (secondes).")
@click.option("--allow-private", is_flag=True, help="Autorise les adresses locales ou privées (un essai).")
@click.pass_obj
def check_links_command(
    root: Path, paths: tuple[Path, ...], style: str | None, timeout: float, allow_private: bool
) -> None:
    """Vérifie que les adresses web des fiches (site, réseaux sociaux, inscription...) répondent
    encore : chaque adresse une fois, quatre à la fois, avec un délai. Des avertissements à la
    ligne du champ, pas des erreurs ; jamais pendant la construction du site.

    Sort avec 0 (même avec des liens morts), 2 si territory.yml est invalide.
    """
    from .sources.links import check_links, record_links

    style = style or default_format()
    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    directory, _ = read_directory(root, territory, cache_dir=None, git_dates=False)
    wanted = [p.resolve() for p in paths]
    found = [
        (record, path, url)
        for record in directory.records
        if not wanted or _is_under(root / record.source, wanted)
        for path, url in record_links(record)
    ]
    verdicts = check_links((url for _, _, url in found), timeout, allow_private)
    warnings = []
    for record, path, url in found:
        problem = verdicts[url].problem
        if problem:
            line, col = record.position(path)
            warnings.append(Problem(record.source, line, col, f"{url} : {problem}", "warning"))
    warnings.sort()
    if style == "markdown":
        none = "Toutes les adresses web des fiches répondent."
        click.echo(warnings_markdown("Liens à corriger", none, warnings, directory), nl=False)
    else:
        report(warnings, style)
    click.echo(f"{len(verdicts)} adresse(s) vérifiée(s) : {len(warnings)} lien(s) à corriger.", err=True)


def warnings_markdown(title: str, none: str, warnings: list[Problem], directory) -> str:
    """Warnings of a check for an issue: a heading with their count, one item per warning
    naming its record, file and line (the first MARKDOWN_ITEMS: an issue holds 65,536
    characters); `none` when there is none."""
    if not warnings:
        return none + "\n"
    names = {r.source: r.name for r in [*directory.records, *directory.archived]}
    lines = [f"## {title} ({len(warnings)})", ""]
    for problem in warnings[:MARKDOWN_ITEMS]:
        name = markdown_text(names.get(problem.path, problem.path))
        where = f"`{problem.path}`, ligne {problem.line}"
        lines.append(f"- **{name}** ({where}) : {markdown_text(problem.message)}")
    if len(warnings) > MARKDOWN_ITEMS:
        lines.append(
            f"- et {len(warnings) - MARKDOWN_ITEMS} autre(s) : lancez la commande pour la liste entière"
        )
    return "\n".join(lines) + "\n"


@main.group()
def federation() -> None:
    """Les annuaires voisins inclus dans celui-ci (territory.yml : federation.peers)."""


@federation.command()
@click.option("--dry-run", is_flag=True, help="Affiche les changements sans rien écrire.")
@_pull_options
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
