"""The terminal desk while an import runs into the same database: scans per second and latency.

    python -m benchmarks.bench_desk [--rows 300000] [--after 500] [--small]

An event with `--rows` attendees; then the same list, every company changed, imported again (an
update: the import holds the database's write lock for most of its run) while a terminal desk
process (`checkin-desk desk --json`) is sent scans one after another, each as soon as the last was
answered. Printed: scans answered and not recorded, scans per second, p50 / p99 / max latency from
sending the line to reading the answer, in three phases: during the import (scans recorded beside
the busy database), catching up (each scan also moves a few waiting ones in; a desk with a pause in
its queue moves them all when idle), after (target: every scan answered, p99 <= 500 ms during,
<= 5 ms after). Floor, measured in the same folder: a bare sqlite3 INSERT + COMMIT with
synchronous=FULL in WAL mode, what recording one scan costs at least.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkin_desk.imports.readers import import_file
from checkin_desk.services import demo
from checkin_desk.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def write_list(path: Path, rows: int, company: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "first_name", "last_name", "company", "email", "category"])
        for i in range(rows):
            writer.writerow(
                [f"B{i:07d}", f"Prénom{i}", f"Nom{i}", f"{company} {i % 400}", f"p{i}@x.ma", "visitor"]
            )


class TerminalDesk:
    def __init__(self, db: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "checkin_desk", "--db", str(db), "--desk", "bench", "desk", "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )

    def scan(self, code: str) -> tuple[float, dict]:
        started = time.perf_counter()
        self.proc.stdin.write(code.encode() + b"\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        elapsed = time.perf_counter() - started
        if not line:
            raise SystemExit("the terminal desk exited")
        return elapsed, json.loads(line)

    def close(self) -> int:
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=120)
        self.proc.stdout.close()
        return rc


def floor_commit(folder: Path, samples: int = 300) -> list[float]:
    conn = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, uuid TEXT, payload TEXT)")
    times = []
    for i in range(samples):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (uuid, payload) VALUES (?, ?)", (f"u{i}", "x" * 400))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - started)
    conn.close()
    return times


def waiting_left(db: Path) -> int:
    path = f"{db}-waiting"
    if not os.path.exists(path):
        return 0
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM waiting").fetchone()[0]
    finally:
        conn.close()


def line(label: str, latencies: list[float], seconds: float, floor: list[float]) -> str:
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    ratio = p99 / percentile(floor, 99) if floor else float("nan")
    return (
        f"{label:<22} {len(latencies):>6} scans  {len(latencies) / seconds:8.1f} scans/s  "
        f"p50 {p50 * 1000:7.2f} ms  p99 {p99 * 1000:7.2f} ms  max {max(latencies) * 1000:7.2f} ms  "
        f"(p99 = {ratio:.1f} x floor p99)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--after", type=int, default=500, help="scans after the import")
    parser.add_argument("--small", action="store_true", help="30,000 rows, 200 scans after")
    args = parser.parse_args()
    if args.small:
        args.rows, args.after = 30_000, 200
    print(f"load average at start: {open('/proc/loadavg').read().split()[:3]}")  # noqa: SIM115
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CHECKIN_DESK_HOME"] = str(folder / "home")
        db = folder / "event.sqlite"
        store = Store.open(db, create=True)
        store.init_event(demo.event_info())
        first, update = folder / "first.csv", folder / "update.csv"
        write_list(first, args.rows, "Société")
        write_list(update, args.rows, "Entreprise")
        import_file(store, first)
        codes = [row[0] for row in store.conn.execute("SELECT code FROM attendees ORDER BY id LIMIT 5000")]
        store.close()

        floor = floor_commit(folder)
        print(
            f"{'floor: INSERT+COMMIT':<22} {len(floor):>6} commits p50 {percentile(floor, 50) * 1000:7.2f} ms  "
            f"p99 {percentile(floor, 99) * 1000:7.2f} ms  (synchronous=FULL, WAL, same folder)"
        )
        desk = TerminalDesk(db)
        for code in codes[:20]:  # warm up: imports, caches
            desk.scan(code)
        importer = subprocess.Popen(
            [sys.executable, "-m", "checkin_desk", "--db", str(db), "import", str(update)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        during, answers, refused = [], [], 0
        started = time.perf_counter()
        n = 20
        while importer.poll() is None:
            elapsed, answer = desk.scan(codes[n % len(codes)])
            n += 1
            during.append(elapsed)
            answers.append(answer)
            refused += answer.get("status") == "not_recorded"
        import_s = time.perf_counter() - started
        out, err = importer.communicate()
        waiting = sum(1 for a in answers if a.get("waiting"))
        print(
            f"import of {args.rows} updated rows: {import_s:.1f} s, exit {importer.returncode} ({out.decode().strip().splitlines()[-1] if out else err.decode()[-200:]})"
        )
        print(line("during the import", during, import_s, floor))
        print(
            f"{'':<22} answered {len(answers)} of {len(answers)}, {refused} not recorded, {waiting} written beside the busy database"
        )
        # Right after the import, each scan also moves a few of the waiting ones in with its own.
        catching_up = []
        started = time.perf_counter()
        while waiting_left(db) and len(catching_up) < 100_000:
            elapsed, answer = desk.scan(codes[n % len(codes)])
            n += 1
            catching_up.append(elapsed)
            refused += answer.get("status") == "not_recorded"
        if catching_up:
            print(line("catching up", catching_up, time.perf_counter() - started, floor))
        after = []
        started = time.perf_counter()
        for i in range(args.after):
            elapsed, answer = desk.scan(codes[(n + i) % len(codes)])
            after.append(elapsed)
            refused += answer.get("status") == "not_recorded"
        n += args.after
        print(line("after the import", after, time.perf_counter() - started, floor))
        rc = desk.close()
        store = Store.open(db)
        recorded = store.conn.execute("SELECT count(*) FROM scans").fetchone()[0]
        store.close()
        print(f"desk exit {rc}; scans in the database: {recorded} of {n} sent; not recorded: {refused}")
    print(f"load average at end: {open('/proc/loadavg').read().split()[:3]}")  # noqa: SIM115
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
