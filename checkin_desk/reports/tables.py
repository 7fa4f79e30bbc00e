"""The report as tables: one `Section` per grouping, with typed columns, shared by CSV, XLSX and PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checkin_desk.reports.figures import Figures

# Column kinds: text, int, float, percent (a ratio 0..1), date (ISO text -> date), datetime (aware).
TEXT, INT, FLOAT, PERCENT, DATE, DATETIME = "text", "int", "float", "percent", "date", "datetime"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass
class Section:
    key: str  # short name: the XLSX sheet name
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    note: str = ""  # shown under the title; says why a table is empty
    extra: dict[str, Any] = field(default_factory=dict)


def _day(value: str) -> date | str:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value


def sections(fig: Figures) -> list[Section]:
    t = fig.totals
    period = f"day {fig.day}" if fig.day else "whole event"
    summary = Section(
        "Summary",
        f"{fig.event_name} — {period}",
        [Column("figure"), Column("value", FLOAT)],
        [
            ["scope", fig.scope_label],
            ["generated at", fig.generated_at.replace(tzinfo=None)],
            ["time zone", fig.timezone],
            ["unique attendees admitted", t.unique_attendees],
            ["entries (re-entries included)", t.entries],
            ["re-entries", t.reentries],
            ["registered (pre-registered, not cancelled)", t.registered],
            ["registered who came", t.arrived_registered],
            ["no-shows", t.no_shows],
            ["show rate", t.show_rate],
            ["walk-ins registered", fig.walk_ins_registered],
            ["walk-ins admitted", fig.walk_ins_admitted],
            ["refused scans", t.refused],
            ["refusals overridden by a supervisor", t.overrides],
            ["entries decided offline (on the desk)", t.offline_entries],
            ["offline conflicts (same pass, two desks)", fig.offline.conflict_count],
            ["first badges queued", fig.badges.first_badges],
            ["first badges printed", fig.badges.printed],
            ["reprints", fig.badges.reprints],
        ],
        " — ".join(fig.notes),
    )
    summary.extra["percent_rows"] = {"show rate"}
    by_day = Section(
        "By day",
        "Attendance by day",
        [
            Column("day", DATE),
            Column("unique attendees", INT),
            Column("entries", INT),
            Column("re-entries", INT),
            Column("offline entries", INT),
            Column("note"),
        ],
        [
            [_day(r.day), r.unique_attendees, r.entries, r.reentries, r.offline_entries, r.note]
            for r in fig.by_day
        ],
        "" if fig.by_day else "No event days and no scans.",
    )
    time_cols = [Column("start", DATETIME), Column("label"), Column("arrivals", INT), Column("entries", INT)]
    by_hour = Section(
        "By hour",
        f"Arrivals and entries by hour ({fig.timezone})",
        time_cols,
        [[r.start, r.label, r.arrivals, r.entries] for r in fig.by_hour],
        "" if fig.by_hour else "No admitted entries: nothing to show by hour.",
    )
    by_quarter = Section(
        "By 15 min",
        f"Arrivals and entries by quarter-hour ({fig.timezone})",
        time_cols,
        [[r.start, r.label, r.arrivals, r.entries] for r in fig.by_quarter],
        "" if fig.by_quarter else "No admitted entries: nothing to show by quarter-hour.",
    )
    by_category = Section(
        "By category",
        "Registered and arrived by category",
        [
            Column("category"),
            Column("label"),
            Column("registered", INT),
            Column("arrived", INT),
            Column("arrived (registered)", INT),
            Column("no-shows", INT),
            Column("show rate", PERCENT),
            Column("walk-ins", INT),
            Column("entries", INT),
        ],
        [
            [
                r.category,
                r.label,
                r.registered,
                r.arrived,
                r.arrived_registered,
                r.no_shows,
                r.show_rate,
                r.walk_ins,
                r.entries,
            ]
            for r in fig.by_category
        ],
        "" if fig.by_category else "No attendees registered and no entries.",
    )
    by_desk = Section(
        "By desk",
        "Activity by desk",
        [
            Column("desk"),
            Column("arrivals", INT),
            Column("entries", INT),
            Column("offline entries", INT),
            Column("refused", INT),
            Column("note"),
        ],
        [[r.desk, r.arrivals, r.entries, r.offline_entries, r.refused, r.note] for r in fig.by_desk],
        "" if fig.by_desk else "No scans at any desk.",
    )
    refused = Section(
        "Refused",
        "Refused scans by reason",
        [Column("reason"), Column("description"), Column("scans", INT)],
        [[r.key, r.label, r.count] for r in fig.refused],
        "" if fig.refused else "No refused scans.",
    )
    b = fig.badges
    badges = Section(
        "Badges",
        "Badges printed and reprinted",
        [Column("what"), Column("count", INT)],
        [
            ["first badges queued", b.first_badges],
            ["first badges printed", b.printed],
            ["reprints", b.reprints],
            ["reprints printed", b.reprints_printed],
            ["waiting to print", b.pending],
            ["failed", b.failed],
            *[[f"reprint: {r.label}", r.count] for r in b.reprint_reasons],
        ],
    )
    conflicts = Section(
        "Conflicts",
        "Offline conflicts: a pass admitted as a first entry at two desks while apart",
        [
            Column("attendee code"),
            Column("day", DATE),
            Column("desks"),
            Column("first admitted", DATETIME),
            Column("last admitted", DATETIME),
            Column("hub's reason"),
        ],
        [
            [c.attendee_code, _day(c.day), ", ".join(c.desks), c.first_at, c.last_at, c.reason]
            for c in fig.offline.conflicts
        ],
        (
            f"{fig.offline.conflict_count} conflicts"
            + (
                f"; the first {len(fig.offline.conflicts)} listed"
                if fig.offline.conflict_count > len(fig.offline.conflicts)
                else ""
            )
            if fig.offline.conflict_count
            else "No conflicts."
        ),
    )
    clocks = Section(
        "Desk clocks",
        "Desks whose clock looked wrong",
        [
            Column("desk"),
            Column("scans outside the event", INT),
            Column("scans in the future", INT),
            Column("message"),
        ],
        [[w.desk, w.outside_event, w.in_future, w.message] for w in fig.clock_warnings],
        "" if fig.clock_warnings else "Every desk's scans fall within the event's days.",
    )
    return [summary, by_day, by_hour, by_quarter, by_category, by_desk, refused, badges, conflicts, clocks]
