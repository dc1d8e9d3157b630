"""`essaim check`: the records against sources outside them — the national registry, the web
addresses they give. Warnings at the field's line, never during a build."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..records.problems import Problem, visible
from .base import _is_under, _registry_options, default_format, main, report, territory_and_directory
from .markdown import MARKDOWN_ITEMS, markdown_text, warnings_markdown

GIVE_UP_AFTER = 3  # failed registry requests in a row: it will not answer the others now


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
    from ..sources.registry import API_URL, Registry, RegistryError, registry_warning

    style = style or default_format()
    territory, directory = territory_and_directory(root)
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
    from ..sources.links import check_links, record_links

    style = style or default_format()
    territory, directory = territory_and_directory(root)
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
