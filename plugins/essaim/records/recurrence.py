"""Which days a recurrence rule gives, found in bounded time: the check that a rule occurs at all.

An event's rule (RFC 5545, the contract's subset: FREQ DAILY to YEARLY, INTERVAL, COUNT, UNTIL,
BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST) is expanded by python-dateutil for the agenda. But
dateutil looks for the next date one period at a time until the year 9999 when there is none:
`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30` keeps it busy for 40 seconds. This module walks the same
periods with the same rules (a test compares the two), but stops at the contract's last year, so
`validate` can refuse a rule that never occurs before dateutil ever sees it.

Only days matter: an occurrence starts at the time of the event's `start` (the contract has no
BYHOUR or BYMINUTE), so dates are compared, never times.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
LAST_DAY = date(2099, 12, 31)  # the contract's last date: no rule is followed beyond it
# Allowed sizes of the numbers of a rule (sign aside; 0 is never allowed for these).
RANGES = {"INTERVAL": (1, 1000), "BYMONTH": (1, 12), "BYMONTHDAY": (1, 31), "BYSETPOS": (1, 366)}


@dataclass(frozen=True)
class Rule:
    """The parts of a rule that decide its days (`count` and `until` end it)."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: date | None = None
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()  # BYDAY without a position: every Monday...
    nth_weekdays: tuple[tuple[int, int], ...] = ()  # (weekday, n): the first Tuesday (1TU)...
    bysetpos: tuple[int, ...] = ()
    wkst: int = 0


def parse(text: str, start: date) -> Rule:
    """The rule written in `text` (without `RRULE:`), with dateutil's defaults for what it does
    not say (a monthly rule recurs on the day of `start`...). Raises ValueError."""
    parts = dict(part.split("=", 1) for part in text.removeprefix("RRULE:").split(";"))
    freq = parts["FREQ"]

    def numbers(key: str) -> tuple[int, ...]:
        return tuple(int(value) for value in parts[key].split(",")) if key in parts else ()

    for key, (low, high) in RANGES.items():
        if any(not low <= abs(value) <= high for value in numbers(key)):
            raise ValueError(f"{key} va de {low} à {high}")
    weekdays: list[int] = []
    nth: list[tuple[int, int]] = []
    # A position counts weekdays within a month (a monthly rule, or a yearly one with BYMONTH) or
    # within a year; dateutil fails beyond them.
    most = 5 if freq == "MONTHLY" or "BYMONTH" in parts else 53
    for item in parts["BYDAY"].split(",") if "BYDAY" in parts else ():
        if item[-2:] not in WEEKDAYS:
            raise ValueError(f"jour « {item} » inconnu : MO, TU, WE, TH, FR, SA ou SU")
        day, position = WEEKDAYS[item[-2:]], item[:-2]
        # Like dateutil: a position is only meaningful within a month or a year.
        if position and int(position) and freq in ("MONTHLY", "YEARLY"):
            if abs(int(position)) > most:
                raise ValueError(f"« {item} » : au plus {most} jours de ce nom dans la période")
            nth.append((day, int(position)))
        else:
            weekdays.append(day)
    until = None
    if "UNTIL" in parts:
        value = parts["UNTIL"]
        until = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    bymonth, bymonthday = numbers("BYMONTH"), numbers("BYMONTHDAY")
    if not (bymonthday or weekdays or nth):
        if freq == "YEARLY":
            bymonth, bymonthday = bymonth or (start.month,), (start.day,)
        elif freq == "MONTHLY":
            bymonthday = (start.day,)
        elif freq == "WEEKLY":
            weekdays = [start.weekday()]
    return Rule(
        freq=freq,
        interval=int(parts.get("INTERVAL", 1)),
        count=int(parts["COUNT"]) if "COUNT" in parts else None,
        until=until,
        bymonth=bymonth,
        bymonthday=bymonthday,
        weekdays=tuple(weekdays),
        nth_weekdays=tuple(nth),
        bysetpos=numbers("BYSETPOS"),
        wkst=WEEKDAYS[parts.get("WKST", "MO")],
    )


def _month_days(year: int, month: int) -> list[date]:
    return [date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]


def _periods(rule: Rule, start: date) -> Iterator[list[date]]:
    """The days of each period the rule steps through (a day, a week, a month, a year), from the
    one holding `start` to the last that begins before LAST_DAY."""
    step = rule.interval
    if rule.freq == "DAILY":
        day = start
        while day <= LAST_DAY:
            yield [day]
            day += timedelta(days=step)
    elif rule.freq == "WEEKLY":
        # Like dateutil, the first week runs from `start` only (BYSETPOS counts from there).
        week = start - timedelta(days=(start.weekday() - rule.wkst) % 7)
        first = (start - week).days
        while week <= LAST_DAY:
            yield [week + timedelta(days=offset) for offset in range(first, 7)]
            week += timedelta(weeks=step)
            first = 0
    elif rule.freq == "MONTHLY":
        index = start.year * 12 + start.month - 1
        while index // 12 <= LAST_DAY.year:
            yield _month_days(index // 12, index % 12 + 1)
            index += step
    else:
        for year in range(start.year, LAST_DAY.year + 1, step):
            yield [day for month in range(1, 13) for day in _month_days(year, month)]


def _at(days: list[date], position: int) -> date | None:
    """The day at an RFC 5545 position (1 the first, -1 the last), None beyond the list."""
    index = position - 1 if position > 0 else position
    return days[index] if -len(days) <= index < len(days) else None


def _nth_matches(rule: Rule, days: list[date]) -> set[date]:
    """The days of a period that are one of the rule's n-th weekdays, counted within each month
    for a monthly rule or a yearly rule with BYMONTH, within the year otherwise."""
    if rule.freq == "MONTHLY" or rule.bymonth:
        ranges: dict[int, list[date]] = {}
        for day in days:
            ranges.setdefault(day.month, []).append(day)
        groups = list(ranges.values())
    else:
        groups = [days]
    found = set()
    for group in groups:
        for weekday, n in rule.nth_weekdays:
            day = _at([day for day in group if day.weekday() == weekday], n)
            if day is not None:
                found.add(day)
    return found


def _selected(rule: Rule, days: list[date]) -> list[date]:
    """The days of one period that the rule keeps, in order (BYSETPOS applied last)."""
    nth = _nth_matches(rule, days) if rule.nth_weekdays else set()
    kept = []
    for day in days:
        if rule.bymonth and day.month not in rule.bymonth:
            continue
        if rule.weekdays and day.weekday() not in rule.weekdays:
            continue
        if rule.nth_weekdays and day not in nth:
            continue
        if rule.bymonthday:
            length = calendar.monthrange(day.year, day.month)[1]
            if day.day not in rule.bymonthday and day.day - length - 1 not in rule.bymonthday:
                continue
        kept.append(day)
    if not rule.bysetpos:
        return kept
    picked = {_at(kept, position) for position in rule.bysetpos}
    return sorted(day for day in picked if day is not None)


def dates(rule: Rule, start: date) -> Iterator[date]:
    """The days the rule gives from `start` on, to its end, LAST_DAY at the latest."""
    remaining = rule.count
    for days in _periods(rule, start):
        for day in _selected(rule, days):
            if day < start:
                continue
            if (rule.until is not None and day > rule.until) or remaining == 0:
                return
            if remaining is not None:
                remaining -= 1
            yield day
        if rule.until is not None and days[-1] > rule.until:
            return


def first_date(text: str, start: date) -> date | None:
    """The first day `text` gives from `start` on (None: it never occurs before LAST_DAY).
    Raises ValueError for a rule that cannot be read."""
    return next(dates(parse(text, start), start), None)
