"""The desk window: assembles the panels and wires them to the controller. It contains no panel.

Keyboard map: scan anywhere; Ctrl+F search; Esc back to scanning; F3 walk-in; F4 dashboard;
F5 re-issue a pass; F6 reprint; F7 admit despite refusal; F8 cancel a check-in; F9 edit; F10 settings; F11 kiosk.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from checkin_desk.domain.models import Outcome
from checkin_desk.gui import dashboard
from checkin_desk.gui.banner import ResultBanner
from checkin_desk.gui.controller import DeskController
from checkin_desk.gui.hub_link import HubLink
from checkin_desk.gui.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from checkin_desk.gui.kiosk import KioskPage
from checkin_desk.gui.preview_panel import PreviewPanel, template_resolver
from checkin_desk.gui.records import RecordActions
from checkin_desk.gui.scan_capture import ScanCapture
from checkin_desk.gui.search_panel import SearchPanel
from checkin_desk.gui.status_bar import DeskStatusBar
from checkin_desk.gui.supervisor import SupervisorActions
from checkin_desk.gui.walk_in_dialog import WalkInDialog
from checkin_desk.gui.workers import TaskRunner
from checkin_desk.services.desk import Desk
from checkin_desk.trust import signing
from checkin_desk.util.config import MachineConfig

ACTIONS = (  # (id, message id, shortcut)
    ("walk_in", "action.walk_in", "F3"),
    ("dashboard", "action.dashboard", "F4"),
    ("reissue", "action.reissue", "F5"),
    ("reprint", "action.reprint", "F6"),
    ("override", "action.override", "F7"),
    ("cancel", "action.cancel", "F8"),
    ("edit", "action.edit", "F9"),
    ("settings", "action.settings", "F10"),
    ("kiosk", "action.kiosk", "F11"),
    ("export", "action.export", ""),  # Supervisor menu only
)


class MainWindow(QMainWindow):
    def __init__(
        self,
        desk: Desk,
        translator: Translator,
        *,
        runner: TaskRunner | None = None,
        start_workers: bool = True,
    ):
        super().__init__()
        self.desk, self.translator = desk, translator
        self.runner = runner or TaskRunner(self)
        self.controller = DeskController(desk, self.runner, self)
        self.hub = HubLink(desk, self)
        self.supervisor = SupervisorActions(self.controller, translator, self)
        self.records = RecordActions(self.supervisor)
        categories = desk.store.categories()
        tz = desk.event.timezone
        # -- panels --
        self.banner = ResultBanner(translator, tz)
        self.banner.categories = categories
        self.search = SearchPanel(desk, translator)
        self.preview = PreviewPanel(translator, self.runner, desk.event, categories)
        self.preview.template_for = template_resolver(desk.store, desk.desk_name)
        self.preview.qr_text_for = lambda code: signing.qr_text(desk.store, code)
        self.manual = QLineEdit(objectName="manualCode")
        self.manual.setMaxLength(512)
        self.kiosk = KioskPage(translator, tz)
        self.kiosk.banner.categories = categories
        self.dashboard = dashboard.make_panel(desk, self.runner, translator)
        self.status = DeskStatusBar(translator)
        self.setStatusBar(self.status)
        self.buttons: dict[str, QPushButton] = {}
        self.actions_by_id: dict[str, QAction] = {}
        self.pages = QStackedWidget()
        self.pages.addWidget(self._desk_page())
        self.pages.addWidget(self.kiosk)
        self.pages.addWidget(self.dashboard)
        self.setCentralWidget(self.pages)
        # The dashboard refreshes only while it is the page shown, however the page changed.
        self.pages.currentChanged.connect(
            lambda _i: dashboard.set_active(self.dashboard, self.pages.currentWidget() is self.dashboard)
        )
        self._menus()
        # -- wiring --
        self.capture = ScanCapture(self, parent=self)
        self.capture.scanned.connect(self.controller.scan)
        self.capture.queued.connect(self._on_queued)
        self.manual.returnPressed.connect(self._manual_entry)
        self.search.check_in_requested.connect(self.controller.scan)
        self.search.print_requested.connect(self._print_from_search)
        self.search.selected.connect(self._on_selected)
        self.controller.outcome.connect(self._on_outcome)
        self.controller.state.connect(self.status.show_state)
        self.controller.printer_problem.connect(self.status.show_printer_problem)
        self.controller.print_state.connect(self.banner.set_print_state)
        self.controller.print_state.connect(self.kiosk.banner.set_print_state)
        self.controller.problem.connect(lambda text: self.status.showMessage(text, 8000))
        self.controller.reissued.connect(self._on_reissued)
        self.records.message.connect(lambda text: self.status.showMessage(text, 20000))
        self.supervisor.dialog_closed.connect(lambda: QTimer.singleShot(0, self.capture.release_queue))
        self.supervisor.settings_applied.connect(self._on_settings)
        self.supervisor.kiosk_exit_allowed.connect(lambda: self.set_kiosk(False))
        self.kiosk.exit_requested.connect(self.supervisor.leave_kiosk)
        translator.changed.connect(self.retranslate)
        self.retranslate()
        self.capture.install()
        self.hub.state_changed.connect(self._show_hub)
        self.controller.outcome.connect(lambda _outcome: self.hub.wake())
        self.controller.start(print_worker=start_workers)
        if start_workers:
            self.hub.start()
        self.resize(1280, 800)

    def _desk_page(self) -> QWidget:
        page = QWidget()
        middle = QHBoxLayout()
        middle.addWidget(self.search, 3)
        middle.addWidget(self.preview, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.manual, 2)
        for key in ("walk_in", "reprint", "override", "dashboard"):
            button = QPushButton(objectName=f"button_{key}")
            button.setFocusPolicy(Qt.NoFocus)  # Enter from a scanner must never press a button
            self.buttons[key] = button
            bottom.addWidget(button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.banner, 2)
        layout.addLayout(middle, 3)
        layout.addLayout(bottom)
        return page

    def _menus(self) -> None:
        handlers = {
            "walk_in": self.open_walk_in,
            "dashboard": self.toggle_dashboard,
            "reissue": self.records.reissue,
            "reprint": self.supervisor.reprint,
            "override": self.supervisor.override,
            "cancel": self.supervisor.cancel_checkin,
            "edit": self.supervisor.edit,
            "settings": self.open_settings,
            "kiosk": lambda: self.set_kiosk(not self.in_kiosk),
            "export": self.records.export,
        }
        self.menu_desk = self.menuBar().addMenu("")
        self.menu_supervisor = self.menuBar().addMenu("")
        self.menu_language = self.menuBar().addMenu("")
        for key, _message, shortcut in ACTIONS:
            action = QAction(self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(handlers[key])
            menu = self.menu_desk if key in ("walk_in", "dashboard", "kiosk") else self.menu_supervisor
            menu.addAction(action)
            self.actions_by_id[key] = action
            if key in self.buttons:
                self.buttons[key].clicked.connect(handlers[key])
        for code in LANGUAGES:
            action = QAction(LANGUAGE_NAMES[code], self)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            self.menu_language.addAction(action)
        extra = {"search": ("Ctrl+F", self.search.focus_box), "escape": ("Esc", self.on_escape),
                 "leave": ("Ctrl+Shift+K", self.supervisor.leave_kiosk)}  # fmt: skip
        for key, (shortcut, handler) in extra.items():
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(handler)
            self.addAction(action)
            self.actions_by_id[key] = action

    def retranslate(self, *_args) -> None:
        t = self.translator.tr
        self.setWindowTitle(t("app.title", event=self.desk.event.name))
        self.manual.setPlaceholderText(t("manual.placeholder"))
        self.menu_desk.setTitle(t("menu.desk"))
        self.menu_supervisor.setTitle(t("menu.supervisor"))
        self.menu_language.setTitle(t("menu.language"))
        for key, message, _shortcut in ACTIONS:
            self.actions_by_id[key].setText(t(message))
            if key in self.buttons:
                self.buttons[key].setText(t(message))

    # -- reacting ----------------------------------------------------------------------------------

    def _on_outcome(self, outcome: Outcome) -> None:
        self.banner.show_outcome(outcome)
        self.kiosk.banner.show_outcome(outcome)
        if not self.in_kiosk and outcome.attendee is not None:
            self.preview.show_attendee(outcome.attendee)

    def _on_reissued(self, attendee, by: str) -> None:
        self.banner.show_notice(attendee, "reissue.done.title", "reissue.done")
        self.preview.show_attendee(attendee)  # the preview's QR now carries the new code
        words = {"name": attendee.full_name or attendee.code, "code": attendee.code, "by": by}
        self.status.showMessage(self.translator.tr("reissue.status", **words), 20000)

    def _on_selected(self, attendee) -> None:
        if attendee is not None:
            self.controller.current = attendee
            self.preview.show_attendee(attendee)

    def _on_queued(self, count: int) -> None:
        if count:
            self.status.showMessage(self.translator.tr("queued_scan") + f" ({count})", 5000)

    def _manual_entry(self) -> None:
        text = self.manual.text().strip()
        self.manual.clear()
        if text:
            self.controller.scan(text)

    def _print_from_search(self, code: str) -> None:
        if self.controller.first_print(code) is None:
            self.supervisor.reprint()  # printed before: a reprint needs a supervisor and a reason

    def on_escape(self) -> None:
        if self.in_kiosk:
            self.supervisor.leave_kiosk()
        elif self.pages.currentWidget() is self.dashboard:
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
        showing = self.pages.currentWidget() is self.dashboard
        self.pages.setCurrentIndex(0 if showing else 2)

    def set_language(self, language: str) -> None:
        self.translator.set_language(language)
        config = MachineConfig.load()
        config.language = language
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
        if "hub_dsn" in values:
            self.hub.restart()
        self.controller.refresh_state()

    def _show_hub(self) -> None:
        hub = self.hub
        self.status.show_hub(hub.connected, hub.online, hub.where, hub.message, hub.pending)

    # -- kiosk -------------------------------------------------------------------------------------

    @property
    def in_kiosk(self) -> bool:
        return self.pages.currentWidget() is self.kiosk

    def set_kiosk(self, on: bool, *, full_screen: bool = True) -> None:
        self.pages.setCurrentIndex(1 if on else 0)
        self.menuBar().setVisible(not on)
        self.status.setVisible(not on)
        if on and full_screen:
            self.showFullScreen()
        elif not on and self.isFullScreen():
            self.showNormal()
        self.setFocus()

    def closeEvent(self, event) -> None:
        self.capture.uninstall()
        self.search.stop()
        dashboard.set_active(self.dashboard, False)
        self.dashboard.close_reader()
        self.controller.stop()
        self.hub.stop()
        super().closeEvent(event)
