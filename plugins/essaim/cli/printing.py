"""`essaim print`: the printed directory's PDFs, from a built site."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..records.problems import InvalidContent
from ..records.territory import load_territory
from .base import main


@main.command("print")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Le dossier du site construit (output/ par défaut).",
)
@click.option("--posters", is_flag=True, help="Aussi l'affiche A4 de chaque structure.")
@click.pass_obj
def print_pdfs(root: Path, output: Path | None, posters: bool) -> None:
    """Écrit en PDF (A4 et A5, balisés PDF/UA) les livrets de /imprimer/ du site construit."""
    from ..printed.pdf import PrintUnavailable, write_pdfs

    try:
        territory = load_territory(root)
    except InvalidContent as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    output = output or root / "output"
    folder = territory.urls["print"]
    if not (output / folder).is_dir():
        click.echo(
            f"{output / folder} est introuvable : construisez d'abord le site (« make build »), "
            "avec la partie « print » activée dans territory.yml",
            err=True,
        )
        sys.exit(1)
    try:
        written, failures = write_pdfs(output, folder, [territory.base_url], posters)
    except PrintUnavailable as error:
        click.echo(f"{error}.", err=True)
        sys.exit(1)
    for failure in failures:
        click.echo(failure, err=True)
    click.echo(f"{written} PDF écrit(s) dans {output / folder}/ (les PDF à jour sont gardés).")
    if failures:
        sys.exit(1)
