"""Whether a record is still true: how old its last update is, and the warnings that say so.

A record's last update is its `updated:` date, else its file's last commit, else its file's
modification time (records/read.py). An event is left out: its date says how old it is, and a
past event says it is past. Past the territory's `freshness.stale_months` (18 by
default), its page asks « Cette fiche est-elle à jour ? », `essaim validate` warns at its first
line, and `essaim stale` lists it for the maintainers' monthly round.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from .model import Record
from .problems import WARNING, Problem


def stale_since(today: date, months: int) -> date:
    """The date before which a record's last update makes it stale."""
    return today - relativedelta(months=months)


STALE_KINDS = ("actor", "initiative")


def is_stale(record: Record, before: date) -> bool:
    """Whether an actor or initiative was last updated before `before` (`stale_since`)."""
    return record.KIND in STALE_KINDS and record.updated is not None and record.updated < before


def stale_records(records: Iterable[Record], today: date, months: int) -> list[Record]:
    """Records last updated more than `months` months before `today`, oldest first."""
    before = stale_since(today, months)
    return sorted((r for r in records if is_stale(r, before)), key=lambda r: (r.updated, r.source))


def stale_problems(records: Iterable[Record], today: date, months: int) -> list[Problem]:
    """The review warnings of `essaim validate` (and of a build that stops on errors)."""
    return [
        Problem(
            record.source,
            1,
            1,
            f"fiche non mise à jour depuis le {record.updated:%d/%m/%Y} : demandez à la structure "
            "de confirmer ses informations, puis « essaim confirm " + record.source + " »",
            WARNING,
        )
        for record in stale_records(records, today, months)
    ]
