"""Attendance counts: unique attendees admitted and total entries, grouped as organisers ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .clock import zone
from .store import Store

GROUPINGS = ("day", "category", "hour", "desk")

# An entry that counts: admitted, an entry (not a badge scan), not cancelled by a supervisor.
COUNTED = "s.kind = 'entry' AND s.admitted = 1 AND s.cancelled_at IS NULL"


@dataclass(frozen=True)
class CountRow:
    key: str
    unique_attendees: int
    entries: int


def counts(store: Store, by: str = "day") -> list[CountRow]:
    if by not in GROUPINGS:
        raise ValueError(f"cannot count by {by!r}; choose one of {', '.join(GROUPINGS)}")
    if by == "hour":
        return _by_local_hour(store)
    key = {"day": "s.day", "desk": "s.desk", "category": "coalesce(a.category, '?')"}[by]
    join = "LEFT JOIN attendees a ON a.code = s.attendee_code" if by == "category" else ""
    rows = store.conn.execute(
        f"SELECT {key} AS k, count(DISTINCT s.attendee_code), count(*) FROM scans s {join} "
        f"WHERE {COUNTED} GROUP BY k ORDER BY k"
    )
    return [CountRow(str(k), unique, total) for k, unique, total in rows]


def _by_local_hour(store: Store) -> list[CountRow]:
    # Group on the UTC hour in SQL, then name each bucket by its local hour. Africa/Casablanca only
    # ever shifts by whole hours, so one UTC hour is always exactly one local hour.
    tz = zone(store.event().timezone)
    rows = store.conn.execute(
        f"SELECT substr(s.at, 1, 13) AS h, count(DISTINCT s.attendee_code), count(*) FROM scans s "
        f"WHERE {COUNTED} GROUP BY h ORDER BY h"
    )
    result = []
    for utc_hour, unique, total in rows:
        local = datetime.fromisoformat(utc_hour + ":00:00+00:00").astimezone(tz)
        result.append(CountRow(local.strftime("%Y-%m-%d %H:00"), unique, total))
    return result


def totals(store: Store) -> CountRow:
    unique, total = store.conn.execute(
        f"SELECT count(DISTINCT s.attendee_code), count(*) FROM scans s WHERE {COUNTED}"
    ).fetchone()
    return CountRow("total", unique, total)
