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


def parse_child(path: str) -> None:
    """Run in a fresh process, so that the peak RSS is the parse's alone."""
    start = time.perf_counter()
    header, rows, info = importers.read_table(Path(path), None)
    mapping = importers.map_columns(header, {})
    result = importers.ImportResult()
    count = 0
    for values in importers.validated(rows, mapping, tuple(demo.event_info().days), result):
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
    args = parser.parse_args()
    if args.parse_child:
        parse_child(args.parse_child)
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


if __name__ == "__main__":
    main()
