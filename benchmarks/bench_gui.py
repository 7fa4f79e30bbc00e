"""Desk window figures: scanner Enter -> banner painted (p50/p99 over N scans on a big event) and
start-up to a ready window, each beside its floor (a label update; an empty QApplication's start-up).

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--small]

Targets: p99 <= 50 ms per scan on 100,000 attendees; start-up <= 1.5 s.
X11: the same scan through a real X server (Xvfb + openbox), the code typed by xdotool at
2 ms per key, Return -> banner painted, p99 <= 50 ms; beside it the floor, the same Return through X
repainting a label. Skipped (and said) without Xvfb, openbox and xdotool.
Dashboard: GUI-thread time of one refresh (a finished snapshot applied to the widgets and
painted) <= 50 ms on 100,000 attendees; the snapshot itself is computed on the db worker.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STARTUP_WINDOW = """
import time; t0 = time.perf_counter()
import sys, os
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from checkin_desk.gui.app import build, make_app
app = make_app()
desk = Desk(Store.open(sys.argv[1]), "bench", "bench")
window, _ = build(desk, language="fr", start_workers=False)
painted = []
window.banner.painted.connect(lambda: painted.append(1))
window.show()
while not painted:
    app.processEvents()
print(time.perf_counter() - t0)
"""

STARTUP_FLOOR = """
import time; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("ready")
label.show()
app.processEvents()
print(time.perf_counter() - t0)
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def build_event(path: Path, count: int) -> list[str]:
    from checkin_desk.services import demo
    from checkin_desk.storage.store import Store

    store = Store.open(path, create=True)
    event = demo.event_info()
    store.init_event(event)
    store.upsert_attendees(demo.attendees(count, event, seed=11), origin="demo")
    codes = [row[0] for row in store.conn.execute("SELECT code FROM attendees")]
    store.close()
    return codes


def startup(script: str, db: Path, runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CHECKIN_DESK_HOME": str(db.parent / "home")}
    times = []
    for _ in range(runs):
        wall = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True, text=True, env=env,
                             check=True)  # fmt: skip
        times.append((float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - wall))
    return times


def scan_latency(db: Path, codes: list[str], scans: int) -> tuple[list[float], list[float]]:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication, QLabel

    from checkin_desk.gui.app import build, make_app
    from checkin_desk.services.desk import Desk
    from checkin_desk.storage.store import Store

    os.environ["CHECKIN_DESK_HOME"] = str(db.parent / "home")
    app = make_app()
    desk = Desk(Store.open(db), "bench", "bench")
    window, _ = build(desk, language="fr", start_workers=False)
    window.resize(1280, 800)
    window.show()
    painted: list[float] = []
    window.banner.painted.connect(lambda: painted.append(time.perf_counter()))
    for _ in range(20):
        app.processEvents()

    def press(key, text: str) -> None:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(window, QKeyEvent(kind, key, Qt.NoModifier, text))

    rng = random.Random(5)
    latencies = []
    for _ in range(scans):
        code = rng.choice(codes)
        for ch in code:
            press(Qt.Key_unknown, ch)
        painted.clear()
        start = time.perf_counter()
        press(Qt.Key_Return, "\r")
        while not painted:
            app.processEvents()
        latencies.append(painted[0] - start)
    assert desk.store.conn.execute("SELECT count(*) FROM scans").fetchone()[0] > 0
    # Floor: the cheapest visible change, a label's text, until painted.
    label_painted: list[float] = []

    class Label(QLabel):
        def paintEvent(self, event):
            super().paintEvent(event)
            label_painted.append(time.perf_counter())

    label = Label("0")
    label.resize(400, 60)
    label.show()
    floors = []
    for i in range(min(scans, 300)):
        label_painted.clear()
        start = time.perf_counter()
        label.setText(str(i))
        while not label_painted:
            app.processEvents()
        floors.append(label_painted[0] - start)
    window.close()
    window.runner.shutdown(wait=True)
    return latencies, floors


def x11_scan_latency(db: Path, scans: int) -> dict | str:
    """Run benchmarks/_gui_x11.py on its own X server; its figures, or why it could not run."""
    import json

    sys.path.insert(0, str(ROOT / "tests"))
    from e2e.xsession import XServer, missing_tools

    missing = missing_tools()
    if missing:
        return f"skipped: {', '.join(missing)} missing (see .ci/setup-x11)"
    server = XServer(1280, 720).start()
    try:
        env = server.env(PYTHONPATH=str(ROOT), CHECKIN_DESK_HOME=str(db.parent / "home-x11"))
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks._gui_x11", str(db), str(scans)],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800,
        )  # fmt: skip
    finally:
        server.stop()
    if out.returncode != 0:
        return f"failed: {out.stderr.strip()[-500:]}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def dashboard_refresh(db: Path, scans: int, repeat: int) -> tuple[list[float], list[float], float, int]:
    """GUI-thread time of one dashboard refresh: apply a snapshot and paint the page, beside a label floor."""
    from datetime import datetime

    from PySide6.QtWidgets import QLabel

    from checkin_desk.gui.app import build, make_app
    from checkin_desk.reports import dashboard_snapshot, simulate
    from checkin_desk.services.desk import Desk
    from checkin_desk.storage.store import Store

    make_app()
    store = Store.open(db)
    days = list(store.event().days[:2])
    written = simulate.simulate(store, scans=scans, days=days, walk_ins=200)
    now = datetime.fromisoformat(f"{days[1]}T10:30:00+01:00")
    started = time.perf_counter()
    snapshot = dashboard_snapshot(store, now)  # the worker's part, timed once for context
    worker_s = time.perf_counter() - started
    window, _ = build(Desk(store, "bench", "bench"), language="fr", start_workers=False)
    window.resize(1280, 800)
    window.show()
    window.pages.setCurrentWidget(window.dashboard_page)
    window.dashboard.set_active(False)  # no timer refreshes during the measurement
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        window.dashboard.apply(snapshot)
        window.dashboard.grab()  # paints every tile, chart and table cell now (an upper bound)
        times.append(time.perf_counter() - start)
    label = QLabel("0")
    label.resize(400, 60)
    label.show()
    floors = []
    for i in range(repeat):
        start = time.perf_counter()
        label.setText(str(i))
        label.grab()
        floors.append(time.perf_counter() - start)
    window.close()
    window.runner.shutdown(wait=True)
    return times, floors, worker_s, written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="10,000 attendees, 200 scans, 2 start-ups")
    args = parser.parse_args()
    attendees, scans, runs = (10_000, 200, 2) if args.small else (100_000, 1000, 5)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite"
        t = time.perf_counter()
        codes = build_event(db, attendees)
        print(f"event: {attendees:,} attendees built in {time.perf_counter() - t:.1f} s")
        ms = 1000.0
        window = startup(STARTUP_WINDOW, db, runs)
        floor = startup(STARTUP_FLOOR, db, runs)
        w_in, w_wall = statistics.median(x for x, _ in window), statistics.median(y for _, y in window)
        f_in, f_wall = statistics.median(x for x, _ in floor), statistics.median(y for _, y in floor)
        print(f"start-up to ready window: {w_in * ms:.0f} ms in-process ({w_wall * ms:.0f} ms with the interpreter); "
              f"floor (empty QApplication + label): {f_in * ms:.0f} ms ({f_wall * ms:.0f} ms); "
              f"ratio {w_wall / f_wall:.1f}x; target <= 1500 ms")  # fmt: skip
        latencies, floors = scan_latency(db, codes, scans)
        p50, p99 = percentile(latencies, 50) * ms, percentile(latencies, 99) * ms
        f50, f99 = percentile(floors, 50) * ms, percentile(floors, 99) * ms
        print(f"scan Enter -> banner painted over {scans} scans: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
              f"max {max(latencies) * ms:.1f} ms; floor (label update painted): p50 {f50:.2f} ms, "
              f"p99 {f99:.2f} ms; target p99 <= 50 ms")  # fmt: skip
        x11 = x11_scan_latency(db, scans // 4 if not args.small else 50)
        if isinstance(x11, str):
            print(f"X11 scan Enter -> banner painted: {x11}")
        else:
            n = len(x11["received"])

            def figures(key: str) -> str:
                values = x11[key]
                return (f"p50 {percentile(values, 50) * ms:.1f} ms, p99 {percentile(values, 99) * ms:.1f} ms, "
                        f"max {max(values) * ms:.1f} ms")  # fmt: skip

            print(f"X11 (Xvfb + openbox, xdotool at 2 ms per key), {n} scans on {attendees:,} attendees "
                  f"({x11['scans_recorded']} recorded): Return received -> banner painted: {figures('received')}; "
                  f"floor (Return through X -> label repainted): {figures('floor_received')}; "
                  f"target p99 <= 50 ms")  # fmt: skip
            print(f"X11, from just before `xdotool key Return` starts (an upper bound: it includes starting "
                  f"xdotool): banner {figures('sent')}; floor {figures('floor_sent')}")  # fmt: skip
        times, floors, worker_s, written = dashboard_refresh(db, attendees * 2, 30)
        d50, dmax = percentile(times, 50) * ms, max(times) * ms
        print(f"dashboard refresh on {attendees:,} attendees / {written:,} scans, GUI thread (apply + paint): "
              f"p50 {d50:.1f} ms, max {dmax:.1f} ms; floor (label update painted): "
              f"p50 {percentile(floors, 50) * ms:.2f} ms; snapshot on the worker: {worker_s * ms:.0f} ms; "
              f"target <= 50 ms")  # fmt: skip
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    sys.stdout.flush()
    os._exit(0)  # skip PySide6's teardown at interpreter exit (it can crash after the figures are out)


if __name__ == "__main__":
    main()
