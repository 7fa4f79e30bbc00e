"""The PDF report: reportlab platypus for the pages, reportlab.graphics for the charts."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from checkin_desk.reports import pdf_fonts
from checkin_desk.reports.figures import Figures
from checkin_desk.reports.pdf_layout import LANGUAGES, Cell, chart_labels, column_widths, number
from checkin_desk.reports.tables import PERCENT, Section, sections

DAY_COLOURS = [colors.HexColor(c) for c in ("#1565C0", "#EF6C00", "#2E7D32", "#6A1B9A", "#C62828", "#00838F")]
MAX_TABLE_ROWS = 60
LABEL_GAP = 5  # points between a chart's category label and its axis
WIDTH = A4[0] - 3 * cm


def _logo(resources: Path) -> Image | None:
    for name in ("logo.png", "logo.jpg", "logo.jpeg"):
        path = resources / name
        if path.is_file():
            try:
                img = Image(str(path))
            except Exception:  # a broken logo must not stop the report
                return None
            ratio = img.imageWidth / img.imageHeight if img.imageHeight else 1
            img.drawHeight = 1.6 * cm
            img.drawWidth = min(1.6 * cm * ratio, 6 * cm)
            return img
    return None


def _plain(value, kind: str, language: str, percent: bool = False) -> tuple[str, bool]:
    """The cell's text, and whether it may wrap between words (numbers and dates do not)."""
    if value is None:
        return "—", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, float):
        if kind == PERCENT or percent:
            return number(value, language, percent=True), False
        return number(value, language, decimals=2), False
    if isinstance(value, int):
        return number(value, language), False
    if hasattr(value, "strftime"):
        return (value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()), False
    return str(value), True


def _table(sec: Section, fonts, styles, language: str) -> list:
    # The heading and its note stay with the table (keepWithNext in their styles).
    flow: list = [Paragraph(fonts.markup(sec.title), styles["h2"])]
    if sec.note:
        flow.append(Paragraph(fonts.markup(sec.note), styles["note"]))
    if not sec.rows:
        flow[-1].style = styles["note_last"] if sec.note else styles["h2_last"]
        return flow
    pct_rows = sec.extra.get("percent_rows", set())
    rows = sec.rows[:MAX_TABLE_ROWS]
    cells = [[Cell(c.title, bold=True) for c in sec.columns]]
    for row in rows:
        texts = [
            _plain(v, c.kind, language, percent=(j == 1 and row[0] in pct_rows))
            for j, (c, v) in enumerate(zip(sec.columns, row, strict=False))
        ]
        cells.append([Cell(text, wraps=wraps) for text, wraps in texts])
    widths, size, breaks = column_widths(cells, fonts, WIDTH)
    th = ParagraphStyle(
        "th", parent=styles["th"], fontSize=size, leading=size + 1.5, splitLongWords=int(breaks)
    )
    td = ParagraphStyle(
        "td", parent=styles["td"], fontSize=size, leading=size + 1.5, splitLongWords=int(breaks)
    )
    data = [
        [
            Paragraph(fonts.markup(cell.text), th if cell.bold else td)
            if cell.wraps or cell.bold
            else cell.text
            for cell in row
        ]
        for row in cells
    ]
    table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                ("FONTSIZE", (0, 0), (-1, -1), size),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ECEFF1")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#B0BEC5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#FAFAFA")]),
            ]
        )
    )
    flow.append(table)
    if len(sec.rows) > MAX_TABLE_ROWS:
        flow.append(
            Paragraph(
                f"… and {len(sec.rows) - MAX_TABLE_ROWS} more rows (all of them are in the XLSX and CSV exports).",
                styles["note_last"],
            )
        )
    return flow


def _caption_drawing(text: str, fonts, height: float = 1.2 * cm) -> Drawing:
    d = Drawing(WIDTH, height)
    font, label = fonts.single(text)
    d.add(String(6, height / 2, label, fontName=font, fontSize=9, fillColor=colors.HexColor("#607D8B")))
    return d


def hourly_chart(fig: Figures, fonts) -> tuple[Drawing, str]:
    """Arrivals per local hour, one bar series per day. Returns (drawing, caption)."""
    days = [fig.day] if fig.day else list(fig.event_days)
    per_day: dict[str, dict[int, int]] = defaultdict(dict)
    for r in fig.by_hour:
        d = r.start.date().isoformat()
        if d in days:
            per_day[d][r.start.hour] = per_day[d].get(r.start.hour, 0) + r.arrivals
    hours = sorted({h for v in per_day.values() for h in v})
    if not hours or not any(per_day.values()):
        why = f"No arrivals on {fig.day}" if fig.day else "No arrivals recorded on the event's days yet"
        return _caption_drawing(f"{why}: no chart of arrivals per hour.", fonts), why
    hours = list(range(hours[0], hours[-1] + 1))
    shown = [d for d in days if d in per_day]
    d = Drawing(WIDTH, 7 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 1.2 * cm, 1.0 * cm, WIDTH - 1.6 * cm, 5.2 * cm
    chart.data = [[per_day[day].get(h, 0) for h in hours] for day in shown]
    chart.categoryAxis.categoryNames = [f"{h:02d}h" for h in hours]
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.barSpacing = 0.5
    chart.groupSpacing = 3
    for i in range(len(shown)):
        chart.bars[i].fillColor = DAY_COLOURS[i % len(DAY_COLOURS)]
        chart.bars[i].strokeColor = None
    d.add(chart)
    if len(shown) > 1:
        legend = Legend()
        legend.x, legend.y = WIDTH - 3.2 * cm, 6.9 * cm
        legend.fontName, legend.fontSize = fonts.regular, 7
        legend.alignment = "right"
        legend.colorNamePairs = [(DAY_COLOURS[i % len(DAY_COLOURS)], day) for i, day in enumerate(shown)]
        d.add(legend)
    return d, ""


def category_chart(fig: Figures, fonts) -> tuple[Drawing, str]:
    rows = [r for r in fig.by_category if r.registered or r.arrived]
    if not rows:
        why = "No attendees registered and no entries"
        return _caption_drawing(f"{why}: no chart by category.", fonts), why
    # The labels sit left of the bars, right-aligned: wrapped (or cut) to the room there, never
    # running off the page's left edge; each row is as tall as its longest label.
    left = 4.2 * cm
    labels = chart_labels([str(r.label) for r in rows], fonts, left - LABEL_GAP - 2)
    row = max(0.7 * cm, labels.lines * labels.size * 1.2 + 4)
    height = max(3 * cm, len(rows) * row + 1.5 * cm)
    d = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = left, 0.8 * cm
    chart.width, chart.height = WIDTH - 5 * cm, height - 1.4 * cm
    chart.data = [[r.registered for r in rows], [r.arrived for r in rows]]
    chart.categoryAxis.categoryNames = labels.texts
    chart.categoryAxis.labels.fontName = labels.font
    chart.categoryAxis.labels.fontSize = labels.size
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.dx = -LABEL_GAP
    chart.categoryAxis.reverseDirection = True
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#B0BEC5")
    chart.bars[1].fillColor = colors.HexColor("#1565C0")
    chart.bars[0].strokeColor = chart.bars[1].strokeColor = None
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 0, 0.3 * cm
    legend.fontName, legend.fontSize = fonts.regular, 7
    legend.columnMaximum = 1
    legend.colorNamePairs = [
        (colors.HexColor("#B0BEC5"), "registered"),
        (colors.HexColor("#1565C0"), "arrived"),
    ]
    d.add(legend)
    return d, ""


def write_pdf(fig: Figures, path: Path, resources: Path | None = None, language: str = "fr") -> None:
    """The report as PDF. `language` (fr, en, ar) sets how numbers are written: 91,7 % in French and
    Arabic as in the CSV export, 91.7% in English."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r} (one of {', '.join(LANGUAGES)})")
    resources = resources or pdf_fonts.RESOURCES
    fonts = pdf_fonts.load(str(resources))
    styles = {
        "title": ParagraphStyle("title", fontName=fonts.bold, fontSize=16, leading=20),
        "sub": ParagraphStyle(
            "sub", fontName=fonts.regular, fontSize=9, leading=12, textColor=colors.HexColor("#455A64")
        ),
        "h2": ParagraphStyle(
            "h2", fontName=fonts.bold, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4, keepWithNext=1
        ),
        "note": ParagraphStyle(
            "note",
            fontName=fonts.regular,
            fontSize=8,
            leading=10,
            textColor=colors.HexColor("#607D8B"),
            keepWithNext=1,
        ),
        "th": ParagraphStyle("th", fontName=fonts.bold, fontSize=8, leading=9),
        "td": ParagraphStyle("td", fontName=fonts.regular, fontSize=8, leading=9),
    }
    styles["h2_last"] = ParagraphStyle("h2_last", parent=styles["h2"], keepWithNext=0)
    styles["note_last"] = ParagraphStyle("note_last", parent=styles["note"], keepWithNext=0)
    period = f"Day {fig.day}" if fig.day else "Whole event (" + ", ".join(fig.event_days) + ")"
    title = [
        Paragraph(fonts.markup(fig.event_name), styles["title"]),
        Paragraph(fonts.markup(f"Attendance report — {period}"), styles["sub"]),
        Paragraph(
            fonts.markup(
                f"Generated {fig.generated_at:%Y-%m-%d %H:%M} ({fig.timezone}). Covers {fig.scope_label}."
            ),
            styles["sub"],
        ),
    ]
    logo = _logo(resources)
    story: list = []
    if logo is not None:
        header = Table([[title, logo]], colWidths=[WIDTH - 6.2 * cm, 6.2 * cm])
        header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
        story.append(header)
    else:
        story.extend(title)
    for note in fig.notes[1:]:
        story.append(Paragraph(fonts.markup(note), styles["note_last"]))
    story.append(Spacer(1, 6))

    secs = {s.key: s for s in sections(fig)}
    summary = secs["Summary"]
    summary.note = ""
    story.extend(_table(summary, fonts, styles, language))

    chart, _ = hourly_chart(fig, fonts)
    story.append(KeepTogether([Paragraph("Arrivals per hour", styles["h2"]), chart]))
    chart, _ = category_chart(fig, fonts)
    story.append(KeepTogether([Paragraph("Registered and arrived by category", styles["h2"]), chart]))
    for key in (
        "By day",
        "By category",
        "By desk",
        "Refused",
        "Badges",
        "By hour",
        "Conflicts",
        "Desk clocks",
    ):
        story.extend(_table(secs[key], fonts, styles, language))

    def footer(canvas, doc):
        canvas.saveState()
        font, name = fonts.single(fig.event_name)
        canvas.setFont(font, 7)
        canvas.setFillColor(colors.HexColor("#78909C"))
        canvas.drawString(1.5 * cm, 1 * cm, f"{name} — attendance report")
        canvas.drawRightString(A4[0] - 1.5 * cm, 1 * cm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.6 * cm,
        title=f"{fig.event_name} — attendance report",
        author="checkin-desk",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
