"""Badges asked for at the desk outside a scan: a supervisor's reprint, and every badge job made by hand
(`queue_badge`, with its audit entry and outbox row), which asks `badge_policy` first."""

from __future__ import annotations

import uuid
from typing import Any

from checkin_desk.domain import codes
from checkin_desk.domain.models import Status
from checkin_desk.services import badge_policy
from checkin_desk.services.desk_errors import DeskError, PassRefused, required_reason
from checkin_desk.trust.roles import Staff


class BadgeActions:
    """Part of `Desk` (services.desk): uses its store, names and role checks."""

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
        reason = required_reason(reason, "a reprint")
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
