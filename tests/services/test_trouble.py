"""Printer trouble sorted into what staff can act on, from errors the real transports raise."""

from __future__ import annotations

import socket

import pytest
from conftest import EVENT

from checkin_desk.domain.models import Attendee
from checkin_desk.printing import PrinterConfig, PrinterEmulator, PrintError, Timeouts
from checkin_desk.printing.render import BadgeRenderer
from checkin_desk.printing.send import send_badge
from checkin_desk.services.trouble import hub_trouble, printer_trouble


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raised(printer: PrinterConfig, timeouts=Timeouts(connect=0.5, io=0.5, status=0.5)) -> str:
    with pytest.raises(PrintError) as error:
        send_badge(
            printer,
            Attendee("SCE-1", "Benoît", "Lefèvre"),
            event=EVENT,
            categories={},
            template=None,
            renderer=BadgeRenderer(),
            timeouts=timeouts,
            label="badge-test",
        )
    return str(error.value)


def test_a_printer_nobody_answers_for_is_unreachable():
    message = raised(PrinterConfig("Thermique-1", "escpos-network", f"127.0.0.1:{free_port()}", "TM-T20II"))
    trouble = printer_trouble(message)
    assert (trouble.kind, trouble.printer) == ("unreachable", "Thermique-1")
    assert trouble.detail == message  # the technician's words are kept whole


@pytest.mark.parametrize(("mode", "kind"), [("paper-out", "paper_out"), ("stall", "stalled")])
def test_the_printers_own_answers(tmp_path, mode, kind):
    emulator = PrinterEmulator(tmp_path / "out").start()
    try:
        emulator.set_mode(mode)
        message = raised(PrinterConfig("Thermique-2", "escpos-network", emulator.address, "TM-T20II"))
    finally:
        emulator.stop()
    assert (printer_trouble(message).kind, printer_trouble(message).printer) == (kind, "Thermique-2")


def test_a_folder_printer_that_cannot_write_is_misconfigured(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    message = raised(PrinterConfig("PDF-1", "pdf-folder", str(blocker / "badges"), None))
    assert printer_trouble(message).kind == "config"


def test_a_job_moved_to_the_next_printer_says_where():
    trouble = printer_trouble(
        "printer Thermique-1: out of paper; the badge was not sent; moved to printer Thermique-2"
    )
    assert (trouble.kind, trouble.printer, trouble.moved_to) == ("paper_out", "Thermique-1", "Thermique-2")


def test_no_printer_and_unknown_reasons():
    assert (
        printer_trouble(
            "no printer is configured for desk porte-B; add one with `checkin-desk printers add`"
        ).kind
        == "no_printer"
    )
    reason = "QR code unreadable at 203 dpi: the badge was not printed"  # a check the print path may add
    trouble = printer_trouble(reason)
    assert trouble.kind == "other" and trouble.detail == reason


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("nothing answers at checkin@hub.local:5432/expo (is the hub running and reachable?)", "unreachable"),
        ("the hub did not answer in time; deciding on this desk", "unreachable"),
        (
            "the hub checkin@hub.local:5432/expo refused the password (check the role and its password)",
            "auth",
        ),
        ("this desk's clock is 5 min ahead of the hub's; the hub orders scans by its own time", "clock"),
    ],
)
def test_hub_trouble(message, kind):
    assert hub_trouble(message).kind == kind


def test_the_print_paths_own_check_and_a_hung_printer():
    check = printer_trouble(
        "badge of SCE-1 not printed: the QR code read back is 'SCE-7', also when drawn again with larger QR "
        "modules; check the template 'thermal-80' for the printer Thermique-1"
    )
    assert (check.kind, check.printer) == ("check", "Thermique-1")
    no_name = printer_trouble(
        "badge of SCE-1 not printed: the name line on the badge came out empty, also when drawn again with "
        "larger QR modules; check the template 'a6' for the printer PDF badges"
    )
    assert (no_name.kind, no_name.printer) == ("check_name", "PDF badges")
    hung = printer_trouble(
        "printer Z-1: took the connection but not the last 512 bytes of the badge within 5 s (hung, or "
        "switched off); the badge is not marked printed"
    )
    assert (hung.kind, hung.printer) == ("stalled", "Z-1")
