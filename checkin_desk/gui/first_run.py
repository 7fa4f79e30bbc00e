"""The first-run assistant: what `checkin-desk` opens on a machine with no event, instead of a line on
stderr. Five pages, keyboard first (each opens on its first field): the event (create it or open a
file), the attendee list (the import's own validation report), this desk's name (asked, never the
host name), a printer and its test badge, the first admin. Each step is a `services.first_run` call;
this module only collects the answers and shows the outcome in the staff's words.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.trouble_text import printer_words
from checkin_desk.printing import PROFILES, PrintError, RenderError
from checkin_desk.services import first_run
from checkin_desk.services.first_run import PrinterChoice, SetupError
from checkin_desk.services.trouble import printer_trouble
from checkin_desk.storage.store import Store
from checkin_desk.trust import roles

KINDS = (
    ("", "none"),
    ("escpos-network", "network"),
    ("cups", "cups"),
    ("pdf-folder", "folder"),
)  # (kind, words)


class _Page(QWizardPage):
    def __init__(self, assistant: FirstRunAssistant, key: str):
        super().__init__()
        self.assistant = assistant
        self.tr = assistant.translator.tr
        self.setTitle(self.tr(f"setup.{key}.title"))
        self.error = QLabel(objectName="setupError", wordWrap=True)
        self.error.setStyleSheet("color: #C62828; font-weight: bold;")
        self.first: QWidget | None = None

    def complain(self, exc: SetupError) -> bool:
        self.error.setText(self.tr(exc.key, **exc.words))
        return False

    def initializePage(self) -> None:
        # The wizard gives the focus to the page's first widget in the focus chain (made first);
        # once more after it, in case it chose a button: what is typed goes into the form.
        self._focus_first()
        QTimer.singleShot(0, self._focus_first)

    def _focus_first(self) -> None:
        if self.first is not None and self.first.isEnabled():
            self.first.setFocus(Qt.TabFocusReason)

    @property
    def store(self) -> Store:
        return self.assistant.store


def _browse_row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


class EventPage(_Page):
    def __init__(self, assistant: FirstRunAssistant):
        super().__init__(assistant, "event")
        t = self.tr
        self.name = QLineEdit(
            objectName="setupEventName", maxLength=120
        )  # first made: first in the focus chain
        self.create = QRadioButton(t("setup.create"), objectName="setupCreate", checked=True)
        self.open = QRadioButton(t("setup.open"), objectName="setupOpen")
        self.first_day = QDateEdit(QDate.currentDate(), objectName="setupFirstDay", calendarPopup=True)
        self.first_day.setDisplayFormat("yyyy-MM-dd")
        self.days = QSpinBox(objectName="setupDays", minimum=1, maximum=first_run.MAX_DAYS, value=3)
        self.file = QLineEdit(objectName="setupEventFile")
        browse = QPushButton(t("setup.browse"), objectName="setupBrowseEvent")
        browse.clicked.connect(self._browse)
        form = QFormLayout()
        form.addRow(QLabel(t("setup.event.hint"), wordWrap=True))
        form.addRow(self.create)
        form.addRow(t("setup.event_name"), self.name)
        form.addRow(t("setup.first_day"), self.first_day)
        form.addRow(t("setup.day_count"), self.days)
        form.addRow(self.open)
        form.addRow(t("setup.event_file"), _browse_row(self.file, browse))
        form.addRow(self.error)
        self.setLayout(form)
        self.file.textEdited.connect(lambda _t: self.open.setChecked(True))
        self.setCommitPage(True)  # the event exists from here on: no going back to make another
        self.first = self.name

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("setup.event_file"),
            str(Path.home()),
            "*.sqlite",
            options=QFileDialog.DontUseNativeDialog,
        )
        if path:
            self.file.setText(path)
            self.open.setChecked(True)

    def validatePage(self) -> bool:
        assistant = self.assistant
        try:
            if self.open.isChecked():
                if not self.file.text().strip():
                    self.error.setText(self.tr("setup.need_file"))
                    return False
                path = Path(self.file.text().strip()).expanduser()
                store = first_run.open_event(path)
            else:
                path = assistant.suggested or first_run.default_event_path(self.name.text())
                start = self.first_day.date()
                first = date(start.year(), start.month(), start.day())
                store = first_run.create_event(path, self.name.text(), first, self.days.value())
        except SetupError as exc:
            return self.complain(exc)
        assistant.store, assistant.path = store, path
        return True


class ImportPage(_Page):
    def __init__(self, assistant: FirstRunAssistant):
        super().__init__(assistant, "import")
        t = self.tr
        self.file = QLineEdit(objectName="setupListFile")
        browse = QPushButton(t("setup.browse"), objectName="setupBrowseList")
        browse.clicked.connect(self._browse)
        self.check = QPushButton(t("setup.check"), objectName="setupCheck")
        self.check.clicked.connect(self.check_file)
        self.skip_invalid = QCheckBox(t("setup.skip_invalid"), objectName="setupSkipInvalid")
        self.summary = QLabel(objectName="setupSummary", wordWrap=True)
        self.report = QPlainTextEdit(objectName="setupReport", readOnly=True)
        self.report.setMinimumHeight(80)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(t("setup.import.hint"), wordWrap=True))
        layout.addLayout(_browse_row(self.file, browse))
        layout.addWidget(self.check, 0, Qt.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.error)
        self.setCommitPage(True)
        self.first = self.file

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("setup.list_file"), str(Path.home()), "*.csv *.tsv *.txt *.xlsx *.json",
            options=QFileDialog.DontUseNativeDialog,
        )  # fmt: skip
        if path:
            self.file.setText(path)
            self.check_file()

    def _show(self, result) -> None:
        words = {"valid": result.valid, "rows": result.rows, "errors": result.error_count}
        self.summary.setText(self.tr("setup.checked", **words))
        self.report.setPlainText("\n".join(first_run.report_lines(result)))

    def check_file(self) -> bool:
        """Validate the list and show the import's report; nothing is written."""
        self.error.clear()
        try:
            self._show(first_run.check_list(self.store, Path(self.file.text().strip())))
        except SetupError as exc:
            return self.complain(exc)
        return True

    def validatePage(self) -> bool:
        if not self.file.text().strip():
            return True  # later, with `checkin-desk import`
        try:
            result = first_run.import_list(
                self.store, Path(self.file.text().strip()), skip_invalid=self.skip_invalid.isChecked()
            )
        except SetupError as exc:
            return self.complain(exc)
        self._show(result)
        if not result.written:
            self.error.setText(self.tr("setup.fix_rows"))
            return False
        self.assistant.imported = result.upsert.inserted + result.upsert.updated if result.upsert else 0
        return True


class DeskPage(_Page):
    def __init__(self, assistant: FirstRunAssistant):
        super().__init__(assistant, "desk")
        self.name = QLineEdit(objectName="setupDeskName", maxLength=first_run.DESK_NAME_LENGTH)
        self.name.setPlaceholderText(self.tr("setup.desk_example"))
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("setup.desk.hint"), wordWrap=True))
        form.addRow(self.tr("setup.desk_name"), self.name)
        form.addRow(self.error)
        self.first = self.name

    def validatePage(self) -> bool:
        try:
            self.assistant.desk_name = first_run.name_desk(self.store, self.name.text())
        except SetupError as exc:
            return self.complain(exc)
        return True


class PrinterPage(_Page):
    def __init__(self, assistant: FirstRunAssistant):
        super().__init__(assistant, "printer")
        t = self.tr
        self.kind = QComboBox(objectName="setupPrinterKind")
        for kind, words in KINDS:
            self.kind.addItem(t(f"setup.kind.{words}"), kind)
        self.name = QLineEdit("Imprimante-1", objectName="setupPrinterName", maxLength=40)
        self.target = QLineEdit(objectName="setupPrinterTarget")
        self.profile = QComboBox(objectName="setupPrinterProfile")
        for name in PROFILES:
            self.profile.addItem(name, name)
        self.test = QPushButton(t("setup.test"), objectName="setupTestPrinter")
        # Return is the wizard's Next/Finish even once this button has the focus: a test badge
        # is printed only when asked for by name.
        self.test.setAutoDefault(False)
        self.test.clicked.connect(self.print_test)
        self.result = QLabel(objectName="setupPrinterResult", wordWrap=True)
        form = QFormLayout(self)
        form.addRow(QLabel(t("setup.printer.hint"), wordWrap=True))
        form.addRow(t("setup.printer_kind"), self.kind)
        form.addRow(t("setup.printer_name"), self.name)
        form.addRow(t("setup.printer_target"), self.target)
        form.addRow(t("setup.printer_profile"), self.profile)
        form.addRow(self.test)
        form.addRow(self.result)
        form.addRow(self.error)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.first = self.kind

    def _kind_changed(self, *_args) -> None:
        kind = self.kind.currentData()
        for widget in (self.name, self.target, self.test):
            widget.setEnabled(bool(kind))
        self.profile.setEnabled(kind == "escpos-network")

    def choice(self) -> PrinterChoice | None:
        kind = self.kind.currentData()
        if not kind:
            return None
        return PrinterChoice(self.name.text(), kind, self.target.text(), self.profile.currentData())

    def _add(self) -> bool:
        choice = self.choice()
        if choice is None:
            return True
        try:
            self.assistant.printer = first_run.add_printer(self.store, choice).name
        except SetupError as exc:
            return self.complain(exc)
        return True

    def print_test(self) -> bool:
        self.error.clear()
        if not self._add() or self.assistant.printer is None:
            return False
        try:
            note = first_run.test_printer(self.store, self.assistant.printer)
        except (PrintError, RenderError) as exc:
            words = printer_words(self.tr, printer_trouble(str(exc), self.assistant.printer))
            self.result.setText("⚠ " + words)
            self.result.setToolTip(str(exc))
            return False
        # What the printer or CUPS answered is for the technician: in the tooltip, as it came.
        self.result.setText(self.tr("setup.tested", printer=self.assistant.printer))
        self.result.setToolTip(note)
        return True

    def validatePage(self) -> bool:
        return self._add()


class AdminPage(_Page):
    def __init__(self, assistant: FirstRunAssistant):
        super().__init__(assistant, "admin")
        t = self.tr
        self.hint = QLabel(t("setup.admin.hint"), objectName="setupAdminHint", wordWrap=True)
        self.name = QLineEdit(objectName="setupAdminName", maxLength=64)
        self.pin = QLineEdit(objectName="setupAdminPin", echoMode=QLineEdit.Password, maxLength=64)
        self.again = QLineEdit(objectName="setupAdminPinAgain", echoMode=QLineEdit.Password, maxLength=64)
        form = QFormLayout(self)
        form.addRow(self.hint)
        form.addRow(t("staff.name"), self.name)
        form.addRow(t("staff.pin"), self.pin)
        form.addRow(t("staff.pin_again"), self.again)
        form.addRow(self.error)
        self.first = self.name

    def initializePage(self) -> None:
        has_staff = roles.enforced(self.store)
        for edit in (self.name, self.pin, self.again):
            edit.setEnabled(not has_staff)
        if has_staff:
            self.hint.setText(self.tr("setup.has_staff"))
        super().initializePage()

    def validatePage(self) -> bool:
        if roles.enforced(self.store):
            return True
        try:
            first_run.first_admin(self.store, self.name.text(), self.pin.text(), self.again.text())
        except SetupError as exc:
            self.pin.clear()
            self.again.clear()
            return self.complain(exc)
        return True


class FirstRunAssistant(QWizard):
    def __init__(self, translator: Translator, suggested: Path | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.translator = translator
        self.suggested = suggested  # where to create the event (`--db`), else the data directory
        self.store: Store | None = None
        self.path: Path | None = None
        self.desk_name = ""
        self.printer: str | None = None
        self.imported = 0
        self.setWindowTitle(translator.tr("setup.title"))
        self.setWizardStyle(QWizard.ClassicStyle)
        for button, key in (
            (QWizard.BackButton, "setup.back"),
            (QWizard.NextButton, "setup.next"),
            (QWizard.CommitButton, "setup.next"),
            (QWizard.FinishButton, "setup.finish"),
            (QWizard.CancelButton, "cancel"),
        ):
            self.setButtonText(button, translator.tr(key))
        self.setLayoutDirection(Qt.RightToLeft if translator.right_to_left else Qt.LeftToRight)
        self.pages = {
            "event": EventPage(self),
            "import": ImportPage(self),
            "desk": DeskPage(self),
            "printer": PrinterPage(self),
            "admin": AdminPage(self),
        }
        for page in self.pages.values():
            self.addPage(page)
        self.setMinimumSize(560, 420)
        self.resize(720, 520)

    def accept(self) -> None:
        if self.path is not None:
            first_run.make_current(self.path)
        super().accept()

    def close_store(self) -> None:
        """The window opens its own connection: the assistant's is closed once it is done."""
        if self.store is not None:
            self.store.close()
            self.store = None


def run_assistant(suggested: Path | None = None) -> Path | None:
    """Show the assistant; the event's path once finished, None when it was closed before."""
    from checkin_desk.gui.app import language_for_machine, make_app

    app = make_app()
    translator = Translator(language_for_machine())
    translator.set_language(translator.language)
    assistant = FirstRunAssistant(translator, suggested)
    assistant.show()
    finished = assistant.exec() == QWizard.Accepted
    assistant.close_store()
    app.processEvents()
    return assistant.path if finished else None
