"""Printing figures: time from a scan to the last byte of its badge at the printer, beside the raw floor,
for each printer language (ESC/POS, ZPL II, Brother QL), with the rendering and the check before
printing (QR read back from the raster) beside theirs.

    python -m benchmarks.bench_printing [--scans 1000] [--quick] [--language escpos|zpl|brother-ql]

Each scan goes the whole way: Desk.scan (SQLite transaction with the print job, fsync) -> worker.wake()
-> the worker renders the badge at the profile's dots, reads its QR back, encodes it in the printer's
language -> TCP to the emulator (its own process) on loopback. Measured until the emulator has the
chunk that completes the badge (its last byte). The next scan starts once the job is marked printed
(status answered, or for Brother QL every byte acknowledged), as at a real desk. Floors: the same job
bytes written straight to a new socket; pdfium rendering an empty page at the printer's dpi (the old
renderer's floor); zxing-cpp reading the QR code alone, without the badge around it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault(
    "ESCPOS_CAPABILITIES_PICKLE_DIR", str(Path(tempfile.gettempdir()) / "checkin-desk-escpos")
)

from PIL import Image

from checkin_desk.badges.pdf import clear_text_caches
from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.printing import PrinterConfig, PrinterEmulator, PrintWorker, add_printer, check
from checkin_desk.printing.profiles import get_profile
from checkin_desk.printing.render import BadgeRenderer
from checkin_desk.printing.send import escpos_bytes
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store

LANGUAGES = {  # language -> (printer kind, profile)
    "escpos": ("escpos-network", "TM-T20II"),
    "zpl": ("zpl-network", "zebra-203-80mm"),
    "brother-ql": ("brother-ql-network", "QL-820NWB/62"),
}

EVENT_MORNING = datetime(2027, 4, 18, 9, 0, tzinfo=UTC)
EVENT = EventInfo("Smart City Expo Casablanca 2027", ("2027-04-18", "2027-04-19", "2027-04-20"))
FIRST = ["Benoît", "Salma", "Youssef", "Lina", "Omar", "أحمد", "Zoé", "Karim", "Nadia", "Wei"]
LAST = ["Lefèvre", "Berrada", "Amrani", "Tazi", "Idrissi", "العلوي", "Dubois", "Bennani", "Alaoui", "Wang"]
COMPANIES = ["Lydec", "OCP Group", "Masen", "ONEE", "Casa Transports", "Shanghai Electric", "Wafa"]
CITIES = ["Anfa", "Maârif", "Bouskoura", "Médiouna", "Sidi Maârouf", "Aïn Diab", "Ben M'Sick", "Hay Hassani"]
CATEGORIES = ["visitor", "professional", "speaker", "exhibitor", "press", "vip", "delegation"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class TimedRenderer(BadgeRenderer):
    def __init__(self):
        self.seconds: list[float] = []

    def badge(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return super().badge(*args, **kwargs)
        finally:
            self.seconds.append(time.perf_counter() - start)


def people(count: int) -> list[Attendee]:
    return [
        Attendee(  # every name different, as at a real event: no cache holds a fitted name twice
            f"BENCH-{n:05d}",
            FIRST[n % 10],
            f"{LAST[(n // 10) % 10]} {CITIES[n % len(CITIES)]}{'' if n < len(CITIES) else n // len(CITIES)}",
            COMPANIES[n % 7],
            category=CATEGORIES[n % 7],
        )
        for n in range(count)
    ]


def emulator_process(pipe, protocol: str = "escpos") -> None:
    """The printer in its own process, as a real one would be (no GIL shared with the desk).

    Sends back (badge number, perf_counter at its last byte); perf_counter is CLOCK_MONOTONIC on
    Linux, the same clock in both processes.
    """
    emulator = PrinterEmulator(None, save_png=False, protocol=protocol).start()
    pipe.send(emulator.port)
    seen = 0
    while not pipe.poll(0):
        emulator.wait_for(lambda e, s=seen: len(e.badges) > s, timeout=0.5)
        new = emulator.badges[seen:]  # one snapshot: a badge appended meanwhile is taken next time
        for badge in new:
            pipe.send((badge.number, badge.received_at))
        seen += len(new)
    pipe.send(("discarded", emulator.discarded, emulator.connections, len(emulator.badges)))
    emulator.stop()


class RemoteEmulator:
    def __init__(self, protocol: str = "escpos"):
        ctx = multiprocessing.get_context("spawn")
        self.pipe, child = ctx.Pipe()
        self.process = ctx.Process(target=emulator_process, args=(child, protocol), daemon=True)
        self.process.start()
        if not self.pipe.poll(30):
            raise RuntimeError("the emulator process did not start")
        self.port = self.pipe.recv()
        self.address = f"127.0.0.1:{self.port}"
        self.count = 0

    def next_badge(self, timeout: float = 10.0) -> float:
        if not self.pipe.poll(timeout):
            self.pipe.send("stop")
            while not (self.pipe.poll(5) and (m := self.pipe.recv())[0] == "discarded"):
                pass
            raise RuntimeError(f"no badge within {timeout:g} s (badge {self.count + 1}; emulator: {m})")
        number, received_at = self.pipe.recv()
        self.count += 1
        assert number == self.count, (number, self.count)
        return received_at

    def stop(self) -> int:
        self.pipe.send("stop")
        while True:
            message = self.pipe.recv()
            if message[0] == "discarded":
                break
        self.process.join(10)
        return message[1]


def floor(emulator: RemoteEmulator, payloads: list[bytes]) -> list[float]:
    out = []
    for data in payloads:
        start = time.perf_counter()
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=2) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(data)
            out.append(emulator.next_badge() - start)
    return out


def render_floor(dpi: int, samples: int = 200) -> list[float]:
    from reportlab.pdfgen.canvas import Canvas

    from checkin_desk.badges.raster import render_page

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(204, 306))
    canvas.showPage()
    canvas.save()
    empty = buffer.getvalue()
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        render_page(empty, dpi / 72, grey=True)
        out.append(time.perf_counter() - start)
    return out


def check_floor(samples: int = 200) -> list[float]:
    from checkin_desk.badges.qr import qr_image

    image = qr_image("BENCH-00042", "Q", 8)
    framed = Image.new("L", (image.width + 64, image.height + 64), 255)
    framed.paste(image, (32, 32))
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        assert check.read_qr(framed) == ["BENCH-00042"]
        out.append(time.perf_counter() - start)
    return out


def run(scans: int, language: str) -> dict[str, float]:
    kind, profile = LANGUAGES[language]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        store = Store.open(db, create=True)
        store.init_event(EVENT)
        attendees = people(scans + 5)
        store.upsert_attendees(attendees)
        emulator = RemoteEmulator(language)
        add_printer(store, PrinterConfig("bench", kind, emulator.address, profile))
        printed = threading.Condition()
        done: set[int] = set()

        def on_change(job):
            if job.state in ("printed", "failed"):
                with printed:
                    done.add(job.id)
                    printed.notify_all()

        renderer = TimedRenderer()
        check.TIMES.samples.clear()
        clear_text_caches()  # nothing fitted by the language measured before
        worker = PrintWorker(db, "bench-desk", on_change=on_change, renderer=renderer)
        worker.start()
        desk = Desk(store, "bench-desk", "bench", clock=lambda: EVENT_MORNING)
        latencies, scan_times = [], []
        try:
            for n, attendee in enumerate(attendees):
                start = time.perf_counter()
                outcome = desk.scan(attendee.code)
                scanned = time.perf_counter()
                worker.wake()
                assert outcome.print_job_id, outcome
                received_at = emulator.next_badge()
                with printed:
                    assert printed.wait_for(lambda o=outcome: o.print_job_id in done, 10)
                if n >= 5:  # the first few warm the fonts and the page cache
                    latencies.append(received_at - start)
                    scan_times.append(scanned - start)
        finally:
            worker.stop()
        assert emulator.count == len(attendees)
        payloads = [
            escpos_bytes(
                store_printer(store),
                a,
                event=EVENT,
                categories=store.categories(),
                template=None,
                renderer=BadgeRenderer(),
            )
            for a in attendees[:50]
        ]
        floors = floor(emulator, payloads * max(1, scans // 50))
        assert emulator.stop() == 0
        store.close()
    renders = renderer.seconds[-len(latencies) :]  # the last ones: not the warm-up, not the first five
    checks = check.TIMES.samples[-len(latencies) :]
    overhead = [lat - ren - chk for lat, ren, chk in zip(latencies, renders, checks, strict=True)]
    dpi = get_profile(profile).dpi
    rfloor, cfloor = render_floor(dpi), check_floor()
    return {
        "n": len(latencies),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "scan_p50": percentile(scan_times, 50),
        "render_p50": percentile(renders, 50),
        "render_p99": percentile(renders, 99),
        "check_p50": percentile(checks, 50),
        "check_p99": percentile(checks, 99),
        "render_floor_p50": percentile(rfloor, 50),
        "render_floor_p99": percentile(rfloor, 99),
        "check_floor_p50": percentile(cfloor, 50),
        "check_floor_p99": percentile(cfloor, 99),
        "overhead_p50": percentile(overhead, 50),
        "overhead_p99": percentile(overhead, 99),
        "floor_p50": percentile(floors, 50),
        "floor_p99": percentile(floors, 99),
        "bytes": sum(map(len, payloads)) / len(payloads),
    }


class FitWarnings(logging.Filter):
    """Counts the badge renderer's "shortened to fit" warnings and keeps them out of the figures: at
    a desk each is worth a log line, but a benchmark of a thousand badges would print a thousand."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if "shortened to fit" in record.msg:
            self.count += 1
            return False
        return True


@contextlib.contextmanager
def fit_warnings_counted():
    logger, counted = logging.getLogger("checkin_desk.badges.pdf"), FitWarnings()
    logger.addFilter(counted)
    try:
        yield counted
    finally:
        logger.removeFilter(counted)


def store_printer(store):
    from checkin_desk.printing import get_printer

    return get_printer(store, "bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="100 scans")
    parser.add_argument("--language", choices=sorted(LANGUAGES), action="append", help="default: all three")
    args = parser.parse_args(argv)
    scans = 100 if args.quick else args.scans
    ms = 1000
    print(
        f"printing, {scans} scans per language; machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    print(
        "  language    profile          KiB   scan->last byte p50/p99   render p50/p99 (floor)      "
        "check p50/p99 (floor)     bytes to socket p50/p99"
    )
    for language in args.language or ["escpos", "zpl", "brother-ql"]:
        with fit_warnings_counted() as shortened:
            r = run(scans, language)
        print(
            f"  {language:<11} {LANGUAGES[language][1]:<16} {r['bytes'] / 1024:4.0f}   "
            f"{r['p50'] * ms:6.1f} / {r['p99'] * ms:6.1f} ms      "
            f"{r['render_p50'] * ms:4.1f} / {r['render_p99'] * ms:5.1f} "
            f"({r['render_floor_p50'] * ms:3.1f} / {r['render_floor_p99'] * ms:3.1f})   "
            f"{r['check_p50'] * ms:4.2f} / {r['check_p99'] * ms:5.2f} "
            f"({r['check_floor_p50'] * ms:4.2f} / {r['check_floor_p99'] * ms:4.2f})   "
            f"{r['floor_p50'] * ms:5.2f} / {r['floor_p99'] * ms:5.2f} ms"
        )
        verdict = "met" if r["p99"] <= 0.020 and r["render_p50"] <= 0.005 else "NOT met"
        print(
            f"      scan transaction p50 {r['scan_p50'] * ms:.1f} ms; queue, bytes and I/O p50 "
            f"{r['overhead_p50'] * ms:.1f} / p99 {r['overhead_p99'] * ms:.1f} ms; ratio to the socket floor "
            f"p50 {r['p50'] / r['floor_p50']:.0f}x; targets (render p50 <= 5 ms, p99 <= 20 ms): {verdict}"
        )
        if shortened.count:
            print(
                f"      text shortened to fit the label: {shortened.count} times (one log line each at a desk)"
            )
    print(f"  load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
