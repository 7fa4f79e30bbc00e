"""Large CSV imports on two cores: a parser process reads, validates and folds the rows while this
process writes them to SQLite.

Half of an import's time is Python work per row (csv, cleaning, validation, search folding) and
half is SQLite. A thread cannot overlap them (executemany takes the GIL back at every row); a second
process can. The parser reads the file from start to end, so a quoted newline inside a cell is read
exactly as the one-process path reads it. It sends batches of rows (each row: the attendee values in
store.ATTENDEE_FIELDS order, then its three search columns) and, at the end, its ImportResult: row
counts and the errors with their row numbers. An exception in the parser (bad encoding, unreadable
file) is raised again here, so that import_file's fallbacks work as in the one-process path.

Into an event without attendees (a first import), the parser also builds the search index, in a
file of its own, and numbers the rows: each row is then (id, *attendee values), and the writer
adopts the finished index (Store.load_into_empty). The writer's share is then the attendee rows
alone, and the two processes take about the same time.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from checkin_desk.imports import readers as importers
from checkin_desk.storage import search_index
from checkin_desk.storage.search_index import search_values

# Below this size the parser process costs more to start than it saves.
PARALLEL_MIN_BYTES = 4 << 20
BATCH = 5000
QUEUED = 4
WATCHDOG_SECONDS = 0.2


def wanted(path: Path) -> bool:
    """Whether import_file should parse this file in a second process."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".json", ".xls", ".ods", ".numbers"):
        return False
    try:
        return path.stat().st_size >= PARALLEL_MIN_BYTES and (multiprocessing.cpu_count() or 1) > 1
    except OSError:
        return False


def _die_with(parent: int) -> None:
    """Make this process end when the importing process does, however that one ends (kill -9).

    On Linux the kernel sends SIGKILL at the parent's death (PR_SET_PDEATHSIG); everywhere, a
    watchdog thread sees the process being handed to another parent and exits.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(1)

    if os.getppid() != parent:  # already gone before the watch began
        os._exit(1)
    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _parse(
    conn, path: Path, encoding: str | None, options, event_days, search_file, saved, parent, inherited
) -> None:
    """The parser process: messages ("table", header, info, plan), ("rows", [...]) ..., ("end", result).

    A thread sends them, so that parsing goes on while a message waits for the writer to read it
    (a pipe holds 64 kB; a batch is ~1 MB); the queue keeps at most QUEUED batches in memory.
    `inherited`: the writer's end of the pipe, which a forked parser holds too and must close, or a
    write to a pipe whose reader died would block forever instead of failing.
    """
    if inherited is not None:
        inherited.close()
    _die_with(parent)
    outbox: queue.Queue = queue.Queue(maxsize=QUEUED)

    def send_all() -> None:
        while (data := outbox.get()) is not None:
            try:
                conn.send_bytes(data)
            except OSError:  # the writer stopped reading (it failed or was closed): stop quietly
                while outbox.get() is not None:
                    pass
                return

    sender = threading.Thread(target=send_all, daemon=True)
    sender.start()

    def send(message: tuple) -> None:
        outbox.put(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    builder = None
    next_id = 1

    def send_batch(batch: list[tuple]) -> None:
        nonlocal next_id
        if builder is None:
            send(("rows", [values + search_values(values) for values in batch]))
            return
        # Sorted by code, the rows land next to each other in the writer's code index.
        batch.sort(key=itemgetter(0))
        numbered = [(number, *values) for number, values in enumerate(batch, start=next_id)]
        next_id += len(numbered)
        send(("rows", numbered))
        builder.add(numbered)

    try:
        header, rows, info = importers.read_table(path, encoding)
        close = info.pop("close", None)
        try:
            plan = importers.plan_table(header, options, saved)
            send(("table", header, info, plan))
            if search_file is not None:
                builder = search_index.Builder(search_file)
            result = importers.ImportResult()
            batch: list[tuple] = []
            for values in importers.validated(rows, plan.mapping, event_days, result, plan.row_options):
                batch.append(values)
                if len(batch) >= BATCH:
                    send_batch(batch)
                    batch = []
            if batch:
                send_batch(batch)
            if builder is not None:
                builder.finish()
                builder = None
            send(("end", result))
        finally:
            if builder is not None:
                builder.abandon()
            if close:
                close()
    except BaseException as exc:  # every failure goes back to the writing process
        try:
            send(("error", exc))
        except Exception:  # an exception that does not pickle
            send(("error", RuntimeError(f"{exc.__class__.__name__}: {exc}")))
    finally:
        outbox.put(None)
        sender.join()
        conn.close()


class ParsedTable:
    """The parser process seen from the writer: header, mapping, then rows, then the parser's result."""

    def __init__(
        self,
        path: Path,
        encoding: str | None,
        options,
        event_days: tuple[str, ...],
        search_file: Path | None = None,
        saved_categories: dict[str, str] | None = None,
    ):
        """`search_file`: build the search index there and number the rows (a first import)."""
        # fork starts in milliseconds; with other threads running (a GUI), fork is unsafe: spawn.
        method = "fork" if threading.active_count() == 1 else "spawn"
        context = multiprocessing.get_context(method)
        self._conn, child_conn = context.Pipe(duplex=False)
        inherited = self._conn if method == "fork" else None
        args = (
            child_conn,
            path,
            encoding,
            options,
            event_days,
            search_file,
            saved_categories,
            os.getpid(),
            inherited,
        )
        self._process = context.Process(target=_parse, args=args, daemon=True)
        self._process.start()
        child_conn.close()
        self.result: importers.ImportResult | None = None
        try:
            _, self.header, self.info, self.plan = self._receive("table")
            self.mapping = self.plan.mapping
        except BaseException:
            self.close()
            raise

    def _receive(self, *expected: str) -> tuple:
        try:
            message = self._conn.recv()
        except EOFError:
            raise importers.ImportFileError("the import's parser process stopped unexpectedly") from None
        if message[0] == "error":
            raise message[1]
        if message[0] not in expected:
            raise RuntimeError(f"parser sent {message[0]!r}, expected {expected}")
        return message

    def batches(self) -> Iterator[list[tuple]]:
        """Valid rows, a batch at a time: with their search columns, or numbered when the parser
        builds the search index. Afterwards `result` holds the parser's report (and the search
        index is complete)."""
        while True:
            message = self._receive("rows", "end")
            if message[0] == "end":
                self.result = message[1]
                return
            yield message[1]

    def rows(self) -> Iterator[tuple]:
        for batch in self.batches():
            yield from batch

    def close(self) -> None:
        self._conn.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
