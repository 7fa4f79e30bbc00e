"""Lists that are broken or built to hurt: a stray quote, a killed import, a zip bomb, JSON nested
100,000 deep, cells longer than any field. Each stops with a message and writes nothing."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from checkin_desk.domain.models import EventInfo
from checkin_desk.imports import tables
from checkin_desk.imports.readers import ImportFileError, import_file
from checkin_desk.storage import search_index
from checkin_desk.storage.store import Store

HEADER = "code,first_name,last_name,company,email\n"


def _rows(count, start=0):
    return "".join(f"Q{n:05d},Prénom{n},Nom{n},Société {n},p{n}@x.ma\n" for n in range(start, start + count))


@pytest.mark.parametrize("parallel", [False, True])
def test_a_stray_quote_stops_the_import_at_its_line(store, tmp_path, parallel):
    # The reported file: 1,000 rows, row 11 opens a quote it never closes (line 12 of the file).
    path = tmp_path / "list.csv"
    path.write_text(
        HEADER + _rows(10) + 'Q00010,"Jean,Dupont,Acme,j@x.ma\n' + _rows(989, 11), encoding="utf-8"
    )
    with pytest.raises(ImportFileError, match=r"list\.csv, line 12: a quote"):
        import_file(store, path, parallel=parallel)
    assert store.attendee_count() == 0


@pytest.mark.parametrize("parallel", [False, True])
def test_a_file_cut_off_inside_a_quote_names_the_line(store, tmp_path, parallel):
    path = tmp_path / "cut.csv"
    path.write_text(HEADER + _rows(30) + 'Q99999,Ali,"Ta', encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"line 32: a quote .* never closed before the end of the file"):
        import_file(store, path, parallel=parallel)
    assert store.attendee_count() == 0


def test_in_a_big_file_the_error_names_the_right_line(store, tmp_path):
    # Large enough for the parser process; the quote later closes on a row of its own.
    path = tmp_path / "big.csv"
    lines = HEADER + _rows(60_000) + 'Q60000,"Jean,Dupont,Acme,j@x.ma\n' + _rows(10, 60_001)
    lines += 'Q70000,"Smith, John",Co,Z,s@x.ma\n' + _rows(20_000, 70_001)
    path.write_text(lines, encoding="utf-8")
    assert path.stat().st_size > 4 << 20
    with pytest.raises(ImportFileError, match=r"line 60002: a quote"):
        import_file(store, path)
    assert store.attendee_count() == 0


def test_a_cell_longer_than_any_field_stops_the_import(store, tmp_path):
    path = tmp_path / "long.csv"
    # Two columns: a swallowed line has too few delimiters to look like a row; its length tells.
    swallowed = "".join(f"Q{n:05d};Nom{n}\n" for n in range(2000))
    path.write_text('code;nom\nQ1;"Ali\n' + swallowed + 'Q2;Sara\n"Q3";"x"\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"line 2: a quote .* swallows"):
        import_file(store, path)
    assert store.attendee_count() == 0


def test_a_note_written_on_several_lines_is_kept(store, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(
        'code,first_name,last_name,notes\nN1,Ali,Tazi,"Allergique aux arachides.\nFauteuil roulant."\nN2,Sara,Fassi,\n',
        encoding="utf-8",
    )
    result = import_file(store, path)
    assert result.written and store.lookup("N1").notes == "Allergique aux arachides. Fauteuil roulant."


def test_field_lengths_are_bounded_with_the_row_named(store, tmp_path):
    path = tmp_path / "huge.csv"
    long_name = " ".join(["Abdelkader"] * 1000)
    path.write_text(
        HEADER + _rows(5) + f"Q99999,{long_name},Tazi,Co,a@x.ma\n" + _rows(5, 5), encoding="utf-8"
    )
    result = import_file(store, path)
    assert not result.written and store.attendee_count() == 0
    assert (
        result.errors[0].row == 7
        and result.errors[0].reason == "first name is 10999 characters long (at most 120)"
    )


def test_a_long_code_is_called_too_long(store, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(HEADER + "A" * 300 + ",Ali,Tazi,Co,a@x.ma\n" + "B" * 200 + ",Sara,Fassi,Co,s@x.ma\n")
    result = import_file(store, path)
    assert [(e.row, e.reason) for e in result.errors] == [
        (2, f"badge code {'A' * 40!r}: too long (300 characters; a badge code has at most 256)")
    ]
    assert result.valid == 1  # 200 characters is a code: real systems issue such


def test_json_lists_in_a_name_are_text_and_objects_are_refused(store, tmp_path):
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps(
            [
                {
                    "code": "J1",
                    "first_name": ["Jean", "Pierre"],
                    "last_name": "Dupont",
                    "company": ["Acme", "Lydec"],
                },
                {"code": "J2", "first_name": {"fr": "Ali"}, "last_name": "Tazi"},
            ]
        )
    )
    result = import_file(store, path, skip_invalid=True)
    assert store.lookup("J1").first_name == "Jean Pierre" and store.lookup("J1").company == "Acme, Lydec"
    assert [(e.row, e.reason) for e in result.errors] == [(2, "first_name holds a JSON object, not text")]


def test_json_nested_100000_deep_is_refused_with_a_message(store, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImportFileError, match="nests lists or objects thousands deep"):
        import_file(store, path)
    assert store.attendee_count() == 0


def zip_bomb(path: Path, unpacked: int = 200 << 20, header=("code", "first_name", "last_name")) -> Path:
    """A real XLSX whose sheet unpacks to `unpacked` bytes of empty rows (a few hundred kB packed)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(header))
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    head, tail = sheet.split("</sheetData>")
    row = b"<row><c t='inlineStr'><is><t>x</t></is></c></row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                bomb.writestr(name, data)
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(head.encode())
            block = row * (1 << 14)
            for _ in range(unpacked // len(block)):
                out.write(block)
            out.write(b"</sheetData>" + tail.encode())
    return path


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(store, tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", 64 << 20)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ImportFileError, match=r"would grow [\d,]+ times when unpacked"):
        import_file(store, path)
    assert store.attendee_count() == 0


@pytest.mark.parametrize("header", [("code", "first_name", "last_name"), ("x",)])
def test_an_xlsx_that_lies_about_its_sizes_fails_its_check_not_memory(store, tmp_path, header):
    """Whatever its first row: the header says nothing of a file whose sizes are false."""
    path = zip_bomb(tmp_path / "liar.xlsx", 64 << 20, header)
    data = bytearray(path.read_bytes())
    # Say, in the central directory, that the sheet unpacks to 4 kB: zipfile then reads 4 kB of it.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    central = name_length = offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) != -1:
        name_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
        if data[offset + 46 : offset + 46 + name_length] == info.filename.encode():
            central = offset
            break
        offset += 4
    assert central and int.from_bytes(data[central + 24 : central + 28], "little") == info.file_size
    data[central + 24 : central + 28] = (4096).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match=r"is damaged: .*checksum") as info:
        import_file(store, path)
    assert "sheet1.xml" in str(info.value)
    assert store.attendee_count() == 0


def test_the_pretix_workbook_is_read_on_its_positions_sheet(store):
    data = Path(__file__).parent / "data" / "pretix_positions.xlsx"
    with zipfile.ZipFile(data) as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]) == 3
    assert import_file(store, data).valid == 24


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    """Whether any thread of the process still runs. A killed process's first thread turns zombie
    while its last one is still releasing memory, and only then closes the files (and their locks)."""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            return True
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_import_takes_its_parser_with_it_and_its_scratch_file_goes_next_time(tmp_path):
    db = tmp_path / "event.sqlite"
    store = Store.open(db, create=True)
    store.init_event(EventInfo("SCE", ("2027-04-18",)))
    store.close()
    path = tmp_path / "big.csv"
    path.write_text(HEADER + _rows(400_000), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    importer = subprocess.Popen(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "import", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    parser = []
    while not parser and time.monotonic() < deadline:
        parser = _children(importer.pid)
        time.sleep(0.05)
    assert parser, "the import never started its parser process"
    scratch = []
    while not scratch and time.monotonic() < deadline:  # a first import: the parser builds an index
        scratch = list(tmp_path.glob(f"{search_index.SCRATCH_PREFIX}*.sqlite"))
        time.sleep(0.05)
    assert scratch
    parser = _children(importer.pid)  # all of them, now that the import is under way
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait()
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in parser) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in parser), "the parser outlived the killed import"
    # Nothing was written, and the next import removes the dead one's scratch file at once.
    store = Store.open(db)
    assert store.attendee_count() == 0
    small = tmp_path / "small.csv"
    small.write_text(HEADER + _rows(3), encoding="utf-8")
    assert import_file(store, small).written
    assert list(tmp_path.glob(f"{search_index.SCRATCH_PREFIX}*.sqlite")) == []
    store.close()


def test_limits_are_far_above_real_lists():
    assert tables.XLSX_MAX_RATIO >= 100 and tables.MAX_QUOTED_CELL >= 5000
