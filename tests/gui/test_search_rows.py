"""Search rows tell namesakes apart and say where each pass stands, in the desk's language, laid out in
the desk's direction, with glyphs the bundled fonts have."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from reportlab.pdfbase.ttfonts import TTFontFile

from checkin_desk.badges.fields import MONTHS
from checkin_desk.domain.models import Attendee
from checkin_desk.gui import i18n
from checkin_desk.gui.banner import ICONS
from checkin_desk.gui.result_text import KIOSK_WORDS, WEEKDAYS
from gui.conftest import scan

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"


def search(qtbot, window, text: str) -> list[str]:
    window.search.box.setText(text)
    window.search.run_search()
    return [window.search.results.item(i).text() for i in range(window.search.results.count())]


def test_namesakes_are_told_apart_and_states_are_shown(qtbot, window, people, clock):
    people.upsert_attendees(
        [
            Attendee("SCE26-06ACG711", "Karim", "Alaoui", "Lydec", email="k.alaoui@lydec.ma"),
            Attendee("SCE26-09QX4410", "Karim", "Alaoui", category="press", email="karim.a@gmail.com"),
        ]
    )
    scan(qtbot, window, "SCE26-06ACG711")
    rows = search(qtbot, window, "Karim Alaoui")
    assert sorted(rows) == [
        "Karim Alaoui — Entré à 10:00, desk-1 — VISITEUR  ·  Lydec  ·  k.alaoui@lydec.ma  ·  \u200e…G711",
        "Karim Alaoui — Pas encore entré — PRESSE  ·  karim.a@gmail.com  ·  \u200e…4410",
    ]
    assert "— · ·" not in " ".join(rows)  # no empty company placeholder


def test_refused_and_wrong_day_passes_say_so_in_the_desks_language(qtbot, window, people):
    assert search(qtbot, window, "Dubois") == ["Zoé Dubois — Bloqué — VISITEUR  ·  \u200eSCE-5"]
    assert search(qtbot, window, "Moreau") == ["Noël Moreau — Annulé — PRESSE  ·  \u200eSCE-4"]
    assert search(qtbot, window, "Berrada") == [
        "Salma Berrada — Pas valable aujourd'hui — VISITEUR  ·  \u200eSCE-6"
    ]
    window.set_language("ar")
    assert search(qtbot, window, "Dubois") == ["Zoé Dubois — محظورة — زائر  ·  \u200eSCE-5"]
    window.set_language("fr")


def ink_columns(image: QImage, top: int, bottom: int) -> list[int]:
    """x of every column with dark (text) pixels between rows top and bottom."""
    found = []
    for x in range(image.width()):
        if any(QColor(image.pixel(x, y)).lightness() < 90 for y in range(top, bottom)):
            found.append(x)
    return found


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_arabic_name_starts_on_the_desks_reading_side(qtbot, window, people, language):
    window.set_language(language)
    try:
        search(qtbot, window, "العلوي")
        delegate = window.search.results.itemDelegate()
        option = QStyleOptionViewItem()
        option.initFrom(window.search.results)
        option.rect = QRect(0, 0, 600, delegate.sizeHint(option, QModelIndex()).height())
        option.direction = Qt.RightToLeft if language == "ar" else Qt.LeftToRight
        image = QImage(option.rect.size(), QImage.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        delegate.paint(painter, option, window.search.results.model().index(0, 0))
        painter.end()
        line = option.rect.height() // 2
        name_ink = ink_columns(image, 2, line - 2)
        assert name_ink
        if language == "fr":  # the name at the left edge, the state label at the right
            assert min(name_ink) < 40 and max(name_ink) < 400
        else:  # mirrored: the name ends at the right edge
            assert max(name_ink) > 560 and min(name_ink) > 200
    finally:
        window.set_language("fr")


def covered() -> set[int]:
    codes: set[int] = set()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "Amiri-Regular.ttf", "DroidSansFallbackFull.ttf"):
        codes |= set(TTFontFile(str(FONTS / name)).charToGlyph)
    return codes


def test_every_glyph_the_window_shows_is_in_a_bundled_font():
    texts = [text for entry in i18n.CATALOGUE.values() for text in entry]
    texts += list(ICONS.values()) + [w for kind in KIOSK_WORDS.values() for pair in kind for w in pair]
    texts += [w for names in (*WEEKDAYS.values(), *MONTHS.values()) for w in names]
    texts += [text for _language, text in i18n.KIOSK_LINES]
    fonts = covered()
    missing = sorted({ch for text in texts for ch in text if ch.isprintable() and ord(ch) not in fonts})
    assert missing == []


def test_an_unpaid_pass_says_so_in_its_row_and_on_the_banner(qtbot, window, people):
    from checkin_desk.domain.models import PassStatus
    from gui.conftest import scan

    people.upsert_attendees([Attendee("SCE-UNPAID", "Imane", "Chraibi", status=PassStatus.UNPAID)])
    assert search(qtbot, window, "Chraibi") == ["Imane Chraibi — Pas encore payé — VISITEUR  ·  \u200e…PAID"]
    scan(qtbot, window, "SCE-UNPAID")
    assert window.banner.kind == "refused"
    assert window.banner.reason.text().startswith("Pas encore payé → envoyez à la billetterie")
