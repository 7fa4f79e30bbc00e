"""A real X session for the desk window: Xvfb, openbox, the `checkin-desk` window as a subprocess,
xdotool typing at the X level (Shift for capitals, as a USB HID scanner sends it), ImageMagick's
`import` for screenshots. Used by tests/e2e/ and by benchmarks/bench_gui.py.

Nothing here sleeps for timing: every wait polls a condition until a deadline.
"""

from __future__ import annotations

import ctypes.util
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = ("Xvfb", "openbox", "xdotool", "import", "xwininfo")
# What Qt's xcb plugin loads that a fresh Debian lacks (its error message names another one).
LIBRARIES = ("xcb-icccm", "xcb-keysyms", "xcb-cursor", "xcb-image", "xcb-render-util", "xkbcommon-x11")


def missing_tools() -> list[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    return missing + [f"lib{name}" for name in LIBRARIES if ctypes.util.find_library(name) is None]


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.02):
    """Poll `condition` until it returns something true; its value, or TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(every)


@dataclass
class XServer:
    """Xvfb on a free display with openbox running on it."""

    width: int = 1280
    height: int = 720
    display: str = ""
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(self) -> XServer:
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write),
                "-screen",
                "0",
                f"{self.width}x{self.height}x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        self.procs.append(xvfb)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()  # Xvfb writes it once it accepts connections
        if not number:
            self.stop()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        # A window manager: without one, dialogs never get the keyboard focus on a bare X server.
        self.procs.append(
            subprocess.Popen(
                ["openbox"], env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        wait_for(lambda: self.xdotool("get_desktop", check=False).returncode == 0, 10, "openbox running")
        return self

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        env.update(DISPLAY=self.display, **extra)
        return env

    def xdotool(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["xdotool", *args], env=self.env(), capture_output=True, text=True, check=check)

    def type(self, text: str, delay_ms: float) -> None:
        """Type `text` as a keyboard does, `delay_ms` between keys (xdotool's --delay)."""
        self.xdotool("type", "--delay", f"{delay_ms:g}", "--", text)

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--delay", "30", *keys)

    def screenshot(self):
        """The whole screen as a Pillow image."""
        from PIL import Image

        png = subprocess.run(
            ["import", "-window", "root", "png:-"], env=self.env(), capture_output=True, check=True
        ).stdout
        return Image.open(io.BytesIO(png)).convert("RGB")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs.clear()


@dataclass
class Geometry:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height


class DeskApp:
    """The real `checkin-desk` window, started as a subprocess on `db` (None: the machine's current
    event, as a desk starts) with its own home directory."""

    def __init__(
        self,
        x: XServer,
        db: Path | None,
        home: Path,
        *,
        desk: str = "porte-B",
        args: Sequence[str] = ("gui",),
    ):
        self.x, self.db, self.home = x, Path(db) if db else None, Path(home)
        command = [_checkin_desk()]
        command += ["--db", str(db)] if db else []
        command += ["--desk", desk] if desk else []
        command += list(args)
        self.home.mkdir(parents=True, exist_ok=True)
        self.log = (self.home / "app.err").open("wb")
        self.proc = subprocess.Popen(
            command,
            env=x.env(CHECKIN_DESK_HOME=str(self.home)),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.window = ""

    def wait_window(self, timeout: float = 30.0, name: str = "") -> str:
        """The id of the app's visible main window (or of a window whose title contains `name`)."""

        def find() -> str:
            if self.proc.poll() is not None:
                raise RuntimeError(f"checkin-desk exited ({self.proc.returncode}): {self.output()[-2000:]}")
            args = ["search", "--all", "--onlyvisible", "--pid", str(self.proc.pid)]  # --all: every condition
            if name:
                args += ["--name", name]
            found = self.x.xdotool(*args, check=False).stdout.split()
            return found[0] if found else ""

        self.window = wait_for(find, timeout, "the desk window on the X server", every=0.1)
        return self.window

    def focus(self, window: str | None = None) -> None:
        target = window or self.window
        self.x.xdotool("windowactivate", "--sync", target, check=False)
        wait_for(lambda: self.x.xdotool("getactivewindow", check=False).stdout.strip() == target, 10,
                 "the window has the focus")  # fmt: skip

    def geometry(self, window: str | None = None) -> Geometry:
        """Where the window's contents are on the screen. From xwininfo: `xdotool getwindowgeometry`
        counts a reparenting window manager's title bar twice in the position."""
        args = ["xwininfo", "-id", window or self.window]
        out = subprocess.run(args, env=self.x.env(), capture_output=True, text=True, check=True).stdout
        values = {}
        for line in out.splitlines():
            key, _, value = line.strip().partition(":")
            values[key] = value.strip()
        return Geometry(
            int(values["Absolute upper-left X"]),
            int(values["Absolute upper-left Y"]),
            int(values["Width"]),
            int(values["Height"]),
        )

    def windows(self) -> list[str]:
        found = self.x.xdotool("search", "--onlyvisible", "--pid", str(self.proc.pid), check=False)
        return found.stdout.split()

    def output(self) -> str:
        self.log.flush()
        return (self.home / "app.err").read_text("utf-8", "replace")

    def rows(self, sql: str, *params) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def wait_rows(self, sql: str, *params, until: Callable[[list[tuple]], bool], timeout: float = 15.0):
        return wait_for(lambda: (lambda r: r if until(r) else None)(self.rows(sql, *params)), timeout,
                        f"rows of {sql!r}")  # fmt: skip

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def _checkin_desk() -> str:
    beside = Path(sys.executable).with_name("checkin-desk")
    return str(beside) if beside.exists() else shutil.which("checkin-desk") or "checkin-desk"


def changed_share(before, after, box: tuple[int, int, int, int], tolerance: int = 24) -> float:
    """The share of pixels in `box` that differ between two screenshots."""
    a, b = before.crop(box).convert("RGB").tobytes(), after.crop(box).convert("RGB").tobytes()
    changed = sum(
        1
        for i in range(0, len(a), 3)
        if max(abs(a[i] - b[i]), abs(a[i + 1] - b[i + 1]), abs(a[i + 2] - b[i + 2])) > tolerance
    )
    return changed / max(1, len(a) // 3)


def colour_share(
    image, box: tuple[int, int, int, int], rgb: tuple[int, int, int], tolerance: int = 12
) -> float:
    """The share of pixels in `box` (left, top, right, bottom) within `tolerance` of `rgb`."""
    data = image.crop(box).convert("RGB").tobytes()
    r, g, b = rgb
    near = sum(
        1
        for i in range(0, len(data), 3)
        if abs(data[i] - r) <= tolerance
        and abs(data[i + 1] - g) <= tolerance
        and abs(data[i + 2] - b) <= tolerance
    )
    return near / max(1, len(data) // 3)
