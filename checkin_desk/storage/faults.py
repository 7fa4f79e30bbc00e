"""What went wrong with the event database, in words desk staff can act on.

SQLite says "database is locked", "database or disk is full" or "attempt to write a readonly
database"; staff need to hear which file, what to do, and — for a lock — which program holds it.
`fault(exc, path)` turns an `sqlite3.OperationalError` into a `StorageFault` that says so; the
desk, the terminal desk and the window show its message and keep the scan to try again.

Which program holds the lock comes from the kernel's table of file locks (/proc/locks on Linux):
in WAL mode a writer holds SQLite's write lock, one byte of the `-shm` file; in rollback-journal
mode the RESERVED/PENDING bytes of the database file itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

from checkin_desk.storage.errors import StoreError

# SQLite's primary result codes (an extended code's low byte is its primary code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
SQLITE_READONLY_DIRECTORY = SQLITE_READONLY | (6 << 8)
# Growing the -shm file failed: on a disk already full when the database was opened, this is how
# "disk full" arrives (the -shm is made before anything else is written).
SQLITE_IOERR_SHMSIZE = SQLITE_IOERR | (19 << 8)
FULL_BELOW_BYTES = 64 * 1024  # an I/O error with less room than this left is a full disk

# Lock bytes (sqlite3.c): the WAL write lock is byte 120 of the -shm file; a rollback-journal
# writer holds the RESERVED byte (PENDING_BYTE + 1) of the database file.
_WAL_WRITE_LOCK = 120
_PENDING_BYTE = 0x40000000
_RESERVED_BYTE = _PENDING_BYTE + 1

KINDS = ("busy", "full", "readonly", "readonly_folder", "io", "corrupt", "cantopen")

# How a message says the trouble is this desk's own database file (the sync loop writes it, the trouble
# words of services.trouble look for it): not the hub's.
LOCAL_STORE_MARK = "this desk's database"


class StorageFault(StoreError, sqlite3.OperationalError):
    """Expected trouble with the database file (busy, disk full, read-only...). The message is for
    staff. Still an `sqlite3.OperationalError`, so code that caught that goes on catching it."""

    def __init__(self, message: str, kind: str, path: str = ""):
        super().__init__(message)
        self.kind = kind
        self.path = path

    @property
    def busy(self) -> bool:
        return self.kind == "busy"


def primary_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(exc: BaseException) -> bool:
    if primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED):
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def kind_of(exc: BaseException) -> str | None:
    """One of KINDS, or None when the error is not trouble with the file (a bug, a bad statement)."""
    if isinstance(exc, StorageFault):
        return exc.kind
    if is_busy(exc):
        return "busy"
    code = getattr(exc, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    text = str(exc).lower()
    if primary == SQLITE_FULL or "disk is full" in text:
        return "full"
    if code == SQLITE_READONLY_DIRECTORY:
        return "readonly_folder"
    if primary in (SQLITE_READONLY, SQLITE_PERM) or "readonly database" in text:
        return "readonly"
    if primary == SQLITE_IOERR or "disk i/o error" in text:
        return "io"
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text:
        return "corrupt"
    if primary == SQLITE_CANTOPEN or "unable to open database" in text:
        return "cantopen"
    return None


def fault(exc: BaseException, path: str | os.PathLike) -> StorageFault | None:
    """A StorageFault telling staff what is wrong with `path`, or None when `exc` is not such trouble."""
    if isinstance(exc, StorageFault):
        return exc
    if not isinstance(exc, sqlite3.Error):
        return None
    kind = kind_of(exc)
    if kind is None:
        return None
    path = str(path)
    name = Path(path).name
    folder = str(Path(path).parent)
    if kind == "io" and (getattr(exc, "sqlite_errorcode", None) == SQLITE_IOERR_SHMSIZE or _no_room(folder)):
        kind = "full"
    if kind == "busy":
        return StorageFault(
            f"the event database {name} is busy: {holder_text(path)} is writing to it", kind, path
        )
    if kind == "full":
        free = _free_space(folder)
        return StorageFault(
            f"the disk holding {folder} is full{f' ({free} left)' if free else ''}: free some space "
            f"(or move {name} to a disk with room)",
            kind,
            path,
        )
    if kind in ("readonly", "readonly_folder", "cantopen"):
        return StorageFault(_read_only_text(path, kind), _read_only_kind(path, kind), path)
    if kind == "io":
        return StorageFault(
            f"the disk could not write {path} ({getattr(exc, 'sqlite_errorname', exc)}): check the disk "
            "or USB stick it is on",
            kind,
            path,
        )
    return StorageFault(f"{path} is damaged ({exc}); use a copy or the hub to rebuild it", kind, path)


def user_message(exc: BaseException, path: str | os.PathLike = "") -> str:
    """The words to show for an expected error: a fault's, else the exception's own."""
    found = fault(exc, path) if isinstance(exc, sqlite3.Error) else None
    return str(found) if found is not None else str(exc)


# -- read-only: which of file, folder or disk ---------------------------------------------------------


def _read_only_kind(path: str, kind: str) -> str:
    folder = os.path.dirname(path) or "."
    if _mounted_read_only(folder) or not os.access(folder, os.W_OK):
        return "readonly_folder"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "readonly"
    return kind if kind != "cantopen" else "readonly_folder"


def _read_only_text(path: str, kind: str) -> str:
    folder = os.path.dirname(path) or "."
    if _mounted_read_only(folder):
        return f"the disk holding {folder} is read-only (write-protected or mounted read-only): nothing can be recorded on it"
    if not os.access(folder, os.W_OK):
        return (
            f"the folder {folder} is read-only: the desk needs to create its files there "
            "(give this user write access to the folder)"
        )
    for candidate in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(candidate) and not os.access(candidate, os.W_OK):
            return f"the file {candidate} is read-only: give this user write access to it"
    if kind == "cantopen":
        return f"{path} cannot be opened for writing (was it moved or deleted?)"
    return f"{path} is read-only: give this user write access to it and to its folder"


def _mounted_read_only(folder: str) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _no_room(folder: str) -> bool:
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def _free_space(folder: str) -> str:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    for unit in ("bytes", "kB", "MB", "GB"):
        if free < 1024 or unit == "GB":
            return f"{free:.0f} {unit}" if unit == "bytes" else f"{free:.1f} {unit}"
        free /= 1024
    return ""


# -- who holds the lock --------------------------------------------------------------------------------


def lock_holders(path: str | os.PathLike) -> list[int]:
    """Process ids holding the write lock of the SQLite database at `path` (empty when unknown)."""
    path = str(path)
    wanted: list[tuple[str, int, set[int]]] = []
    for candidate, offsets in ((f"{path}-shm", {_WAL_WRITE_LOCK}), (path, {_PENDING_BYTE, _RESERVED_BYTE})):
        with contextlib.suppress(OSError):
            st = os.stat(candidate)
            wanted.append((f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}", st.st_ino, offsets))
    if not wanted:
        return []
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    pids: list[int] = []
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a process waiting for the lock, not holding it
            continue
        try:
            kind, pid, where, start, end = fields[3], int(fields[4]), fields[5], fields[6], fields[7]
            device, inode = where.rsplit(":", 1)
            first = int(start)
            last = None if end == "EOF" else int(end)
        except (IndexError, ValueError):
            continue
        if kind != "WRITE" or pid <= 0:
            continue
        for dev, ino, offsets in wanted:
            covered = any(first <= off and (last is None or off <= last) for off in offsets)
            if int(inode) == ino and _same_device(device, dev) and covered and pid not in pids:
                pids.append(pid)
    return pids


def _same_device(proc_dev: str, dev: str) -> bool:
    try:
        a = [int(x, 16) for x in proc_dev.split(":")]
        b = [int(x, 16) for x in dev.split(":")]
    except ValueError:
        return False
    return a == b


def describe_process(pid: int) -> str:
    """'pid 123: checkin-desk import list.csv' (the command line, shortened), or 'pid 123'."""
    if pid == os.getpid():
        return f"this program (pid {pid})"
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"pid {pid}"
    words = [w.decode("utf-8", "replace") for w in raw.split(b"\0") if w]
    # "python -m checkin_desk import x" reads better as "checkin-desk import x".
    for i, word in enumerate(words):
        name = os.path.basename(word)
        if name in ("checkin-desk", "checkin_desk") or (word == "-m" and i + 1 < len(words)):
            if word == "-m":
                words = ["checkin-desk" if words[i + 1] == "checkin_desk" else words[i + 1], *words[i + 2 :]]
            else:
                words = ["checkin-desk", *words[i + 1 :]]
            break
    else:
        words = [os.path.basename(words[0]), *words[1:]] if words else []
    # File names without their folders: "checkin-desk --db event.sqlite import list.csv".
    words = [os.path.basename(w) if os.sep in w and not w.endswith(os.sep) else w for w in words]
    text = " ".join(" ".join(words).split())
    if len(text) > 100:
        text = text[:97] + "..."
    return f"pid {pid}: {text}" if text else f"pid {pid}"


def holder_text(path: str | os.PathLike) -> str:
    pids = lock_holders(path)
    if not pids:
        return "another program"
    return "another program (" + "; ".join(describe_process(pid) for pid in pids) + ")"
