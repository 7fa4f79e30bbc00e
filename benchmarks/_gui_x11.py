"""The X11 half of bench_gui: run on an X server (DISPLAY set), the desk window on Qt's xcb plugin, a
scanner typed by xdotool at 2 ms per key. Prints one JSON object with the measured times (seconds).

    python -m benchmarks._gui_x11 EVENT.sqlite SCANS

For each scan: the time from the Return key reaching the window to the banner painted with the new
result, and from just before `xdotool key Return` starts to that paint (an upper bound that includes
starting xdotool and the X server's delivery). The floor is the same Return, through X, making a label
repaint with new text.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel


class ReturnWatch(QObject):
    """When the Return key reached the application (first sight of it, before any widget)."""

    def __init__(self):
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, obj, event) -> bool:
        if (
            event.type() == QEvent.KeyPress
            and event.key() in (Qt.Key_Return, Qt.Key_Enter)
            and self.at is None
        ):
            self.at = time.perf_counter()
        return False


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, capture_output=True)


def drive(app: QApplication, keys: list[str], done: list[float]) -> None:
    """Type `keys` in a thread (so that the window keeps processing events) and note when Return left."""

    def run() -> None:
        if keys[0]:
            xdotool("type", "--delay", "4", "--", keys[0])  # a key every ~2 ms
        done.append(time.perf_counter())
        xdotool("key", "Return")

    thread = threading.Thread(target=run)
    thread.start()
    while thread.is_alive():
        app.processEvents()
    thread.join()


def wait_until(app: QApplication, condition, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not answer in time")
        app.processEvents()


def main() -> None:
    db, scans = sys.argv[1], int(sys.argv[2])
    os.environ.pop("QT_QPA_PLATFORM", None)
    from checkin_desk.gui.app import build, make_app
    from checkin_desk.gui.sounds import SoundPlayer
    from checkin_desk.services.desk import Desk
    from checkin_desk.storage.store import Store

    app = make_app()
    codes = [
        row[0] for row in sqlite3.connect(db).execute("SELECT code FROM attendees WHERE status = 'valid'")
    ]
    desk = Desk(Store.open(db), "bench-x11", "bench")
    window, _ = build(desk, language="fr", start_workers=False, sounds=SoundPlayer(player=[]))
    window.banner.ready_after_ms = 0
    window.resize(1200, 680)
    window.show()
    wait_until(app, window.isVisible)
    for _ in range(50):
        app.processEvents()
    xdotool("search", "--sync", "--onlyvisible", "--pid", str(os.getpid()))
    window.activateWindow()
    watch = ReturnWatch()
    app.installEventFilter(watch)
    painted: list[float] = []
    outcomes: list[float] = []
    window.banner.painted.connect(lambda: painted.append(time.perf_counter()))
    window.controller.outcome.connect(lambda _o: outcomes.append(time.perf_counter()))
    rng = random.Random(5)
    received, sent = [], []
    for _ in range(scans):
        window.banner.settle()  # no flash of the previous scan still painting
        watch.at, before = None, len(outcomes)
        done: list[float] = []
        drive(app, [rng.choice(codes)], done)
        wait_until(app, lambda b=before: len(outcomes) > b and painted and painted[-1] > outcomes[-1])
        paint = next(t for t in painted if t > outcomes[-1])
        received.append(paint - watch.at)
        sent.append(paint - done[0])
    rows = desk.store.conn.execute("SELECT count(*) FROM scans WHERE desk = 'bench-x11'").fetchone()[0]
    # Floor: the same Return through X, a label that shows new text.
    label = QLabel("0")
    label.resize(400, 60)
    label_painted: list[float] = []
    label.paintEvent = lambda event, paint=QLabel.paintEvent: (
        paint(label, event),
        label_painted.append(time.perf_counter()),
    )

    class Bump(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.KeyPress and event.key() == Qt.Key_Return and obj is label:
                label.setText(str(int(label.text()) + 1))
                return True
            return False

    bump = Bump()
    app.installEventFilter(bump)
    window.capture.uninstall()
    label.show()
    wait_until(app, label.isVisible)
    xdotool("windowactivate", "--sync", str(int(label.winId())))
    floor_received, floor_sent = [], []
    for _ in range(min(scans, 200)):
        watch.at, done, text = None, [], label.text()
        drive(app, [""], done)
        wait_until(
            app, lambda t=text: label.text() != t and label_painted and label_painted[-1] > (watch.at or 0)
        )
        floor_received.append(label_painted[-1] - watch.at)
        floor_sent.append(label_painted[-1] - done[0])
    print(json.dumps({"received": received, "sent": sent, "floor_received": floor_received,
                      "floor_sent": floor_sent, "scans_recorded": rows}))  # fmt: skip
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
