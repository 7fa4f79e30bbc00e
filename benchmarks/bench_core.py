"""Core figures: scan decision, search, CSV import and its peak memory, beside the raw SQLite floor.

    python -m benchmarks.bench_core [--sizes 100000,1000000] [--samples 2000]

Each figure is printed with the floor it is compared to (a bare sqlite3 primary-key select for
scans and search, a bare executemany for imports) and the ratio between them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from checkin_desk.imports.readers import import_file
from checkin_desk.services import demo
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store

NAMES = Path(__file__).resolve().parent.parent / "tests" / "data" / "names_cross_script.tsv"
HEADER = ["Code", "Prénom", "Nom", "Société", "Fonction", "Pays", "E-mail", "Téléphone", "Catégorie", "Jours"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def write_csv(path: Path, count: int) -> None:
    event = demo.event_info()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for a in demo.attendees(count, event, seed=1):
            writer.writerow(
                [a.code, a.first_name, a.last_name, a.company, a.job_title, a.country, a.email, a.phone,
                 a.category, ",".join(a.days)]
            )  # fmt: skip


def import_child(db: str, csv_path: str) -> None:
    """Run in a fresh process so that its peak RSS is the import's alone."""
    store = Store.open(db, create=True)
    store.init_event(demo.event_info())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    result = import_file(store, csv_path)
    elapsed = time.perf_counter() - start
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = me.ru_maxrss / 1024
    # A large CSV is parsed by a second process (importers.import_worker): count its peak too.
    parser_mb = children.ru_maxrss / 1024
    # The same list again, every row unchanged: the update path (each code looked up and compared).
    start = time.perf_counter()
    again = import_file(store, csv_path)
    reimport_seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "rows": result.valid,
                "seconds": elapsed,
                "peak_mb": peak_mb,
                "parser_peak_mb": parser_mb,
                # CPU seconds of each process: how evenly the two cores share the import.
                "writer_cpu": me.ru_utime + me.ru_stime - cpu_before,
                "parser_cpu": children.ru_utime + children.ru_stime,
                "written": result.written,
                "reimport_seconds": reimport_seconds,
                "reimport_unchanged": again.upsert.unchanged,
            }
        )
    )


def executemany_floor(count: int, tmp: Path) -> float:
    conn = sqlite3.connect(tmp / f"floor-{count}.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT UNIQUE, a TEXT, b TEXT, c TEXT, d TEXT)")
    rows = [(i, f"SCE26-{i:08d}", "Prénom", "Nom", "Société", "mail@example.ma") for i in range(count)]
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return count / (time.perf_counter() - start)


def bench_size(count: int, samples: int, tmp: Path) -> None:
    csv_path = tmp / f"attendees-{count}.csv"
    db = tmp / f"event-{count}.sqlite"
    write_csv(csv_path, count)
    # The file is on disk before an import starts, as a real list is: without this, the kernel's
    # write-back of the fresh 100 MB CSV competes with the import's fsyncs.
    os.sync()
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_core", "--import-child", str(db), str(csv_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = json.loads(child.stdout)
    rate = imported["rows"] / imported["seconds"]
    floor_rate = executemany_floor(count, tmp)
    print(f"\n== {count:,} attendees ==")
    print(
        f"import CSV      {rate:>10,.0f} rows/s   floor executemany {floor_rate:>10,.0f} rows/s   "
        f"ratio {floor_rate / rate:5.1f}x slower   (target >= 100,000 rows/s)"
    )
    print(
        f"re-import       {imported['rows'] / imported['reimport_seconds']:>10,.0f} rows/s   the same file again "
        f"({imported['reimport_unchanged']:,} rows unchanged: every code looked up and compared)"
    )
    print(
        f"import CPU      writer {imported['writer_cpu']:5.1f} s + parser process {imported['parser_cpu']:5.1f} s "
        f"in {imported['seconds']:5.1f} s wall on {os.cpu_count()} cores"
    )
    total_mb = imported["peak_mb"] + imported["parser_peak_mb"]
    print(
        f"import peak RSS {total_mb:>10,.0f} MB       (writer {imported['peak_mb']:,.0f} MB + parser process "
        f"{imported['parser_peak_mb']:,.0f} MB; target <= 300 MB at 1,000,000)"
    )

    store = Store.open(db)
    codes = [row[0] for row in store.conn.execute("SELECT code FROM attendees")]
    rng = random.Random(5)
    start_time = datetime.fromisoformat(store.event().days[0] + "T09:00:00+00:00").replace(tzinfo=UTC)
    clock = {"t": start_time}
    desk = Desk(store, "bench", clock=lambda: clock["t"])
    picks = [rng.choice(codes) for _ in range(samples)]
    scan_times = []
    for code in picks:
        clock["t"] += timedelta(seconds=2)
        t0 = time.perf_counter()
        desk.scan(code)
        scan_times.append((time.perf_counter() - t0) * 1000)

    raw = sqlite3.connect(db)
    floor_times = []
    for code in picks:
        t0 = time.perf_counter()
        raw.execute("SELECT * FROM attendees WHERE code = ?", (code,)).fetchone()
        floor_times.append((time.perf_counter() - t0) * 1000)
    # The durable part has its own floor: one one-row commit with synchronous=FULL (an fsync of the WAL).
    raw.isolation_level = None
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, v TEXT)")
    commit_times = []
    for code in picks:
        t0 = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO bench_floor (v) VALUES (?)", (code,))
        raw.execute("COMMIT")
        commit_times.append((time.perf_counter() - t0) * 1000)
    f50, f99 = percentile(floor_times, 50), percentile(floor_times, 99)
    c50, c99 = percentile(commit_times, 50), percentile(commit_times, 99)
    s50, s99 = percentile(scan_times, 50), percentile(scan_times, 99)
    print(
        f"scan decision  p50 {s50:6.3f} ms  p99 {s99:6.3f} ms   floor PK select p50 {f50:6.3f} ms p99 {f99:6.3f} ms"
        f"   ratio p99 {s99 / f99:6.1f}x   (target p99 <= 2 ms; includes the fsync of synchronous=FULL)"
    )
    print(
        f"               floor one-row FULL commit p50 {c50:6.3f} ms p99 {c99:6.3f} ms"
        f"   ratio p99 {s99 / (c99 + f99):6.1f}x (scan / (commit + select))"
    )

    names = [
        row[0]
        for row in store.conn.execute("SELECT first_name || ' ' || last_name FROM attendees LIMIT 5000")
    ]
    queries = []
    for _ in range(samples):
        name = rng.choice(names)
        word = rng.choice(name.split())
        queries.append(word[: rng.randint(2, max(2, len(word)))])
    search_times = []
    for q in queries:
        t0 = time.perf_counter()
        store.search(q)
        search_times.append((time.perf_counter() - t0) * 1000)
    q50, q99 = percentile(search_times, 50), percentile(search_times, 99)
    print(
        f"search         p50 {q50:6.3f} ms  p99 {q99:6.3f} ms   floor PK select p99 {f99:6.3f} ms"
        f"   ratio p99 {q99 / f99:6.0f}x   (target p99 <= 20 ms)"
    )
    # Across scripts: the Latin spellings of the test name list (finding Arabic and Chinese names
    # by sound and pinyin), and Arabic and Chinese names of the list as typed (finding Latin ones).
    spellings = []
    for line in NAMES.read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith(("ar\t", "zh\t")):
            script, given, family, latin = line.split("\t")
            spellings.extend(latin.split("|"))
            spellings.append(f"{family}{given}" if script == "zh" else f"{given} {family}")
    queries = [rng.choice(spellings) for _ in range(samples)]
    cross_times = []
    for q in queries:
        t0 = time.perf_counter()
        store.search(q)
        cross_times.append((time.perf_counter() - t0) * 1000)
    x50, x99 = percentile(cross_times, 50), percentile(cross_times, 99)
    print(
        f"search scripts p50 {x50:6.3f} ms  p99 {x99:6.3f} ms   floor PK select p99 {f99:6.3f} ms"
        f"   ratio p99 {x99 / f99:6.0f}x   (target p99 <= 20 ms; pinyin, Arabic <-> Latin spellings)"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--import-child", nargs=2, metavar=("DB", "CSV"))
    args = parser.parse_args()
    if args.import_child:
        import_child(*args.import_child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            bench_size(size, args.samples, Path(tmp))


if __name__ == "__main__":
    main()
