"""Plain data shared by every layer: attendees, scans, outcomes. No I/O here."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

# The categories this expo starts with; the store lets an event add more.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "visitor",
    "professional",
    "speaker",
    "exhibitor",
    "press",
    "vip",
    "delegation",
    "staff",
)


def _is_cjk(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


class PassStatus(enum.StrEnum):
    VALID = "valid"
    CANCELLED = "cancelled"
    BLOCKED = "blocked"
    UNPAID = "unpaid"  # registered, not yet paid (or approved): refused at the door with that reason


class Status(enum.StrEnum):
    """What a scan produced. The GUI, the CLI and the hub all speak these words."""

    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"
    BLOCKED = "blocked"
    WRONG_DAY = "wrong_day"
    INVALID_SIGNATURE = "invalid_signature"
    MALFORMED = "malformed"
    UNPAID = "unpaid"


class ScanKind(enum.StrEnum):
    ENTRY = "entry"
    BADGE = "badge"


@dataclass(frozen=True, slots=True)
class Attendee:
    code: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    job_title: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    category: str = "visitor"
    # ISO dates (YYYY-MM-DD) the pass is valid for; empty means every day of the event.
    days: tuple[str, ...] = ()
    status: PassStatus = PassStatus.VALID
    notes: str = ""
    # The name in Latin letters, when the list gives it beside a name in another script.
    first_name_latin: str = ""
    last_name_latin: str = ""

    @property
    def full_name(self) -> str:
        # Chinese names are written family name first, without a space (王伟, not 伟 王).
        if self.first_name and self.last_name and _is_cjk(self.first_name + self.last_name):
            return self.last_name + self.first_name
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def valid_on(self, day: str) -> bool:
        return not self.days or day in self.days

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "full_name": self.full_name,
            "company": self.company,
            "job_title": self.job_title,
            "country": self.country,
            "email": self.email,
            "phone": self.phone,
            "category": self.category,
            "days": list(self.days),
            "status": str(self.status),
            "notes": self.notes,
            "first_name_latin": self.first_name_latin,
            "last_name_latin": self.last_name_latin,
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """An earlier admitted entry of the same pass, as the rules need it."""

    at: str  # UTC, ISO 8601 with offset
    day: str  # event-local day, YYYY-MM-DD
    desk: str
    badge_printed: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The pure result of rules.decide, before anything is recorded."""

    status: Status
    admitted: bool
    print_badge: bool
    first_entry: Entry | None = None  # the first admitted entry of the same day, for re-entries
    reentry: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a scan returns to whoever asked: GUI, CLI or hub. Displayed, never re-decided."""

    status: Status
    admitted: bool
    code: str
    attendee: Attendee | None
    first_entry: Entry | None
    print_badge: bool
    scan_uuid: str | None
    at: str
    desk: str
    offline: bool = False
    reentry: bool = False
    print_job_id: int | None = None
    duplicate_read: bool = False
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "admitted": self.admitted,
            "code": self.code,
            "attendee": self.attendee.to_dict() if self.attendee else None,
            "first_entry": (
                {"at": self.first_entry.at, "desk": self.first_entry.desk} if self.first_entry else None
            ),
            "print_badge": self.print_badge,
            "print_job_id": self.print_job_id,
            "scan_uuid": self.scan_uuid,
            "at": self.at,
            "desk": self.desk,
            "offline": self.offline,
            "reentry": self.reentry,
            "duplicate_read": self.duplicate_read,
            "message": self.message,
            **self.extra,
        }


@dataclass(frozen=True, slots=True)
class EventInfo:
    name: str
    days: tuple[str, ...]  # ISO dates
    timezone: str = "Africa/Casablanca"
    venue: str = ""


@dataclass(frozen=True, slots=True)
class HubAnswer:
    """The hub's decision on a scan, made for every desk at once: what it decided, when it received the
    scan (its clock orders the desks'), and its copy of the attendee, which replaces the desk's."""

    decision: Decision
    hub_at: str
    attendee: Attendee | None
