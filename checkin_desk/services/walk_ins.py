"""Walk-in registration at the desk: a new attendee, their signed code when this machine holds the
event's key, and their check-in through the scan path, in one transaction."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from checkin_desk.domain import codes
from checkin_desk.domain.models import Attendee, Outcome, ScanKind
from checkin_desk.services.desk_errors import DeskError
from checkin_desk.storage.store import ATTENDEE_FIELDS, attendee_values
from checkin_desk.util.textnorm import clean_text

_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_code(prefix: str = "W") -> str:
    return prefix + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


class WalkIns:
    """Part of `Desk` (services.desk): uses its store, names and scan path."""

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
            signed_code = self._issue_signed(attendee)  # None without the event's private key
            self.store.enqueue_outbox(conn, "attendee", attendee.code, attendee_payload(attendee, "walk_in"))
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


def attendee_payload(attendee: Attendee, origin: str) -> dict[str, Any]:
    return {**dict(zip(ATTENDEE_FIELDS, attendee_values(attendee), strict=True)), "origin": origin}
