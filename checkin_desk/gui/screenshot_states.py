"""More states for `checkin-desk screenshot`: a PIN dialog, a printer that does not answer, the hub
offline, the kiosk admitted and refused (three languages at once), the window at 1024×600 with a
300-character name, and the first-run assistant.

The trouble shown is real trouble: the printer's and the hub's messages come from a connection
attempt to a port where nothing listens, as the print worker and the sync loop would get them.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from checkin_desk.domain.models import Attendee, PassStatus
from checkin_desk.gui.first_run import FirstRunAssistant
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.screenshot_camera import show_camera
from checkin_desk.printing import PrinterConfig, PrintError, Timeouts
from checkin_desk.printing.transports import open_transport

LONG = Attendee(
    "SCE-SHOT-LONG",
    ("Mohammed-Amine Benkirane El Idrissi Alaoui " * 8)[:300].strip(),
    "",
    "Agence Nationale des Ports — Direction de la Stratégie et de la Coopération Internationale",
    category="professional",
)
KIOSK_REFUSED = Attendee(
    "SCE-SHOT-4", "Hamza", "Lahlou", "Inwi", status=PassStatus.CANCELLED, notes="Remboursé le 2 avril"
)
EXTRA = (LONG, KIOSK_REFUSED)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def printer_error() -> str:
    """What a network printer that does not answer makes the print path say."""
    printer = PrinterConfig("Thermique-1", "escpos-network", f"127.0.0.1:{_closed_port()}", "TM-T20II")
    try:
        with open_transport(printer, Timeouts(connect=0.5)):
            pass
    except PrintError as exc:
        return str(exc)
    return f"printer {printer.name}: cannot connect"


def hub_error() -> str:
    """What the sync loop says when the hub does not answer."""
    from checkin_desk.sync import connection

    dsn = f"postgresql://desk_a@127.0.0.1:{_closed_port()}/expo"
    try:
        connection.connect(dsn, connect_timeout=1).close()
    except connection.HubError as exc:
        return str(exc)
    return "nothing answers"


def render_more(window, shot: Callable[..., None], language: str) -> None:
    """After the main states: the window is on the desk page, nothing open."""
    controller = window.controller
    # A supervisor's PIN dialog (F6, after a scan).
    controller.scan("SCE-SHOT-1")
    window.supervisor.reprint()
    dialog = window.supervisor.open_dialog
    dialog.name.setText("Karim")
    shot("pin", window, overlay=dialog)
    dialog.reject()
    # A printer that does not answer: the banner's short words and the red bar with the action.
    error = printer_error()
    controller.scan(fresh_code(window.desk.store, 2))
    controller.printer_problem.emit({"Thermique-1": error})
    controller.print_state.emit("retrying", f"{error}")
    shot("printer-failure")
    controller.printer_problem.emit({})
    # The hub offline, in the status bar.
    window.status.show_hub(True, False, "desk_a@hub.local:5432/expo", hub_error(), 12)
    shot("hub-offline")
    window.status.show_hub(False, None, "", "", 0)
    # The kiosk, admitted then refused: the public's words, three languages at once.
    window.set_kiosk(True, full_screen=False)
    controller.scan(fresh_code(window.desk.store, 7))
    shot("kiosk-admitted")
    controller.scan(KIOSK_REFUSED.code)
    shot("kiosk-refused")
    window.set_kiosk(False)
    # The camera panel (F12): a badge held up to the camera, read, outlined and checked in.
    if show_camera(window, fresh_code(window.desk.store, 9)):
        shot("camera")
    window.camera.stop()
    # 1024×600 with a 300-character name, a long company and a printer that does not answer.
    window.resize(1024, 600)
    controller.scan(LONG.code)
    controller.printer_problem.emit({"Thermique-1": error})
    controller.print_state.emit("retrying", error)
    shot("1024x600")
    controller.printer_problem.emit({})


def fresh_code(store, offset: int) -> str:
    """A valid pass never scanned yet: its scan is a first entry, with a badge to print."""
    return store.conn.execute(
        "SELECT code FROM attendees WHERE status = 'valid' AND days = '' AND origin = 'demo' "
        "AND code NOT LIKE 'SCE-SHOT%' AND code NOT IN (SELECT code FROM scans) ORDER BY id LIMIT 1 OFFSET ?",
        (offset,),
    ).fetchone()[0]


def render_assistant(
    out: Path, language: str, folder: Path, grab: Callable[[QWidget, Path], Path]
) -> list[Path]:
    """The first-run assistant: its first page, and the attendee list checked with its report."""
    translator = Translator(language)
    translator.set_language(language)
    assistant = FirstRunAssistant(translator, folder / f"first-run-{language}.sqlite")
    assistant.resize(760, 540)
    assistant.show()
    event = assistant.pages["event"]
    event.name.setText("Smart City Expo Casablanca 2026")
    paths = [grab(assistant, out / f"{language}-first-run.png")]
    assistant.next()
    listing = folder / "inscrits.csv"
    listing.write_text(
        "Code,Prénom,Nom,Société,E-mail,Catégorie\n"
        "SCE-001,Amina,Tazi,Lydec,amina@lydec.ma,Visiteur\n"
        ",Karim,Alaoui,OCP,karim@ocp.ma,Presse\n"
        "SCE-003,Salma,Berrada,Masen,pas-une-adresse,Exposant\n"
        "SCE-001,Omar,Idrissi,Wafa,omar@wafa.ma,Visiteur\n"
        "SCE-005,أحمد,العلوي,ONEE,ahmed@onee.ma,Intervenant\n",
        encoding="utf-8",
    )
    page = assistant.pages["import"]
    page.file.setText(str(listing))
    page.check_file()
    paths.append(grab(assistant, out / f"{language}-first-run-import.png"))
    assistant.reject()
    assistant.close_store()
    assistant.deleteLater()
    return paths
