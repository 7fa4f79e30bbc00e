"""Text fits its box: measured on the rendered raster, for the longest names we can think of."""

from __future__ import annotations

import logging
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ImageOps

from badges.badge_helpers import EVENT, LONG_FRENCH
from checkin_desk.badges import load_template, render_badge_raster
from checkin_desk.badges.fitting import block_height, ellipsize, fit_text
from checkin_desk.badges.fonts import ELLIPSIS
from checkin_desk.badges.template import parse_template
from checkin_desk.domain.models import Attendee

DPI = 203
WORDS_300 = ("Abdelkrim Benoît-Çağla Ouazzani Touhami " * 9)[:300].strip()
ARABIC_300 = ("عبد الرحمن بن محمد الأمين العلوي الإدريسي " * 9)[:300].strip()
CHINESE_300 = ("上海市城市规划设计研究院王小明" * 20)[:300]
ONE_WORD = "Wolfeschlegelsteinhausenbergerdorff" * 3
TALL = "ÉÅÇÎ Ĝjøyq Ŷǅ"
HARD = {
    "long_french": LONG_FRENCH.full_name,
    "words_300": WORDS_300,
    "arabic_300": ARABIC_300,
    "chinese_300": CHINESE_300,
    "one_word": ONE_WORD,
    "tall": TALL,
    "mixed": "Youssef يوسف El Amrani 王小明 Çağla " * 4,
}


def _only(template: str, element_id: str):
    """The template with one element left, so that all ink on the raster comes from it."""
    base = load_template(template)
    (el,) = [e for e in base.elements if e.id == element_id]
    raw = {
        k: getattr(el, k) for k in ("x", "y", "w", "h", "text", "max_size", "min_size", "max_lines", "bold")
    }
    if el.floor_size:
        raw["floor_size"] = el.floor_size
    data = {
        "name": f"{template}-{element_id}",
        "width": base.width,
        "height": base.height,
        "mode": "mono",
        "elements": [{"id": el.id, "type": "text", **raw}],
    }
    return parse_template(data, data["name"]), el


@pytest.mark.parametrize("template", ["thermal-80", "thermal-58", "a6", "a4-sheet"])
@pytest.mark.parametrize("field", ["name", "company"])
@pytest.mark.parametrize("case", sorted(HARD))
def test_text_stays_in_its_box(template, field, case, categories):
    tpl, el = _only(template, field)
    width_dots = math.ceil(tpl.width / 25.4 * DPI) + 1  # rendered at exactly DPI, not narrowed
    attendee = Attendee("FIT-1", HARD[case], company=HARD[case])
    image = render_badge_raster(
        attendee, event=EVENT, categories=categories, template=tpl, width_dots=width_dots, dpi=DPI
    )
    ink = ImageOps.invert(image.convert("L")).getbbox()
    assert ink is not None, "nothing was drawn"
    px = DPI / 25.4
    slack = 2  # centring pad and anti-aliasing, in dots
    box = (el.x * px - slack, el.y * px - slack, (el.x + el.w) * px + slack, (el.y + el.h) * px + slack)
    assert box[0] <= ink[0] and box[1] <= ink[1] and ink[2] <= box[2] and ink[3] <= box[3], (ink, box)


def test_name_shrinks_before_it_wraps():
    fitted = fit_text(
        "Élodie Benoît", width=190, height=62, max_size=30, min_size=14, max_lines=2, weight="bold"
    )
    assert len(fitted.lines) == 1 and fitted.size > 14 and not fitted.shortened


def test_name_wraps_to_two_lines_at_a_space_or_hyphen_before_it_is_shortened():
    text = "Abdelkrim Benoît-Çağla Ouazzani"
    fitted = fit_text(text, width=190, height=62, max_size=30, min_size=14, max_lines=2, weight="bold")
    assert len(fitted.lines) == 2 and not fitted.shortened and fitted.size >= 14
    first, second = (line.text for line in fitted.lines)
    assert first + " " + second == text or (first.endswith("-") and first + second == text)


def test_chinese_wraps_between_characters():
    fitted = fit_text(
        CHINESE_300[:26], width=190, height=62, max_size=30, min_size=14, max_lines=2, weight="bold"
    )
    assert len(fitted.lines) == 2 and not fitted.shortened
    assert fitted.lines[0].text + fitted.lines[1].text == CHINESE_300[:26]


def test_300_character_name_is_shortened_with_a_warning(caplog, categories):
    caplog.set_level(logging.WARNING)
    attendee = Attendee("SCE-300", WORDS_300)
    render_badge_raster(attendee, event=EVENT, categories=categories, template="thermal-80")
    assert any("SCE-300" in r.getMessage() and "name shortened" in r.getMessage() for r in caplog.records)


def test_company_ellipsis_at_a_word_boundary():
    company = LONG_FRENCH.company
    short = ellipsize(company, 180 / 9, "bold")
    assert short.endswith(ELLIPSIS) and len(short) < len(company)
    kept = short[: -len(ELLIPSIS)]
    assert company.startswith(kept) and company[len(kept)] == " "


def test_single_long_word_is_cut_between_characters_not_inside_one():
    text = "Ç̧" * 5 + "A" * 80  # base letters with combining cedillas
    short = ellipsize(text, 40, "regular")
    kept = short[: -len(ELLIPSIS)]
    assert text.startswith(kept) and not ("\u0300" <= text[len(kept)] <= "\u036f")


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("aéWÇ 王明محمدلأ-")), min_size=1, max_size=120).filter(
        str.strip
    ),
    width=st.floats(40, 300),
    height=st.floats(15, 90),
    lines=st.sampled_from([1, 2]),
)
def test_fitted_text_never_exceeds_the_box(text, width, height, lines):
    fitted = fit_text(
        text.strip(),
        width=width,
        height=height,
        max_size=30,
        min_size=8,
        max_lines=lines,
        weight="bold",
        floor_size=6,
    )
    for line in fitted.lines:
        assert line.width * fitted.size <= width + 1e-6
    assert block_height(fitted.lines, fitted.size) <= height + 1e-6


def _shaping_work(monkeypatch, text: str, template: str, categories) -> int:
    """Characters the fitter shaped and measured (layout_line calls, cache off) to lay out `text`."""
    from checkin_desk.badges import fitting, pdf, shaping

    work = []
    real = shaping.layout_line.__wrapped__

    def counted(line, weight):
        work.append(len(line))
        return real(line, weight)

    monkeypatch.setattr(fitting, "layout_line", counted)
    pdf.clear_text_caches()
    attendee = Attendee("SCE-WORDS", text, company=text)
    image = render_badge_raster(attendee, event=EVENT, categories=categories, template=template)
    assert image.width == 576
    return sum(work)


@pytest.mark.parametrize("template", ["thermal-80", "thermal-58", "a6"])
def test_the_fitter_gives_up_in_bounded_work_for_a_name_of_thousands_of_words(
    monkeypatch, categories, template
):
    words = ("Abdelkrim Benoît-Çağla Ouazzani Touhami محمد 王小明 " * 600).split()
    short = _shaping_work(monkeypatch, " ".join(words[:40]), template, categories)
    thousand = _shaping_work(monkeypatch, " ".join(words[:1000]), template, categories)
    three_thousand = _shaping_work(monkeypatch, " ".join(words[:3000]), template, categories)
    # The same work for 1,000 and 3,000 words, and within a small multiple of a 40-word name's.
    assert three_thousand == thousand
    assert thousand <= 3 * short + 20_000, (short, thousand)
