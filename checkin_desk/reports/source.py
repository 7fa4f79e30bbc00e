"""Where report figures come from: this desk's SQLite file, alone or freshly synced with the hub.

A `ReportSource` answers a small set of aggregate questions; `figures.py` and `dashboard.py` only
talk to this interface. `LocalSource` covers this desk (plus whatever it pulled earlier);
`SyncedSource` is the same database right after a completed sync with the hub, so it holds every
desk's scans, and it adds the hub's own list of offline conflicts (made by `sync.reporting`; see
docs/reports.md for why the figures are computed from the synced copy, not over PostgreSQL). Methods take `day` (an event-local ISO date, or None for the whole event)
and return plain data, already aggregated by the database.

Speed on a million scans comes from passes that read covering indexes in their own order, so
SQLite never sorts the scans (schema.V3_REPORT_INDEXES):
- `attendance`: one pass grouped per attendee (unique attendees, walk-ins and entries by category)
  and one per day (unique attendees that day, and candidates for offline conflicts);
- `cube`: one pass per UTC quarter-hour (expression index): entries and first entries by quarter,
  desk and day; hours, desks and days are sums of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from checkin_desk.domain.models import EventInfo
from checkin_desk.reports import timebuckets
from checkin_desk.storage.store import Store

# An entry that counts: admitted, an entry (not a badge scan), not cancelled by a supervisor.
# Written exactly as the partial indexes of schema.V3_REPORT_INDEXES so SQLite can use them.
COUNTED = "kind = 'entry' AND admitted = 1 AND cancelled_at IS NULL"
HOUR = "substr(at, 1, 13)"
QUARTER = "CAST(substr(at, 15, 2) AS INTEGER) / 15"

SCOPE_DESK = "desk"
SCOPE_HUB = "hub"


@dataclass
class CategoryAttendance:
    category: str  # '' for admitted codes with no attendee row
    arrived: int  # unique attendees admitted
    arrived_registered: int  # of which pre-registered (not walk-ins), passes not cancelled
    walk_ins: int  # of which walk-ins
    entries: int
    reentries: int


@dataclass
class Attendance:
    categories: list[CategoryAttendance]
    unique_by_day: dict[str, int]  # the event's days (or the chosen day)
    conflict_candidates: dict[str, list[str]]  # per day: attendees with two first entries that day

    @property
    def unique(self) -> int:
        return sum(c.arrived for c in self.categories)


@dataclass(frozen=True)
class HubConflict:
    """One row of the hub's `conflicts` table: an offline scan the hub would have decided otherwise."""

    attendee_code: str
    day: str
    desk: str  # where the offline scan was made
    earlier_desk: str  # where the pass had been admitted first ('' when it had not)
    hub_at: str  # when the hub received the offline scan (UTC ISO)
    earlier_hub_at: str  # '' when there was no earlier entry
    reason: str


@dataclass(frozen=True)
class CubeRow:
    utc_hour: str  # 'YYYY-MM-DDTHH'
    quarter: int  # 0..3
    desk: str
    day: str
    entries: int
    first_entries: int  # entries with reentry = 0: a person's first admitted entry of the day
    offline_entries: int


class ReportSource(Protocol):
    scope: str  # SCOPE_DESK or SCOPE_HUB

    @property
    def scope_label(self) -> str: ...
    def event(self) -> EventInfo: ...
    def categories(self) -> dict[str, dict[str, Any]]: ...
    def attendance(self, day: str | None, *, per_day: bool = True) -> Attendance: ...
    def cube(self, day: str | None = None, days: Sequence[str] = ()) -> list[CubeRow]: ...
    def unique_attendees(self) -> int: ...
    def conflict_rows(self, candidates: dict[str, list[str]]) -> list[tuple]: ...
    def registered_by_category(self, day: str | None) -> list[tuple]: ...
    def walk_ins_registered(self) -> int: ...
    def refused(self, day: str | None) -> list[tuple[str, str, int]]: ...
    def overrides(self, day: str | None) -> int: ...
    def print_jobs(self, day: str | None) -> list[tuple]: ...
    def reprint_reasons(self, day: str | None) -> list[tuple[str, int]]: ...
    def counted_since(self, since: str, until: str) -> tuple[int, int]: ...
    def scans_since(self, since: str, until: str) -> list[tuple[str, str, int]]: ...
    def attendee_rows(self) -> Any: ...
    def hub_conflicts(self) -> list[HubConflict]: ...


class LocalSource:
    """This desk's event database (which also holds other desks' scans once pulled from the hub)."""

    scope = SCOPE_DESK

    def __init__(self, store: Store, desk_name: str | None = None, *, hub_problem: str = ""):
        self.store = store
        self.conn: sqlite3.Connection = store.conn
        self.desk_name = desk_name or store.get_setting("desk_name") or ""
        self.hub_problem = hub_problem  # why a desk with a hub reports on its own copy
        self._event: EventInfo | None = None

    @property
    def scope_label(self) -> str:
        name = f" ({self.desk_name})" if self.desk_name else ""
        pulled = self.conn.execute(
            "SELECT max(hub_at) FROM scans INDEXED BY scans_pulled WHERE origin = 'hub'"
        ).fetchone()[0]
        problem = f"; the hub could not be reached ({self.hub_problem})" if self.hub_problem else ""
        if pulled:
            return f"this desk{name}, with other desks' scans pulled from the hub up to {pulled[:16]} UTC{problem}"
        return f"this desk{name} only{problem or ' (no hub connected)'}"

    def hub_conflicts(self) -> list[HubConflict]:
        return []

    def event(self) -> EventInfo:
        if self._event is None:
            self._event = self.store.event()
        return self._event

    def categories(self) -> dict[str, dict[str, Any]]:
        return self.store.categories()

    # -- the two big passes ------------------------------------------------------------------------

    def attendance(self, day: str | None, *, per_day: bool = True) -> Attendance:
        """Unique attendees by category (and, with per_day, by day with conflict candidates)."""
        days = ([day] if day else list(self.event().days)) if per_day else []
        where, params = (" AND day = ?", (day,)) if day else ("", ())
        index = "scans_counted_by_day" if day else "scans_counted_by_attendee"
        # Pass 1, one row per attendee in index order, then one index probe per attendee for the
        # category: unique attendees, walk-ins and entries by category.
        categories = [
            CategoryAttendance(*row)
            for row in self.conn.execute(
                "SELECT coalesce(a.category, ''), count(*), "
                "coalesce(sum(a.origin != 'walk_in' AND a.status != 'cancelled'), 0), "
                "coalesce(sum(a.origin = 'walk_in'), 0), sum(x.n), sum(x.re) FROM "
                "(SELECT attendee_code, count(*) AS n, sum(reentry) AS re "
                f"FROM scans INDEXED BY {index} WHERE {COUNTED}{where} GROUP BY attendee_code) x "
                "LEFT JOIN attendees a INDEXED BY attendees_report ON a.code = x.attendee_code "
                "GROUP BY 1 ORDER BY 1",
                params,
            )
        ]
        # Pass 2, per day, one row per attendee: unique attendees that day, and the attendees with
        # two first entries that day (conflict candidates, checked by conflict_rows).
        unique_by_day, candidates = {}, {}
        for d in days:
            n, codes = self.conn.execute(
                "SELECT count(*), group_concat(CASE WHEN f > 1 THEN attendee_code END) FROM "
                "(SELECT attendee_code, sum(reentry = 0) AS f FROM scans INDEXED BY scans_counted_by_day "
                f"WHERE {COUNTED} AND day = ? GROUP BY attendee_code)",
                (d,),
            ).fetchone()
            unique_by_day[d] = n
            candidates[d] = sorted(codes.split(",")) if codes else []
        return Attendance(categories, unique_by_day, candidates)

    def unique_attendees(self) -> int:
        """Attendees admitted at least once during the event (one ordered pass of the attendee index)."""
        return self.conn.execute(
            "SELECT count(*) FROM (SELECT attendee_code FROM scans INDEXED BY scans_counted_by_attendee "
            f"WHERE {COUNTED} GROUP BY attendee_code)"
        ).fetchone()[0]

    def cube(self, day: str | None = None, days: Sequence[str] = ()) -> list[CubeRow]:
        """Entries per UTC quarter-hour, desk and day (for one day, some days, or everything)."""
        conds, params = [COUNTED], []
        wanted = [day] if day else list(days)
        if wanted:
            # A range of the expression index (the UTC hours of those local days), then the exact day.
            bounds = [timebuckets.day_bounds_utc(d, self.event().timezone) for d in wanted]
            conds.append(f"{HOUR} >= ? AND {HOUR} <= ?")
            params += [min(b[0] for b in bounds)[:13], max(b[1] for b in bounds)[:13]]
            conds.append(f"day IN ({','.join('?' * len(wanted))})")
            params += wanted
        sql = (
            f"SELECT {HOUR}, {QUARTER}, desk, day, count(*), sum(reentry = 0), sum(offline) "
            f"FROM scans INDEXED BY scans_counted_by_quarter WHERE {' AND '.join(conds)} "
            f"GROUP BY {HOUR}, {QUARTER}, desk, day"
        )
        return [CubeRow(*row) for row in self.conn.execute(sql, params)]

    def conflict_rows(self, candidates: dict[str, list[str]]) -> list[tuple]:
        """First entries (code, day, desk, at, offline) of these attendees on those days."""
        rows: list[tuple] = []
        for day, codes in candidates.items():
            for code in codes:
                rows.extend(
                    self.conn.execute(
                        "SELECT attendee_code, day, desk, at, offline FROM scans INDEXED BY scans_counted_by_day "
                        f"WHERE day = ? AND attendee_code = ? AND {COUNTED} AND reentry = 0 ORDER BY at",
                        (day, code),
                    )
                )
        return rows

    # -- registrations -----------------------------------------------------------------------------

    def registered_by_category(self, day: str | None) -> list[tuple]:
        """Rows (category, pre-registered passes not cancelled, walk-ins, cancelled, blocked).

        With a day, only passes valid that day.
        """
        valid_on, params = "", ()
        if day:
            valid_on = " WHERE (days = '' OR instr(',' || days || ',', ',' || ? || ',') > 0)"
            params = (day,)
        return self.conn.execute(
            "SELECT category, "
            "sum(origin != 'walk_in' AND status != 'cancelled'), sum(origin = 'walk_in'), "
            "sum(status = 'cancelled'), sum(status = 'blocked') "
            f"FROM attendees INDEXED BY attendees_by_category{valid_on} GROUP BY category",
            params,
        ).fetchall()

    def walk_ins_registered(self) -> int:
        return self.conn.execute("SELECT count(*) FROM attendees WHERE origin = 'walk_in'").fetchone()[0]

    # -- refusals, overrides, badges ---------------------------------------------------------------

    def _day(self, day: str | None) -> tuple[str, tuple]:
        return (" AND day = ?", (day,)) if day else ("", ())

    def refused(self, day: str | None) -> list[tuple[str, str, int]]:
        """Refused scans: rows (status, desk, scans)."""
        where, params = self._day(day)
        return self.conn.execute(
            f"SELECT status, desk, count(*) FROM scans INDEXED BY scans_refused WHERE admitted = 0{where} "
            "GROUP BY status, desk",
            params,
        ).fetchall()

    def overrides(self, day: str | None) -> int:
        where, params = self._day(day)
        return self.conn.execute(
            "SELECT count(*) FROM scans INDEXED BY scans_overrides "
            f"WHERE override_reason IS NOT NULL AND admitted = 1{where}",
            params,
        ).fetchone()[0]

    def _created_on(self, day: str | None) -> tuple[str, tuple]:
        if not day:
            return "", ()
        start, end = timebuckets.day_bounds_utc(day, self.event().timezone)
        return " WHERE created_at >= ? AND created_at < ?", (start, end)

    def print_jobs(self, day: str | None) -> list[tuple]:
        """Rows (reprint 0/1, state, jobs)."""
        where, params = self._created_on(day)
        return self.conn.execute(
            f"SELECT reprint, state, count(*) FROM print_jobs{where} GROUP BY reprint, state", params
        ).fetchall()

    def reprint_reasons(self, day: str | None) -> list[tuple[str, int]]:
        where, params = self._created_on(day)
        where = (where + " AND" if where else " WHERE") + " reprint = 1"
        return self.conn.execute(
            f"SELECT coalesce(nullif(trim(reason), ''), '(no reason)'), count(*) FROM print_jobs{where} "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            params,
        ).fetchall()

    # -- recent activity and clocks ----------------------------------------------------------------

    def counted_since(self, since: str, until: str) -> tuple[int, int]:
        """(unique attendees, entries) admitted in [since, until] (UTC ISO): a short range of the time index."""
        return tuple(  # type: ignore[return-value]
            self.conn.execute(
                "SELECT count(DISTINCT attendee_code), count(*) FROM scans INDEXED BY scans_by_time "
                f"WHERE at >= ? AND at <= ? AND {COUNTED}",
                (since, until),
            ).fetchone()
        )

    def scans_since(self, since: str, until: str) -> list[tuple[str, str, int]]:
        """Every entry scan (any status) in [since, until]: (desk, at, admitted), by desk then time."""
        return self.conn.execute(
            "SELECT desk, at, admitted FROM scans INDEXED BY scans_by_time "
            "WHERE at >= ? AND at <= ? AND kind = 'entry' ORDER BY desk, at",
            (since, until),
        ).fetchall()

    def attendee_rows(self):
        """Every attendee with their admitted entries: (code, first, last, company, category, status,
        origin, first at, last at, entries, days, desks), by name."""
        return self.conn.execute(
            "SELECT a.code, a.first_name, a.last_name, a.company, a.category, a.status, a.origin, "
            "x.first_at, x.last_at, coalesce(x.n, 0), coalesce(x.days, ''), coalesce(x.desks, '') "
            "FROM attendees a LEFT JOIN ("
            "  SELECT attendee_code, min(at) AS first_at, max(at) AS last_at, count(*) AS n, "
            "  group_concat(DISTINCT day) AS days, group_concat(DISTINCT desk) AS desks "
            f"  FROM scans INDEXED BY scans_counted_by_attendee WHERE {COUNTED} GROUP BY attendee_code"
            ") x ON x.attendee_code = a.code ORDER BY a.last_name, a.first_name, a.code"
        )


class SyncedSource(LocalSource):
    """This desk's database right after a completed sync: every desk's scans, and the hub's conflicts."""

    scope = SCOPE_HUB

    def __init__(
        self,
        store: Store,
        desk_name: str | None = None,
        *,
        hub_name: str,
        synced_at: str,
        conflicts: Sequence[HubConflict] = (),
    ):
        super().__init__(store, desk_name)
        self.hub_name = hub_name
        self.synced_at = synced_at
        self._conflicts = list(conflicts)

    @property
    def scope_label(self) -> str:
        return f"all desks (hub {self.hub_name}, synced at {self.synced_at[:19].replace('T', ' ')} UTC)"

    def hub_conflicts(self) -> list[HubConflict]:
        return self._conflicts
