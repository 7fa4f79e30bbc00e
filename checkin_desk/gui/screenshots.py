"""`checkin-desk screenshot --out DIR`: the desk window's states rendered offscreen to PNG.

Works on a throw-away copy of the demo event (never the user's database): idle, admitted, already
checked in, refused, search, walk-in, kiosk and the dashboard, then (gui/screenshot_states.py) a PIN
dialog, a printer that does not answer, the hub offline, the kiosk admitted and refused, the camera
panel (with the camera extra), the window at 1024×600, and the first-run assistant — once per language (French and Arabic by default; the Arabic
set shows the right-to-left layout).
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QWidget

from checkin_desk.domain.models import Attendee, PassStatus
from checkin_desk.gui.app import build, make_app
from checkin_desk.gui.screenshot_states import EXTRA, render_assistant, render_more
from checkin_desk.gui.sounds import SoundPlayer
from checkin_desk.reports import simulate
from checkin_desk.services import demo
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.trust import roles
from checkin_desk.util.clock import iso, zone

SIZE = (1280, 800)
SPECIAL = (
    Attendee(
        "SCE-SHOT-1",
        "Fatima Zahra",
        "El Amrani",
        "Lydec",
        job_title="Directrice innovation",
        category="speaker",
    ),
    Attendee("SCE-SHOT-2", "伟", "王", "上海电气集团", category="delegation"),
    Attendee(
        "SCE-SHOT-3",
        "Yassine",
        "Bennani",
        "OCP Group",
        category="visitor",
        status=PassStatus.BLOCKED,
        notes="Badge signalé perdu : vérifier la pièce d'identité",
    ),
)


def _settle(window, seconds: float = 5.0) -> None:
    """Until the workers are done, twice: the banner's paint starts the preview's rendering."""
    deadline = time.monotonic() + seconds
    app = QApplication.instance()
    for _round in range(2):
        while time.monotonic() < deadline:
            app.processEvents()
            if window.runner.pending == 0:
                break
            time.sleep(0.01)
        window.repaint()
        app.processEvents()
    app.processEvents()  # the layouts follow the last texts (status figures) before the grab


def _grab(widget: QWidget, path: Path, overlay: QWidget | None = None) -> Path:
    window = widget.window()
    if hasattr(window, "banner"):
        window.banner.settle()
    widget.repaint()
    pixmap = widget.grab()
    if overlay is not None:
        overlay.adjustSize()
        top = overlay.grab()
        painter = QPainter(pixmap)
        painter.fillRect(pixmap.rect(), Qt.black)  # dim the window behind the dialog
        painter.setOpacity(0.35)
        painter.drawPixmap(0, 0, widget.grab())
        painter.setOpacity(1.0)
        painter.drawPixmap(
            QPoint((pixmap.width() - top.width()) // 2, (pixmap.height() - top.height()) // 2), top
        )
        painter.end()
    pixmap.save(str(path), "PNG")
    return path


def _demo_store(folder: Path, language: str) -> Store:
    """The demo event from yesterday, with a day of simulated scans yesterday and a morning today
    (up to `shot_time`), so that the dashboard has something to compare."""
    store = Store.open(folder / f"screenshot-event-{language}.sqlite", create=True)
    event = demo.event_info(demo.venue_today() - timedelta(days=1))
    store.init_event(event)
    store.upsert_attendees(demo.attendees(400, event, seed=7), origin="demo")
    simulate.simulate(store, scans=700, days=[event.days[0]], desks=4, seed=3)
    simulate.simulate(store, scans=500, days=[event.days[1]], desks=4, seed=4)
    store.upsert_attendees(SPECIAL + EXTRA, origin="demo")  # after the simulation: never scanned before
    admin = roles.add_staff(store, "Nadia", roles.Role.ADMIN, "482915")
    roles.add_staff(store, "Karim", roles.Role.SUPERVISOR, "730264", by=admin)
    with store.transaction() as conn:  # nothing after "now" yet
        conn.execute("DELETE FROM scans WHERE at > ?", (iso(shot_time(store)),))
    return store


def shot_time(store: Store) -> datetime:
    """11:10 on the event's second day, in the event's time zone: the morning peak just past."""
    day = date.fromisoformat(store.event().days[1])
    return datetime.combine(day, dtime(11, 10), zone(store.event().timezone)).astimezone(UTC)


def render_language(out: Path, language: str, store: Store) -> list[Path]:
    ticks = itertools.count(step=5.0)  # every scan is a separate read (no double-read merging)
    start = shot_time(store)
    seconds = itertools.count(step=3)
    desk = Desk(
        store,
        "entrée-A",
        "amina",
        clock=lambda: start + timedelta(seconds=next(seconds)),
        monotonic=lambda: next(ticks),
    )
    window, _translator = build(desk, language=language, start_workers=False, sounds=SoundPlayer(player=[]))
    window.resize(*SIZE)
    window.show()
    paths: list[Path] = []

    def shot(name: str, target: QWidget | None = None, overlay: QWidget | None = None) -> None:
        window.controller.refresh_state()  # the status bar's figures as they are now
        _settle(window)
        paths.append(_grab(target or window, out / f"{language}-{name}.png", overlay))

    shot("idle")
    window.controller.scan("SCE-SHOT-1")
    shot("admitted")
    window.controller.scan("SCE-SHOT-1")
    shot("already-checked-in")
    window.controller.scan("SCE-SHOT-3")
    shot("refused")
    window.controller.scan("SCE-SHOT-2")
    window.search.box.setText("Ben" if language != "ar" else "الع")
    window.search.run_search()
    if window.search.results.count() == 0:
        window.search.box.setText("Ben")
        window.search.run_search()
    shot("search")
    window.search.box.clear()
    window.search.run_search()
    window.open_walk_in()
    dialog = window.supervisor.open_dialog
    dialog.first_name.setText("أمينة")
    dialog.last_name.setText("التازي")
    dialog.company.setText("Université Hassan II")
    dialog.email.setText("amina.tazi@example.ma")
    shot("walk-in", window, overlay=dialog)
    dialog.reject()
    window.toggle_dashboard()
    shot("dashboard")
    window.toggle_dashboard()
    render_more(window, shot, language)
    window.close()
    window.runner.shutdown(wait=True)
    window.deleteLater()
    return paths


def render_all(out: Path, languages: list[str]) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    paths: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="checkin-shots-") as folder:
        for language in languages:  # a fresh event each time: the same scans, the same states
            store = _demo_store(Path(folder), language)
            try:
                paths += render_language(out, language, store)
            finally:
                store.close()
            paths += render_assistant(out, language, Path(folder), _grab)
    app.setLayoutDirection(Qt.LeftToRight)
    return paths
