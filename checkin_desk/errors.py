"""The root of every expected error: trouble a person can act on, with a message meant for them.

The command line and the window each catch `CheckinDeskError` in one place and show its message; anything
else is a bug (a crash log, not a message). `exit_code` is the command line's exit status for it.
"""

from __future__ import annotations


class CheckinDeskError(Exception):
    """Expected trouble: a bad file, a printer offline, a hub unreachable, a PIN refused."""

    exit_code = 1

    def __init__(self, message: str = "", code: int | None = None):
        super().__init__(message)
        if code is not None:
            self.exit_code = code

    @property
    def message(self) -> str:
        return str(self)
