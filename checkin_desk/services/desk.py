"""The desk service: what the GUI, the terminal desk and the CLI all drive.

One path for every scan, whichever way it arrived: parse -> lookup -> decide -> record (one
transaction: scan row + outbox row + print job) -> Outcome.
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from checkin_desk.domain import codes, rules
from checkin_desk.domain.models import Attendee, Decision, Outcome, PassStatus, ScanKind, Status
from checkin_desk.errors import CheckinDeskError
from checkin_desk.services import badge_policy
from checkin_desk.storage import recording
from checkin_desk.storage.store import ATTENDEE_FIELDS, Store, attendee_values
from checkin_desk.trust import roles, signing
from checkin_desk.trust.roles import Staff
from checkin_desk.util.clock import iso, local_day, utc_now
from checkin_desk.util.textnorm import clean_text

log = logging.getLogger(__name__)

DOUBLE_READ_SECONDS = 1.0
ONLINE_DEADLINE_S = 0.3  # past this, the desk decides on its own copy
VOID_REASON = "decided at the desk instead (the hub's answer came too late or did not fit)"
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


class DeskError(CheckinDeskError):
    """An action a user asked for cannot be done; the message says why."""


class PassRefused(DeskError):
    """A badge was asked for a pass the rules refuse (`badge_policy`): only a supervisor's override
    (`desk_ops.print_refused_badge`) may print it. `status` says why (unknown, cancelled, blocked)."""

    def __init__(self, code: str, status: Status):
        super().__init__(f"no badge for {code}: the pass is {status} (a supervisor's override is needed)")
        self.code, self.status = code, status


class OnlineDecider(Protocol):
    """The hub (checkin_desk.sync.HubDecider): decides a scan for all desks at once, or returns None
    when unreachable. The result is (Decision, hub receive time) and optionally the hub's copy of the
    attendee as a third item, which replaces the desk's."""

    def decide(self, scan: dict[str, Any], deadline_s: float) -> tuple[Any, ...] | None: ...


def _maybe(_scan_uuid: str) -> bool:
    return True  # a decider that cannot tell whether the hub kept a scan: assume it might have


def new_code(prefix: str = "W") -> str:
    return prefix + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


class Desk:
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
        self.policy = self.store.policy()
        if not self.policy.event_days and self.event.days:
            self.policy = replace(self.policy, event_days=self.event.days)

    # -- scanning ----------------------------------------------------------------------------------

    def scan(self, raw: str | bytes, *, kind: ScanKind = ScanKind.ENTRY) -> Outcome:
        parsed = codes.parse(raw)
        now_mono = self.monotonic()
        if self._last_read and parsed.ok:
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
        outcome = self._decide_and_record(parsed, raw, kind)
        # Only the very same code read again straight away is a double read.
        self._last_read = (parsed.code, now_mono, outcome) if parsed.ok else None
        return outcome

    def _decide_and_record(
        self, parsed: codes.ParsedCode, raw: str | bytes, kind: ScanKind, *, ask_hub: bool = True
    ) -> Outcome:
        moment = self.clock()
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
            ask_hub and parsed.ok and self.online is not None and not (check.bad_signature or check.revoked)
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
        hub_attendee = online_result[2] if online_result is not None and len(online_result) > 2 else None
        hub_recorded = online_result is not None
        if online_result is not None and hub_attendee is None and attendee is not None:
            # Known here, not (yet) on the hub: e.g. a walk-in not pushed yet. Decide here.
            online_result = None
        hub_at = None
        offline = online_result is None
        if online_result is not None:
            decision, hub_at = online_result[0], online_result[1]
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
        job_id = self._record(
            rec, scan_uuid, check, raw, attendee, decision, at, day, kind, offline, hub_at=hub_at
        )
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
        scan_uuid,
        check: signing.ScanCheck,
        raw,
        attendee,
        decision,
        at,
        day,
        kind,
        offline,
        override_reason: str | None = None,
        hub_at: str | None = None,
    ) -> int | None:
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

    # -- walk-ins, reprints, supervisor actions ----------------------------------------------------

    def register_walk_in(
        self,
        *,
        first_name: str,
        last_name: str,
        company: str = "",
        category: str = "visitor",
        email: str = "",
        job_title: str = "",
        country: str = "",
        phone: str = "",
        code: str | None = None,
    ) -> Outcome:
        first_name, last_name = clean_text(first_name), clean_text(last_name)
        if not (first_name or last_name):
            raise DeskError("a walk-in needs a first or a last name")
        category = clean_text(category).lower() or "visitor"
        attendee = Attendee(
            code=code or new_code(),
            first_name=first_name,
            last_name=last_name,
            company=clean_text(company),
            job_title=clean_text(job_title),
            country=clean_text(country),
            email=clean_text(email),
            phone=clean_text(phone),
            category=category,
        )
        with self.store.transaction() as conn:
            if self.store.lookup(attendee.code):
                raise DeskError(f"code {attendee.code} is already taken")
            self.store.upsert_attendees([attendee], origin="walk_in")
            signed_code = self._issue_signed(attendee)  # issue 8: None without the event's private key
            self.store.enqueue_outbox(conn, "attendee", attendee.code, _attendee_payload(attendee, "walk_in"))
            self.store.audit(
                conn,
                desk=self.desk_name,
                operator=self.operator,
                action="walk_in",
                subject=attendee.code,
                details={"category": category},
            )
            self._last_read = None
            # Checked in by the code the badge will carry: a signed pass's plain code is refused.
            # Not asked of the hub: it cannot know a pass made here a moment ago.
            shown = signed_code or attendee.code
            outcome = self._decide_and_record(codes.parse(shown), shown, ScanKind.ENTRY, ask_hub=False)
            return (
                replace(outcome, extra={**outcome.extra, "signed_code": signed_code})
                if signed_code
                else outcome
            )

    def reprint(
        self,
        code: str,
        *,
        reason: str,
        allowed_by: str = "",
        template: str | None = None,
        printer: str | None = None,
        authorized_by: Staff | None = None,
    ) -> int:
        allowed_by, auth = self._authorize("reprint", authorized_by, allowed_by)
        reason = clean_text(reason)
        if not reason:
            raise DeskError("a reprint needs a reason")
        attendee = self.store.lookup(codes.normalise(code))
        if attendee is None:
            raise DeskError(f"no attendee with code {code}")
        with self.store.transaction() as conn:
            return self.queue_badge(
                conn,
                attendee.code,
                operator=allowed_by,
                action="reprint",
                details={"reason": reason, **auth},
                reprint=True,
                reason=reason,
                allowed_by=allowed_by,
                template=template,
                printer=printer,
            )

    def queue_badge(
        self,
        conn,
        attendee_code: str,
        *,
        operator: str,
        action: str,
        details: dict[str, Any],
        reprint: bool = False,
        reason: str | None = None,
        allowed_by: str | None = None,
        template: str | None = None,
        override: bool = False,
        printer: str | None = None,
        audit: bool = True,
    ) -> int:
        """A badge print job with its audit entry and outbox row, in the caller's transaction.

        Raises PassRefused for a pass the rules refuse, unless `override` (a supervisor's, audited)."""
        refusal = badge_policy.badge_refusal(self.store, attendee_code)
        if refusal is not None and not (override and refusal != Status.UNKNOWN):
            raise PassRefused(attendee_code, refusal)
        job_uuid = str(uuid.uuid4())
        job = {
            "uuid": job_uuid,
            "attendee_code": attendee_code,
            "reprint": int(reprint),
            "reason": reason,
            "allowed_by": allowed_by,
            "template": template,
            "desk": self.desk_name,
        }
        if printer:  # this printer rather than the desk's pool
            job["printer"] = printer
        job_id = self.store.insert_print_job(conn, job)
        if audit:  # False: part of an action whose one audit entry is written by the caller
            self.store.audit(
                conn,
                desk=self.desk_name,
                operator=operator,
                action=action,
                subject=attendee_code,
                details={**details, "job": job_uuid},
            )
        self.store.enqueue_outbox(conn, "print_job", job_uuid, job)
        return job_id

    def admit_override(
        self, code: str, *, reason: str, supervisor: str = "", authorized_by: Staff | None = None
    ) -> Outcome:
        """Admit a refused pass; the refusal's status is kept and the reason recorded."""
        supervisor, auth = self._authorize("override", authorized_by, supervisor)
        reason = clean_text(reason)
        if not reason:
            raise DeskError("an override needs a reason")
        check = signing.check_scan(self.store, codes.parse(code))  # issue 8: the code inside a signed one
        parsed = check.parsed
        moment = self.clock()
        at, day = iso(moment), local_day(moment, self.event.timezone)
        with self.store.transaction() as conn:
            attendee = self.store.lookup(parsed.code) if parsed.ok and not check.bad_signature else None
            entries = self.store.admitted_entries(parsed.code) if attendee else ()
            refused = self._decide_here(check, attendee, entries, day)
            first_badge = attendee is not None and not entries and self.policy.auto_badge
            decision = Decision(refused.status, True, first_badge, refused.first_entry, refused.reentry)
            scan_uuid = str(uuid.uuid4())
            job_id = self._record(
                recording.DatabaseRecorder(self.store),
                scan_uuid,
                check,
                code,
                attendee,
                decision,
                at,
                day,
                ScanKind.ENTRY,
                True,
                override_reason=reason,
            )
            self.store.audit(
                conn,
                desk=self.desk_name,
                operator=supervisor,
                action="override",
                subject=parsed.code,
                details={"reason": reason, "was": str(refused.status), "scan": scan_uuid, **auth},
            )
        return Outcome(
            decision.status,
            True,
            parsed.code,
            attendee,
            decision.first_entry,
            first_badge,
            scan_uuid,
            at,
            self.desk_name,
            print_job_id=job_id,
            extra={"override": reason},
        )

    def cancel_checkin(
        self, scan_uuid: str, *, reason: str, supervisor: str = "", authorized_by: Staff | None = None
    ) -> None:
        supervisor, auth = self._authorize("cancel_checkin", authorized_by, supervisor)
        reason = clean_text(reason)
        if not reason:
            raise DeskError("cancelling a check-in needs a reason")
        at = iso(self.clock())
        with self.store.transaction() as conn:
            cur = conn.execute(
                "UPDATE scans SET cancelled_at = ?, cancel_reason = ? "
                "WHERE uuid = ? AND admitted = 1 AND cancelled_at IS NULL",
                (at, reason, scan_uuid),
            )
            if cur.rowcount != 1:
                raise DeskError("no admitted check-in with that id (or it was already cancelled)")
            self.store.enqueue_outbox(
                conn,
                "scan_cancel",
                scan_uuid,
                {"uuid": scan_uuid, "cancelled_at": at, "cancel_reason": reason},
            )
            self.store.audit(
                conn,
                desk=self.desk_name,
                operator=supervisor,
                action="cancel_checkin",
                subject=scan_uuid,
                details={"reason": reason, **auth},
            )

    def edit_attendee(
        self, code: str, changes: dict[str, Any], *, supervisor: str = "", authorized_by: Staff | None = None
    ) -> Attendee:
        supervisor, auth = self._authorize("edit_attendee", authorized_by, supervisor)
        attendee = self.store.lookup(codes.normalise(code))
        if attendee is None:
            raise DeskError(f"no attendee with code {code}")
        allowed = set(ATTENDEE_FIELDS) - {"code"}
        unknown = set(changes) - allowed
        if unknown:
            raise DeskError(f"cannot edit {', '.join(sorted(unknown))}")
        cleaned: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "status":
                try:
                    cleaned[key] = PassStatus(value)
                except ValueError:
                    raise DeskError(f"status must be valid, cancelled or blocked, not {value!r}") from None
            elif key == "days":
                cleaned[key] = tuple(value)
            else:
                cleaned[key] = clean_text(value)
        updated = replace(attendee, **cleaned)
        if updated.first_name == "" and updated.last_name == "":
            raise DeskError("an attendee needs a first or a last name")
        with self.store.transaction() as conn:
            self.store.upsert_attendees([updated], origin="edit")
            self.store.enqueue_outbox(conn, "attendee", updated.code, _attendee_payload(updated, "edit"))
            before = {k: getattr(attendee, k) for k in changes}
            self.store.audit(
                conn,
                desk=self.desk_name,
                operator=supervisor,
                action="edit_attendee",
                subject=updated.code,
                details={
                    "changed": sorted(changes),
                    "before": {k: str(v) for k, v in before.items()},
                    **auth,
                },
            )
        return updated

    # -- issue 8: roles, signed passes, settings -------------------------------------------------------

    def _authorize(
        self, action: str, authorized_by: Staff | None, claimed: str
    ) -> tuple[str, dict[str, str]]:
        """Who to record for a privileged action, and what the audit entry adds about it.

        Raises roles.AuthorizationError when the event has staff accounts and `authorized_by` is missing
        or its role is too low. Without staff accounts, the name typed (`claimed`) is trusted as before.
        """
        name = roles.require(self.store, action, authorized_by, claimed)
        if authorized_by is None:
            return name, {}
        return name, {"role": authorized_by.role.key, "desk_operator": self.operator}

    def _issue_signed(self, attendee: Attendee) -> str | None:
        key = signing.private_key(self.store)
        return signing.issue(self.store, attendee, key) if key is not None else None

    def reissue_pass(
        self, code: str, *, reason: str, supervisor: str = "", authorized_by: Staff | None = None
    ) -> str:
        """A new signed code for a lost or stolen badge; the old one is refused from now on (by sync
        on other desks). Needs the event's private key on this machine. Returns the new signed code."""
        supervisor, auth = self._authorize("reissue_pass", authorized_by, supervisor)
        reason = clean_text(reason)
        if not reason:
            raise DeskError("re-issuing a pass needs a reason")
        attendee = self.store.lookup(codes.normalise(code))
        if attendee is None:
            raise DeskError(f"no attendee with code {code}")
        key = signing.private_key(self.store)
        if key is None:
            raise DeskError(
                "this machine does not hold the event's private key: re-issue the pass where it is"
            )
        with self.store.transaction() as conn:
            token = signing.reissue(self.store, attendee, key, reason=reason)
            self.store.audit(
                conn,
                desk=self.desk_name,
                operator=supervisor,
                action="reissue_pass",
                subject=attendee.code,
                details={"reason": reason, "issue": signing.revocation(self.store, attendee.code), **auth},
            )
        return token

    def change_setting(
        self, key: str, value: Any, *, admin: str = "", authorized_by: Staff | None = None
    ) -> None:
        """Change an event setting (admin only when roles are enforced); audited with the old value."""
        admin, auth = self._authorize("settings", authorized_by, admin)
        with self.store.transaction() as conn:
            before = self.store.get_setting(key)
            self.store.set_setting(key, value)
            self.store.audit(
                conn,
                desk=self.desk_name,
                operator=admin,
                action="settings",
                subject=key,
                details={"before": before, "after": value, **auth},
            )
        self.reload_settings()

    def last_scans(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(
            self.store.db.query(
                "SELECT uuid, code, attendee_code, at, status, admitted, cancelled_at FROM scans "
                "WHERE desk = ? ORDER BY at DESC LIMIT ?",
                (self.desk_name, limit),
            )
        )

    @staticmethod
    def is_refusal(status: Status) -> bool:
        return status not in (Status.OK, Status.ALREADY_CHECKED_IN)


def _attendee_payload(attendee: Attendee, origin: str) -> dict[str, Any]:
    return {**dict(zip(ATTENDEE_FIELDS, attendee_values(attendee), strict=True)), "origin": origin}
