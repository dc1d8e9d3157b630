"""`essaim import`: records in bulk from a spreadsheet, a GoGoCarto export or the national
registry — a plan first, files only with --write."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..records.problems import visible
from ..records.read import read_directory
from ..records.territory import read_territory
from .base import _registry_options, main, report

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
    from ..contribute.importer import (
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
    return [r for r in directory.all_records if kind == r.KIND]


def _carry_out(root: Path, outcomes: list, label, write: bool) -> None:
    """Print an import's plan, a line per row named by `label(row)`, its counts, and write the
    files when asked (`--write`)."""
    from ..contribute.importer import write as write_files

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
    from ..contribute.importer import Row, plan
    from ..sources.registry import (
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
