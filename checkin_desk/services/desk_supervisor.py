"""A supervisor's (or admin's) actions at the desk: admit despite a refusal, cancel a check-in, edit an
attendee, re-issue a lost pass, change an event setting. Each checks its role (roles.REQUIRED) and writes
its audit entry in the same transaction as the change."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from checkin_desk.domain import codes
from checkin_desk.domain.models import Attendee, Decision, Outcome, PassStatus, ScanKind
from checkin_desk.services.desk_errors import DeskError, required_reason
from checkin_desk.services.walk_ins import attendee_payload
from checkin_desk.storage import recording
from checkin_desk.storage.store import ATTENDEE_FIELDS
from checkin_desk.trust import roles, signing
from checkin_desk.trust.roles import Staff
from checkin_desk.util.clock import iso, local_day
from checkin_desk.util.textnorm import clean_text


class SupervisorActions:
    """Part of `Desk` (services.desk): uses its store, clock, policy and scan recording."""

    def admit_override(
        self, code: str, *, reason: str, supervisor: str = "", authorized_by: Staff | None = None
    ) -> Outcome:
        """Admit a refused pass; the refusal's status is kept and the reason recorded."""
        supervisor, auth = self._authorize("override", authorized_by, supervisor)
        reason = required_reason(reason, "an override")
        check = signing.check_scan(self.store, codes.parse(code))  # the code inside a signed one
        parsed = check.parsed
        moment = self.clock()
        at, day = iso(moment), local_day(moment, self.event.timezone)
        with self.store.transaction() as conn:
            attendee = self.store.lookup(parsed.code) if parsed.ok and not check.bad_signature else None
            entries = self.store.admitted_entries(parsed.code) if attendee else ()
            refused = self._decide_here(check, attendee, entries, day)
            first_badge = (
                attendee is not None
                and not entries
                and self.policy.auto_badge
                and not self.store.has_badge(attendee.code)
            )
            decision = Decision(refused.status, True, first_badge, refused.first_entry, refused.reentry)
            scan_uuid = str(uuid.uuid4())
            job_id = self._record(recording.DatabaseRecorder(self.store), scan_uuid=scan_uuid, check=check,
                                  raw=code, attendee=attendee, decision=decision, at=at, day=day,
                                  kind=ScanKind.ENTRY, offline=True, override_reason=reason)  # fmt: skip
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
        reason = required_reason(reason, "cancelling a check-in")
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
            self.store.enqueue_outbox(conn, "attendee", updated.code, attendee_payload(updated, "edit"))
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
        reason = required_reason(reason, "re-issuing a pass")
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
