"""How bytes reach a printer: python-escpos' device classes for ESC/POS, `lp` for CUPS, files for folders.

Each transport turns the library's many exceptions into one PrintError that names the printer and says
what to check. Only the network transport reads the printer's status back (DLE EOT).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from checkin_desk.printing import _escpos
from checkin_desk.printing.errors import PrinterConfigError, PrintError
from checkin_desk.printing.registry import PrinterConfig, parse_host_port, parse_usb_id
from checkin_desk.printing.status import QUERY_ALL, PrinterStatus, parse_status


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect: float = 2.0  # giving up on a network printer that does not answer
    io: float = 5.0  # a printer that stops taking bytes
    status: float = 2.0  # a printer that does not answer DLE EOT

    def __post_init__(self):
        if self.connect > 2.0:
            raise ValueError("the connect timeout must stay at or below 2 s (scanning must never wait on it)")


def unsent_bytes(sock: socket.socket) -> int | None:
    """Bytes written to a TCP socket that the peer has not acknowledged yet; None where the system
    cannot tell. A printer's network interface acknowledges what it has taken into its buffer."""
    try:
        if sys.platform.startswith("linux"):
            import fcntl
            import termios

            answer = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")  # SIOCOUTQ
            return struct.unpack("i", answer)[0]
        if sys.platform == "darwin":
            return sock.getsockopt(socket.SOL_SOCKET, 0x1024)  # SO_NWRITE
    except OSError:
        return None
    return None


class Transport:
    bidirectional = False

    def __init__(self, printer: PrinterConfig, timeouts: Timeouts):
        self.printer = printer
        self.timeouts = timeouts

    def error(self, message: str, *, move_now: bool = False) -> PrintError:
        return PrintError(self.printer.name, message, move_now=move_now)

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self) -> None: ...

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def drain(self) -> None:
        """Return once the bytes written have left for the printer; PrintError when they do not."""

    def status(self) -> PrinterStatus:
        raise NotImplementedError

    def side_status(self) -> PrinterStatus | None:
        """Status read outside the data connection (a Brother QL's SNMP); None where there is none."""
        return None

    def close(self) -> None: ...


SNMP_PORT = 161
SNMP_WAIT = 0.5  # seconds: an SNMP agent on the printer's network answers in milliseconds


class NetworkTransport(Transport):
    """Raw TCP (port 9100) on a plain socket with short timeouts, for every printer language.

    Not escpos.printer.Network: in python-escpos 3.1 its open() drops the socket without closing it when
    the connection fails (a ResourceWarning per retry), and it offers nothing beyond sendall/recv.
    Status: ESC/POS answers DLE EOT, ZPL answers ~HS, a Brother QL answers nothing on this port (its
    status is read over SNMP: `side_status`).
    """

    bidirectional = True

    def __init__(self, printer, timeouts):
        super().__init__(printer, timeouts)
        self.host, self.port = parse_host_port(printer.target)
        self.sock: socket.socket | None = None
        self.language = printer.language
        self.bidirectional = bool(printer.options.get("status", True)) and self.language != "brother-ql"

    def open(self) -> None:
        try:
            self.sock = socket.create_connection((self.host, self.port), timeout=self.timeouts.connect)
        except TimeoutError as exc:
            raise self.error(
                f"cannot connect to {self.host}:{self.port} (no answer within {self.timeouts.connect:g} s); "
                "check that it is switched on, on the same network, and that the address is right"
            ) from exc
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise self.error(
                f"cannot connect to {self.host}:{self.port} ({reason}); check that it is switched on, "
                "on the same network, and that the address is right"
            ) from exc
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(self.timeouts.io)

    def write(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except TimeoutError as exc:
            raise self.error(
                f"stopped taking data for {self.timeouts.io:g} s (stalled); "
                "check it for a jam or an error light"
            ) from exc
        except OSError as exc:
            raise self.error(
                f"connection lost while sending ({exc.strerror or exc}); check its power and cable"
            ) from exc

    def drain(self) -> None:
        """Wait until the printer has acknowledged every byte, within the I/O timeout.

        sendall() returns once the bytes are in this machine's send buffer: a printer that takes the
        connection and never reads (hung, or switched off mid-job) would get the badge marked printed.
        Used where the printer cannot answer a status query (--no-status, Brother QL on the network).
        """
        sock = self.sock
        deadline = time.monotonic() + self.timeouts.io
        pause = 0.0005
        while True:
            left = unsent_bytes(sock)
            if left is None or left == 0:
                return
            if time.monotonic() >= deadline:
                raise self.error(
                    f"took the connection but not the last {left} bytes of the badge within "
                    f"{self.timeouts.io:g} s (hung, or switched off); the badge is not marked printed"
                )
            time.sleep(pause)  # the kernel offers no wait for this: poll, quickly at first
            pause = min(pause * 2, 0.002)  # a printer drains 100 kB in ms: wake often, it costs nothing

    def side_status(self) -> PrinterStatus | None:
        if self.language != "brother-ql" or not self.printer.options.get("status", True):
            return None
        from checkin_desk.printing import brother

        port = int(self.printer.options.get("snmp_port", SNMP_PORT))
        try:
            return brother.network_status(self.host, port, min(self.timeouts.status, SNMP_WAIT))
        except ValueError as exc:
            raise self.error(f"{exc} (add it with --no-status if it cannot answer)") from None

    def status(self) -> PrinterStatus:
        if self.language == "zpl":
            from checkin_desk.printing import zpl

            answer = self._ask(zpl.STATUS_QUERY, zpl.status_complete, silent_means_trouble=True)
            try:
                return zpl.parse_host_status(answer)
            except ValueError as exc:
                raise self.error(
                    f"{exc}; is it a ZPL printer? (add it with --no-status if it cannot answer)"
                ) from None
        answer = self._ask(QUERY_ALL, lambda got: len(got) >= 4)
        try:
            return parse_status(answer[:4])
        except ValueError as exc:
            raise self.error(
                f"{exc}; is it an ESC/POS printer? (add it with --no-status if it cannot answer)"
            ) from None

    def _ask(self, query: bytes, complete, *, silent_means_trouble: bool = False) -> bytes:
        sock = self.sock
        deadline = time.monotonic() + self.timeouts.status
        try:
            sock.sendall(query)
            answer = b""
            while not complete(answer):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                chunk = sock.recv(4096)
                if not chunk:
                    raise self.error(
                        "closed the connection before answering the status query; check its power"
                    )
                answer += chunk
        except TimeoutError as exc:
            # A Zebra says nothing to ~HS while it is out of media, its head is open or its ribbon out.
            hint = " (Zebra printers are silent when out of labels or with the head open)"
            raise self.error(
                f"did not answer the status query within {self.timeouts.status:g} s (stalled or busy"
                f"{hint if silent_means_trouble else ''}); check it for an error light",
                move_now=silent_means_trouble,
            ) from exc
        except OSError as exc:
            raise self.error(f"connection lost ({exc.strerror or exc}); check its power and cable") from exc
        finally:
            sock.settimeout(self.timeouts.io)
        return answer

    def close(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.sock = None


class EscposDeviceTransport(Transport):
    """USB, serial and device-file printers: write-only here."""

    def open(self) -> None:
        escpos = _escpos.printer_module()
        p, opts = self.printer, self.printer.options
        # python-escpos 3.1 makes the object, then fails in open() and again in __del__ -> close() when
        # pyusb / pyserial is missing: check first, and never make the object.
        missing = {
            "escpos-usb": ("Usb", "USB device", "pyusb (pip install pyusb) and libusb"),
            "escpos-serial": ("Serial", "serial port", "pyserial (pip install pyserial)"),
        }.get(p.kind)
        if missing and not getattr(escpos, missing[0]).is_usable():
            raise self.error(f"cannot open {missing[1]} {p.target} ({missing[2]} not installed); install it")
        try:
            if p.kind == "escpos-usb":
                vid, pid = parse_usb_id(p.target)
                self.device = escpos.Usb(
                    vid,
                    pid,
                    timeout=int(self.timeouts.io * 1000),
                    in_ep=opts.get("in_ep", 0x82),
                    out_ep=opts.get("out_ep", 0x01),
                )
                what = f"USB device {p.target}"
                check = "the cable, that libusb is installed, and that this user may use it (udev rule)"
            elif p.kind == "escpos-serial":
                self.device = escpos.Serial(
                    p.target, baudrate=int(opts.get("baudrate", 9600)), timeout=self.timeouts.io
                )
                what = f"serial port {p.target}"
                check = "the cable, and that this user may open the port (dialout group)"
            else:  # any language: the device file takes raw bytes
                self.device = escpos.File(p.target)
                what = f"device file {p.target}"
                check = "that the printer is plugged in and that this user may write to the file (lp group)"
            self.device.open()
        except PrintError:
            raise
        except Exception as exc:  # the library raises RuntimeError, DeviceNotFoundError, USBError, OSError...
            self.device = None
            reason = str(exc).replace("\n", " ").strip() or type(exc).__name__
            raise self.error(f"cannot open {what} ({reason}); check {check}") from exc

    def write(self, data: bytes) -> None:
        try:
            self.device._raw(data)
            flush = getattr(self.device, "flush", None)
            if flush:
                flush()
        except Exception as exc:
            raise self.error(f"writing failed ({exc}); check its cable and power") from exc

    def close(self) -> None:
        if getattr(self, "device", None) is not None:
            with contextlib.suppress(Exception):
                self.device.close()
            self.device = None


def queue_warning(printer: PrinterConfig) -> str | None:
    """Why a CUPS printer cannot print yet (its queue is not on this machine), or None. A warning, not
    a refusal: the queue may be created after the printer is added, or on the day."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return "the `lpstat` command is missing, so the CUPS queue could not be checked; install CUPS"
    try:
        done = subprocess.run([lpstat, "-p", printer.target], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the CUPS queue could not be checked ({exc})"
    if done.returncode != 0:
        return (
            f"CUPS has no queue named {printer.target!r} on this machine (`lpstat -p` lists them); "
            "badges sent to this printer will fail until it exists"
        )
    return None


def lp_submit(printer: PrinterConfig, data: bytes, *, raw: bool, title: str, timeout: float = 15.0) -> str:
    """Hand a document to CUPS with `lp` (raw ESC/POS bytes or a PDF). Returns lp's request id line."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError(printer.name, "the `lp` command is missing; install CUPS (cups-client)")
    cmd = [lp, "-d", printer.target, "-t", title]
    if raw:
        cmd += ["-o", "raw"]
    for option in printer.options.get("lp_options", []):  # e.g. media=A6, fit-to-page
        cmd += ["-o", str(option)]
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PrintError(
            printer.name, f"CUPS did not take the job within {timeout:g} s; is cupsd running?"
        ) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrintError(
            printer.name,
            f"CUPS refused the job ({message[-1] if message else f'lp exit {done.returncode}'}); "
            f"check the queue with `lpstat -p {printer.target}`",
        )
    return done.stdout.decode("utf-8", "replace").strip()


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    """One file per job, never half-written: temp file in the same folder, fsync, rename."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        final = folder / name
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def open_transport(printer: PrinterConfig, timeouts: Timeouts) -> Transport:
    if printer.transport == "network":
        try:
            return NetworkTransport(printer, timeouts)
        except ValueError as exc:
            raise PrinterConfigError(printer.name, str(exc)) from exc
    if printer.transport in ("usb", "serial", "file"):
        return EscposDeviceTransport(printer, timeouts)
    raise PrinterConfigError(printer.name, f"{printer.kind} is not a direct transport")
