"""The `essaim` group and what its commands share: the root option, how problems are
printed (text, GitHub annotations, GitLab's report), reading the territory and its records, the
registry's options."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..records.problems import ERROR, Problem, render_problems
from ..records.read import read_directory
from ..records.territory import read_territory


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


def territory_and_directory(root: Path, git_dates: bool = False):
    """territory.yml and the records, as the commands that look at the records read them; an
    invalid territory.yml is printed and ends the command (exit 2)."""
    territory, problems = read_territory(root)
    if territory is None:
        report(problems, "text")
        sys.exit(2)
    directory, _ = read_directory(root, territory, cache_dir=None, git_dates=git_dates)
    return territory, directory
