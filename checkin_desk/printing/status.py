"""ESC/POS real-time status (`DLE EOT n`, n = 1..4), as Epson documents it.

Every answer byte has bits 1 and 4 set and bits 0 and 7 clear; a byte without that shape is not a status.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin_desk.printing.raster import status_query

QUERY_ALL = b"".join(status_query(n) for n in (1, 2, 3, 4))


def valid_status_byte(b: int) -> bool:
    return (b & 0x93) == 0x12


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    offline: bool = False
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    error: bool = False  # auto-cutter, unrecoverable or auto-recoverable error
    cutter_error: bool = False

    @property
    def ok(self) -> bool:
        return not (self.offline or self.cover_open or self.paper_out or self.error)

    @property
    def move_now(self) -> bool:
        """A state staff must fix by hand: give the job to another printer rather than retry."""
        return self.paper_out or self.cover_open or self.offline

    def describe(self) -> str:
        problems = []
        if self.paper_out:
            problems.append("out of paper")
        if self.cover_open:
            problems.append("cover open")
        if self.cutter_error:
            problems.append("cutter jammed")
        elif self.error:
            problems.append("in error")
        if self.offline and not problems:
            problems.append("offline")
        if not problems:
            return "near the end of the paper roll" if self.paper_near_end else "ready"
        return ", ".join(problems)


def parse_status(answers: bytes) -> PrinterStatus:
    """Parse the four answers to QUERY_ALL (printer, offline cause, error cause, roll paper sensor)."""
    if len(answers) != 4 or not all(valid_status_byte(b) for b in answers):
        raise ValueError(f"not an ESC/POS status answer: {answers.hex(' ')}")
    printer, offline_cause, error_cause, paper = answers
    return PrinterStatus(
        offline=bool(printer & 0x08),
        cover_open=bool(offline_cause & 0x04),
        paper_out=bool(offline_cause & 0x20) or (paper & 0x60) == 0x60,
        paper_near_end=(paper & 0x0C) == 0x0C,
        error=bool(offline_cause & 0x40) or bool(error_cause & 0x68),
        cutter_error=bool(error_cause & 0x08),
    )


def encode_status(status: PrinterStatus) -> dict[int, int]:
    """The answer bytes a printer in `status` gives to DLE EOT 1..4 (the emulator speaks with this)."""
    base = 0x12
    printer = base | (0x08 if (status.offline or status.paper_out or status.cover_open) else 0)
    offline_cause = base | (0x04 if status.cover_open else 0) | (0x20 if status.paper_out else 0)
    offline_cause |= 0x40 if status.error else 0
    error_cause = (
        base
        | (0x08 if status.cutter_error else 0)
        | (0x20 if status.error and not status.cutter_error else 0)
    )
    paper = base | (0x60 if status.paper_out else 0) | (0x0C if status.paper_near_end else 0)
    return {1: printer, 2: offline_cause, 3: error_cause, 4: paper}
