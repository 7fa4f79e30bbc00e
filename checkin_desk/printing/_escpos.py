"""Import python-escpos without its side effects (3.1).

- it calls logging.basicConfig() on import: we put the root logger back as it was;
- it pickles its capabilities into a fresh temp dir per process unless ESCPOS_CAPABILITIES_PICKLE_DIR
  is set: we point it at our cache directory;
- its printer modules log through the root logger (logging.info): left to the application's config.
We never call its image() (it dithers) nor anything that prints the media-width notice.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path


def _pickle_dir() -> str:
    from checkin_desk.util.config import data_dir

    path = Path(data_dir()).parent / "cache" / "escpos" if os.environ.get("CHECKIN_DESK_HOME") else None
    if path is None:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("checkin-desk")) / "escpos"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


@cache
def printer_module():
    """`escpos.printer`, imported once and quietly."""
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _pickle_dir())
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import escpos.printer as module
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    logging.getLogger("escpos").setLevel(logging.WARNING)
    return module
