"""Time in one place: UTC for storage, the event's time zone for days and hours shown to people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def utc_now_iso() -> str:
    return iso(utc_now())


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_day(moment: datetime, tz: str) -> str:
    return moment.astimezone(zone(tz)).date().isoformat()


def today(tz: str) -> date:
    return utc_now().astimezone(zone(tz)).date()


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)
