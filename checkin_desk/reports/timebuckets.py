"""Event-local time buckets for scans stored in UTC.

Scans keep `at` as UTC ISO 8601 text ("2027-04-18T09:05:12.000+00:00"). People want hours and
quarter-hours on the venue's clock, and Africa/Casablanca changes its offset twice a year (UTC+1, but
UTC+0 during Ramadan). SQL groups on UTC quarter-hours; each is then named by its own local time.
That is exact because every offset in use in the world is a whole number of quarter-hours and
changes on a quarter-hour, so one UTC quarter is always one local quarter (`aligned` checks it).
Local hours are sums of local quarters: a repeated hour (clocks going back at the start of Ramadan)
stays two rows, told apart by their offsets.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from checkin_desk.util.clock import zone


def utc_bucket_start(hour_prefix: str, slot: int, minutes: int) -> datetime:
    """The UTC start of a bucket from SQL keys: 'YYYY-MM-DDTHH' and the slot number within the hour."""
    base = datetime.fromisoformat(hour_prefix + ":00:00+00:00")
    return base + timedelta(minutes=slot * minutes)


def aligned(tz: ZoneInfo, utc_start: datetime, minutes: int) -> bool:
    """True when the UTC bucket starting at utc_start lies in one local bucket of the same length."""
    first = utc_start.astimezone(tz).utcoffset() or timedelta(0)
    last = (utc_start + timedelta(minutes=minutes) - timedelta(seconds=1)).astimezone(tz).utcoffset()
    return first == last and (first.total_seconds() / 60) % minutes == 0


def day_bounds_utc(day: str, tz_name: str) -> tuple[str, str]:
    """The UTC ISO strings [start, end) of an event-local day, comparable with scans.at as text."""
    tz = zone(tz_name)
    d = date.fromisoformat(day)
    start = datetime(d.year, d.month, d.day, tzinfo=tz)
    end = start + timedelta(days=1)
    end = datetime(end.year, end.month, end.day, tzinfo=tz)
    return (
        start.astimezone(UTC).isoformat(timespec="milliseconds"),
        end.astimezone(UTC).isoformat(timespec="milliseconds"),
    )


def offset_label(moment: datetime) -> str:
    off = moment.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")
