"""The decision a scan produces. Pure functions: same inputs, same Decision, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checkin_desk.domain.models import Attendee, Decision, Entry, PassStatus, Status


@dataclass(frozen=True, slots=True)
class Policy:
    # Re-entry on a day the pass was already used: admitted but flagged (this expo), or refused.
    readmit_same_day: bool = True
    # A badge prints automatically at the first admitted entry of the event; later ones are reprints.
    auto_badge: bool = True
    # Days of the event (event-local ISO dates). A scan outside them is wrong_day for everyone.
    event_days: tuple[str, ...] = ()
    # A pass issued as a signed code (or re-issued) is refused when its plain code is scanned: the
    # plain code is inside every signed one and printed beside the QR.
    refuse_plain_when_signed: bool = True

    @classmethod
    def from_settings(cls, settings: dict) -> Policy:
        return cls(
            readmit_same_day=bool(settings.get("readmit_same_day", True)),
            auto_badge=bool(settings.get("auto_badge", True)),
            event_days=tuple(settings.get("event_days", ())),
            refuse_plain_when_signed=bool(settings.get("refuse_plain_when_signed", True)),
        )


REFUSED_BY_PASS = {
    PassStatus.CANCELLED: Status.CANCELLED,
    PassStatus.BLOCKED: Status.BLOCKED,
    PassStatus.UNPAID: Status.UNPAID,
}


def refuse(status: Status) -> Decision:
    return Decision(status=status, admitted=False, print_badge=False)


def decide(
    attendee: Attendee | None,
    entries: Sequence[Entry],
    day: str,
    policy: Policy,
    *,
    malformed: bool = False,
    bad_signature: bool = False,
    revoked: bool = False,
) -> Decision:
    """Decide one scan.

    `entries` are the pass's earlier admitted entries, oldest first (from every desk this desk knows of).
    `day` is today's date in the event's time zone.
    `revoked`: a genuine signed code that a re-issued pass replaced; refused as a cancelled pass.
    """
    if malformed:
        return refuse(Status.MALFORMED)
    if bad_signature:
        return refuse(Status.INVALID_SIGNATURE)
    if revoked:
        return refuse(Status.CANCELLED)
    if attendee is None:
        return refuse(Status.UNKNOWN)
    if attendee.status in REFUSED_BY_PASS:
        return refuse(REFUSED_BY_PASS[attendee.status])
    if (policy.event_days and day not in policy.event_days) or not attendee.valid_on(day):
        return refuse(Status.WRONG_DAY)

    badge_done = any(entry.badge_printed for entry in entries)
    first_today = next((entry for entry in entries if entry.day == day), None)
    if first_today is not None:
        return Decision(
            status=Status.ALREADY_CHECKED_IN,
            admitted=policy.readmit_same_day,
            print_badge=False,
            first_entry=first_today,
            reentry=True,
        )
    return Decision(
        status=Status.OK,
        admitted=True,
        print_badge=policy.auto_badge and not entries and not badge_done,
    )
