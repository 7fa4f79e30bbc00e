"""`make bench`: run every benchmark script in this folder with its quick settings, one after another."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

QUICK_ARGS = {"bench_core": ["--sizes", "100000", "--samples", "1000"]}


def main() -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    for name in names:
        print(f"\n#### {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        sys.argv = [name, *QUICK_ARGS.get(name, ["--small"])]
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
