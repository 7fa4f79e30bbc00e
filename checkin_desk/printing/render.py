"""The one seam to the badge renderer (checkin_desk.badges): a raster for thermal printers, else a PDF."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any, Protocol

from PIL import Image

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.printing.errors import RenderError

PDF_TEMPLATE = "a6"
CATEGORY_TEMPLATES_SETTING = "badge_templates"  # event setting {category: template}, set in the desk window


def category_templates(store) -> dict[str, str]:
    """The event's badge template per category (store setting `badge_templates`); {} when none."""
    value = store.get_setting(CATEGORY_TEMPLATES_SETTING, {}) or {}
    return {str(k): str(v) for k, v in value.items() if v} if isinstance(value, dict) else {}


def choose_template(
    job_template: str | None, printer_template: str | None, by_category: Mapping[str, str], category: str
) -> str | None:
    """The job's own template, else the printer's, else the category's (settings); None: the default
    (the printer profile's thermal template, or A6 for PDF printers)."""
    return job_template or printer_template or by_category.get(category) or None


class Renderer(Protocol):
    def raster(
        self,
        attendee: Attendee,
        *,
        event: EventInfo,
        categories: Mapping[str, Any],
        template: str,
        width_dots: int,
        dpi: int,
        qr_text: str | None = None,
    ) -> Image.Image: ...

    def pdf(
        self,
        attendee: Attendee,
        *,
        event: EventInfo,
        categories: Mapping[str, Any],
        template: str,
        qr_text: str | None = None,
    ) -> bytes: ...


class BadgeRenderer:
    """The real renderer: checkin_desk.badges (one reportlab layout for PDF, preview and thermal)."""

    def badge(
        self, attendee, *, event, categories, template, width_dots, dpi, qr_text=None, roll=True, qr_boost=0
    ):
        """The raster with where its QR code and name lines are (what the check before printing reads)."""
        from checkin_desk import badges

        try:
            raster = badges.render_badge(
                attendee,
                event=event,
                categories=dict(categories),
                template=template,
                width_dots=width_dots,
                dpi=dpi,
                qr_text=qr_text,
                roll=roll,
                qr_boost=qr_boost,
            )
        except Exception as exc:
            raise RenderError(f"cannot render the badge of {attendee.code} ({template}): {exc}") from exc
        if raster.image.width != width_dots:
            raise RenderError(
                f"the renderer made a {raster.image.width}-dot wide raster, the printer needs {width_dots}"
            )
        return raster

    def raster(self, attendee, *, event, categories, template, width_dots, dpi, qr_text=None):
        from checkin_desk import badges

        try:
            image = badges.render_badge_raster(
                attendee,
                event=event,
                categories=dict(categories),
                template=template,
                width_dots=width_dots,
                dpi=dpi,
                qr_text=qr_text,
            )
        except Exception as exc:
            raise RenderError(f"cannot render the badge of {attendee.code} ({template}): {exc}") from exc
        if image.width != width_dots:
            raise RenderError(
                f"the renderer made a {image.width}-dot wide raster, the printer needs {width_dots}"
            )
        return image

    def pdf(self, attendee, *, event, categories, template, qr_text=None):
        from checkin_desk import badges

        try:
            return badges.render_badge_pdf(
                [attendee],
                event=event,
                categories=dict(categories),
                template=template,
                qr_texts={attendee.code: qr_text} if qr_text else None,
            )
        except Exception as exc:
            raise RenderError(f"cannot render the badge of {attendee.code} ({template}): {exc}") from exc

    def warm_up(self) -> None:
        """Load fonts and templates once (the first badge otherwise takes ~0.6 s longer)."""
        sample = Attendee("WARM-UP", "Warm", "Up", "checkin-desk")
        event = EventInfo("checkin-desk", ())
        with contextlib.suppress(Exception):  # a real job reports any problem with its own message
            self.raster(sample, event=event, categories={}, template="thermal-80", width_dots=576, dpi=203)
