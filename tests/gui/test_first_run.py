"""First start without an event: the assistant creates the event, shows the import's own validation
report, asks the desk's name, adds and tests a printer, creates the first admin."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from conftest import DATA
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWizard

from checkin_desk.cli import main
from checkin_desk.gui import first_run as assistant_module
from checkin_desk.gui.first_run import FirstRunAssistant
from checkin_desk.gui.i18n import Translator
from checkin_desk.storage.store import Store
from checkin_desk.trust import roles
from checkin_desk.util.config import MachineConfig


@pytest.fixture
def assistant(qtbot, tmp_path):
    wizard = FirstRunAssistant(Translator("fr"), tmp_path / "expo.sqlite")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    yield wizard
    wizard.close()


def page(wizard):
    return wizard.currentPage()


def test_the_assistant_sets_up_a_desk_from_nothing(qtbot, assistant, tmp_path):
    wizard = assistant
    event = page(wizard)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is event.name)  # on its first field
    event.name.setText("Smart City Expo Casablanca 2027")
    event.first_day.setDate(QDate(2027, 4, 18))
    event.days.setValue(3)
    wizard.next()
    assert page(wizard) is wizard.pages["import"]
    store = Store.open(tmp_path / "expo.sqlite")
    assert store.event().days == ("2027-04-18", "2027-04-19", "2027-04-20")

    imports = page(wizard)
    imports.file.setText(str(DATA / "broken_list.csv"))
    imports.check.click()  # the import's own report, nothing written
    assert imports.summary.text() == "2 inscrits valides sur 7 lignes, 5 avec erreur"
    report = imports.report.toPlainText().splitlines()
    assert report[1:3] == ["row 3: no badge code", "row 4: e-mail 'not-an-email' is not an address"]
    assert store.attendee_count() == 0
    wizard.next()  # bad rows and no "import the valid rows": refused, nothing written
    assert page(wizard) is imports and "corrigez le fichier" in imports.error.text()
    assert store.attendee_count() == 0
    imports.skip_invalid.setChecked(True)
    wizard.next()
    assert store.attendee_count() == 2

    desk = page(wizard)
    assert desk.name.text() == ""  # asked, never the machine's host name
    wizard.next()
    assert page(wizard) is desk and desk.error.text() == "Donnez un nom à ce poste"
    desk.name.setText("Entrée A")
    wizard.next()
    assert store.get_setting("desk_name") == "Entrée A" and MachineConfig.load().desk_name == "Entrée A"

    printer = page(wizard)
    printer.kind.setCurrentIndex(printer.kind.findData("pdf-folder"))
    printer.target.setText(str(tmp_path / "badges"))
    assert printer.print_test()
    assert printer.result.text() == "Badge d'essai envoyé à Imprimante-1 : vérifiez qu'il est sorti"
    assert printer.result.toolTip().startswith("saved ")  # the technical words, as they came
    [pdf] = (tmp_path / "badges").glob("*.pdf")
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert "Badge Test" in text or ("Badge" in text and "Test" in text)
    wizard.next()

    admin = page(wizard)
    admin.name.setText("Nadia")
    admin.pin.setText("123456")
    admin.again.setText("123456")
    assert not admin.validatePage() and admin.error.text() == "Ce code PIN est trop facile à deviner"
    admin.pin.setText("482915")
    admin.again.setText("482915")
    wizard.accept() if admin.validatePage() else pytest.fail(admin.error.text())
    assert wizard.result() == QWizard.Accepted
    assert roles.enforced(store) and roles.get_staff(store, "Nadia").role == roles.Role.ADMIN
    assert MachineConfig.load().current_event == str(tmp_path / "expo.sqlite")
    store.close()


def test_a_printer_that_does_not_answer_is_said_in_words(qtbot, assistant, tmp_path):
    event = page(assistant)
    event.name.setText("Expo")
    assistant.next()
    assistant.next()  # no list for now
    page(assistant).name.setText("Entrée B")
    assistant.next()
    printer = page(assistant)
    printer.kind.setCurrentIndex(printer.kind.findData("escpos-network"))
    printer.target.setText("127.0.0.1:9")  # nothing listens on the discard port
    assert not printer.print_test()
    assert printer.result.text().startswith("⚠ Imprimante Imprimante-1 injoignable — vérifiez")
    assert "cannot connect" in printer.result.toolTip()


def _to_the_printer_page(wizard):
    page(wizard).name.setText("Expo")
    wizard.next()
    wizard.next()  # no list for now
    page(wizard).name.setText("Entrée C")
    wizard.next()
    return page(wizard)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", "Badge d'essai envoyé à Imprimante-1 : vérifiez qu'il est sorti"),
        ("ar", "أُرسلت الشارة التجريبية إلى Imprimante-1: تحقق من خروجها"),
        ("en", "Test badge sent to Imprimante-1: check that it came out"),
    ],
)
def test_the_test_print_result_is_in_the_assistants_language(qtbot, tmp_path, language, words, monkeypatch):
    # CUPS answers in English ("request id is PDF-2 (0 file(s))"): that goes in the tooltip only.
    monkeypatch.setattr(
        assistant_module.first_run, "test_printer", lambda store, name: "CUPS request id is PDF-2 (0 file(s))"
    )
    translator = Translator(language)
    translator.set_language(language)
    wizard = FirstRunAssistant(translator, tmp_path / "expo.sqlite")
    qtbot.addWidget(wizard)
    wizard.show()
    printer = _to_the_printer_page(wizard)
    printer.kind.setCurrentIndex(printer.kind.findData("cups"))
    printer.target.setText("PDF")
    assert printer.print_test()
    assert printer.result.text() == words
    assert printer.result.toolTip() == "CUPS request id is PDF-2 (0 file(s))"
    wizard.store.close()


def test_return_on_the_printer_page_goes_on_after_a_test_badge(qtbot, assistant, tmp_path, monkeypatch):
    printed = []
    monkeypatch.setattr(
        assistant_module.first_run, "test_printer", lambda store, name: printed.append(name) or "ok"
    )
    printer = _to_the_printer_page(assistant)
    printer.kind.setCurrentIndex(printer.kind.findData("pdf-folder"))
    printer.target.setText(str(tmp_path / "badges"))
    printer.test.setFocus()
    qtbot.waitUntil(printer.test.hasFocus)
    qtbot.keyClick(printer.test, Qt.Key_Space)  # the button, by name
    assert printed == ["Imprimante-1"] and page(assistant) is printer
    qtbot.keyClick(printer.test, Qt.Key_Return)  # Return is "Next", still from the button
    assert printed == ["Imprimante-1"]  # no second test badge
    assert page(assistant) is assistant.pages["admin"]


def test_no_event_opens_the_assistant_not_an_error_line(monkeypatch, capsys, tmp_path):
    asked = []
    monkeypatch.setattr(assistant_module, "run_assistant", lambda path: asked.append(path))
    assert main(["gui"]) == 1  # closed before the end
    assert asked == [None]
    assert "first-run assistant was closed" in capsys.readouterr().err
    opened = []
    monkeypatch.setattr(assistant_module, "run_assistant", lambda path: opened.append(path))
    assert main(["--db", str(tmp_path / "new.sqlite"), "gui"]) == 1
    assert opened == [Path(tmp_path / "new.sqlite")]
