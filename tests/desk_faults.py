"""Helpers for tests that hurt the desk as the world does: another program holding its database, a
full disk, read-only files and folders. The desk runs as a real process (`checkin-desk desk`)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CI = os.environ.get("CI", "").lower() == "true"


def unprivileged() -> list[str]:
    """A command prefix under which file permissions apply: root reads and writes any file, unless
    it runs without the capabilities that let it (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to apply")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


class DeskProcess:
    """`checkin-desk desk --json` in its own process: fed lines, read back one JSON answer at a time."""

    def __init__(self, db: str | Path, *extra: str, prefix: list[str] | None = None, desk: str = "desk-t"):
        self.proc = subprocess.Popen(
            [
                *(prefix or []),
                sys.executable,
                "-m",
                "checkin_desk",
                "--db",
                str(db),
                "--desk",
                desk,
                "desk",
                "--json",
                *extra,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines), daemon=True).start()
        self._err_thread = threading.Thread(target=self._drain_err, daemon=True)
        self._err_thread.start()

    @staticmethod
    def _pump(stream, out: queue.Queue) -> None:
        for line in stream:
            out.put(line)
        out.put(None)

    def _drain_err(self) -> None:
        for line in self.proc.stderr:
            self.errors.append(line.decode("utf-8", "replace"))

    def send(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def answer(self, timeout: float = 30.0) -> dict:
        """The next answer; fails when none comes within `timeout` (the desk hangs) or it exited."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no answer from the desk within {timeout} s; stderr: {''.join(self.errors)}")
        if line is None:
            pytest.fail(f"the desk exited (status {self.proc.wait()}); stderr: {''.join(self.errors)}")
        return json.loads(line)

    def scan(self, code: str, timeout: float = 30.0) -> dict:
        self.send(code.encode() + b"\n")
        return self.answer(timeout)

    def finish(self, timeout: float = 60.0) -> int:
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=timeout)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc

    def finish_all_recorded(self) -> bool:
        """The desk ended with every scan recorded. These events have no printer, so a run that
        queued badges exits 1 for them (a badge due and not printed): that alone is allowed here."""
        rc = self.finish()
        self._err_thread.join(timeout=10)
        err = "".join(self.errors)
        return rc == 0 or (rc == 1 and "not printed, still queued" in err and "NOT recorded" not in err)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError):
                pipe.close()


class LockHolder:
    """Another program that holds the event database's write lock (BEGIN IMMEDIATE) until released."""

    SCRIPT = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
        "c.execute('COMMIT')\n"
    )

    NAME = "hold-the-database.py"

    def __init__(self, db: str | Path):
        script = Path(db).parent / self.NAME
        script.write_text(self.SCRIPT)
        self.proc = subprocess.Popen(
            [sys.executable, str(script), str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.proc.stdout.readline().strip() == b"held"

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write(b"\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        self.proc.stdin.close()
        self.proc.stdout.close()


@contextlib.contextmanager
def small_disk(where: Path, size: str = "4m"):
    """A real filesystem of `size`, mounted for the test (root only), unmounted after."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is made by mounting a small tmpfs, which needs root")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        reason = f"cannot mount a tmpfs: {done.stderr.decode().strip()}"
        if CI:
            pytest.fail(reason + " (CI=true, running as root: this test must run)")
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Fill the filesystem at `disk` to its last byte; returns the filler file (delete it to free)."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 512, 1):
            block = b"\0" * size
            with contextlib.suppress(OSError):
                while os.write(fd, block):
                    pass
    finally:
        os.close(fd)
    return filler
