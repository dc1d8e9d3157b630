"""The `essaim` command: thin click commands over the records core."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

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


def _default_format() -> str:
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
    style = style or _default_format()
    for path in paths:
        if not path.exists():
            raise click.UsageError(f"{path} n'existe pas")
    territory, problems = read_territory(root)
    if territory is not None:
        _, problems = read_directory(root, territory, cache_dir=None)
    if paths:
        wanted = [p.resolve() for p in paths]
        problems = [p for p in problems if _is_under(root / p.path, wanted)]
    report(problems, style)
    errors = sum(p.severity == ERROR for p in problems)
    if errors:
        click.echo(
            f"{errors} erreur(s) : corrigez les lignes indiquées puis relancez « essaim validate ».", err=True
        )
        sys.exit(1)
    click.echo("Toutes les fiches sont valides.", err=True)


def _is_under(file: Path, wanted: list[Path]) -> bool:
    file = file.resolve()
    return any(file == w or w in file.parents for w in wanted)


def report(problems: list[Problem], style: str) -> None:
    """Print every problem, one per line, in the chosen style."""
    for problem in problems:
        click.echo(problem.format(style))


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
    from .geo.geocode import DEFAULT_ENDPOINT, geocode_file
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
