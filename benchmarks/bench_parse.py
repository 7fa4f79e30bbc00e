"""The parser side of a CSV import, without SQLite: what the import's parser process does per row.

    python -m benchmarks.bench_parse [--rows 1000000] [--small]

read_table + map_columns + validated + search_values over a generated list (bench_core.write_csv),
timed and with its peak memory, each in a fresh process, beside the floor of csv.reader alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_core import write_csv
from checkin_desk.imports import readers as importers
from checkin_desk.services import demo
from checkin_desk.storage.search_index import search_values


def bomb_child(path: str) -> None:
    """Import a zip bomb into a fresh event: time and peak memory until it is refused."""
    from checkin_desk.storage.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "e.sqlite", create=True)
        store.init_event(demo.event_info())
        start = time.perf_counter()
        try:
            importers.import_file(store, path)
            refused = ""
        except importers.ImportFileError as exc:
            refused = str(exc)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "refused": refused}))


def bench_zip_bomb(tmp: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from test_import_hostile import zip_bomb

    for unpacked in (256 << 20, 2 << 30):
        path = zip_bomb(tmp / f"bomb-{unpacked >> 20}.xlsx", unpacked)
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_parse", "--bomb-child", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        got = json.loads(child.stdout)
        base = subprocess.run(
            [sys.executable, "-c", "import resource, checkin_desk.imports.readers as r, openpyxl;"
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(
            f"zip bomb {path.stat().st_size / 1024:7,.0f} kB -> {unpacked >> 20:5,} MB unpacked: refused in "
            f"{got['seconds'] * 1000:7.1f} ms, peak {got['peak_mb']:5.0f} MB (floor: the importer loaded, "
            f"{float(base.stdout):.0f} MB)   (target <= 2 s, <= 100 MB)   {'refused' if got['refused'] else 'NOT refused'}"
        )


def parse_child(path: str) -> None:
    """Run in a fresh process, so that the peak RSS is the parse's alone."""
    start = time.perf_counter()
    header, rows, info = importers.read_table(Path(path), None)
    plan = importers.plan_table(header)
    result = importers.ImportResult()
    count = 0
    for values in importers.validated(
        rows, plan.mapping, tuple(demo.event_info().days), result, plan.row_options
    ):
        values + search_values(values)  # what the parser process sends for each row
        count += 1
    info["close"]()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": count, "seconds": seconds, "peak_mb": peak_mb}))


def csv_floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        for _row in csv.reader(fh, delimiter=";"):
            pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="100,000 rows")
    parser.add_argument("--parse-child", metavar="CSV", help=argparse.SUPPRESS)
    parser.add_argument("--bomb-child", metavar="XLSX", help=argparse.SUPPRESS)
    parser.add_argument("--zip-bomb", action="store_true", help="only the zip bomb refusal")
    args = parser.parse_args()
    if args.parse_child:
        parse_child(args.parse_child)
        return
    if args.bomb_child:
        bomb_child(args.bomb_child)
        return
    if args.zip_bomb:
        with tempfile.TemporaryDirectory() as tmp:
            bench_zip_bomb(Path(tmp))
        return
    count = 100_000 if args.small else args.rows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"attendees-{count}.csv"
        write_csv(path, count)
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_parse", "--parse-child", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        parsed = json.loads(child.stdout)
        floor = csv_floor(path)
    print(f"\n== parse {count:,} attendees (no SQLite) ==")
    print(
        f"parse CSV  {parsed['seconds']:6.2f} s  {parsed['rows'] / parsed['seconds']:>10,.0f} rows/s   "
        f"floor csv.reader {floor:5.2f} s   ratio {parsed['seconds'] / floor:4.1f}x"
    )
    print(f"peak RSS   {parsed['peak_mb']:6.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        bench_zip_bomb(Path(tmp))


if __name__ == "__main__":
    main()
