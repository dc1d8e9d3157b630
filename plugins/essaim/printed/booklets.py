"""What each printed booklet holds: the whole directory, one booklet per theme and one per
commune, each a list of groups (a theme, or a commune in a theme's booklet) of actors sorted by
name. An actor is filed once in a booklet, under its first theme (a reader looks it up by name
in the index at the end); a booklet of more than `print.max_entries` actors is not made (a
national directory's booklet would be thousands of pages: its communes' are the useful ones).

Only this directory's own actors are printed: its neighbours' records are theirs to print, and
initiatives and events date too fast for paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..i18n import _
from ..records.model import Actor, Directory, slugify
from ..records.taxonomy import Theme

OTHER = ""  # the group of actors with no known theme: a key no theme's slug can be


@dataclass
class Group:
    """A part of a booklet: its heading, the anchor of its page in the table of contents."""

    title: str
    anchor: str
    actors: list[Actor] = field(default_factory=list)


@dataclass
class Booklet:
    """One booklet: its place under /imprimer/ (`annuaire`, `themes/<slug>`, `communes/<slug>`),
    its title, its groups, and the latest update of its records (the edition's date)."""

    path: str
    title: str
    subtitle: str
    groups: list[Group]
    actors: list[Actor]
    made: bool = True  # False: more actors than print.max_entries

    @property
    def edition(self) -> date | None:
        """The date of its most recent record: what the paper says it is true to."""
        dates = [a.updated for a in self.actors if a.updated]
        return max(dates) if dates else None


def first_theme(actor: Actor, themes: dict[str, Theme]) -> str:
    return next((slug for slug in actor.themes if slug in themes), OTHER)


def _by_theme(actors: list[Actor], themes: dict[str, Theme]) -> list[Group]:
    groups = {slug: Group(theme.label, f"theme-{slug}") for slug, theme in themes.items()}
    groups[OTHER] = Group(_("Autres"), "sans-theme")
    for actor in actors:
        groups[first_theme(actor, themes)].actors.append(actor)
    return [g for g in groups.values() if g.actors]


def _by_commune(actors: list[Actor]) -> list[Group]:
    groups: dict[str, Group] = {}
    for actor in actors:
        city = actor.city or _("Sans commune")
        groups.setdefault(
            slugify(city) or "sans-commune", Group(city, f"commune-{slugify(city)}")
        ).actors.append(actor)
    return sorted(groups.values(), key=lambda g: g.title.casefold())


def booklets(directory: Directory, max_entries: int) -> list[Booklet]:
    """Every booklet, the whole directory first, then the themes and the communes (in the order
    of their pages); `made` is False for those above `max_entries`."""
    themes = directory.themes
    found = [
        Booklet(
            "annuaire",
            _("L'annuaire complet"),
            _("Toutes les structures, par thème"),
            _by_theme(directory.actors, themes),
            directory.actors,
        )
    ]
    for slug, entries in directory.by_theme.items():
        if entries.actors:
            found.append(
                Booklet(
                    f"themes/{slug}",
                    entries.theme.label,
                    _("Les structures de ce thème, par commune"),
                    _by_commune(entries.actors),
                    entries.actors,
                )
            )
    for slug, city in directory.by_city.items():
        found.append(
            Booklet(
                f"communes/{slug}",
                city.name,
                _("Les structures de la commune, par thème"),
                _by_theme(city.actors, themes),
                city.actors,
            )
        )
    for booklet in found:
        booklet.made = len(booklet.actors) <= max_entries
    return found
