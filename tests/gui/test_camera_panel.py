"""The camera panel (F12): a generated video as the camera, read into the same scan path as the
keyboard scanner (banner, sound, scan rows in order, none missed, none doubled), the keyboard
scanner working at the same time, and a desk without camera saying so once and working on."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from checkin_desk.camera import scanner as camera_scanner
from checkin_desk.gui.app import build, make_app
from checkin_desk.gui.camera_link import Preview
from checkin_desk.gui.camera_panel import READ
from checkin_desk.gui.sounds import SoundPlayer
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from gui.conftest import scan
from tests.camera.fixtures import GAP, HOLD, recorded

CAMERA_WAIT_MS = 120_000  # a generous bound for a loaded machine; the test waits on signals


@pytest.fixture
def camera_window(qtbot, camera_event):
    make_app()
    store = Store.open(camera_event)
    desk = Desk(store, "side-door", "amina")
    win, _translator = build(desk, language="fr", start_workers=False, sounds=SoundPlayer(player=[]))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.setFocus()
    yield win
    win.close()
    win.runner.shutdown(wait=True)
    store.close()


class GatedDecoder(camera_scanner.Decoder):
    """Holds the camera thread before frame `at` until the test opens the gate."""

    gate = threading.Event()
    at = HOLD + GAP + 1  # in the second shot: the first code is already a scan

    def read(self, image):
        self.frames = getattr(self, "frames", 0) + 1
        if self.frames == self.at:
            assert self.gate.wait(60), "the test never opened the gate"
        return super().read(image)


def test_the_video_is_scanned_in_order_with_the_keyboard_at_the_same_time(
    qtbot, camera_window, camera_set, camera_event, monkeypatch
):
    window = camera_window
    monkeypatch.setattr(camera_scanner, "Decoder", GatedDecoder)
    GatedDecoder.gate.clear()
    window.camera.source = str(camera_set.video)
    outcomes = []
    window.controller.outcome.connect(outcomes.append)
    with qtbot.waitSignal(window.controller.outcome, timeout=CAMERA_WAIT_MS):
        qtbot.keyClick(window, Qt.Key_F12)
    assert window.camera.isVisible() and window.camera.running
    assert window.banner.name.text() == "Benoît Lefèvre"
    # The camera is held mid-video: a keyboard scan now goes through while it runs.
    scan(qtbot, window, "SCE-CAM-5")
    assert window.camera.running
    assert window.banner.name.text() == "Noël Moreau"
    with qtbot.waitSignal(window.camera.link.stopped, timeout=CAMERA_WAIT_MS) as stopped:
        GatedDecoder.gate.set()
    assert stopped.args == [""]  # the file ended: no trouble
    qtbot.waitUntil(lambda: len(outcomes) == len(camera_set.expected) + 1, timeout=CAMERA_WAIT_MS)
    rows = recorded(camera_event)
    assert rows[0] == camera_set.expected[0]
    assert rows[1] == ("SCE-CAM-5", "ok")  # the keyboard's
    # The camera's SCE-CAM-5 comes later: already checked in, the rest exactly as shown.
    assert rows[2:] == [
        ("SCE-CAM-5", "already_checked_in") if row == ("SCE-CAM-5", "ok") else row
        for row in camera_set.expected[1:]
    ]
    assert window.sounds.requested == ["admitted", "admitted", *["admitted"] * 5, "already", "refused"]
    assert window.banner.kind == "refused"  # the last code shown: not on the list
    assert "Caméra : fin de video file" in window.camera.caption.text()


def test_f12_again_switches_the_camera_off(qtbot, camera_window, camera_set):
    window = camera_window
    window.camera.source = str(camera_set.video)
    with qtbot.waitSignal(window.camera.link.started, timeout=CAMERA_WAIT_MS):
        qtbot.keyClick(window, Qt.Key_F12)
    qtbot.keyClick(window, Qt.Key_F12)
    assert not window.camera.isVisible() and not window.camera.running


def test_without_the_camera_extra_the_desk_says_so_once_and_scans_on(
    qtbot, camera_window, camera_event, monkeypatch
):
    window = camera_window
    monkeypatch.setitem(sys.modules, "cv2", None)
    messages = []
    window.camera.message.connect(messages.append)
    qtbot.keyClick(window, Qt.Key_F12)
    assert not window.camera.running
    assert "pip install 'checkin-desk[camera]'" in window.camera.caption.text()
    assert len(messages) == 1 and "le lecteur de badges fonctionne toujours" in messages[0]
    assert window.status.currentMessage() == messages[0]
    assert recorded(camera_event) == []
    scan(qtbot, window, "SCE-CAM-1")
    assert window.banner.kind == "admitted"
    assert recorded(camera_event) == [("SCE-CAM-1", "ok")]


def test_a_missing_camera_is_one_message_and_nothing_recorded(qtbot, camera_window, camera_event):
    window = camera_window
    window.camera.source = "63"
    messages = []
    window.camera.message.connect(messages.append)
    with qtbot.waitSignal(window.camera.link.stopped, timeout=CAMERA_WAIT_MS):
        qtbot.keyClick(window, Qt.Key_F12)
    assert messages == [
        "Caméra indisponible : aucune caméra n° 63 ; est-elle branchée, ou utilisée par un autre "
        "programme ? — le lecteur de badges fonctionne toujours"
    ]
    assert window.camera.caption.text() == messages[0]
    window.camera.translator.set_language("en")  # the reason follows the window's language too
    assert window.camera.caption.text() == (
        "Camera unavailable: no camera number 63; is it plugged in, or used by another program? "
        "— the badge scanner still works"
    )
    window.camera.translator.set_language("fr")
    assert recorded(camera_event) == []
    scan(qtbot, window, "SCE-CAM-1")
    assert recorded(camera_event) == [("SCE-CAM-1", "ok")]


def test_the_code_read_is_outlined_inside_the_aim_box(qtbot, camera_window):
    view = camera_window.camera.view
    camera_window.camera.setVisible(True)
    view.setFixedSize(640, 480)  # the picture 1:1 on the widget, whatever room the window layout gives it
    picture = QImage(640, 480, QImage.Format_RGB888)
    picture.fill(QColor(90, 90, 90))
    square = [(250.0, 150.0), (390.0, 150.0), (390.0, 290.0), (250.0, 290.0)]
    with qtbot.waitSignal(view.painted):
        view.show_preview(Preview(picture, (152, 72, 488, 408), [square], ["SCE-CAM-1"]))
    shot = view.grab().toImage()
    assert QColor(shot.pixel(320, 150)) == READ  # the outline's top edge
    assert QColor(shot.pixel(320, 220)) == QColor(90, 90, 90)  # inside: the picture itself
    corner = QColor(shot.pixel(160, 72))  # the aim box's top-left corner mark
    assert corner.red() > 200 and corner.green() > 200 and corner.blue() > 200
