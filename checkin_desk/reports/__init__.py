"""Attendance reports: figures, exports, the dashboard snapshot and the queue forecast.

Pure Python (no Qt): the GUI dashboard and the `report` command both call these functions.

- `figures.compute(store, day=None)` -> `Figures`: every count of the report.
- `dashboard.dashboard_snapshot(store, now)` -> `DashboardSnapshot`: what the live dashboard shows.
- `forecast.forecast(...)` (module `reports.forecast`): the expected wait at the entrance (M/M/c).
- `exports.write_report(figures, fmt, path)` / `exports.write_attendees(...)`: CSV, XLSX, PDF, JSON.
- `counts(store, by)` / `totals(store)`: the simple counts of `checkin-desk counts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin_desk.reports.dashboard import DashboardSnapshot, dashboard_snapshot
from checkin_desk.reports.figures import Figures, compute, time_rows
from checkin_desk.reports.forecast import Forecast
from checkin_desk.reports.source import COUNTED, HubConflict, LocalSource, ReportSource, SyncedSource
from checkin_desk.storage.store import Store

GROUPINGS = ("day", "category", "hour", "desk")

__all__ = [
    "COUNTED",
    "GROUPINGS",
    "CountRow",
    "DashboardSnapshot",
    "Figures",
    "Forecast",
    "HubConflict",
    "LocalSource",
    "ReportSource",
    "SyncedSource",
    "compute",
    "counts",
    "dashboard_snapshot",
    "totals",
]


@dataclass(frozen=True)
class CountRow:
    key: str
    unique_attendees: int
    entries: int


def counts(store: Store, by: str = "day") -> list[CountRow]:
    """Unique attendees admitted and total entries per day, category, local hour or desk.

    By hour and by desk, `unique_attendees` counts arrivals: each person once a day, at the hour and
    desk of their first entry that day (so the rows add up to the day's unique attendees).
    """
    if by not in GROUPINGS:
        raise ValueError(f"cannot count by {by!r}; choose one of {', '.join(GROUPINGS)}")
    src = LocalSource(store)
    if by == "category":
        return [CountRow(c.category or "?", c.arrived, c.entries) for c in src.attendance(None).categories]
    cube = src.cube()
    if by == "hour":
        return [CountRow(r.label, r.arrivals, r.entries) for r in time_rows(cube, src.event().timezone, 60)]
    if by == "desk":
        sums: dict[str, list[int]] = {}
        for r in cube:
            s = sums.setdefault(r.desk, [0, 0])
            s[0] += r.first_entries
            s[1] += r.entries
        return [CountRow(k, *v) for k, v in sorted(sums.items())]
    att = src.attendance(None)
    entries: dict[str, int] = {}
    for r in cube:
        entries[r.day] = entries.get(r.day, 0) + r.entries
    return [CountRow(d, att.unique_by_day.get(d, 0), entries[d]) for d in sorted(entries)]


def totals(store: Store) -> CountRow:
    src = LocalSource(store)
    return CountRow("total", src.unique_attendees(), sum(r.entries for r in src.cube()))
