import csv
import io
import json
from datetime import UTC, date, datetime

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from reportdata import make_fixed

from checkin_desk.cli import main
from checkin_desk.domain.models import Attendee
from checkin_desk.reports import exports, figures, pdf_fonts


@pytest.fixture
def fixed(people):
    return make_fixed(people)


AFTER = datetime(2027, 4, 21, 12, 0, tzinfo=UTC)


def pdf_text(path):
    doc = pdfium.PdfDocument(str(path))
    try:
        pages = len(doc)
        text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(pages))
    finally:
        doc.close()
    return pages, text


def csv_sections(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    sections, current = {}, None
    for row in rows:
        if row and row[0].startswith("# "):
            current = sections.setdefault(row[0][2:], [])
        elif row and current is not None:
            current.append(row)
    return sections


def test_csv_for_french_excel(fixed, tmp_path):
    fig = figures.compute(fixed, now=AFTER)
    path = exports.write_report(fig, "csv", tmp_path / "r.csv")
    secs = csv_sections(path)
    by_day = secs["Attendance by day"]
    assert by_day[0][:3] == ["day", "unique attendees", "entries"]
    assert by_day[1][:3] == ["2027-04-18", "2", "4"]
    cats = {r[0]: r for r in secs["Registered and arrived by category"][1:]}
    assert cats["visitor"][6] == "66,7"  # decimal comma, percent
    assert cats["press"][6] == ""  # no rate over nobody


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_injection_is_neutralised(text):
    assert exports.csv_cell(text) == "'" + text
    assert exports.csv_cell("Lydec") == "Lydec" and exports.csv_cell(-2) == "-2"


def test_attendee_list_csv_and_xlsx_with_injection(fixed, tmp_path):
    fixed.upsert_attendees([Attendee("EVIL", '=HYPERLINK("http://x")', "Bad", company="@cmd")])
    path = exports.write_attendees(fixed, "csv", tmp_path / "a.csv")
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    assert header[:3] == ["code", "last name", "first name"] and len(body) == 8
    assert body["EVIL"][2].startswith("'=") and body["EVIL"][3] == "'@cmd"
    assert body["SCE-1"][7] == "2027-04-18 09:05" and body["SCE-1"][9] == "3"
    assert body["SCE-6"][7] == ""  # the cancelled check-in does not count

    path = exports.write_attendees(fixed, "xlsx", tmp_path / "a.xlsx")
    ws = load_workbook(path)["Attendees"]
    assert ws.freeze_panes == "A2"
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    evil = cells["EVIL"][2]
    assert evil.data_type == "s" and evil.value.startswith("=")  # a string, never a formula
    first = cells["SCE-1"][7]
    assert isinstance(first.value, datetime) and first.value == datetime(2027, 4, 18, 9, 5)
    assert cells["SCE-1"][9].value == 3


def test_xlsx_one_sheet_per_grouping_with_real_numbers_and_dates(fixed, tmp_path):
    fig = figures.compute(fixed, now=AFTER)
    wb = load_workbook(exports.write_report(fig, "xlsx", tmp_path / "r.xlsx"))
    assert {
        "Summary",
        "By day",
        "By hour",
        "By 15 min",
        "By category",
        "By desk",
        "Refused",
        "Badges",
    } <= set(wb.sheetnames)
    ws = wb["By day"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert isinstance(ws["A2"].value, datetime) and ws["A2"].value.date() == date(2027, 4, 18)
    assert ws["B2"].value == 2 and ws["C2"].value == 4
    assert ws.column_dimensions["A"].width >= 10
    hour = wb["By hour"]
    assert hour["A2"].value == datetime(2027, 4, 18, 9, 0) and hour["C2"].value == 3
    cat = {r[0].value: r for r in wb["By category"].iter_rows(min_row=2)}
    assert cat["visitor"][6].value == pytest.approx(0.6667) and cat["visitor"][6].number_format == "0.0%"
    assert cat["press"][6].value is None


def test_json_has_figures_and_forecast(fixed, tmp_path, monkeypatch):
    out = tmp_path / "r.json"
    assert main(["--db", fixed.path, "report", "--out", str(out), "--now", "2027-04-19T10:40:00+01:00"]) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["totals"]["unique_attendees"] == 5
    assert data["forecast"]["model"] == "M/M/c (Erlang C)"
    assert data["by_hour"][0]["start"] == "2027-04-18T09:00:00+01:00"


def test_pdf_has_event_name_charts_tables_and_pages(fixed, tmp_path):
    fig = figures.compute(fixed, now=AFTER)
    pages, text = pdf_text(exports.write_report(fig, "pdf", tmp_path / "r.pdf"))
    assert pages >= 2
    assert "Smart City Expo Casablanca 2027" in text
    assert "Arrivals per hour" in text and "Registered and arrived by category" in text
    assert "Offline conflicts" in text and "SCE-2" in text
    assert "no chart" not in text


def test_pdf_of_an_empty_event_says_why_the_charts_are_empty(store, tmp_path):
    fig = figures.compute(store, now=AFTER)
    pages, text = pdf_text(exports.write_report(fig, "pdf", tmp_path / "e.pdf"))
    assert pages >= 1
    assert "no chart of arrivals per hour" in text
    assert "No admitted entries yet" in text


def test_pdf_with_arabic_and_chinese_labels(fixed, tmp_path):
    fixed.upsert_attendees(
        [
            Attendee("AR-1", "سلمى", "بنيس", category="ضيف شرف"),
            Attendee("ZH-1", "伟", "王", category="代表团"),
        ]
    )
    from reportdata import add_scan

    add_scan(fixed, "AR-1", "2027-04-19T10:00:00+00:00")
    add_scan(fixed, "ZH-1", "2027-04-19T10:05:00+00:00")
    fig = figures.compute(fixed, now=AFTER)
    pages, text = pdf_text(exports.write_report(fig, "pdf", tmp_path / "i.pdf"))
    assert pages >= 2 and "Smart City" in text
    fonts = pdf_fonts.load()
    if fonts.regular != "Helvetica":
        assert not any(f is None for f in map(fonts.font_for, "ضيف"))


def test_helvetica_fallback_never_draws_missing_glyphs():
    fonts = pdf_fonts.FontSet()  # no TTF found: Helvetica, Latin-1 only
    assert fonts.single("VIP") == ("Helvetica", "VIP")
    assert fonts.single("代表团") == ("Helvetica", "???")
    assert "?" in fonts.markup("ضيف") and "&lt;" in fonts.markup("<b>")


def test_cli_writes_all_formats_and_rejects_bad_input(fixed, tmp_path, capsys):
    for fmt in ("csv", "xlsx", "pdf", "json"):
        assert main(["--db", fixed.path, "report", "--format", fmt, "--out", str(tmp_path / f"r.{fmt}")]) == 0
        assert (tmp_path / f"r.{fmt}").stat().st_size > 0
    assert main(["--db", fixed.path, "report", "--out", str(tmp_path / "d.csv"), "--day", "2027-04-19"]) == 0
    assert main(["--db", fixed.path, "report", "attendees", "--out", str(tmp_path / "a.xlsx")]) == 0
    assert main(["--db", fixed.path, "report", "attendees", "--format", "pdf", "--out", "x.pdf"]) == 2
    assert main(["--db", fixed.path, "report", "--day", "19/04", "--out", "x.csv"]) == 2
    assert main(["--db", fixed.path, "report", "--out", str(tmp_path / "r.txt")]) == 2
    assert main(["--db", fixed.path, "report", "--out", str(tmp_path / "no" / "such" / "r.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert main(["--db", fixed.path, "counts", "--by", "hour"]) == 0
