"""Arabic must be drawn shaped (joined forms) and right to left; each script with a font that has it."""

from __future__ import annotations

from collections import deque

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from badges.badge_helpers import EVENT, pdf_text
from checkin_desk.badges import load_template, render_badge_pdf, render_badge_raster, shaping
from checkin_desk.badges.fonts import chain
from checkin_desk.badges.pdf import clear_text_caches
from checkin_desk.badges.template import parse_template
from checkin_desk.domain.models import Attendee

ARABIC = "محمد الأمين بن عبد الله"
ARABIC_LETTERS = range(0x0621, 0x064B)  # base (unshaped) letters


@pytest.fixture
def drawn(monkeypatch):
    """Every (string, font) reportlab is asked to draw: the glyph sequence as it goes into the PDF."""
    calls: list[tuple[str, str]] = []
    original = Canvas.drawString

    def record(self, x, y, text, *args, **kwargs):
        calls.append((text, self._fontname))
        return original(self, x, y, text, *args, **kwargs)

    monkeypatch.setattr(Canvas, "drawString", record)
    return calls


def _name_only(template: str = "thermal-80"):
    base = load_template(template)
    data = {
        "name": f"{template}-name-only",
        "width": base.width,
        "height": base.height,
        "mode": "mono",
        "elements": [
            {
                "id": e.id,
                "type": "text",
                "x": e.x,
                "y": e.y,
                "w": e.w,
                "h": e.h,
                "text": e.text,
                "bold": e.bold,
                "max_size": e.max_size,
                "min_size": e.min_size,
                "max_lines": e.max_lines,
            }
            for e in base.elements
            if e.id == "name"
        ],
    }
    return parse_template(data, data["name"])


def test_arabic_is_drawn_as_joined_forms_right_to_left(drawn, categories):
    render_badge_pdf([Attendee("A1", "محمد")], event=EVENT, categories=categories, template=_name_only())
    text = "".join(t for t, _ in drawn)
    # meem-hah-meem-dal, drawn left to right: final dal, medial meem, medial hah, initial meem
    assert text == "\ufeaa\ufee4\ufea4\ufee3"


def test_full_arabic_name_has_no_unshaped_letters_and_is_reversed(drawn, categories):
    render_badge_pdf([Attendee("A2", ARABIC)], event=EVENT, categories=categories, template=_name_only())
    text = "".join(t for t, _ in drawn)
    assert text, "nothing drawn"
    assert not [ch for ch in text if ord(ch) in ARABIC_LETTERS], "unshaped Arabic letters were drawn"
    assert "\ufef7" in text  # lam-alef with hamza (الأ) as one ligature glyph
    words = text.split(" ")
    assert len(words) == 5
    assert words[-1] == "\ufeaa\ufee4\ufea4\ufee3"  # محمد, the first word, is drawn rightmost


def test_pdf_text_reads_back_in_logical_order(categories):
    """pdfium rebuilds logical text from the drawn glyphs: unreordered text would read back reversed."""
    pdf = render_badge_pdf([Attendee("A3", ARABIC)], event=EVENT, categories=categories, template="a6")
    assert ARABIC in pdf_text(pdf).splitlines()


def _components(image: Image.Image) -> int:
    """Connected ink blobs (4-neighbour) in a mode '1' image."""
    width, height = image.size
    px = image.load()
    seen = set()
    count = 0
    for y in range(height):
        for x in range(width):
            if px[x, y] == 0 and (x, y) not in seen:
                count += 1
                queue = deque([(x, y)])
                seen.add((x, y))
                while queue:
                    cx, cy = queue.popleft()
                    for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                        if 0 <= nx < width and 0 <= ny < height and px[nx, ny] == 0 and (nx, ny) not in seen:
                            seen.add((nx, ny))
                            queue.append((nx, ny))
    return count


def test_raster_differs_from_unshaped_rendering(monkeypatch, categories):
    template = _name_only()
    attendee = Attendee("A4", ARABIC)
    shaped = render_badge_raster(attendee, event=EVENT, categories=categories, template=template)
    from bidi import get_display

    monkeypatch.setattr(shaping, "visual", get_display)  # reordered, but letters left unjoined
    clear_text_caches()
    unshaped = render_badge_raster(attendee, event=EVENT, categories=categories, template=template)
    clear_text_caches()
    assert shaped.tobytes() != unshaped.tobytes()
    # Joined letters make fewer separate blobs of ink than isolated ones.
    assert _components(shaped) < _components(unshaped)


def test_fonts_chosen_by_coverage(drawn, categories):
    person = Attendee("A5", "Élodie محمد", "王小明")
    render_badge_pdf([person], event=EVENT, categories=categories, template=_name_only())
    fonts = {font for _, font in drawn}
    assert fonts == {"CD-DejaVuSans-Bold", "CD-DroidSansFallback"}
    for text, font in drawn:
        face = next(f for f in chain("bold") if f.name == font)
        assert all(face.cmap.get(ord(ch), 0) > 0 for ch in text), (text, font)


def test_bidi_controls_are_stripped(drawn, categories):
    sneaky = "\u202eJean\u202c \u2067Dupont\u2069\u200f"
    render_badge_pdf([Attendee("A6", sneaky)], event=EVENT, categories=categories, template=_name_only())
    assert "".join(t for t, _ in drawn) == "Jean Dupont"


def test_mixed_line_keeps_latin_left_to_right(drawn, categories):
    render_badge_pdf(
        [Attendee("A7", "Youssef يوسف")], event=EVENT, categories=categories, template=_name_only()
    )
    text = "".join(t for t, _ in drawn)
    assert text.startswith("Youssef ")
    assert not [ch for ch in text if ord(ch) in ARABIC_LETTERS]
