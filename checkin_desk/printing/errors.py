"""Expected printer trouble. Every message names the printer and says what to check."""

from __future__ import annotations

from checkin_desk.errors import CheckinDeskError


class PrintError(CheckinDeskError):
    """A badge could not be printed this time; the job stays queued.

    move_now: the printer said it needs a person (paper out, cover open, offline): try the next printer
    of the pool at once rather than retrying this one.
    """

    def __init__(self, printer: str, message: str, *, move_now: bool = False):
        super().__init__(f"printer {printer}: {message}")
        self.printer = printer
        self.move_now = move_now


class PrinterConfigError(PrintError):
    """The printer's settings cannot work (unknown profile, bad address): fix them with `printers add`."""


class UnknownPrinter(CheckinDeskError, LookupError):
    def __init__(self, name: str, known: list[str]):
        hint = f"known printers: {', '.join(known)}" if known else "no printer is configured yet"
        super().__init__(f"no printer named {name!r} ({hint}; add one with `checkin-desk printers add`)")
        self.name = name


class RenderError(CheckinDeskError):
    """The badge itself could not be made (a template or renderer problem, not the printer's)."""
