"""One print worker per desk of an event, whichever process runs it (window, terminal desk, `printers work`).

Two workers on one queue would not print a badge twice (claiming a job is one UPDATE), but the second
one's start-up would put the first one's job in hand back in the queue as "interrupted", and it would
come out twice. So a worker holds an exclusive lock on a small file beside the event database while it
sends; the operating system drops the lock when the process dies, even by kill -9, so a crashed worker
never blocks the next one. The file holds the holder's process id, for messages.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from pathlib import Path

from checkin_desk.errors import CheckinDeskError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here; one worker per desk is then up to the user
    fcntl = None

log = logging.getLogger(__name__)


class WorkerBusy(CheckinDeskError, RuntimeError):
    def __init__(self, desk: str, pid: int | None):
        who = f" (process {pid})" if pid else ""
        super().__init__(f"a print worker for desk {desk} of this event is already running{who}")
        self.desk = desk
        self.pid = pid


def lock_path(db_path: str | os.PathLike, desk: str) -> Path:
    db = Path(db_path)
    slug = re.sub(r"[^A-Za-z0-9_-]", "_", desk)[:40]
    digest = hashlib.sha1(desk.encode("utf-8")).hexdigest()[:8]  # two desks whose slugs collide
    return db.with_name(f".{db.name}.print-{slug}-{digest}.lock")


class WorkerLock:
    """`acquire()` -> True when this process now holds the desk's lock; `release()` gives it back."""

    def __init__(self, db_path: str | os.PathLike, desk: str):
        self.path = lock_path(db_path, desk)
        self.desk = desk
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # a read-only folder: printing matters more than the guard
            log.warning("print worker lock %s cannot be made (%s); running without it", self.path, exc)
            return True
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return True

    def holder(self) -> int | None:
        """The process id written by the worker that holds (or last held) the lock."""
        with contextlib.suppress(OSError, ValueError):
            return int(self.path.read_text().strip() or 0) or None
        return None

    def busy(self) -> bool:
        """Whether another process's worker holds the lock now (without taking it)."""
        if self._fd is not None:
            return False
        if not self.acquire():
            return True
        self.release()
        return False

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
