"""Attendance figures: pure functions over a report source, aggregated in SQL.

Definitions (also in docs/reports.md):
- an *entry* is an admitted entry scan that no supervisor cancelled; re-entries are entries;
- *unique attendees* (by day, by category, in total) count each person once;
- *arrivals* by hour, quarter-hour and desk count each person once per day, at the time and desk of
  their first entry that day, so they add up to the day's unique attendees (a pass admitted at two
  desks while offline is a *conflict*: it is listed, and counted once in the unique figures);
- times are in the event's time zone.

Every figure is labelled: a day with no scans says so, a rate over nothing is None (shown as "—"),
scans stamped outside the event by a desk with a wrong clock are counted and pointed out.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from checkin_desk.reports import timebuckets
from checkin_desk.reports.source import CubeRow, HubConflict, LocalSource, ReportSource
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import utc_now, zone

REFUSAL_LABELS = {
    "already_checked_in": "already checked in (re-entry not allowed)",
    "unknown": "unknown code",
    "cancelled": "pass cancelled",
    "blocked": "pass blocked",
    "wrong_day": "not valid that day",
    "invalid_signature": "forged or altered code",
    "malformed": "not a badge code",
    "unpaid": "not yet paid",
}
CONFLICT_ROWS = 500  # conflicts listed in full; the count is always exact


@dataclass(frozen=True)
class Totals:
    unique_attendees: int
    entries: int
    reentries: int
    offline_entries: int
    refused: int
    overrides: int  # refused passes a supervisor admitted anyway
    registered: int  # pre-registered passes, not cancelled (valid that day, when a day is chosen)
    arrived_registered: int
    no_shows: int
    show_rate: float | None  # arrived_registered / registered; None when nobody registered


@dataclass(frozen=True)
class DayRow:
    day: str
    unique_attendees: int
    entries: int
    reentries: int
    offline_entries: int
    note: str = ""  # "no scans", "not yet", "outside the event's days: check the desk clocks"


@dataclass(frozen=True)
class TimeRow:
    start: datetime  # local, aware
    label: str  # "2027-04-18 10:00" (+ " (UTC+0)" when that hour repeats at a clock change)
    arrivals: int
    entries: int


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    registered: int
    arrived: int  # unique attendees admitted, walk-ins included
    arrived_registered: int
    no_shows: int
    show_rate: float | None
    walk_ins: int  # walk-ins admitted
    entries: int


@dataclass(frozen=True)
class DeskRow:
    desk: str
    arrivals: int  # first entries of the day made at this desk
    entries: int
    offline_entries: int
    refused: int
    note: str = ""


@dataclass(frozen=True)
class LabelCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Badges:
    first_badges: int  # print jobs queued by a first entry
    printed: int  # of which printed
    reprints: int
    reprints_printed: int
    pending: int  # queued or being sent
    failed: int
    reprint_reasons: list[LabelCount]


@dataclass(frozen=True)
class Conflict:
    attendee_code: str
    day: str
    desks: tuple[str, ...]
    first_at: datetime
    last_at: datetime
    reason: str = ""  # the hub's words when the hub recorded it; '' when found in this desk's data


@dataclass(frozen=True)
class Offline:
    offline_entries: int
    online_entries: int
    conflict_count: int  # (pass, day) pairs admitted as a first entry at two desks while apart,
    # or admitted offline where the hub would have refused (from the hub's list, with a hub)
    conflicts: list[Conflict]  # the first CONFLICT_ROWS of them


@dataclass(frozen=True)
class ClockWarning:
    desk: str
    outside_event: int
    in_future: int
    message: str


@dataclass(frozen=True)
class Figures:
    event_name: str
    event_days: tuple[str, ...]
    timezone: str
    scope: str  # "desk" | "hub"
    scope_label: str
    day: str | None  # the day reported on, None = the whole event
    generated_at: datetime  # local, aware
    totals: Totals
    by_day: list[DayRow]
    by_hour: list[TimeRow]
    by_quarter: list[TimeRow]
    by_category: list[CategoryRow]
    by_desk: list[DeskRow]
    refused: list[LabelCount]
    badges: Badges
    walk_ins_registered: int
    walk_ins_admitted: int
    offline: Offline
    clock_warnings: list[ClockWarning]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(dataclasses.asdict(self))


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def as_source(store_or_source: Store | ReportSource) -> ReportSource:
    return LocalSource(store_or_source) if isinstance(store_or_source, Store) else store_or_source


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def time_rows(cube: list[CubeRow], tz_name: str, minutes: int) -> list[TimeRow]:
    """Arrivals and entries per local quarter-hour (minutes=15) or hour (60), in time order."""
    tz = zone(tz_name)
    sums: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
    for r in cube:
        start = timebuckets.utc_bucket_start(r.utc_hour, r.quarter, 15)
        if not timebuckets.aligned(tz, start, 15):  # pragma: no cover - no such zone in use
            raise ValueError(f"{tz_name} has an offset that is not a whole quarter-hour")
        local = start.astimezone(tz)
        if minutes == 60:
            local = (start - timedelta(minutes=local.minute)).astimezone(tz)
        s = sums[local.astimezone(UTC)]
        s[0] += r.first_entries
        s[1] += r.entries
    starts = sorted(sums)
    locals_ = [s.astimezone(tz) for s in starts]
    names = [t.strftime("%Y-%m-%d %H:%M") for t in locals_]
    repeated = {n for n in names if names.count(n) > 1}
    return [
        TimeRow(t, n if n not in repeated else f"{n} ({timebuckets.offset_label(t)})", *sums[s])
        for s, t, n in zip(starts, locals_, names, strict=True)
    ]


def compute(
    store_or_source: Store | ReportSource, day: str | None = None, now: datetime | None = None
) -> Figures:
    """Every figure of the report, for one event-local day or (day=None) the whole event."""
    src = as_source(store_or_source)
    event = src.event()
    tz = zone(event.timezone)
    now = (now or utc_now()).astimezone(UTC)
    notes: list[str] = []

    att = src.attendance(day)
    cube = src.cube(day=day)
    entries = sum(r.entries for r in cube)
    offline = sum(r.offline_entries for r in cube)
    reentries = entries - sum(r.first_entries for r in cube)
    refused_by_status: dict[str, int] = defaultdict(int)
    refused_by_desk: dict[str, int] = defaultdict(int)
    for status, desk, n in src.refused(day):
        refused_by_status[status] += n
        refused_by_desk[desk] += n
    refused = [
        LabelCount(k, REFUSAL_LABELS.get(k, k), n)
        for k, n in sorted(refused_by_status.items(), key=lambda kv: (-kv[1], kv[0]))
    ]

    # -- days --------------------------------------------------------------------------------------
    per_day: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in cube:
        per_day[r.day][0] += r.entries
        per_day[r.day][1] += r.entries - r.first_entries
        per_day[r.day][2] += r.offline_entries
    by_day = []
    for d in sorted(set([day] if day else event.days) | set(per_day)):
        e, re, off = per_day.get(d, (0, 0, 0))
        if d in att.unique_by_day:
            unique, note = att.unique_by_day[d], ""
            if not e:
                note = "no scans" if now.astimezone(tz).date() >= date.fromisoformat(d) else "not yet"
        else:  # a day outside the event: only a wrong desk clock puts scans there
            unique, note = e - re, "outside the event's days: check the desk clocks"
        by_day.append(DayRow(d, unique, e, re, off, note))

    # -- categories --------------------------------------------------------------------------------
    cats = src.categories()
    registered = {r[0]: r for r in src.registered_by_category(day)}
    arrived = {c.category: c for c in att.categories}
    order = [k for k in cats if k in registered or k in arrived]
    order += sorted((set(registered) | set(arrived)) - set(order))
    by_category = []
    for key in order:
        reg = int((registered.get(key) or (key, 0))[1] or 0)
        a = arrived.get(key)
        arr_reg = a.arrived_registered if a else 0
        by_category.append(
            CategoryRow(
                category=key or "?",
                label=cats[key]["label_fr"] if key in cats else (key or "unknown attendee"),
                registered=reg,
                arrived=a.arrived if a else 0,
                arrived_registered=arr_reg,
                no_shows=max(reg - arr_reg, 0),
                show_rate=ratio(arr_reg, reg),
                walk_ins=a.walk_ins if a else 0,
                entries=a.entries if a else 0,
            )
        )
    total_registered = sum(c.registered for c in by_category)
    total_arrived_registered = sum(c.arrived_registered for c in by_category)

    # -- desks and clocks --------------------------------------------------------------------------
    # A desk whose clock is wrong stamps admitted entries on days outside the event or in the future.
    future_after = now + timedelta(minutes=10)
    odd: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in cube:
        if event.days and r.day not in event.days:
            odd[r.desk][0] += r.entries
        if timebuckets.utc_bucket_start(r.utc_hour, r.quarter, 15) > future_after:
            odd[r.desk][1] += r.entries
    clock_warnings = []
    for desk, (outside, future) in sorted(odd.items()):
        parts = [f"{outside} entries stamped outside the event's days"] if outside else []
        parts += [f"{future} entries stamped in the future"] if future else []
        clock_warnings.append(
            ClockWarning(desk, outside, future, f"desk {desk}: {' and '.join(parts)}; check its clock")
        )
    suspect = {w.desk for w in clock_warnings}
    per_desk: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in cube:
        per_desk[r.desk][0] += r.first_entries
        per_desk[r.desk][1] += r.entries
        per_desk[r.desk][2] += r.offline_entries
    by_desk = [
        DeskRow(
            desk,
            *per_desk.get(desk, (0, 0, 0)),
            refused_by_desk.get(desk, 0),
            "clock wrong?" if desk in suspect else "",
        )
        for desk in sorted(set(per_desk) | set(refused_by_desk))
    ]

    # -- badges, walk-ins, conflicts ---------------------------------------------------------------
    jobs: dict[tuple[int, str], int] = {(int(r), s): n for r, s, n in src.print_jobs(day)}
    badges = Badges(
        first_badges=sum(n for (r, _), n in jobs.items() if r == 0),
        printed=jobs.get((0, "printed"), 0),
        reprints=sum(n for (r, _), n in jobs.items() if r == 1),
        reprints_printed=jobs.get((1, "printed"), 0),
        pending=sum(n for (_, s), n in jobs.items() if s in ("queued", "sending")),
        failed=sum(n for (_, s), n in jobs.items() if s == "failed"),
        reprint_reasons=[LabelCount(reason, reason, n) for reason, n in src.reprint_reasons(day)],
    )
    walk_ins_admitted = sum(c.walk_ins for c in att.categories)
    walk_ins_registered = walk_ins_admitted if day else src.walk_ins_registered()
    all_conflicts = _merge_hub_conflicts(
        _conflicts(src.conflict_rows(att.conflict_candidates), tz), src.hub_conflicts(), tz, day
    )
    conflict_count, conflicts = len(all_conflicts), all_conflicts[:CONFLICT_ROWS]

    scope_label = src.scope_label
    if src.scope == "desk":
        notes.append(f"Covers {scope_label}.")
    if conflict_count:
        notes.append(
            f"{conflict_count} pass(es) were admitted offline where the hub would have refused them "
            "(most often: a first entry at two desks while apart); each person is counted once in the "
            "unique figures."
        )
    if not entries:
        notes.append(f"No admitted entries on {day}." if day else "No admitted entries yet.")
    notes.extend(w.message for w in clock_warnings)

    return Figures(
        event_name=event.name,
        event_days=tuple(event.days),
        timezone=event.timezone,
        scope=src.scope,
        scope_label=scope_label,
        day=day,
        generated_at=now.astimezone(tz),
        totals=Totals(
            unique_attendees=att.unique,
            entries=entries,
            reentries=reentries,
            offline_entries=offline,
            refused=sum(r.count for r in refused),
            overrides=src.overrides(day),
            registered=total_registered,
            arrived_registered=total_arrived_registered,
            no_shows=max(total_registered - total_arrived_registered, 0),
            show_rate=ratio(total_arrived_registered, total_registered),
        ),
        by_day=by_day,
        by_hour=time_rows(cube, event.timezone, 60),
        by_quarter=time_rows(cube, event.timezone, 15),
        by_category=by_category,
        by_desk=by_desk,
        refused=refused,
        badges=badges,
        walk_ins_registered=walk_ins_registered,
        walk_ins_admitted=walk_ins_admitted,
        offline=Offline(offline, entries - offline, conflict_count, conflicts),
        clock_warnings=clock_warnings,
        notes=notes,
    )


def _conflicts(rows: list[tuple], tz) -> list[Conflict]:
    grouped: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for code, d, desk, at, off in rows:
        grouped[(code, d)].append((desk, at, off))
    result = []
    for (code, d), firsts in sorted(grouped.items(), key=lambda kv: (kv[0][1], min(f[1] for f in kv[1]))):
        desks = tuple(sorted({f[0] for f in firsts}))
        if len(desks) > 1 and any(f[2] for f in firsts):
            times = sorted(f[1] for f in firsts)
            result.append(
                Conflict(
                    code,
                    d,
                    desks,
                    datetime.fromisoformat(times[0]).astimezone(tz),
                    datetime.fromisoformat(times[-1]).astimezone(tz),
                )
            )
    return result


def _merge_hub_conflicts(
    found: list[Conflict], recorded: list[HubConflict], tz, day: str | None
) -> list[Conflict]:
    """The hub's conflicts (authoritative: it judged each offline scan when it arrived) merged with
    those found in this desk's data (which include scans the hub has not received yet), one per
    (pass, day), in time order."""
    if not recorded:
        return found
    merged = {(c.attendee_code, c.day): c for c in found}
    grouped: dict[tuple[str, str], list[HubConflict]] = defaultdict(list)
    for h in recorded:
        if day is None or h.day == day:
            grouped[(h.attendee_code, h.day)].append(h)
    for key, rows in grouped.items():
        times = sorted(t for h in rows for t in (h.hub_at, h.earlier_hub_at) if t)
        desks = {d for h in rows for d in (h.desk, h.earlier_desk) if d}
        before = merged.get(key)
        if before is not None:
            desks |= set(before.desks)
        reasons = list(dict.fromkeys(h.reason for h in rows))
        merged[key] = Conflict(
            key[0],
            key[1],
            tuple(sorted(desks)),
            min([datetime.fromisoformat(times[0]).astimezone(tz)] + ([before.first_at] if before else [])),
            max([datetime.fromisoformat(times[-1]).astimezone(tz)] + ([before.last_at] if before else [])),
            "; ".join(reasons),
        )
    return sorted(merged.values(), key=lambda c: (c.day, c.first_at))
