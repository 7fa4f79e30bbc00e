"""Send one badge to one printer: render for that printer, write, and check the printer took it."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import Image

from checkin_desk.badges import Raster
from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.printing import brother, check, zpl
from checkin_desk.printing.errors import PrinterConfigError, RenderError
from checkin_desk.printing.profiles import BROTHER_QL, ZPL, Profile, UnknownProfile
from checkin_desk.printing.raster import badge_job
from checkin_desk.printing.registry import PrinterConfig
from checkin_desk.printing.render import PDF_TEMPLATE, Renderer
from checkin_desk.printing.transports import Timeouts, lp_submit, open_transport, write_atomically

log = logging.getLogger(__name__)
RETRY_BOOST = 2  # dots added to every QR module for the second rendering of a badge that did not check


def _render(renderer: Renderer, attendee: Attendee, profile: Profile, template: str, qr_boost: int, **kw):
    """A Raster from the renderer; a stand-in renderer with only raster() gives the whole image to check."""
    badge = getattr(renderer, "badge", None)
    if badge is not None:
        return badge(
            attendee,
            template=template,
            width_dots=profile.width_dots,
            dpi=profile.dpi,
            roll=profile.roll,
            qr_boost=qr_boost,
            **kw,
        )
    image = renderer.raster(attendee, template=template, width_dots=profile.width_dots, dpi=profile.dpi, **kw)
    return Raster(image, kw.get("qr_text") or attendee.code, (0, 0, 0, 0), None, ())


def checked_raster(
    printer: PrinterConfig,
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: Mapping[str, Any],
    template: str | None,
    renderer: Renderer,
    qr_text: str | None = None,
) -> tuple[Raster, Profile, str]:
    """The badge raster for this printer, checked (QR read back, name present); re-rendered once with
    larger QR modules when the check fails. Raises BadgeCheckFailed when the second one fails too."""
    try:
        profile = printer.get_profile()
    except (UnknownProfile, ImportError) as exc:
        raise PrinterConfigError(
            printer.name, f"{exc}; fix it with `checkin-desk printers add --replace`"
        ) from exc
    name = template or printer.template or profile.template
    expected = qr_text or attendee.code
    kw = {"event": event, "categories": categories, "qr_text": qr_text}
    raster = _render(renderer, attendee, profile, name, 0, **kw)
    first = check.problem(raster, expected)
    note = ""
    if first is not None:
        log.warning("badge %s: %s; rendering it again with larger QR modules", attendee.code, first)
        raster = _render(renderer, attendee, profile, name, RETRY_BOOST, **kw)
        second = check.problem(raster, expected)
        if second is not None:
            raise check.BadgeCheckFailed(
                f"badge of {attendee.code} not printed: {second}, also when drawn again with larger "
                f"QR modules; check the template {name!r} for the printer {printer.name}"
            )
        note = f" (re-rendered: {first})"
    return raster, profile, note


def encode(profile: Profile, image: Image.Image) -> bytes:
    """The printer-language bytes for one badge raster."""
    try:
        if profile.language == ZPL:
            return zpl.label(image, profile)
        if profile.language == BROTHER_QL:
            return brother.job(image, profile)
    except ValueError as exc:  # the badge does not fit the label
        raise RenderError(str(exc)) from exc
    return badge_job(image, cutter=profile.cutter, feed=profile.feed_lines)


def raster_bytes(
    printer: PrinterConfig,
    attendee: Attendee,
    *,
    event: EventInfo,
    categories: Mapping[str, Any],
    template: str | None,
    renderer: Renderer,
    qr_text: str | None = None,
) -> tuple[bytes, str]:
    """The checked badge in the printer's language, and a note for the log."""
    raster, profile, note = checked_raster(
        printer,
        attendee,
        event=event,
        categories=categories,
        template=template,
        renderer=renderer,
        qr_text=qr_text,
    )
    return encode(profile, raster.image), note


def escpos_bytes(printer: PrinterConfig, attendee: Attendee, **kw) -> bytes:
    """The checked badge's bytes (any raster language; the name is kept for callers)."""
    return raster_bytes(printer, attendee, **kw)[0]


def send_raster(printer: PrinterConfig, data: bytes, timeouts: Timeouts) -> str:
    """Write the job; where the printer answers status queries (on the connection, or a Brother QL's
    SNMP beside it), ask before and after.

    Before: a printer that is out of paper would keep the job in its buffer and print it once refilled,
    after we had given it to another printer (a duplicate). After: sendall() returning only means the
    bytes reached a buffer; the answer to the query, sent after the job, means the printer read them all.
    """
    with open_transport(printer, timeouts) as transport:
        before = transport.status() if transport.bidirectional else transport.side_status()
        if before is not None and not before.ok:
            raise transport.error(f"{before.describe()}; the badge was not sent", move_now=before.move_now)
        transport.write(data)
        if not transport.bidirectional:
            transport.drain()
            after = transport.side_status() if before is not None else None
            if after is not None and not after.ok:
                raise transport.error(f"{after.describe()} after the badge was sent", move_now=after.move_now)
            return f"{len(data)} bytes sent" + (", printer ready" if after is not None else "")
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
    if printer.raster:
        data, note = raster_bytes(
            printer,
            attendee,
            event=event,
            categories=categories,
            template=template,
            renderer=renderer,
            qr_text=qr_text,
        )
        if printer.transport == "cups":
            return "CUPS " + (lp_submit(printer, data, raw=True, title=label) or "accepted the job") + note
        return send_raster(printer, data, timeouts) + note
    pdf_template = template or printer.template or PDF_TEMPLATE
    pdf = renderer.pdf(attendee, event=event, categories=categories, template=pdf_template, qr_text=qr_text)
    if (why := check.pdf_problem(pdf, qr_text or attendee.code)) is not None:
        raise check.BadgeCheckFailed(
            f"badge of {attendee.code} not printed: {why}; check the template {pdf_template!r} "
            f"for the printer {printer.name}"
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
