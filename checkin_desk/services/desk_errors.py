"""What a desk action raises when it cannot be done: apart, so that every desk module can raise it."""

from __future__ import annotations

from checkin_desk.domain.models import Status
from checkin_desk.errors import CheckinDeskError
from checkin_desk.util.textnorm import clean_text


class DeskError(CheckinDeskError):
    """An action a user asked for cannot be done; the message says why."""


class PassRefused(DeskError):
    """A badge was asked for a pass the rules refuse (`badge_policy`): only a supervisor's override
    (`desk_ops.print_refused_badge`) may print it. `status` says why (unknown, cancelled, blocked)."""

    def __init__(self, code: str, status: Status):
        super().__init__(f"no badge for {code}: the pass is {status} (a supervisor's override is needed)")
        self.code, self.status = code, status


def required_reason(reason: str, what: str) -> str:
    """The reason a supervisor gave, cleaned; DeskError "<what> needs a reason" when there is none."""
    cleaned = clean_text(reason)
    if not cleaned:
        raise DeskError(f"{what} needs a reason")
    return cleaned
