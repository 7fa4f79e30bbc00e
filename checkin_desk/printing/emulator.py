"""A network thermal printer on loopback, for tests, the demo and staff training.

It listens like a printer on port 9100 and speaks one printer language: ESC/POS (each badge's `GS v 0`
raster, DLE EOT status), ZPL II (each label's ^GFA graphic, ~HS status) or Brother QL (each page of
raster lines; its status over SNMP on a UDP port of its own, `snmp_port`, like the real ones' status
on SNMP beside port 9100). It turns every badge back into a PNG in
its folder (badge-0001.png, badge-0002.png, ... in the order they were printed) and can be told at
run time to misbehave:

    normal     prints and answers "ready"
    refuse     stops listening: connections are refused
    stall      accepts connections but never reads from them (what is sent to it is never printed)
    paper-out  answers "out of paper" (out of labels) and prints nothing
    cover-open answers "cover open" and prints nothing
and, once, `drop_next_job(after_bytes)`: disappear in the middle of the next job (reset the connection).

    emu = PrinterEmulator(tmp_path).start()     # emu.address == "127.0.0.1:PORT"
    emu.set_mode("paper-out"); emu.wait_for_badges(1, timeout=5); emu.stop()
"""

from __future__ import annotations

import contextlib
import enum
import logging
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from checkin_desk.printing.raster import ParsedJob, Parser
from checkin_desk.printing.status import PrinterStatus, encode_status

PROTOCOLS = ("escpos", "zpl", "brother-ql")

log = logging.getLogger(__name__)


class Mode(enum.StrEnum):
    NORMAL = "normal"
    REFUSE = "refuse"
    STALL = "stall"
    PAPER_OUT = "paper-out"
    COVER_OPEN = "cover-open"


RECEIVE_BUFFER = 4096  # bytes; Linux doubles it


@dataclass(frozen=True, slots=True)
class Badge:
    number: int
    path: Path | None
    size: tuple[int, int]
    received_at: float  # time.perf_counter() when the chunk holding the cut arrived (its last byte)
    connection: int


@dataclass
class _Conn:
    sock: socket.socket
    number: int
    parser: Parser | None = None
    job: ParsedJob = field(default_factory=ParsedJob)
    received: int = 0
    drop_after: int | None = None
    chunk_at: float = 0.0


class PrinterEmulator:
    def __init__(
        self,
        out_dir: str | Path | None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        mode: Mode | str = Mode.NORMAL,
        save_png: bool = True,
        protocol: str = "escpos",
        model: str = "QL-820NWB",
    ):
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown printer protocol {protocol!r} (one of {', '.join(PROTOCOLS)})")
        self.protocol = protocol
        self.model = model
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.host = host
        self.port = port
        self.mode = Mode(mode)
        self.save_png = save_png and self.out_dir is not None
        self.badges: list[Badge] = []
        self.discarded = 0  # jobs received but not printed (paper out, dropped mid-job)
        self.status_queries = 0
        self.snmp_port = 0  # brother-ql: the UDP port its status is read on (SNMP)
        self._snmp: socket.socket | None = None
        self.connections = 0
        self._cond = threading.Condition()
        self._sel: selectors.BaseSelector | None = None
        self._listener: socket.socket | None = None
        self._stalled: list[socket.socket] = []
        self._conns: dict[socket.socket, _Conn] = {}
        self._drop_next: int | None = None
        self._thread: threading.Thread | None = None
        self._running = False
        self._waker_r, self._waker_w = socket.socketpair()
        self._next_number = 1

    # -- control (any thread) ----------------------------------------------------------------------

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> PrinterEmulator:
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            taken = [
                int(p.stem.split("-")[1]) for p in self.out_dir.glob("badge-*.png") if p.stem[6:].isdigit()
            ]
            self._next_number = max(taken, default=0) + 1
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._waker_r, selectors.EVENT_READ, "waker")
        if self.protocol == "brother-ql":
            self._snmp = socket.socket(
                socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_DGRAM
            )
            self._snmp.bind((self.host, 0))
            self._snmp.setblocking(False)
            self.snmp_port = self._snmp.getsockname()[1]
            self._sel.register(self._snmp, selectors.EVENT_READ, "snmp")
        if self.mode is not Mode.REFUSE:
            self._listen()
        elif not self.port:
            raise ValueError("an emulator that starts refusing needs a fixed port")
        self._running = True
        self._thread = threading.Thread(target=self._loop, name="printer-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._running = False
        self._poke()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        for sock in [*self._conns, *self._stalled]:
            sock.close()
        self._conns.clear()
        self._stalled.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._snmp is not None:
            self._snmp.close()
            self._snmp = None
        if self._sel is not None:
            self._sel.close()
            self._sel = None
        self._waker_r.close()
        self._waker_w.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def set_mode(self, mode: Mode | str) -> None:
        with self._cond:
            self.mode = Mode(mode)
        self._poke()

    def drop_next_job(self, after_bytes: int = 1000) -> None:
        """Disappear (connection reset, job lost) after `after_bytes` bytes of the next connection."""
        with self._cond:
            self._drop_next = after_bytes

    def wait_for_badges(self, count: int, timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.badges) >= count, timeout)

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        """Wait until predicate(emulator) holds (checked whenever something happens)."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    def _poke(self) -> None:
        with contextlib.suppress(OSError):
            self._waker_w.send(b"x")

    # -- the loop (emulator thread) ----------------------------------------------------------------

    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A printer's receive buffer is a few KiB, not the megabytes a PC's TCP stack offers: a stalled
        # printer then leaves most of a badge unacknowledged, as a real one does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.bind((self.host, self.port))
        sock.listen(16)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        self._listener = sock
        self._sel.register(sock, selectors.EVENT_READ, "listener")

    def _unlisten(self) -> None:
        if self._listener is not None:
            self._sel.unregister(self._listener)
            self._listener.close()
            self._listener = None

    def _apply_mode(self) -> None:
        if self.mode is Mode.REFUSE and self._listener is not None:
            self._unlisten()
        elif self.mode is not Mode.REFUSE and self._listener is None:
            self._listen()
        if self.mode is not Mode.STALL and self._stalled:
            for sock in self._stalled:  # a hung printer that is reset loses what it held
                self._reset(sock)
            self._stalled.clear()

    def _loop(self) -> None:
        while self._running:
            for key, _ in self._sel.select(timeout=1.0):
                if key.data == "waker":
                    self._waker_r.recv(4096)
                    with self._cond:
                        self._apply_mode()
                elif key.data == "listener":
                    self._accept()
                elif key.data == "snmp":
                    self._snmp_answer()
                else:
                    self._read(key.fileobj)

    def _accept(self) -> None:
        try:
            sock, _ = self._listener.accept()
        except (BlockingIOError, OSError):
            return
        with self._cond:
            self.connections += 1
            number = self.connections
            if self.mode is Mode.STALL:
                self._stalled.append(sock)
                self._cond.notify_all()
                return
            conn = _Conn(sock, number, drop_after=self._drop_next)
            self._drop_next = None
            self._cond.notify_all()
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.protocol == "zpl":
            conn.parser = ZplParser(
                lambda img, c=conn: self._page(c, img), lambda c=conn: self._zpl_status(c)
            )
        elif self.protocol == "brother-ql":
            conn.parser = BrotherParser(lambda img, c=conn: self._page(c, img), self.model)
        else:
            conn.parser = Parser(
                lambda img, c=conn: c.job.bands.append(img),
                lambda c=conn: self._cut(c),
                lambda n, c=conn: self._status(c, n),
            )
        self._conns[sock] = conn
        self._sel.register(sock, selectors.EVENT_READ, "conn")

    def _read(self, sock: socket.socket) -> None:
        conn = self._conns.get(sock)
        if conn is None:
            return
        try:
            data = sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.chunk_at = time.perf_counter()
        if not data:
            self._close(conn, finished=True)
            return
        if conn.drop_after is not None and conn.received + len(data) > conn.drop_after:
            log.info("emulator: disappearing in the middle of a job (connection %s)", conn.number)
            self._close(conn, finished=False)
            return
        conn.received += len(data)
        conn.parser.feed(data)

    def _printer_status(self) -> PrinterStatus:
        with self._cond:
            self.status_queries += 1
            return PrinterStatus(
                paper_out=self.mode is Mode.PAPER_OUT, cover_open=self.mode is Mode.COVER_OPEN
            )

    def _status(self, conn: _Conn, n: int) -> None:
        answers = encode_status(self._printer_status())
        with contextlib.suppress(OSError):
            conn.sock.sendall(bytes([answers.get(n, 0x12)]))

    def _zpl_status(self, conn: _Conn) -> None:
        from checkin_desk.printing.zpl import encode_host_status

        status = self._printer_status()
        with contextlib.suppress(OSError):
            conn.sock.sendall(encode_host_status(status))

    def _snmp_answer(self) -> None:
        """A Brother QL's SNMP agent: GET of its status OID answers the 32-byte status reply."""
        from checkin_desk.printing import brother, snmp

        try:
            request, peer = self._snmp.recvfrom(2048)
            pdu_type, community, request_id, _error, name, _value = snmp.read_message(request)
        except (BlockingIOError, OSError, snmp.SnmpError):
            return
        if pdu_type != snmp.GET_REQUEST:
            return
        if name == snmp.BROTHER_QL_STATUS_OID:
            value = snmp.tlv(snmp.OCTET_STRING, brother.encode_status(self._printer_status()))
            answer = snmp.message(snmp.GET_RESPONSE, request_id, name, value, community)
        else:
            null = snmp.tlv(snmp.NULL, b"")
            answer = snmp.message(snmp.GET_RESPONSE, request_id, name, null, community, snmp.NO_SUCH_NAME)
        with contextlib.suppress(OSError):
            self._snmp.sendto(answer, peer)

    def _page(self, conn: _Conn, image: Image.Image) -> None:
        self._finish(conn, ParsedJob(bands=[image], cut=True))

    def _cut(self, conn: _Conn) -> None:
        job, conn.job = conn.job, ParsedJob()
        self._finish(conn, job)

    def _finish(self, conn: _Conn, job: ParsedJob) -> None:
        image = job.image()
        if image is None:
            return
        with self._cond:
            if self.mode in (Mode.PAPER_OUT, Mode.COVER_OPEN):
                self.discarded += 1
                self._cond.notify_all()
                return
            number = self._next_number
            self._next_number += 1
        path = None
        if self.save_png:
            path = self.out_dir / f"badge-{number:04d}.png"
            tmp = path.with_suffix(".tmp")
            image.save(tmp, format="PNG")
            tmp.replace(path)
        with self._cond:
            self.badges.append(Badge(number, path, image.size, conn.chunk_at, conn.number))
            self._cond.notify_all()

    def _close(self, conn: _Conn, *, finished: bool) -> None:
        self._sel.unregister(conn.sock)
        del self._conns[conn.sock]
        if finished and conn.job.bands:
            self._finish(conn, conn.job)  # a printer without a cutter: the job ends with the connection
        elif conn.job.bands or not finished:
            with self._cond:
                self.discarded += 1
                self._cond.notify_all()
        if finished:
            conn.sock.close()
        else:
            self._reset(conn.sock)

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # RST rather than FIN: like a printer switched off
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()


class ZplParser:
    """ZPL as it arrives: ~HS answered at once, each ^XA...^XZ label's graphic becomes a page."""

    def __init__(self, on_page, on_status):
        self.buf = ""
        self.on_page, self.on_status = on_page, on_status

    def feed(self, data: bytes) -> None:
        from checkin_desk.printing.zpl import parse_labels

        self.buf += data.decode("latin-1")
        while True:
            status, start = self.buf.find("~HS"), self.buf.find("^XA")
            if status != -1 and (start == -1 or status < start):
                self.buf = self.buf[:status] + self.buf[status + 3 :]
                self.on_status()
                continue
            end = self.buf.find("^XZ")
            if end == -1:
                return
            text, self.buf = self.buf[: end + 3], self.buf[end + 3 :]
            for found in parse_labels(text):
                if found.image is not None:
                    self.on_page(found.image)


class BrotherParser:
    """Brother QL raster commands as they arrive: each print command ends a page."""

    def __init__(self, on_page, model: str):
        from brother_ql.models import ModelsManager

        from checkin_desk.printing.brother import RasterStream

        models = {m.identifier: m for m in ModelsManager().iter_elements()}
        self.stream = RasterStream(models[model].number_bytes_per_row)
        self.on_page = on_page

    def feed(self, data: bytes) -> None:
        for page in self.stream.feed(data):
            self.on_page(page.image)
