"""The desk service: what the GUI, the terminal desk and the CLI all drive.

One path for every scan, whichever way it arrived: parse -> lookup -> decide -> record (one
transaction: scan row + outbox row + print job) -> Outcome.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from checkin_desk.domain import codes, rules
from checkin_desk.domain.models import Attendee, Decision, HubAnswer, Outcome, ScanKind
from checkin_desk.services.desk_badges import BadgeActions
from checkin_desk.services.desk_errors import DeskError, PassRefused
from checkin_desk.services.desk_supervisor import SupervisorActions
from checkin_desk.services.walk_ins import WalkIns, new_code
from checkin_desk.storage import recording
from checkin_desk.storage.store import Store
from checkin_desk.trust import signing
from checkin_desk.trust.personal_data import PURGED_SETTING
from checkin_desk.util.clock import iso, local_day, utc_now

log = logging.getLogger(__name__)

DOUBLE_READ_SECONDS = 1.0
ONLINE_DEADLINE_S = 0.3  # past this, the desk decides on its own copy
VOID_REASON = "decided at the desk instead (the hub's answer came too late or did not fit)"


class OnlineDecider(Protocol):
    """The hub (checkin_desk.sync.HubDecider): decides a scan for all desks at once, or returns None
    when unreachable or too slow."""

    def decide(self, scan: dict[str, Any], deadline_s: float) -> HubAnswer | None: ...


def _maybe(_scan_uuid: str) -> bool:
    return True  # a decider that cannot tell whether the hub kept a scan: assume it might have


class Desk(WalkIns, BadgeActions, SupervisorActions):
    """One desk: scanning here (every scan's one path), walk-ins, badges and supervisor actions in
    their own modules (services.walk_ins, services.desk_badges, services.desk_supervisor)."""

    def __init__(
        self,
        store: Store,
        desk_name: str,
        operator: str = "",
        *,
        clock: Callable[[], datetime] = utc_now,
        online: OnlineDecider | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.store = store
        self.desk_name = desk_name
        self.operator = operator
        self.clock = clock
        self.online = online
        self.monotonic = monotonic
        self.reload_settings()
        self._last_read: tuple[str, float, Outcome] | None = None

    def reload_settings(self) -> None:
        self.event = self.store.event()
        # A purged event never asks the hub: its answer would write a name back into this file.
        self.purged = bool(self.store.get_setting(PURGED_SETTING))
        self.policy = self.store.policy()
        if not self.policy.event_days and self.event.days:
            self.policy = replace(self.policy, event_days=self.event.days)

    # -- scanning ----------------------------------------------------------------------------------

    def scan(
        self,
        raw: str | bytes,
        *,
        kind: ScanKind = ScanKind.ENTRY,
        scanned_at: datetime | None = None,
        ask_hub: bool = True,
        repeat_checked: bool = False,
    ) -> Outcome:
        """`scanned_at`: when a scan kept after a failed write was read (it keeps that time, not the
        retry's); such a retry passes `ask_hub=False`, so a disk still full leaves no hub decision
        to cancel at every attempt. `repeat_checked`: the reader already decided on its own clock
        that this is a new scan (a camera's repeat filter, which may run on a video file's clock,
        faster than the wall's): the one-second double-read rule does not swallow it."""
        parsed = codes.parse(raw)
        now_mono = self.monotonic()
        if self._last_read and parsed.ok and not repeat_checked:
            code, seen_at, previous = self._last_read
            # The same code, or the same plain code in another case that finds the same attendee.
            same = code == parsed.code or (
                not (parsed.signed or code.startswith(codes.SIGNED_PREFIX))
                and now_mono - seen_at < DOUBLE_READ_SECONDS
                and self.store.stored_code(parsed.code) == previous.code
            )
            if same and now_mono - seen_at < DOUBLE_READ_SECONDS:
                # A scanner that reads the same QR twice in a blink: one person, one scan.
                return replace(previous, duplicate_read=True)
        outcome = self._decide_and_record(parsed, raw, kind, ask_hub=ask_hub, scanned_at=scanned_at)
        # Only the very same code read again straight away is a double read.
        self._last_read = (parsed.code, now_mono, outcome) if parsed.ok else None
        return outcome

    def _decide_and_record(
        self,
        parsed: codes.ParsedCode,
        raw: str | bytes,
        kind: ScanKind,
        *,
        ask_hub: bool = True,
        scanned_at: datetime | None = None,
    ) -> Outcome:
        moment = scanned_at or self.clock()
        at, day = iso(moment), local_day(moment, self.event.timezone)
        scan_uuid = str(uuid.uuid4())
        if parsed.ok and not parsed.signed:
            # As stored before the checks: "sce-1" is the plain code of signed pass SCE-1 too.
            parsed = replace(parsed, code=self.store.stored_code(parsed.code))
        # A signed code is checked offline here; from now on `parsed` holds the code inside it.
        check = signing.check_scan(self.store, parsed, refuse_plain=self.policy.refuse_plain_when_signed)
        parsed = check.parsed
        if parsed.ok and (stored := self.store.stored_code(parsed.code)) != parsed.code:
            # A code typed in lower case whose list is stored in upper case (codes.lookup_forms):
            # the hub, the scan row and the badge all use the code as stored.
            parsed = replace(parsed, code=stored)
            check = replace(check, parsed=parsed)
        online_result = None
        asked = (
            ask_hub
            and parsed.ok
            and self.online is not None
            and not self.purged
            and not (check.bad_signature or check.revoked)
        )
        try:
            # This desk's write is reserved before the hub is asked: the hub never records a scan
            # that the desk then cannot (a busy database goes to the waiting file, see recording).
            with recording.record(self.store) as rec:
                if asked:
                    online_result = self.online.decide(
                        {
                            "uuid": scan_uuid,
                            "code": parsed.code,
                            "at": at,
                            "day": day,
                            "desk": self.desk_name,
                            "operator": self.operator,
                            "kind": str(kind),
                            # A signed code's issue: the hub refuses one that a re-issued pass revoked.
                            **({"issue": check.issue} if check.issue is not None else {}),
                        },
                        deadline_s=ONLINE_DEADLINE_S,
                    )
                return self._decide_in(rec, check, raw, kind, at, day, scan_uuid, asked, online_result)
        except BaseException as exc:
            if online_result is not None:
                self._void_on_hub(scan_uuid, exc)
            raise

    def _decide_in(self, rec, check, raw, kind, at, day, scan_uuid, asked, online_result) -> Outcome:
        parsed = check.parsed
        attendee = rec.lookup(parsed.code) if parsed.ok and not check.bad_signature else None
        if attendee is None and check.payload is not None and not check.revoked:
            attendee = signing.provisional(check.payload)  # never synced: admit on the signature
            rec.upsert_attendees([attendee], origin="signed")
        hub_attendee = online_result.attendee if online_result is not None else None
        hub_recorded = online_result is not None
        if online_result is not None and hub_attendee is None and attendee is not None:
            # Known here, not (yet) on the hub: e.g. a walk-in not pushed yet. Decide here.
            online_result = None
        hub_at = None
        offline = online_result is None
        if online_result is not None:
            decision, hub_at = online_result.decision, online_result.hub_at
            if hub_attendee is not None and hub_attendee != attendee:
                rec.upsert_attendees([hub_attendee], origin="hub")
                attendee = hub_attendee
        else:
            entries = rec.admitted_entries(parsed.code) if attendee else ()
            decision = self._decide_here(check, attendee, entries, day)
            if hub_recorded or (asked and getattr(self.online, "may_have_recorded", _maybe)(scan_uuid)):
                # The hub may hold a decision this desk did not follow (its answer came too late, or
                # it did not know the attendee): it is cancelled there, before this desk's own record
                # arrives under a uuid of its own, so the hub never counts both.
                rec.enqueue_outbox(
                    "scan_cancel",
                    scan_uuid,
                    {"uuid": scan_uuid, "cancelled_at": at, "cancel_reason": VOID_REASON, "void": True},
                )
                scan_uuid = str(uuid.uuid4())
        if decision.print_badge and attendee is not None and rec.has_badge(attendee.code):
            # Printed by hand before this first entry: never a second badge, except a reprint with a reason.
            decision = replace(decision, print_badge=False)
        job_id = self._record(rec, scan_uuid=scan_uuid, check=check, raw=raw, attendee=attendee,
                              decision=decision, at=at, day=day, kind=kind, offline=offline,
                              hub_at=hub_at)  # fmt: skip
        return Outcome(
            status=decision.status,
            admitted=decision.admitted,
            code=parsed.code,
            attendee=attendee,
            first_entry=decision.first_entry,
            print_badge=decision.print_badge,
            scan_uuid=scan_uuid,
            at=at,
            desk=self.desk_name,
            offline=offline,
            reentry=decision.reentry,
            print_job_id=job_id,
            message=parsed.error or check.message,
            extra={"waiting": True, "held_by": rec.held_by} if rec.waiting else {},
        )

    def _void_on_hub(self, scan_uuid: str, exc: BaseException) -> None:
        """The hub decided this scan but this desk could not record it: cancel it on the hub, so that
        the scan done again gets what it should (a first entry, a first badge)."""
        void = getattr(self.online, "void", None)
        if void is None:
            return
        try:
            void(scan_uuid, f"not recorded at desk {self.desk_name}: {exc}"[:300])
        except Exception:
            log.exception("could not cancel scan %s on the hub", scan_uuid)

    def _decide_here(self, check: signing.ScanCheck, attendee, entries, day: str) -> Decision:
        """This desk's decision (no hub asked): the rules, given what the code turned out to be."""
        return rules.decide(
            attendee,
            entries,
            day,
            self.policy,
            malformed=not check.parsed.ok,
            bad_signature=check.bad_signature,
            revoked=check.revoked,
        )

    def _record(
        self,
        rec: recording.Recorder,
        *,
        scan_uuid: str,
        check: signing.ScanCheck,
        raw: str | bytes,
        attendee: Attendee | None,
        decision: Decision,
        at: str,
        day: str,
        kind: ScanKind,
        offline: bool,
        override_reason: str | None = None,
        hub_at: str | None = None,
    ) -> int | None:
        """The scan row, its outbox row and its first badge's job (when the decision prints one)."""
        parsed = check.parsed
        raw_text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        scan = {
            "uuid": scan_uuid,
            "code": parsed.code,
            "raw": "" if parsed.ok else raw_text[:256],
            "attendee_code": attendee.code if attendee else None,
            "at": at,
            "day": day,
            "desk": self.desk_name,
            "operator": self.operator,
            "kind": str(kind),
            "status": str(decision.status),
            "admitted": int(decision.admitted),
            "reentry": int(decision.reentry),
            "badge": int(decision.print_badge),
            "offline": int(offline),
            "override_reason": override_reason,
            # A signed code's issue number (None for a plain code): the hub checks it against its
            # revocations when this scan arrives, even if it was decided offline.
            "issue": check.issue,
        }
        if hub_at is not None:
            scan["hub_at"] = hub_at
        rec.insert_scan(scan)
        rec.enqueue_outbox("scan", scan_uuid, scan)
        if decision.print_badge and attendee is not None:
            return rec.insert_print_job(
                {
                    "uuid": str(uuid.uuid4()),
                    "attendee_code": attendee.code,
                    "scan_uuid": scan_uuid,
                    "desk": self.desk_name,
                },
            )
        return None

    # -- searching ---------------------------------------------------------------------------------

    def search(self, text: str, limit: int = 50) -> list[Attendee]:
        return self.store.search(text, limit)

    def last_scans(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(
            self.store.db.query(
                "SELECT uuid, code, attendee_code, at, status, admitted, cancelled_at FROM scans "
                "WHERE desk = ? ORDER BY at DESC LIMIT ?",
                (self.desk_name, limit),
            )
        )


__all__ = ["Desk", "DeskError", "OnlineDecider", "PassRefused", "new_code"]
