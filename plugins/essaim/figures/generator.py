"""The Pelican generator of `/chiffres/`: the territory in figures, for its visitors and for the
decision makers it wants to convince. Counts by theme, legal form, commune and kind of event,
the open offers and needs by category, and the directory's growth month by month (from the date
git first saw each record file), each as an SVG chart made here with its data table, and each
table as a CSV file beside the page.

Each figure is counted from what the lists show, from the same objects: a theme's actors,
initiatives and dates to come are those of its page, a legal form's and a commune's actors those
of theirs (the neighbouring directories' records included, as there), the agenda's dates those of
the agenda, the board's offers and needs those of the board. tests/test_figures.py counts both.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..csvtext import csv_text
from ..i18n import _
from ..output import make_key, record_keys
from ..part import Part
from ..records.gitdates import first_commit_dates
from ..records.read import FOLDERS
from ..wording import month_names
from .charts import Row, bar_chart, column_chart

PART = "figures"
FOLDER_PREFIXES = tuple(f"{folder}/" for folder in FOLDERS.values())
GROWTH_MONTHS = 24  # the growth chart's months, the current one last
COMMUNES_IN_CHART = 15  # the chart shows the largest; the table, every commune


class FiguresGenerator(Part):
    """Writes /chiffres/ and its CSV files (switch: `features.figures` in territory.yml)."""

    PART = PART

    def write(self) -> list[str]:
        site, urls, files = self.site, self.site.urls, self.files
        directory = site.directory
        path = urls.path("figures")
        save_as = urls.save_as(path)
        tables = self._tables()
        key = make_key(
            self.build_key(),
            site.now.date(),
            record_keys(directory.records),
            [(t["name"], t["columns"], [(r.label, r.values) for r in t["rows"]]) for t in tables],
        )
        if files.is_fresh(save_as, key):
            files.keep_under(path)
            return [path]
        tables.append(self._growth())
        for table in tables:
            csv_path = f"{path}{table['name']}.csv"
            text = csv_text(
                [table["label"], *table["columns"]], [[r.label, *r.values] for r in table["rows"]]
            )
            files.write(csv_path, text, key)
            table["csv"] = f"{urls.url('figures')}{table['name']}.csv"
            table["chart"] = self._chart(table)
        context = {
            **self.context,
            "output_file": save_as,
            "canonical_url": site.canonical.url("figures"),
            "tables": tables,
            "totals": self._totals(),
        }
        files.write(save_as, self.get_template("figures").render(context), key)
        return [path]

    # -- the tables ------------------------------------------------------------------------

    def _totals(self) -> list[tuple[str, int, str]]:
        """The figures at the top: (label, number, the page that lists them)."""
        site, urls = self.site, self.site.urls
        totals = [
            (_("acteurs"), len(site.directory.actors), urls.url("actors")),
            (_("initiatives"), len(site.directory.initiatives), urls.url("initiatives")),
            (_("communes"), len(site.cities), urls.url("cities")),
        ]
        totals.append((_("dates à venir dans l'agenda"), len(site.agenda), urls.url("events")))
        if site.territory.feature("exchange"):
            needs = sum(item.kind == "need" for item in site.offers_needs)
            totals.append((_("besoins ouverts"), needs, urls.url("board")))
            totals.append((_("offres ouvertes"), len(site.offers_needs) - needs, urls.url("board")))
        return totals

    def _tables(self) -> list[dict]:
        site, urls = self.site, self.site.urls
        now = site.now
        directory = site.directory
        peers = site.peers_by_theme
        themes = []
        for slug, entries in directory.by_theme.items():
            neighbours = peers.get(slug, {})
            actors = len(entries.actors) + len(neighbours.get("actor", []))
            initiatives = len(entries.initiatives) + len(neighbours.get("initiative", []))
            upcoming = sum(e.is_upcoming(now) for e in entries.events) + len(neighbours.get("event", []))
            themes.append(Row(entries.theme.label, (actors, initiatives, upcoming), urls.url("themes", slug)))
        forms = site.labels["legal_forms"]
        legal = [
            Row(forms.get(value, {}).get("plural", value), (len(actors),), urls.url("legal_forms", value))
            for value, actors in sorted(
                site.legal_forms.items(),
                key=lambda item: list(forms).index(item[0]) if item[0] in forms else len(forms),
            )
        ]
        communes = sorted(
            (
                Row(city.name, (len(city.actors),), urls.url("cities", slug))
                for slug, city in site.cities.items()
            ),
            key=lambda row: (-row.values[0], row.label),
        )
        kinds = site.labels["event_kinds"]
        upcoming_kinds = Counter(str(o.event.fields.get("kind") or "other") for o in site.agenda)
        past_kinds = Counter(str(e.fields.get("kind") or "other") for e in site.past_events)
        events = [
            Row(label, (upcoming_kinds[kind], past_kinds[kind]))
            for kind, label in kinds.items()
            if upcoming_kinds[kind] or past_kinds[kind]
        ]
        tables = [
            {
                "name": "themes",
                "title": _("Par thème"),
                "label": _("Thème"),
                "columns": [_("Acteurs"), _("Initiatives"), _("Dates à venir")],
                "rows": themes,
                "chart_title": _("Nombre d'acteurs par thème"),
            },
            {
                "name": "statuts",
                "title": _("Par statut juridique"),
                "label": _("Statut"),
                "columns": [_("Acteurs")],
                "rows": legal,
                "chart_title": _("Nombre d'acteurs par statut juridique"),
            },
            {
                "name": "communes",
                "title": _("Par commune"),
                "label": _("Commune"),
                "columns": [_("Acteurs")],
                "rows": communes,
                "chart_title": _("Nombre d'acteurs des %(count)s communes qui en comptent le plus")
                % {"count": min(len(communes), COMMUNES_IN_CHART)},
                "chart_rows": COMMUNES_IN_CHART,
            },
        ]
        tables.append(
            {
                "name": "evenements",
                "title": _("Événements par type"),
                "label": _("Type"),
                "columns": [_("Dates à venir"), _("Événements passés")],
                "rows": events,
                "chart_title": _("Dates à venir dans l'agenda, par type d'événement"),
            }
        )
        if site.territory.feature("exchange"):
            found = Counter((item.category, item.kind) for item in site.offers_needs)
            exchange = [
                Row(name, (found[slug, "need"], found[slug, "offer"]), urls.url("board", slug))
                for slug, name in site.categories.items()
                if found[slug, "need"] or found[slug, "offer"]
            ]
            tables.append(
                {
                    "name": "coups-de-main",
                    "title": _("Offres et besoins ouverts"),
                    "label": _("Catégorie"),
                    "columns": [_("Besoins"), _("Offres")],
                    "rows": exchange,
                    "chart_title": _("Besoins ouverts par catégorie"),
                }
            )
        return tables

    def _growth(self) -> dict:
        """Records by month of their file's first commit, over the last GROWTH_MONTHS months:
        added that month, and the directory's size at its end. A record git does not know yet
        (not committed) counts in the current month."""
        site = self.site
        root = Path(self.settings["ESSAIM_ROOT"])
        first = first_commit_dates(root, list(FOLDERS.values()))
        today = site.now.date()
        added = Counter()
        for record in site.directory.records:
            if record.source not in first and not record.source.startswith(FOLDER_PREFIXES):
                continue  # an actor's calendar's event is not a record of the directory's own
            day = min(first.get(record.source, today), today)  # a build dated in the past (tests)
            added[(day.year, day.month)] += 1
        months = []
        year, month = today.year, today.month
        for _month in range(GROWTH_MONTHS):
            months.append((year, month))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.reverse()
        before = sum(count for when, count in added.items() if when < months[0])
        rows, total = [], before
        for year, month in months:
            total += added[(year, month)]
            rows.append(
                Row(
                    f"{month_names()[month - 1]} {year}",
                    (added[(year, month)], total),
                    short=f"{month_names(short=True)[month - 1]} {year % 100:02d}",
                )
            )
        while len(rows) > 1 and rows[0].values == (0, before):  # the months before the first record
            rows.pop(0)
        return {
            "name": "croissance",
            "title": _("Croissance de l'annuaire"),
            "label": _("Mois"),
            "columns": [_("Fiches ajoutées"), _("Fiches à la fin du mois")],
            "rows": rows,
            "chart_title": _("Nombre de fiches de l'annuaire à la fin de chaque mois"),
            "columns_chart": True,
            "chart_column": 1,
        }

    @staticmethod
    def _chart(table: dict):
        rows = table["rows"][: table.get("chart_rows", len(table["rows"]))]
        ident = f"graphique-{table['name']}"
        if table.get("columns_chart"):
            return column_chart(ident, table["chart_title"], rows, table.get("chart_column", 0))
        return bar_chart(ident, table["chart_title"], rows, table.get("chart_column", 0))
