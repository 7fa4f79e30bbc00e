"""The printers of an event, stored in its database (`printers` table), and each desk's pool."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Any

from checkin_desk.printing.errors import UnknownPrinter
from checkin_desk.printing.profiles import BROTHER_QL, ESCPOS, ZPL, Profile, get_profile
from checkin_desk.storage.store import Store

ESCPOS_KINDS = ("escpos-network", "escpos-usb", "escpos-serial", "escpos-file", "escpos-cups")
ZPL_KINDS = ("zpl-network", "zpl-file", "zpl-cups")
BROTHER_KINDS = ("brother-ql-network", "brother-ql-file", "brother-ql-cups")
RASTER_KINDS = ESCPOS_KINDS + ZPL_KINDS + BROTHER_KINDS
PDF_KINDS = ("cups", "pdf-folder")
KINDS = RASTER_KINDS + PDF_KINDS
NETWORK_KINDS = ("escpos-network", "zpl-network", "brother-ql-network")
DEFAULT_PORT = 9100
_NAME = re.compile(r"^[\w][\w .@+-]{0,63}$")
CUPS_KINDS = ("escpos-cups", "zpl-cups", "brother-ql-cups", "cups")
_HOSTNAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*\.?$")
# What CUPS itself refuses in a queue name (lpadmin(8); cups's ValidateName): a name holding one of
# these can never be a queue, so it is refused when the printer is added, not at the first badge.
_CUPS_FORBIDDEN = set(" /\\?'\"#")


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    name: str
    kind: str
    target: str
    profile: str | None = None
    template: str | None = None
    pool_order: int = 0
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def escpos(self) -> bool:
        return self.kind in ESCPOS_KINDS

    @property
    def raster(self) -> bool:
        """A label or roll printer that gets the badge as dots (ESC/POS, ZPL, Brother QL), not a PDF."""
        return self.kind in RASTER_KINDS

    @property
    def language(self) -> str:
        if self.kind in ZPL_KINDS:
            return ZPL
        if self.kind in BROTHER_KINDS:
            return BROTHER_QL
        return ESCPOS if self.escpos else "pdf"

    @property
    def transport(self) -> str:
        """network, usb, serial, file, cups or folder."""
        return self.kind.rsplit("-", 1)[-1] if self.raster else self.kind

    def get_profile(self) -> Profile:
        return get_profile(self.profile, self.language)

    @property
    def desks(self) -> list[str]:
        """Desks this printer serves; empty = every desk of this machine."""
        return list(self.options.get("desks") or [])

    def describe(self) -> str:
        where = f"{self.kind} {self.target}"
        if self.raster:
            where += f", profile {self.get_profile().name}"
        return where


def parse_host_port(text: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    text = text.strip()
    if text.startswith("["):  # [::1]:9100
        host, _, rest = text[1:].partition("]")
        port_text = rest.lstrip(":")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""
    if not host:
        raise ValueError(f"no host in {text!r} (expected HOST or HOST:PORT)")
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise ValueError(f"bad port in {text!r} (expected HOST:PORT, e.g. 192.168.1.50:9100)") from None
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is out of range")
    return host, port


def check_host(host: str) -> None:
    """A host name or an IP address, nothing else (no spaces, no shell or URL characters)."""
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    if len(host) > 253 or not _HOSTNAME.match(host):
        raise ValueError(
            f"{host!r} is not a host name or an IP address (expected e.g. 192.168.1.50 or printer-1.local)"
        )


def check_queue_name(name: str) -> None:
    bad = sorted({ch for ch in name if ch in _CUPS_FORBIDDEN or not ch.isprintable()})
    if bad or len(name) > 127:
        shown = " ".join(repr(ch) for ch in bad) or "more than 127 characters"
        raise ValueError(
            f"{name!r} cannot be a CUPS queue name ({shown}); the names are listed by `lpstat -p`"
        )


def parse_usb_id(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})", text.strip())
    if not match:
        raise ValueError(f"bad USB id {text!r} (expected VID:PID in hex, e.g. 04b8:0e15; see `lsusb`)")
    return int(match[1], 16), int(match[2], 16)


def validate(config: PrinterConfig) -> PrinterConfig:
    """Check and normalise a printer's settings; ValueError with a message for the user."""
    if not _NAME.match(config.name):
        raise ValueError(f"bad printer name {config.name!r} (letters, digits, spaces, . @ + - ; up to 64)")
    if config.kind not in KINDS:
        raise ValueError(f"unknown printer kind {config.kind!r} (known: {', '.join(KINDS)})")
    target = config.target.strip()
    if not target:
        raise ValueError(f"printer {config.name}: no target given")
    if config.kind in NETWORK_KINDS:
        host, port = parse_host_port(target)
        check_host(host)
        target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    elif config.kind in CUPS_KINDS:
        check_queue_name(target)
    elif config.kind == "escpos-usb":
        vid, pid = parse_usb_id(target)
        target = f"{vid:04x}:{pid:04x}"
    profile = config.profile
    if config.raster:
        found = get_profile(profile, config.language)  # UnknownProfile is a ValueError
        if found.language != config.language:
            raise ValueError(
                f"printer {config.name}: profile {found.name} is for {found.language} printers, "
                f"not {config.language}"
            )
        profile = found.name
    elif profile:
        raise ValueError(f"printer {config.name}: a profile only applies to label and thermal printers")
    return PrinterConfig(
        config.name,
        config.kind,
        target,
        profile,
        config.template,
        config.pool_order,
        config.enabled,
        dict(config.options),
    )


def _from_row(row: dict[str, Any]) -> PrinterConfig:
    return PrinterConfig(
        name=row["name"],
        kind=row["kind"],
        target=row["target"],
        profile=row["profile"],
        template=row["template"],
        pool_order=row["pool_order"],
        enabled=bool(row["enabled"]),
        options=json.loads(row["options"] or "{}"),
    )


def add_printer(store: Store, config: PrinterConfig, *, replace: bool = False) -> PrinterConfig:
    config = validate(config)
    with store.transaction() as conn:
        exists = conn.execute("SELECT 1 FROM printers WHERE name = ?", (config.name,)).fetchone()
        if exists and not replace:
            raise ValueError(f"a printer named {config.name!r} already exists (use --replace to change it)")
        conn.execute(
            "INSERT OR REPLACE INTO printers"
            " (name, kind, target, profile, template, pool_order, enabled, options)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                config.name,
                config.kind,
                config.target,
                config.profile,
                config.template,
                config.pool_order,
                int(config.enabled),
                json.dumps(config.options, ensure_ascii=False),
            ),
        )
    return config


def remove_printer(store: Store, name: str) -> None:
    with store.transaction() as conn:
        if conn.execute("DELETE FROM printers WHERE name = ?", (name,)).rowcount != 1:
            raise UnknownPrinter(name, [p.name for p in list_printers(store)])


def list_printers(store: Store) -> list[PrinterConfig]:
    rows = store.db.query("SELECT * FROM printers ORDER BY pool_order, name")
    return [_from_row(row) for row in rows]


def get_printer(store: Store, name: str) -> PrinterConfig:
    rows = list(store.db.query("SELECT * FROM printers WHERE name = ?", (name,)))
    if not rows:
        raise UnknownPrinter(name, [p.name for p in list_printers(store)])
    return _from_row(rows[0])


def pool(store: Store, desk: str) -> list[PrinterConfig]:
    """The printers a desk prints on, in order: enabled, for this desk (or every desk), by pool_order."""
    return [p for p in list_printers(store) if p.enabled and (not p.desks or desk in p.desks)]
