"""What the live dashboard shows, as plain data: the GUI only draws it.

`dashboard_snapshot(store, now)` is cheap (a handful of index range scans over today's rows) so the
GUI can call it every few seconds on its database worker thread; it returns frozen dataclasses and
`to_dict()` gives the same as JSON-ready data.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from checkin_desk.reports import forecast as fc
from checkin_desk.reports import timebuckets
from checkin_desk.reports.figures import as_source, jsonable
from checkin_desk.reports.source import ReportSource
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import iso, utc_now, zone

QUARTER = 15
# The instants a snapshot can be taken at: the day before, time zones and the quarter-hours around
# it must all exist as datetimes (year 1 to 9999), with room to spare.
EARLIEST_NOW = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_NOW = datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)  # the whole day the message names


def check_now(now: datetime) -> datetime:
    """`now` as given when a snapshot can be taken at it; ValueError saying which times work otherwise."""
    if now.tzinfo is None:
        raise ValueError(f"{now.isoformat()} has no UTC offset, e.g. 2027-04-18T10:30:00+01:00")
    try:
        inside = EARLIEST_NOW <= now <= LATEST_NOW
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError(
            f"{now.isoformat()} is out of range: give a time between {EARLIEST_NOW.date()} and {LATEST_NOW.date()}"
        )
    return now


@dataclass(frozen=True)
class Tiles:
    arrived_today: int  # unique attendees admitted today (event-local day)
    arrived_total: int  # unique attendees admitted on any day
    last_15_min: int  # unique attendees admitted in the last 15 minutes
    refused_today: int  # refused scans today


@dataclass(frozen=True)
class QuarterPoint:
    time: str  # local wall-clock "HH:MM", the start of the quarter-hour
    today: int  # unique attendees admitted in that quarter today
    previous_day: int | None  # the same quarter of the previous day; None when there is no previous day


@dataclass(frozen=True)
class CategoryPoint:
    category: str
    label: str
    colour: str  # "#RRGGBB", the badge colour
    arrived_today: int
    registered_today: int  # pre-registered valid passes valid today


@dataclass(frozen=True)
class DeskThroughput:
    desk: str
    open: bool  # scanned in the last 15 minutes
    scans_15_min: int  # every scan, admitted or refused
    admitted_15_min: int
    refused_15_min: int
    entries_today: int
    mean_service_s: float | None  # None: too few recent scans to measure
    per_hour: float | None  # people this desk can serve in an hour at its measured pace
    last_scan: datetime | None  # local


@dataclass(frozen=True)
class DashboardSnapshot:
    event_name: str
    timezone: str
    scope: str  # "desk" | "hub"
    scope_label: str
    generated_at: datetime  # local, aware
    today: str
    previous_day: str | None
    tiles: Tiles
    arrivals: list[QuarterPoint]
    arrivals_caption: str  # "" when there is something to draw, else why the chart is empty
    by_category: list[CategoryPoint]
    by_category_caption: str
    desks: list[DeskThroughput]
    forecast: fc.Forecast
    elapsed_ms: float

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["forecast"] = self.forecast.to_dict()
        return jsonable(d)


def dashboard_snapshot(
    store: Store | ReportSource,
    now: datetime | None = None,
    *,
    target_wait_min: float = fc.DEFAULT_TARGET_WAIT_MIN,
    window_min: int = QUARTER,
    service_window_min: int = 30,
) -> DashboardSnapshot:
    started = time.perf_counter()
    if now is not None:
        check_now(now)
    src = as_source(store)
    event = src.event()
    tz = zone(event.timezone)
    now = (now or utc_now()).astimezone(UTC)
    local_now = now.astimezone(tz)
    today = local_now.date().isoformat()
    prev_date = (local_now.date() - timedelta(days=1)).isoformat()
    previous_day = prev_date if prev_date in event.days else None

    # -- tiles -------------------------------------------------------------------------------------
    att = src.attendance(today, per_day=False)
    arrived_today = att.unique
    arrived_total = src.unique_attendees()
    since_window, until = iso(now - timedelta(minutes=window_min)), iso(now)
    last_window, _ = src.counted_since(since_window, until)
    refused_today = sum(n for _, _, n in src.refused(today))

    # -- arrivals per quarter: today against the same wall-clock hours of the previous day ---------
    days = [today, previous_day] if previous_day else [today]
    series: dict[str, dict[str, int]] = {today: {}, prev_date: {}}
    cube = src.cube(days=days)
    for r in cube:
        local = timebuckets.utc_bucket_start(r.utc_hour, r.quarter, QUARTER).astimezone(tz)
        per_day = series.setdefault(r.day, {})
        key = local.strftime("%H:%M")
        per_day[key] = per_day.get(key, 0) + r.first_entries
    keys = set(series[today]) | (set(series[prev_date]) if previous_day else set())
    arrivals: list[QuarterPoint] = []
    caption = ""
    if keys:
        current = f"{local_now.hour:02d}:{local_now.minute // QUARTER * QUARTER:02d}"
        last = max(*keys, current)
        t = datetime.strptime(min(keys), "%H:%M")
        while (label := t.strftime("%H:%M")) <= last and t.day == 1:
            arrivals.append(
                QuarterPoint(
                    label,
                    series[today].get(label, 0),
                    series[prev_date].get(label, 0) if previous_day else None,
                )
            )
            t += timedelta(minutes=QUARTER)
        if not series[today]:
            caption = f"no admitted entries yet today ({today}); the line shows {previous_day}"
    else:
        caption = f"no admitted entries yet today ({today})" + (
            "" if previous_day else "; no previous day to compare"
        )

    # -- by category -------------------------------------------------------------------------------
    cats = src.categories()
    registered = {r[0]: int(r[1] or 0) for r in src.registered_by_category(today)}
    arrived = {c.category: c.arrived for c in att.categories}
    by_category = []
    for key in [*cats, *sorted((set(registered) | set(arrived)) - set(cats))]:
        if key not in registered and key not in arrived:
            continue
        info = cats.get(key, {})
        by_category.append(
            CategoryPoint(
                key or "?",
                info.get("label_fr", key or "unknown attendee"),
                info.get("colour", "#455A64"),
                arrived.get(key, 0),
                registered.get(key, 0),
            )
        )
    category_caption = "" if arrived else f"no admitted entries yet today ({today})"

    # -- desks and the forecast --------------------------------------------------------------------
    recent = src.scans_since(iso(now - timedelta(minutes=service_window_min)), until)
    rates = fc.desk_rates([(d, at) for d, at, _ in recent], now, open_within_min=window_min)
    entries_today: dict[str, int] = {}
    for r in (r for r in cube if r.day == today):
        entries_today[r.desk] = entries_today.get(r.desk, 0) + r.entries
    window = {}
    for d, at, admitted in recent:
        if at >= since_window:
            w = window.setdefault(d, [0, 0])
            w[0 if admitted else 1] += 1
    desks = []
    for rate in rates:
        adm, ref = window.get(rate.desk, [0, 0])
        desks.append(
            DeskThroughput(
                desk=rate.desk,
                open=rate.open,
                scans_15_min=adm + ref,
                admitted_15_min=adm,
                refused_15_min=ref,
                entries_today=entries_today.get(rate.desk, 0),
                mean_service_s=round(rate.mean_service_s, 1) if rate.mean_service_s else None,
                per_hour=round(3600 / rate.mean_service_s, 1) if rate.mean_service_s else None,
                last_scan=datetime.fromisoformat(rate.last_scan_at).astimezone(tz)
                if rate.last_scan_at
                else None,
            )
        )
    for desk, n in sorted(entries_today.items()):
        if desk not in window and all(d.desk != desk for d in desks):
            desks.append(DeskThroughput(desk, False, 0, 0, 0, n, None, None, None))
    arrivals_in_window = sum(1 for _, at, _ in recent if at >= since_window)
    forecast = fc.forecast(arrivals_in_window, window_min, rates, target_wait_min=target_wait_min)

    return DashboardSnapshot(
        event_name=event.name,
        timezone=event.timezone,
        scope=src.scope,
        scope_label=src.scope_label,
        generated_at=local_now,
        today=today,
        previous_day=previous_day,
        tiles=Tiles(arrived_today, arrived_total, last_window, refused_today),
        arrivals=arrivals,
        arrivals_caption=caption,
        by_category=by_category,
        by_category_caption=category_caption,
        desks=desks,
        forecast=forecast,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
    )
