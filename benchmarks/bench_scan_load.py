"""Scanner bursts on a loaded machine: how many codes arrive whole in the search box.

The real desk window on Xvfb + openbox, the search box focused, codes typed by xdotool (Shift for
capitals, as a USB scanner sends them) at 2, 4, 8, 15 and 30 ms per key with Return, 0.9 s apart,
while 0, 1, 2 and 3 busy loops (`python -c 'while 1: pass'`) run beside it. Prints, per load, the
codes checked in whole out of those typed, the codes cut (scanned but wrong) and the codes with no
scan at all, with the load average. The raw floor is the same run with no busy loop.

    python -m benchmarks.bench_scan_load [--codes N] [--loops 0,1,2,3] [--small]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

PER_KEY_MS = (2, 4, 8, 15, 30)


def run_load(loops: int, codes: list[str], tmp: Path) -> tuple[int, int, int, float]:
    """(whole, cut, missing, load average) for one load."""
    from e2e.conftest import make_event, person
    from e2e.xsession import DeskApp, XServer

    db = tmp / f"event-{loops}.sqlite"
    make_event(db, [person(code, "Visiteur", f"N{i}") for i, code in enumerate(codes)])
    x = XServer(1280, 720).start()
    busy = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(loops)]
    try:
        app = DeskApp(x, db, tmp / f"home-{loops}")
        try:
            app.wait_window()
            app.focus()
            x.key("ctrl+f")
            for i, code in enumerate(codes):
                x.type(code, 2 * PER_KEY_MS[i % len(PER_KEY_MS)])  # xdotool: a key every delay/2
                x.key("Return")
                time.sleep(0.9)  # the next visitor (pacing, not a timing assertion)
            load = os.getloadavg()[0]
            time.sleep(1.5)  # the last scans recorded (pacing: nothing here is asserted on time)
            scanned = [row[0] for row in app.rows("SELECT code FROM scans ORDER BY rowid")]
        finally:
            app.close()
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
        x.stop()
    wanted = {code.upper() for code in codes}
    whole = len(wanted & set(scanned))
    cut = len([code for code in scanned if code not in wanted])
    return whole, cut, max(0, len(codes) - whole - cut), load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=24)
    parser.add_argument("--loops", default="0,1,2,3")
    parser.add_argument("--small", action="store_true", help="8 codes at 0 and 2 busy loops")
    args = parser.parse_args()
    from e2e.conftest import mixed_case_codes
    from e2e.xsession import missing_tools

    missing = missing_tools()
    if missing:
        print(f"bench_scan_load: skipped, needs {', '.join(missing)}")
        return 0
    count, loads = args.codes, [int(n) for n in args.loops.split(",")]
    if args.small:
        count, loads = 8, [0, 2]
    codes = mixed_case_codes(count, seed=77)
    print(f"{count} mixed-case codes at {'/'.join(map(str, PER_KEY_MS))} ms per key, search box focused")
    with tempfile.TemporaryDirectory() as tmp:
        for loops in loads:
            whole, cut, missing_scans, load = run_load(loops, codes, Path(tmp))
            print(
                f"busy loops {loops}: {whole}/{count} whole, {cut} cut, "
                f"{missing_scans} with no scan (load average {load:.1f}; floor: 0 loops)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
