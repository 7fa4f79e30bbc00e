"""The window and the print worker end to end, with the ESC/POS printer emulator on loopback."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checkin_desk.badges import render_preview_png
from checkin_desk.badges.assets import TEMPLATE_DIR
from checkin_desk.gui.app import build, make_app
from checkin_desk.printing import CATEGORY_TEMPLATES_SETTING, PrinterConfig, PrinterEmulator, add_printer
from gui.conftest import scan


@pytest.fixture
def emulator(tmp_path):
    emu = PrinterEmulator(tmp_path / "printer").start()
    yield emu
    emu.stop()


@pytest.fixture
def printing_window(qtbot, desk, people, emulator):
    add_printer(people, PrinterConfig("thermal-1", "escpos-network", emulator.address, "TM-T20II"))
    make_app()
    win, _translator = build(desk, language="fr", start_workers=True)  # the real print worker
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.setFocus()
    states: list[str] = []
    win.controller.print_state.connect(lambda state, _error: states.append(state))
    win.print_states = states
    yield win
    win.close()
    win.runner.shutdown(wait=True)
    QApplication.instance().setLayoutDirection(Qt.LeftToRight)


def test_a_scan_prints_a_badge_and_the_banner_follows_it(qtbot, printing_window, emulator):
    window = printing_window
    assert window.controller.print_worker.running
    scan(qtbot, window, "SCE-1")
    assert window.banner.kind == "admitted"
    assert emulator.wait_for_badges(1, timeout=15)
    qtbot.waitUntil(lambda: window.banner.print_state == "printed", timeout=10_000)
    assert window.print_states[0] == "queued" and window.print_states[-1] == "printed"
    assert "sending" in window.print_states  # "Impression du badge…" while it went out
    assert "Badge imprimé" in window.banner.printing.text()
    assert emulator.badges[0].size[0] == 576


def test_paper_out_says_why_and_what_to_do_then_prints_once_refilled(qtbot, printing_window, emulator):
    window = printing_window
    emulator.set_mode("paper-out")
    scan(qtbot, window, "SCE-2")
    qtbot.waitUntil(lambda: window.banner.print_state == "retrying", timeout=10_000)
    # In staff's words, on the banner without the technician's English ...
    assert (
        window.banner.printing.text() == "⚠ Badge pas encore imprimé : Imprimante thermal-1 : plus de papier"
    )
    # ... and in the red bar, with what to do, until the printer is back.
    qtbot.waitUntil(lambda: window.alert.isVisible(), timeout=10_000)
    assert window.alert.text() == "Imprimante thermal-1 : plus de papier — mettez un rouleau neuf"
    assert "en panne" in window.status.printer.text()
    assert "out of paper" in window.trouble.technical()  # the details pop-up keeps the technical words
    assert emulator.badges == []
    emulator.set_mode("normal")
    window.controller.print_worker.wake()
    qtbot.waitUntil(lambda: window.banner.print_state == "printed", timeout=15_000)
    assert emulator.wait_for_badges(1) and len(emulator.badges) == 1
    qtbot.waitUntil(lambda: not window.alert.isVisible(), timeout=10_000)  # the printer is back


def _covered_qr_template(tmp_path) -> str:
    """thermal-80 with a black band across its QR code: a template mistake the badge check catches."""
    raw = json.loads((TEMPLATE_DIR / "thermal-80.json").read_text(encoding="utf-8"))
    qr = next(el for el in raw["elements"] if el["type"] == "qr")
    raw["elements"].append(
        {"id": "oops", "type": "rect", "x": 0, "y": qr["y"] + 8, "w": 72, "h": 12, "fill": "black"}
    )
    raw["name"] = "covered"
    path = tmp_path / "covered.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("language", "action", "line"),
    [
        (
            "fr",
            "Laissez passer — son badge ne s'est pas imprimé",
            "⚠ Badge non imprimé : son QR code ne se lit pas — appelez le technicien, "
            "la mise en page des badges de l'imprimante thermal-1 est à corriger (F2)",
        ),
        (
            "en",
            "Let them in — their badge did not print",
            "⚠ Badge not printed: its QR code does not scan — call the technician, "
            "the badge layout of printer thermal-1 needs fixing (F2)",
        ),
        (
            "ar",
            "اسمح بالمرور — لم تطبع شارته",
            "⚠ لم تطبع الشارة: رمز QR غير مقروء — اتصل بالتقني، يجب تصحيح تصميم شارات الطابعة thermal-1 (F2)",
        ),
    ],
)
def test_a_badge_that_fails_its_check_says_so_once_and_asks_for_the_technician(
    qtbot, printing_window, people, emulator, tmp_path, language, action, line
):
    window = printing_window
    window.translator.set_language(language)
    add_printer(
        people,
        PrinterConfig(
            "thermal-1", "escpos-network", emulator.address, "TM-T20II", _covered_qr_template(tmp_path)
        ),
        replace=True,
    )
    scan(qtbot, window, "SCE-1")
    qtbot.waitUntil(lambda: window.banner.print_state == "failed", timeout=15_000)
    assert window.banner.reason.text() == action  # no longer "the badge is printing"
    assert window.banner.printing.text() == line  # one sentence, its prefix once, no "reprint (F6)"
    assert "F6" not in window.banner.summary()
    assert emulator.badges == []


def test_the_preview_is_the_real_badge_in_the_print_paths_template(qtbot, desk, people, window):
    people.set_setting(CATEGORY_TEMPLATES_SETTING, {"speaker": "a6"})
    window.supervisor.settings_applied.emit({})  # what the settings dialog does after saving
    scan(qtbot, window, "SCE-2")  # a speaker
    qtbot.waitUntil(lambda: window.preview.shown_png != b"", timeout=10_000)
    assert window.preview.template == "a6"
    attendee = people.lookup("SCE-2")
    expected = render_preview_png(
        attendee, event=desk.event, categories=people.categories(), template="a6", dpi=96
    )
    assert window.preview.shown_png == expected
    assert not window.preview.image.pixmap().isNull()
