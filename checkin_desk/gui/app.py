"""QApplication set-up: bundled fonts, language and layout direction, the crash handler, the window.

Two kinds of error: expected trouble becomes a message in the banner or status bar (the controller);
a bug reaches `sys.excepthook`, which writes the traceback to a log file in the platform's log dir and
shows a dialog — the window never just vanishes.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from checkin_desk.errors import CheckinDeskError
from checkin_desk.gui.i18n import LANGUAGES, Translator
from checkin_desk.gui.main_window import MainWindow
from checkin_desk.gui.settings_dialog import KIOSK_SETTING
from checkin_desk.services.desk import Desk
from checkin_desk.util.config import MachineConfig, log_dir
from checkin_desk.util.privacy import make_private_dir, mask, open_private, setup_file_logging

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
# Latin + Arabic first, then a font that covers Chinese (the guest city is Shanghai).
UI_FAMILIES = ["DejaVu Sans", "Amiri", "Droid Sans Fallback", "WenQuanYi Micro Hei"]


def register_fonts(folder: Path = FONT_DIR) -> list[str]:
    families: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("checkin-desk")
    app.setOrganizationName("Smart City Expo Casablanca")
    register_fonts()
    font = QFont(app.font())
    font.setFamilies(UI_FAMILIES)
    font.setPointSize(max(font.pointSize(), 11))
    app.setFont(font)
    return app


class CrashHandler:
    """Replaces sys.excepthook while the window runs."""

    def __init__(self, translator: Translator):
        self.translator = translator
        self.previous = sys.excepthook
        self.showing = False
        self.last_log: Path | None = None

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        sys.excepthook = self.previous

    def __call__(self, kind, value, tb) -> None:
        if isinstance(value, CheckinDeskError):
            self.expected(value)  # trouble a person can act on, that no screen caught: its words, no crash
            return
        text = "".join(traceback.format_exception(kind, value, tb))
        path = self.write_log(text)
        log.error("unexpected error, written to %s\n%s", path, text)
        if self.showing or QApplication.instance() is None:
            return
        self.showing = True
        try:
            box = QMessageBox(QMessageBox.Critical, self.translator.tr("crash.title"),
                              self.translator.tr("crash.text", path=path))  # fmt: skip
            box.setDetailedText(text)
            box.finished.connect(lambda _r: setattr(self, "showing", False))
            box.open()
            self.box = box
        except Exception:  # the crash dialog itself must never crash the desk
            self.showing = False

    def expected(self, error: CheckinDeskError) -> None:
        log.warning("%s", error)
        if QApplication.instance() is None:
            return
        box = QMessageBox(QMessageBox.Warning, self.translator.tr("error.title"), str(error))
        box.open()
        self.box = box

    def write_log(self, text: str) -> Path:
        path = make_private_dir(log_dir()) / "crash.log"
        with open_private(path, "a", encoding="utf-8") as handle:  # a traceback can hold a name
            handle.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n{mask(text)}\n")
        self.last_log = path
        return path


def language_for_machine() -> str:
    language = MachineConfig.load().language
    return language if language in LANGUAGES else "fr"


def language_for(desk: Desk) -> str:
    return language_for_machine()


def build(
    desk: Desk, *, language: str | None = None, start_workers: bool = True, sounds=None
) -> tuple[MainWindow, Translator]:
    translator = Translator(language or language_for(desk))
    translator.set_language(translator.language)  # sets the layout direction
    window = MainWindow(desk, translator, start_workers=start_workers, sounds=sounds)
    return window, translator


def log_to_file() -> Path | None:
    """The technician's side of what staff see in plain words: printer and hub errors as they came,
    in desk.log beside crash.log (1 MB, three old files kept)."""
    folder = log_dir()
    try:
        # Owner-only, and names, e-mails and phone numbers masked (privacy.setup_file_logging).
        setup_file_logging(make_private_dir(folder) / "desk.log", level=logging.WARNING)
    except OSError as exc:
        log.warning("no log file: %s", exc)
        return None
    return folder / "desk.log"


def run(desk: Desk, *, kiosk: bool | None = None, camera: str | None = None) -> int:
    started = time.perf_counter()
    log_to_file()
    app = make_app()
    window, translator = build(desk)
    crash = CrashHandler(translator)
    crash.install()
    if kiosk if kiosk is not None else desk.store.get_setting(KIOSK_SETTING, False):
        window.set_kiosk(True)
    else:
        window.showMaximized()
    window.setAttribute(Qt.WA_DeleteOnClose, False)
    if camera:
        window.camera.start(camera)
    log.info("desk window ready in %.0f ms", (time.perf_counter() - started) * 1000)
    # Ctrl+C in the terminal closes the window properly (workers stopped) instead of raising
    # KeyboardInterrupt inside a Qt callback; the timer lets Python see the signal during exec().
    previous = signal.signal(signal.SIGINT, lambda *_args: window.close())
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(300)
    try:
        return app.exec()
    finally:
        ticker.stop()
        signal.signal(signal.SIGINT, previous)
        crash.uninstall()
        window.runner.shutdown(wait=False)
