"""Send one badge to one printer: render for that printer, write, and check the printer took it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.printing.errors import PrinterConfigError
from checkin_desk.printing.profiles import UnknownProfile
from checkin_desk.printing.raster import badge_job
from checkin_desk.printing.registry import PrinterConfig
from checkin_desk.printing.render import PDF_TEMPLATE, Renderer
from checkin_desk.printing.transports import Timeouts, lp_submit, open_transport, write_atomically


def escpos_bytes(
    printer: PrinterConfig,
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: Mapping[str, Any],
    template: str | None,
    renderer: Renderer,
    qr_text: str | None = None,
) -> bytes:
    try:
        profile = printer.get_profile()
    except UnknownProfile as exc:
        raise PrinterConfigError(
            printer.name, f"{exc}; fix it with `checkin-desk printers add --replace`"
        ) from exc
    image = renderer.raster(
        attendee,
        event=event,
        categories=categories,
        template=template or printer.template or profile.template,
        width_dots=profile.width_dots,
        dpi=profile.dpi,
        qr_text=qr_text,
    )
    return badge_job(image, cutter=profile.cutter, feed=profile.feed_lines)


def send_escpos(printer: PrinterConfig, data: bytes, timeouts: Timeouts) -> str:
    """Write the job; where the printer answers status queries, ask before and after.

    Before: a printer that is out of paper would keep the job in its buffer and print it once refilled,
    after we had given it to another printer (a duplicate). After: sendall() returning only means the
    bytes reached a buffer; the answer to the query, sent after the job, means the printer read them all.
    """
    with open_transport(printer, timeouts) as transport:
        if transport.bidirectional:
            before = transport.status()
            if not before.ok:
                raise transport.error(
                    f"{before.describe()}; the badge was not sent", move_now=before.move_now
                )
        transport.write(data)
        if not transport.bidirectional:
            transport.drain()
            return f"{len(data)} bytes sent"
        after = transport.status()
        if not after.ok:
            raise transport.error(f"{after.describe()} after the badge was sent", move_now=after.move_now)
        note = " (paper roll nearly empty)" if after.paper_near_end else ""
        return f"{len(data)} bytes sent, printer ready{note}"


def send_badge(
    printer: PrinterConfig,
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: Mapping[str, Any],
    template: str | None,
    renderer: Renderer,
    timeouts: Timeouts,
    label: str,
    qr_text: str | None = None,
) -> str:
    """Print one badge; returns a short note of what happened. Raises PrintError or RenderError.

    `qr_text`: what the badge's QR code carries (`signing.qr_text`: the signed code when one was
    issued); None for the plain attendee code.
    """
    if printer.escpos:
        data = escpos_bytes(
            printer,
            attendee,
            event=event,
            categories=categories,
            template=template,
            renderer=renderer,
            qr_text=qr_text,
        )
        if printer.kind == "escpos-cups":
            return "CUPS " + (lp_submit(printer, data, raw=True, title=label) or "accepted the job")
        return send_escpos(printer, data, timeouts)
    pdf = renderer.pdf(
        attendee,
        event=event,
        categories=categories,
        template=template or printer.template or PDF_TEMPLATE,
        qr_text=qr_text,
    )
    if printer.kind == "cups":
        return "CUPS " + (lp_submit(printer, pdf, raw=False, title=label) or "accepted the job")
    if printer.kind == "pdf-folder":
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", label)
        try:
            path = write_atomically(Path(printer.target).expanduser(), f"{safe}.pdf", pdf)
        except OSError as exc:
            raise PrinterConfigError(
                printer.name,
                f"cannot write to folder {printer.target} ({exc.strerror or exc}); check it exists "
                "and is writable",
            ) from exc
        return f"saved {path}"
    raise PrinterConfigError(printer.name, f"unknown printer kind {printer.kind!r}")
