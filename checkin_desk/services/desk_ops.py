"""Desk operations the window needs besides those in desk.py (which is at its size limit):
printing an attendee's first badge from the search list, printing a refused pass's badge on a
supervisor's override, re-issuing a pass with its new badge queued, and leaving kiosk mode.

Both go through the same checks and audit log as `Desk`'s own privileged methods.
"""

from __future__ import annotations

from checkin_desk.domain import codes
from checkin_desk.domain.models import Status
from checkin_desk.services.badge_policy import badge_refusal
from checkin_desk.services.desk import Desk, DeskError, PassRefused
from checkin_desk.services.desk_errors import required_reason
from checkin_desk.trust.roles import Staff
from checkin_desk.util.textnorm import clean_text


def print_first_badge(
    desk: Desk, code: str, *, printer: str | None = None, template: str | None = None
) -> int:
    """Queue the attendee's first badge (no supervisor needed). A badge printed or queued before makes
    this a reprint: DeskError, and the caller asks for a supervisor (`Desk.reprint`). A pass the rules
    refuse (blocked, cancelled, revoked, unknown): PassRefused, checked first; the caller may ask for
    a supervisor's override (`print_refused_badge`)."""
    refusal = badge_refusal(desk.store, code)
    if refusal is not None:
        raise PassRefused(codes.normalise(code), refusal)
    attendee = desk.store.lookup(codes.normalise(code))
    with desk.store.transaction() as conn:
        if conn.execute("SELECT 1 FROM print_jobs WHERE attendee_code = ?", (attendee.code,)).fetchone():
            raise DeskError(f"a badge was already printed for {attendee.code}: a reprint needs a supervisor")
        job_id = desk.queue_badge(conn, attendee.code, operator=desk.operator, action="print_badge",
                                  details={"from": "search"}, printer=printer, template=template)  # fmt: skip
    return job_id


def print_refused_badge(
    desk: Desk,
    code: str,
    *,
    reason: str,
    supervisor: str = "",
    authorized_by: Staff | None = None,
    printer: str | None = None,
    template: str | None = None,
) -> int:
    """A supervisor's override: queue a badge for a pass the rules refuse (blocked, cancelled,
    revoked), with their reason; audited as `print_override` with what the pass was. An unknown code
    has nothing to print: DeskError. A pass that needs no override is printed as usual (a first badge
    or a reprint, both recorded with the supervisor and reason)."""
    name, auth = desk._authorize("override", authorized_by, supervisor)
    reason = required_reason(reason, "printing a refused pass")
    refusal = badge_refusal(desk.store, code)
    if refusal == Status.UNKNOWN:
        raise DeskError(f"no attendee with code {code}")
    attendee = desk.store.lookup(codes.normalise(code))
    with desk.store.transaction() as conn:
        printed = conn.execute(
            "SELECT 1 FROM print_jobs WHERE attendee_code = ?", (attendee.code,)
        ).fetchone()
        return desk.queue_badge(
            conn,
            attendee.code,
            operator=name,
            action="print_override",
            details={"reason": reason, "was": str(refusal or "valid"), **auth},
            reprint=printed is not None,
            reason=reason,
            allowed_by=name,
            override=True,
            printer=printer,
            template=template,
        )


def reissue_and_print(
    desk: Desk, code: str, *, reason: str, supervisor: str = "", authorized_by: Staff | None = None
) -> tuple[str, int]:
    """Re-issue a lost or damaged pass (`Desk.reissue_pass`: the old signed code is refused from now
    on) and queue the new badge, in one transaction: either both happen or neither.

    Returns (new signed code, print job id). The badge's QR carries the new code (`signing.qr_text`).
    Raises DeskError (no private key on this machine, unknown code, no reason) or
    roles.AuthorizationError like `Desk.reissue_pass`.
    """
    with desk.store.transaction() as conn:
        token = desk.reissue_pass(code, reason=reason, supervisor=supervisor, authorized_by=authorized_by)
        attendee = desk.store.lookup(codes.normalise(code))
        if attendee is None:  # reissue_pass refuses an unknown code first; never reached
            raise DeskError(f"no attendee with code {code}")
        who = authorized_by.name if authorized_by is not None else supervisor
        job_id = desk.queue_badge(
            conn,
            attendee.code,
            operator=who,
            action="print_badge",
            details={"from": "reissue_pass"},
            reprint=True,
            reason=clean_text(reason),
            allowed_by=who,
            audit=False,  # the re-issue's own entry covers its new badge: one act, one entry
        )
    return token, job_id


def leave_kiosk(desk: Desk, *, supervisor: str = "", authorized_by: Staff | None = None) -> str:
    """Record who let the desk out of kiosk mode (a supervisor once the event has staff accounts).
    Returns the name recorded; raises roles.AuthorizationError like the other privileged actions."""
    name, auth = desk._authorize("kiosk_exit", authorized_by, supervisor)
    with desk.store.transaction() as conn:
        desk.store.audit(conn, desk=desk.desk_name, operator=name, action="kiosk_exit", details=auth)
    return name
