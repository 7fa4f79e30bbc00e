"""Badge templates: JSON files in resources/templates/, loaded once, checked before any badge is drawn.

All lengths are millimetres from the top-left corner of the badge. Elements:
  text  {placeholders} in a box, fitted (shrink, wrap, ellipsis); `fallback` texts when it comes out empty
  rect  a filled box; fill "category" takes the attendee's category colour
  qr    the QR code (quiet zone included in `size`), error correction L/M/Q/H; `grow_from` (mm, above
        the box): on a page of fixed size a long code grows upwards from the box's bottom edge and the
        elements between `grow_from` and the box are squeezed into the room left above it
  logo  the event logo (resources/logo.png unless `file`), kept in proportion inside its box
`mode` is "colour" (PDF) or "mono" (thermal); every colour has a mono counterpart, derived or given as
`mono_fill` / `mono_colour`, so one template prints on both. A `sheet` puts several badges on one page.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from checkin_desk.badges.assets import LOGO_PATH, RESOURCES, TEMPLATE_DIR
from checkin_desk.errors import CheckinDeskError

FIELDS = frozenset(
    {
        "full_name",
        "first_name",
        "last_name",
        "latin_name",
        "company",
        "job_title",
        "country",
        "code",
        "category",
        "category_label",
        "category_label_fr",
        "category_label_en",
        "category_label_ar",
        "event_name",
        "event_dates",
        "venue",
    }
)
KINDS = {
    "text": {
        "text",
        "fallback",
        "max_size",
        "min_size",
        "floor_size",
        "max_lines",
        "bold",
        "align",
        "valign",
        "colour",
        "mono_colour",
        "uppercase",
        "when",
        "unless",
    },
    "rect": {"fill", "mono_fill", "radius"},
    "qr": {"data", "error_correction", "quiet_zone", "size", "grow_from"},
    "logo": {"file"},
}
COMMON = {"id", "type", "x", "y", "w", "h"}
PAGE_SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "LETTER": (215.9, 279.4)}
TOLERANCE = 0.01  # mm


class TemplateError(CheckinDeskError, ValueError):
    """A template that cannot be used; the message names the template and the element."""


@dataclass(frozen=True, slots=True)
class Element:
    kind: str
    id: str
    x: float
    y: float
    w: float
    h: float
    text: str = ""
    fallback: tuple[str, ...] = ()
    max_size: float = 12.0
    min_size: float = 6.0
    floor_size: float | None = None
    max_lines: int = 1
    bold: bool = False
    align: str = "center"
    valign: str = "middle"
    colour: str = "#000000"
    mono_colour: str | None = None
    uppercase: bool = False
    fill: str = "category"
    mono_fill: str | None = None
    radius: float = 0.0
    data: str = "{code}"
    error_correction: str = "Q"
    quiet_zone: int = 4
    file: str = ""
    grow_from: float | None = None
    # A text drawn only when this field is filled (when) or empty (unless): the name takes the
    # whole box, or shares it with its Latin line.
    when: str = ""
    unless: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    page_width: float
    page_height: float
    columns: int
    rows: int
    gap: float = 0.0
    cut_marks: bool = True

    def origins(self, width: float, height: float) -> list[tuple[float, float]]:
        """Top-left corner (mm) of every badge slot on the page, in reading order, the grid centred."""
        left = (self.page_width - self.columns * width - (self.columns - 1) * self.gap) / 2
        top = (self.page_height - self.rows * height - (self.rows - 1) * self.gap) / 2
        return [
            (left + c * (width + self.gap), top + r * (height + self.gap))
            for r in range(self.rows)
            for c in range(self.columns)
        ]


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    width: float  # mm
    height: float
    elements: tuple[Element, ...]
    mode: str = "colour"
    label_language: str = "fr"
    sheet: Sheet | None = None
    description: str = ""


def _fail(template: str, message: str) -> TemplateError:
    return TemplateError(f"template {template!r}: {message}")


def _check_placeholders(tname: str, where: str, text: str) -> None:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise _fail(tname, f"{where}: malformed text {text!r} ({exc})") from exc
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FIELDS:
            known = ", ".join(sorted(FIELDS))
            raise _fail(tname, f"{where}: unknown field {{{field}}} (known fields: {known})")
        if spec or conversion:
            raise _fail(tname, f"{where}: {{{field}}} may not have a format or conversion")


def _colour_ok(value: str) -> bool:
    if value in ("category", "none", "black", "white"):
        return True
    return len(value) == 7 and value[0] == "#" and all(c in string.hexdigits for c in value[1:])


def _element(tname: str, index: int, raw: Any, width: float, height: float) -> Element:
    if not isinstance(raw, dict):
        raise _fail(tname, f"element #{index} is not an object")
    kind = raw.get("type")
    where = f"element {raw.get('id') or f'#{index}'!r} ({kind})"
    if kind not in KINDS:
        raise _fail(tname, f"{where}: unknown type {kind!r} (one of {', '.join(KINDS)})")
    unknown = set(raw) - COMMON - KINDS[kind]
    if unknown:
        raise _fail(tname, f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    values = dict(raw)
    values.pop("type")
    values["id"] = str(values.get("id") or f"#{index}")
    if "size" in values:
        values["w"] = values["h"] = values.pop("size")
    for key in ("x", "y", "w", "h"):
        if not isinstance(values.get(key), int | float):
            raise _fail(tname, f"{where}: needs a number {key!r} in mm")
    x, y, w, h = (float(values[k]) for k in ("x", "y", "w", "h"))
    if w <= 0 or h <= 0:
        raise _fail(tname, f"{where}: width and height must be positive")
    if x < -TOLERANCE or y < -TOLERANCE or x + w > width + TOLERANCE or y + h > height + TOLERANCE:
        raise _fail(
            tname,
            f"{where} is off the page: it spans x {x:g}-{x + w:g} mm, y {y:g}-{y + h:g} mm "
            f"but the badge is {width:g} x {height:g} mm",
        )
    if "fallback" in values:
        values["fallback"] = tuple(values["fallback"])
    for key in ("text", "data"):
        if key in values:
            _check_placeholders(tname, where, values[key])
    for alt in values.get("fallback", ()):
        _check_placeholders(tname, f"{where} fallback", alt)
    for key in ("colour", "mono_colour", "fill", "mono_fill"):
        if key in values and not _colour_ok(str(values[key])):
            raise _fail(
                tname, f"{where}: {key} {values[key]!r} is not #RRGGBB, black, white, none or category"
            )
    if kind == "text":
        if values.get("align", "center") not in ("left", "center", "right", "start"):
            raise _fail(tname, f"{where}: align must be left, center, right or start")
        if values.get("valign", "middle") not in ("top", "middle", "bottom"):
            raise _fail(tname, f"{where}: valign must be top, middle or bottom")
        if values.get("max_lines", 1) not in (1, 2):
            raise _fail(tname, f"{where}: max_lines must be 1 or 2")
        for key in ("when", "unless"):
            if key in values and values[key] not in FIELDS:
                raise _fail(tname, f"{where}: {key} must name a field ({', '.join(sorted(FIELDS))})")
        if not 0 < values.get("min_size", 6.0) <= values.get("max_size", 12.0):
            raise _fail(tname, f"{where}: needs 0 < min_size <= max_size")
        if not 0 < values.get("floor_size", 1.0) <= values.get("min_size", 6.0):
            raise _fail(tname, f"{where}: needs 0 < floor_size <= min_size")
    if kind == "qr" and values.get("error_correction", "Q") not in ("L", "M", "Q", "H"):
        raise _fail(tname, f"{where}: error_correction must be L, M, Q or H")
    if kind == "qr" and "grow_from" in values:
        grow_from = values["grow_from"]
        if not isinstance(grow_from, int | float) or not 0 <= grow_from < y:
            raise _fail(tname, f"{where}: grow_from must be a number of mm from 0 up to the QR's top ({y:g})")
        values["grow_from"] = float(grow_from)
    if kind == "logo":
        logo = Path(values.get("file") or LOGO_PATH)
        if not logo.is_absolute():
            logo = RESOURCES / logo
        if not logo.is_file():
            raise _fail(tname, f"{where}: logo file {str(logo)!r} not found")
        values["file"] = str(logo)
    return Element(kind=kind, **values)


def parse_template(data: Any, name: str) -> Template:
    if not isinstance(data, dict):
        raise _fail(name, "is not a JSON object")
    name = str(data.get("name") or name)
    known = {"name", "description", "width", "height", "mode", "label_language", "sheet", "elements"}
    if unknown := set(data) - known:
        raise _fail(name, f"unknown setting(s) {', '.join(sorted(unknown))}")
    try:
        width, height = float(data["width"]), float(data["height"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(name, "needs numbers 'width' and 'height' (mm)") from exc
    mode = data.get("mode", "colour")
    if mode not in ("colour", "mono"):
        raise _fail(name, f"mode must be colour or mono, not {mode!r}")
    language = data.get("label_language", "fr")
    if not language or any(part not in ("fr", "en", "ar") for part in language.split("+")):
        raise _fail(name, f"label_language must be fr, en, ar or a combination like fr+ar, not {language!r}")
    elements = data.get("elements")
    if not isinstance(elements, list) or not elements:
        raise _fail(name, "needs a non-empty list 'elements'")
    parsed = tuple(_element(name, i, raw, width, height) for i, raw in enumerate(elements, 1))
    ids = [e.id for e in parsed]
    if dupes := {i for i in ids if ids.count(i) > 1}:
        raise _fail(name, f"duplicate element id(s) {', '.join(sorted(dupes))}")
    sheet = None
    if raw_sheet := data.get("sheet"):
        page = PAGE_SIZES.get(str(raw_sheet.get("page", "A4")).upper())
        if page is None:
            raise _fail(name, f"sheet page must be one of {', '.join(PAGE_SIZES)}")
        sheet = Sheet(
            page[0],
            page[1],
            int(raw_sheet.get("columns", 1)),
            int(raw_sheet.get("rows", 1)),
            float(raw_sheet.get("gap", 0)),
            bool(raw_sheet.get("cut_marks", True)),
        )
        grid_w = sheet.columns * width + (sheet.columns - 1) * sheet.gap
        grid_h = sheet.rows * height + (sheet.rows - 1) * sheet.gap
        if (
            sheet.columns < 1
            or sheet.rows < 1
            or grid_w > page[0] + TOLERANCE
            or grid_h > page[1] + TOLERANCE
        ):
            raise _fail(name, f"sheet of {sheet.columns} x {sheet.rows} badges does not fit on the page")
    return Template(name, width, height, parsed, mode, language, sheet, str(data.get("description", "")))


@lru_cache(maxsize=64)
def _load_path(path: str, mtime: float) -> Template:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(f"cannot read template {path}: {exc}") from exc
    return parse_template(data, Path(path).stem)


def template_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.json"))


def load_template(name: str | Path) -> Template:
    """A template by name (resources/templates/NAME.json) or path to a JSON file; cached until it changes."""
    text = str(name)
    path = (
        Path(text) if text.endswith(".json") or "/" in text or "\\" in text else TEMPLATE_DIR / f"{text}.json"
    )
    if not path.is_file():
        raise TemplateError(f"no badge template {text!r} (available: {', '.join(template_names())})")
    return _load_path(str(path.resolve()), path.stat().st_mtime)
