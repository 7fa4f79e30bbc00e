"""Printer and hub trouble, sorted into the few kinds that desk staff can act on.

The printing and sync layers word their errors for a technician ("printer Thermique-1: cannot connect
to 127.0.0.1:9100 (Connection refused); check that..."). A screen shows staff a short sentence in
their own language and one action instead, and keeps the technician's words for the log and a details
pop-up. This module only decides *which* kind of trouble a message is; the words live with each screen.

A message this module does not recognise (a new check added to the print path, say) is kind "other":
the screen then shows the message itself, so no reason a job failed is ever hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checkin_desk.storage.faults import LOCAL_STORE_MARK

# (kind, words that mark it), tried in order: the printer's own status first, then the transport.
_PRINTER_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("no_printer", ("no printer is configured",)),
    ("paper_out", ("out of paper",)),
    ("cover_open", ("cover open",)),
    ("cutter", ("cutter jammed",)),
    ("stalled", ("stopped taking data", "did not answer the status query", "but not the last")),
    ("unreachable", ("cannot connect to", "connection lost", "closed the connection")),
    (
        "device",
        ("cannot open usb device", "cannot open serial port", "cannot open device file", "writing failed"),
    ),
    ("cups", ("cups refused", "cups did not take", "`lp` command is missing")),
    (
        "config",
        (
            "unknown profile",
            "cannot write to folder",
            "is not an esc/pos transport",
            "unknown printer kind",
            "not an esc/pos status answer",
            "is it an esc/pos printer",
            "is it a zpl printer",
        ),
    ),
    ("error", ("in error", "offline")),
    ("interrupted", ("interrupted while sending",)),
    ("render", ("cannot render the badge", "no attendee with code")),
)
_PRINTER = re.compile(r"^printer (?P<name>[^:]+): (?P<rest>.*)$", re.DOTALL)
_MOVED = re.compile(r"; moved to printer (?P<name>.+)$")
# The print path's own check before sending: the QR code read back, the name's ink (printing/check.py).
# A reprint would fail the same way: these need the technician and the printer's badge template.
_CHECK = re.compile(r"^badge of \S+ not printed: ")
_CHECK_PRINTER = re.compile(r"for the printer (?P<name>.+?)(; moved to printer .*)?$")
BADGE_CHECK_KINDS = ("check", "check_name", "check_pdf")

_HUB_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("local", (LOCAL_STORE_MARK,)),
    ("auth", ("refused the password", "asks for a password", "permission denied", "refused:")),
    ("clock", ("clock is",)),
    (
        "unreachable",
        (
            "nothing answers",
            "did not answer",
            "was lost",
            "could not translate host",
            "timeout",
            "timed out",
            "network",
        ),
    ),
    ("config", ("does not exist", "cannot read the hub address", "schema", "address is empty")),
)


@dataclass(frozen=True, slots=True)
class Trouble:
    kind: str  # see _PRINTER_KINDS / _HUB_KINDS, or "other"
    printer: str = ""  # the printer it is about, when the message names one
    moved_to: str = ""  # the printer a job was handed to instead
    detail: str = ""  # the message as it came: for the log and the details pop-up


def printer_trouble(message: str, printer: str = "") -> Trouble:
    """What kind of printer trouble `message` (a PrintError's text or a job's last_error) is."""
    text = (message or "").strip()
    name = printer
    rest = text
    match = _PRINTER.match(text)
    if match:
        name = name or match["name"].strip()
        rest = match["rest"]
    moved = _MOVED.search(rest)
    if _CHECK.match(rest):
        if not name and (named := _CHECK_PRINTER.search(rest)):
            name = named["name"].strip()
        lower = rest.lower()
        if "name line" in lower:
            return Trouble("check_name", name, "", text)
        if "cannot be read back" in lower:
            return Trouble("check_pdf", name, "", text)
        return Trouble("check", name, "", text)
    lower = rest.lower()
    for kind, marks in _PRINTER_KINDS:
        if any(mark in lower for mark in marks):
            return Trouble(kind, name, moved["name"].strip() if moved else "", text)
    return Trouble("other", name, moved["name"].strip() if moved else "", text)


def hub_trouble(message: str) -> Trouble:
    """What kind of hub trouble `message` (from the sync layer, already free of passwords) is."""
    text = (message or "").strip()
    lower = text.lower()
    for kind, marks in _HUB_KINDS:
        if any(mark in lower for mark in marks):
            return Trouble(kind, detail=text)
    return Trouble("other", detail=text)
