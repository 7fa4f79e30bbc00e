"""The desk window: assembles the panels and wires them to the controller. It contains no panel.

Keys: gui/window_menus.py. Every text is cut to the room it has and the fonts follow the space, so
the window fits a 1024×600 screen and never grows past its screen. A scan always brings its result
to the front (from the dashboard too); the result returns to "ready" after a delay (event settings
`gui_ready_after` and, in kiosk mode, `gui_kiosk_ready_after`, in seconds).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from checkin_desk.domain.models import Outcome
from checkin_desk.gui import dashboard
from checkin_desk.gui.banner import ResultBanner
from checkin_desk.gui.camera_panel import CameraPanel
from checkin_desk.gui.controller import DeskController
from checkin_desk.gui.delays import (
    KIOSK_READY_AFTER_S,
    KIOSK_READY_AFTER_SETTING,
    READY_AFTER_S,
    READY_AFTER_SETTING,
    seconds_setting,
)
from checkin_desk.gui.hub_link import HubLink
from checkin_desk.gui.i18n import LANGUAGES, Translator
from checkin_desk.gui.kiosk import KioskPage
from checkin_desk.gui.preview_panel import PreviewPanel, template_resolver
from checkin_desk.gui.printer_alert import PrinterAlert, PrintTroubleActions
from checkin_desk.gui.records import RecordActions
from checkin_desk.gui.scan_capture import ScanCapture
from checkin_desk.gui.search_panel import SearchPanel
from checkin_desk.gui.sounds import SoundPlayer, sound_for
from checkin_desk.gui.status_bar import DeskStatusBar
from checkin_desk.gui.supervisor import SupervisorActions
from checkin_desk.gui.trouble_text import storage_words
from checkin_desk.gui.walk_in_dialog import WalkInDialog
from checkin_desk.gui.window_menus import WindowMenus
from checkin_desk.gui.workers import TaskRunner
from checkin_desk.services.desk import Desk, PassRefused
from checkin_desk.trust import signing
from checkin_desk.util.config import MachineConfig

BUTTONS = ("walk_in", "reprint", "override", "dashboard")


class MainWindow(QMainWindow):
    def __init__(
        self,
        desk: Desk,
        translator: Translator,
        *,
        runner: TaskRunner | None = None,
        start_workers: bool = True,
        sounds: SoundPlayer | None = None,
    ):
        super().__init__()
        self.desk, self.translator = desk, translator
        self.runner = runner or TaskRunner(self)
        self.controller = DeskController(desk, self.runner, self)
        self.hub = HubLink(desk, self)
        self.supervisor = SupervisorActions(self.controller, translator, self)
        self.records = RecordActions(self.supervisor)
        config = MachineConfig.load()
        self.sounds = sounds or SoundPlayer(volume=config.sound_volume, muted=config.sound_muted)
        categories = desk.store.categories()
        tz = desk.event.timezone
        # -- panels --
        self.banner = ResultBanner(translator, tz)
        self.banner.categories = categories
        self.search = SearchPanel(desk, translator)
        self.preview = PreviewPanel(translator, self.runner, desk.event, categories)
        self.preview.template_for = template_resolver(desk.store, desk.desk_name)
        self.preview.qr_text_for = lambda code: signing.qr_text(desk.store, code)
        self.camera = CameraPanel(translator)
        self.camera.source = config.camera_source
        self.manual = QLineEdit(objectName="manualCode")
        self.manual.setMaxLength(512)
        self.alert = PrinterAlert(translator)
        self.trouble = PrintTroubleActions(self.alert, self.supervisor, translator)
        self.kiosk = KioskPage(translator, tz)
        self.dashboard = dashboard.make_panel(desk, self.runner, translator)
        self.status = DeskStatusBar(translator)
        self.setStatusBar(self.status)
        self.buttons: dict[str, QPushButton] = {}
        self.pages = QStackedWidget()
        self.pages.addWidget(self._desk_page())
        self.pages.addWidget(self.kiosk)
        # On a small screen the dashboard scrolls rather than making the window taller than the screen.
        self.dashboard_page = QScrollArea(widgetResizable=True, frameShape=QFrame.NoFrame)
        self.dashboard_page.setWidget(self.dashboard)
        self.pages.addWidget(self.dashboard_page)
        self.setCentralWidget(self.pages)
        # The dashboard refreshes only while it is the page shown, however the page changed.
        self.pages.currentChanged.connect(
            lambda _i: dashboard.set_active(self.dashboard, self.showing_dashboard)
        )
        self.menus = WindowMenus(self, translator, self._handlers())
        self.actions_by_id = self.menus.actions
        self.menus.actions["mute"].setChecked(self.sounds.muted)
        for key in BUTTONS:
            self.buttons[key].clicked.connect(self.menus.actions[key].trigger)
        # -- wiring --
        self.capture = ScanCapture(self, parent=self)
        self.capture.scanned.connect(self.controller.scan)
        self.camera.code_read.connect(self.capture.deliver)  # a camera's code is a scan like any other
        self.camera.message.connect(lambda text: self.status.showMessage(text, 15000))
        self.capture.queued.connect(self.status.show_waiting)
        self.manual.returnPressed.connect(self._manual_entry)
        self.search.check_in_requested.connect(self.controller.scan)
        self.search.print_requested.connect(self._print_from_search)
        self.search.selected.connect(self._on_selected)
        self.banner.went_idle.connect(lambda: self.preview.show_attendee(None))
        self._preview_next = None
        self._preview_after_paint = False
        self.banner.painted.connect(self._verdict_painted)
        self._refresh_search = QTimer(self, singleShot=True, interval=150)
        self._refresh_search.timeout.connect(self.search.refresh)
        self.alert.clicked.connect(self.trouble.show)
        self.controller.outcome.connect(self._on_outcome)
        self.controller.state.connect(self.status.show_state)
        self.controller.state.connect(self.alert.show_state)
        self.controller.state.connect(lambda state: self.banner.set_printers(state.printers))
        self.controller.printer_problem.connect(self.status.show_printer_problem)
        self.controller.printer_problem.connect(self.alert.show_problems)
        self.controller.print_state.connect(self.banner.set_print_state)
        self.controller.problem.connect(lambda text: self.status.showMessage(text, 8000))
        self.controller.scan_kept.connect(self._on_scan_kept)
        self.controller.kept_recorded.connect(self._on_kept_recorded)
        self.controller.reissued.connect(self._on_reissued)
        self.controller.reprinted.connect(self._on_reprinted)
        self.records.message.connect(lambda text: self.status.showMessage(text, 20000))
        self.supervisor.dialog_closed.connect(lambda: QTimer.singleShot(0, self.capture.release_queue))
        self.supervisor.settings_applied.connect(self._on_settings)
        self.supervisor.kiosk_exit_allowed.connect(lambda: self.set_kiosk(False))
        self.kiosk.exit_requested.connect(self.supervisor.leave_kiosk)
        translator.changed.connect(self.retranslate)
        self.retranslate()
        self._read_delays()
        self.capture.install()
        self.hub.state_changed.connect(self._show_hub)
        self.controller.outcome.connect(lambda _outcome: self.hub.wake())
        self.controller.start(print_worker=start_workers)
        if start_workers:
            self.hub.start()
        self.resize(1280, 800)

    def _handlers(self) -> dict:
        return {
            "walk_in": self.open_walk_in,
            "dashboard": self.toggle_dashboard,
            "print_search": self.print_selected,
            "printer": self.trouble.show,
            "kiosk": lambda: self.set_kiosk(not self.in_kiosk),
            "camera": self.camera.toggle,
            "mute": self.toggle_sound,
            "reissue": self.records.reissue,
            "reprint": self.supervisor.reprint,
            "override": self.supervisor.override,
            "cancel": self.supervisor.cancel_checkin,
            "edit": self.supervisor.edit,
            "settings": self.open_settings,
            "export": self.records.export,
            "language": self.set_language,
            "next_language": self.next_language,
            "search": self.search.focus_box,
            "escape": self.on_escape,
            "leave": self.supervisor.leave_kiosk,
        }

    def _desk_page(self) -> QWidget:
        page = QWidget()
        middle = QHBoxLayout()
        middle.addWidget(self.search, 3)
        middle.addWidget(self.camera, 2)  # hidden until F12
        middle.addWidget(self.preview, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.manual, 1)
        for key in BUTTONS:
            button = QPushButton(objectName=f"button_{key}")
            button.setFocusPolicy(Qt.NoFocus)  # Enter from a scanner must never press a button
            button.setMinimumWidth(40)  # on a small screen a button narrows rather than the window widening
            self.buttons[key] = button
            bottom.addWidget(button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self.banner, 5)
        layout.addLayout(middle, 4)
        layout.addWidget(self.alert)
        layout.addLayout(bottom)
        return page

    def retranslate(self, *_args) -> None:
        t = self.translator.tr
        self.setWindowTitle(t("app.title", event=self.desk.event.name))
        self.manual.setPlaceholderText(t("manual.placeholder"))
        for key, button in self.buttons.items():
            button.setText(t(f"action.{key}"))
            button.setToolTip(t(f"action.{key}"))

    def _read_delays(self) -> None:
        self.banner.event_days = self.desk.event.days
        self.banner.ready_after_ms = (
            seconds_setting(self.desk.store, READY_AFTER_SETTING, READY_AFTER_S) * 1000
        )
        self.kiosk.ready_after_ms = (
            seconds_setting(self.desk.store, KIOSK_READY_AFTER_SETTING, KIOSK_READY_AFTER_S) * 1000
        )

    # -- reacting ----------------------------------------------------------------------------------

    def _on_outcome(self, outcome: Outcome) -> None:
        self.sounds.play(sound_for(outcome))
        if self.in_kiosk:
            self.kiosk.show_outcome(outcome)
            return
        if self.pages.currentWidget() is not self.pages.widget(0):
            self.pages.setCurrentIndex(0)  # a scan always brings its result to the front
        self.banner.show_outcome(outcome)
        # The preview follows the scan; nobody matched: nobody shown (never the previous person).
        # Its badge is rendered once the verdict is on screen: rendering holds Python's lock for
        # tens of ms, and the person at the desk is waiting for the verdict, not the preview.
        if outcome.attendee is None:
            self.preview.show_attendee(None)
        else:
            self._preview_next = outcome.attendee
            self._preview_after_paint = True
        if self.search.rows:
            self._refresh_search.start()  # the rows' states, once the banner is on screen

    def _on_scan_kept(self, kept, fault_kind: str, waiting: int) -> None:
        """Not recorded (disk full, read-only file): a verdict all the same, and why, in words."""
        t = self.translator.tr
        if self.pages.currentWidget() is not self.pages.widget(0):
            self.pages.setCurrentIndex(0)
        self.banner.show_kept(kept.raw, fault_kind, kept.at, waiting)
        self.preview.show_attendee(None)
        self.status.showMessage(t("storage.kept", why=storage_words(t, fault_kind), n=waiting), 0)

    def _on_kept_recorded(self, recorded: int, still: int) -> None:
        t = self.translator.tr
        self.status.showMessage(t("storage.recorded", n=recorded), 8000)
        if not still and self.banner.kind == "kept":
            self.banner.clear()

    def _verdict_painted(self) -> None:
        if self._preview_after_paint:
            self._preview_after_paint = False
            QTimer.singleShot(0, lambda: self.preview.show_attendee(self._preview_next))

    def _on_reissued(self, attendee, by: str) -> None:
        self.banner.show_notice(attendee, "reissue.done.title", "reissue.done")
        self.preview.show_attendee(attendee)  # the preview's QR now carries the new code
        words = {"name": attendee.full_name or attendee.code, "code": attendee.code, "by": by}
        self.status.showMessage(self.translator.tr("reissue.status", **words), 20000)

    def _on_reprinted(self, attendee, by: str, reason: str, override: bool) -> None:
        headline = "verdict.override_print" if override else "verdict.reprint"
        line = "act.override_print" if override else "act.reprint"  # an override is a first print
        self.banner.show_notice(attendee, headline, line, by=by, reason=reason)
        self.preview.show_attendee(attendee)

    def _on_selected(self, attendee) -> None:
        if attendee is not None:
            self.controller.current = attendee
            self.preview.show_attendee(attendee)

    def _manual_entry(self) -> None:
        text = self.manual.text().strip()
        self.manual.clear()
        if text:
            self.controller.scan(text)

    def print_selected(self) -> None:
        """Ctrl+P: the badge of the search result picked (the first badge is free, then a reprint)."""
        attendee = self.search.current()
        if attendee is None or self.in_kiosk:
            self.controller.problem.emit(self.translator.tr("no_current"))
            return
        self._print_from_search(attendee.code)

    def _print_from_search(self, code: str) -> None:
        try:
            job = self.controller.first_print(code)
        except PassRefused as refused:
            person = self.desk.store.lookup(refused.code)
            if person is not None:
                self.controller.current = person
                self.supervisor.print_refused(person, refused.status)
            else:
                self.controller.problem.emit(str(refused))
            return
        if job is None:
            self.supervisor.reprint()  # printed before: a reprint needs a supervisor and a reason

    def on_escape(self) -> None:
        if self.in_kiosk:
            self.supervisor.leave_kiosk()
        elif self.showing_dashboard:
            self.pages.setCurrentIndex(0)
        else:
            self.setFocus()  # back to scanning: keys go to the capture, not to a field

    def open_walk_in(self) -> None:
        if self.in_kiosk:
            return
        dialog = WalkInDialog(self.translator, self.desk.store.categories(), self)
        self.supervisor.show_dialog(dialog, lambda d: self.controller.walk_in(d.values()))

    def open_settings(self) -> None:
        if not self.in_kiosk:
            self.supervisor.settings()

    def toggle_dashboard(self) -> None:
        if self.in_kiosk:
            return
        self.pages.setCurrentIndex(0 if self.showing_dashboard else 2)

    @property
    def showing_dashboard(self) -> bool:
        return self.pages.currentWidget() is self.dashboard_page

    def set_language(self, language: str) -> None:
        self.translator.set_language(language)
        config = MachineConfig.load()
        config.language = language
        config.save()

    def next_language(self) -> None:
        current = LANGUAGES.index(self.translator.language)
        self.set_language(LANGUAGES[(current + 1) % len(LANGUAGES)])

    def toggle_sound(self) -> None:
        self.sounds.muted = not self.sounds.muted
        self.menus.actions["mute"].setChecked(self.sounds.muted)
        config = MachineConfig.load()
        config.sound_muted = self.sounds.muted
        config.save()

    def _on_settings(self, values: dict) -> None:
        if values.get("desk_name", "").strip():
            self.desk.desk_name = values["desk_name"].strip()
            self.controller.reader.desk_name = self.desk.desk_name
        if "operator" in values:
            self.desk.operator = values["operator"].strip()
        self.preview.template_for = template_resolver(self.desk.store, self.desk.desk_name)
        if values.get("language") and values["language"] != self.translator.language:
            self.translator.set_language(values["language"])
        if "sound_volume" in values:
            self.sounds.volume = int(values["sound_volume"])
        if "sound_muted" in values:
            self.sounds.muted = bool(values["sound_muted"])
            self.menus.actions["mute"].setChecked(self.sounds.muted)
        if "hub_dsn" in values:
            self.hub.restart()
        self._read_delays()
        self.controller.refresh_state()

    def _show_hub(self) -> None:
        hub = self.hub
        self.status.show_hub(hub.connected, hub.online, hub.where, hub.message, hub.pending)

    # -- kiosk -------------------------------------------------------------------------------------

    @property
    def in_kiosk(self) -> bool:
        return self.pages.currentWidget() is self.kiosk

    def set_kiosk(self, on: bool, *, full_screen: bool = True) -> None:
        self.kiosk.show_welcome()
        self.pages.setCurrentIndex(1 if on else 0)
        self.menuBar().setVisible(not on)
        self.status.setVisible(not on)
        if on and full_screen:
            self.showFullScreen()
        elif not on and self.isFullScreen():
            self.showNormal()
        self.setFocus()

    def closeEvent(self, event) -> None:
        self.camera.link.stop()
        self.capture.uninstall()
        self._refresh_search.stop()
        self.search.stop()
        dashboard.set_active(self.dashboard, False)
        self.dashboard.close_reader()
        self.controller.stop()
        self.hub.stop()
        self.sounds.close()
        super().closeEvent(event)
