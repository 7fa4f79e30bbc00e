"""`make bench`: run every benchmark script in this folder with its quick settings, one after another,
each in its own process (so one's memory and Qt state cannot colour another's figures)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

QUICK_ARGS = {
    "bench_core": ["--sizes", "100000", "--samples", "1000"],
    "bench_badges": [],
    "bench_printing": ["--quick"],
    "bench_signing": [],
}


def main() -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    failed = []
    for name in names:
        print(f"\n#### {name}", flush=True)
        args = QUICK_ARGS.get(name, ["--small"])
        if subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *args], cwd=here.parent).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
