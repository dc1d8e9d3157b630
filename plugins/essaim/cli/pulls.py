"""Commands that pull snapshots from outside into the repository: the neighbouring directories
(`essaim federation pull`) and the actors' calendars (`essaim events pull`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..records.problems import visible
from ..records.territory import read_territory
from .base import main, report, territory_and_directory


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
    from ..calendars.pull import PullRefused, describe, pull_all
    from ..clock import build_now

    territory, directory = territory_and_directory(root)
    now = build_now({}, territory.tz)  # ESSAIM_NOW, as for a build, else the clock
    try:
        reports, removed = pull_all(
            root,
            territory,
            [r for r in directory.all_records if r.KIND == "actor"],
            timeout,
            deadline,
            allow_private,
            dry_run,
            now,
        )
    except PullRefused as error:
        click.echo(str(error), err=True)
        sys.exit(1)
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
    from ..federation.pull import PeerReport, pull_peer
    from ..net.http import Client

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
