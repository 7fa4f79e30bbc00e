"""import_rows: the facts its fast paths stand on, batches read as rows are, and FirstRows exact."""

import builtins
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkin_desk.domain import codes
from checkin_desk.imports import rows as import_rows
from checkin_desk.imports.readers import ImportResult, validated
from checkin_desk.imports.rows import FirstRows, TableReader, batches, row_to_values
from checkin_desk.util import textnorm

DAYS = ("2027-04-18", "2027-04-19", "2027-04-20")


def _reference(rows, mapping, event_days):
    """validated() as it was: row by row, with a dict of code -> first row."""
    result, out, seen = ImportResult(), [], {}
    table = TableReader(mapping, event_days)
    for number, row in rows:
        result.rows += 1
        values = table.row(row)
        if isinstance(values, str):
            result.add_error(number, values)
        elif values[0] in seen:
            result.add_error(number, f"code {values[0]} is already on row {seen[values[0]]}")
        else:
            seen[values[0]] = number
            result.valid += 1
            out.append(values)
    return out, result


def _validated(rows, mapping, event_days=DAYS):
    result = ImportResult()
    return list(validated(iter(rows), mapping, event_days, result)), result


def _same(rows, mapping, event_days=DAYS):
    got, result = _validated(rows, mapping, event_days)
    want, expected = _reference(rows, mapping, event_days)
    assert got == want
    assert (result.rows, result.valid, result.errors) == (expected.rows, expected.valid, expected.errors)
    return got, result


# -- the Unicode facts the plain-text path stands on (checked here for this Python's Unicode tables) --


def test_printable_text_has_nothing_for_clean_text_to_remove_but_spaces():
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if textnorm._INVISIBLE.match(ch) or (ch.isspace() and ch != " "):
            assert not ch.isprintable(), hex(cp)


def test_the_join_character_and_latin1_text_never_change_under_nfc():
    # "|" is a starter that no canonical decomposition contains: NFC never combines it with a neighbour.
    assert unicodedata.combining(import_rows._JOIN) == 0
    code = f"{ord(import_rows._JOIN):04X}"
    for cp in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(cp))
        assert decomposition.startswith("<") or code not in decomposition.split(), hex(cp)
    latin1 = [chr(cp) for cp in range(256)]
    assert all(unicodedata.is_normalized("NFC", a + b) for a in latin1 for b in latin1)


@given(st.text(alphabet="aZ09._:/+=#-'\"éß \u200bK\n", max_size=12) | st.sampled_from(["a" * 256, "a" * 257]))
def test_a_plain_code_is_left_as_it_is(code):
    if import_rows._PLAIN_CODE.fullmatch(code):
        assert (
            codes.normalise(code) == code and codes.is_valid_code(code) and codes.is_valid_code(code.upper())
        )


def test_text_cleaning_of_accented_text():
    assert textnorm.clean_text(" Zoé  Alaoui ") == "Zoé Alaoui"
    assert textnorm.clean_text("Zoe\u0301") == "Zoé"  # composed (NFC)
    assert textnorm.clean_text("محمد\u200f ") == "محمد"
    assert textnorm.fold("First.Last+tag@Example.MA") == "first last tag example ma"
    assert textnorm.fold("a__b--c") == "a__b c"


# -- the batch path against the row path -----------------------------------------------------------

FULL = {"code": 0, "first_name": 1, "last_name": 2, "company": 3, "email": 4, "category": 5, "days": 6}
WIDE = {**FULL, "status": 7, "notes": 8, "phone": 9, "job_title": 10, "country": 11}
FULL_NAME_ONLY = {"code": 2, "full_name": 0, "email": 1}

CELLS = {
    "code": [
        "SCE-1",
        "sce-2",
        "SCE-3",
        " SCE-4",
        "SCE-5 ",
        "SCE\u200b-6",
        "É-7",
        "",
        "a b",
        "A\nB",  # two plain codes, were its line break not in the cell
        123456.0,
        "S" * 129,
    ],
    "name": [
        "Élodie",
        "Benoît",
        "محمد",
        "王",
        "",
        " Zoé",
        "Zoé ",
        "Jean  Paul",
        "Zoe\u0301",
        "A\u202eli",
        "Ana|Bo",
    ],
    "email": ["", "ali@example.ma", "not an address", "ÉLO@exemple.fr", " x@y.z", "a@b"],
    "category": ["", "VIP", "Presse", "Nouveau type", "médias"],
    "days": ["", "J1", "J1, J2", "all", "18/04", "2027-04-20", "J9", "demain", " J2"],
    "status": ["", "ok", "Annulé", "nope", "bloqué"],
    "other": ["", "Lydec", "OCP Group, Jorf Lasfar", "Société Générale", "+212 6 00", " x", "y  z", "\t"],
}


def _cell_kind(field):
    if field in ("first_name", "last_name", "full_name"):
        return "name"
    return field if field in CELLS else "other"


@st.composite
def tables(draw):
    mapping = draw(st.sampled_from([FULL, WIDE, FULL_NAME_ONLY]))
    width = max(mapping.values()) + 1
    by_column = {i: _cell_kind(f) for f, i in mapping.items()}
    plain = draw(st.booleans())  # mostly plain cells, so that whole batches take the batch path
    rows = []
    for number in range(2, 2 + draw(st.integers(0, 40))):
        row = []
        for i in range(width):
            pool = CELLS[by_column.get(i, "other")]
            row.append(draw(st.sampled_from(pool[:3] if plain and draw(st.integers(0, 20)) else pool)))
        if draw(st.integers(0, 30)) == 0:
            row = row[: draw(st.integers(0, width))]
        rows.append((number, row))
    return rows, mapping


@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from([1, 2, 3, 5, 8, 256]))
def test_batches_give_what_rows_give(table, size):
    rows, mapping = table
    batch, import_rows.BATCH = import_rows.BATCH, size
    try:
        _same(rows, mapping)
    finally:
        import_rows.BATCH = batch


def test_a_plain_batch_is_read_in_one_go_and_a_batch_with_a_bad_row_row_by_row():
    rows = [
        (n, [f"sce-{n}", "Zoé", "Alaoui ", "Lydec", f"u{n}@ex.ma", "Presse", "J1, J2"]) for n in range(2, 12)
    ]
    table = TableReader(FULL, DAYS)
    codes_, values = table.plain_batch([row for _, row in rows])
    assert codes_[0] == "SCE-2" and list(values) == [table.row(row) for _, row in rows]
    rows[5][1][4] = "not an address"
    assert table.plain_batch([row for _, row in rows]) is None
    got, result = _same(rows, FULL)
    assert len(got) == 9 and result.errors[0].row == 7 and "e-mail" in result.errors[0].reason


def test_rows_read_before_a_reading_error_come_before_it():
    def rows():
        yield 2, ["A"]
        yield 3, ["B"]
        raise ValueError("line 4 is broken")

    got = []
    with pytest.raises(ValueError, match="line 4"):
        for numbers, table in batches(rows(), 256):
            got.append((numbers, table))
    assert got == [([2, 3], [["A"], ["B"]])]


def test_row_to_values_still_works_on_its_own():
    assert row_to_values(["b-1", "Amine", ""], {"code": 0, "first_name": 1, "last_name": 2}, ()) == (
        "B-1", "Amine", "", "", "", "", "", "", "visitor", "", "valid", "", "", "",
    )  # fmt: skip
    assert row_to_values([12345.0, "Amine"], {"code": 0, "first_name": 1}, ())[0] == "12345"
    assert row_to_values(["B-1"], {"code": 0, "first_name": 1}, ()) == "no name"


# -- FirstRows -------------------------------------------------------------------------------------


def _table(count, code=lambda n: f"SCE-{n:07d}"):
    return [(n, [code(n), "Zoé", "Alaoui", "", "", "", ""]) for n in range(2, 2 + count)]


def test_a_duplicate_far_away_reports_the_first_row():
    rows = _table(5000)
    rows[4000][1][0] = "sce-0000003"  # row 4002 repeats row 3's code (in another case)
    rows[4500][1][0] = "SCE-0004001"  # row 4502 repeats row 4001 ... seen after the first repeat
    got, result = _same(rows, FULL)
    assert len(got) == 4998
    assert [(e.row, e.reason) for e in result.errors] == [
        (4002, "code SCE-0000003 is already on row 3"),
        (4502, "code SCE-0004001 is already on row 4001"),
    ]


def test_a_duplicate_inside_one_batch_and_of_a_row_recorded_one_by_one():
    rows = _table(600)
    rows[10][1][4] = "bad address"  # row 12: the first batch is read row by row, codes recorded one by one
    rows[300][1][0] = rows[299][1][0]  # rows 301 and 302, in the second batch
    rows[590][1][0] = rows[20][1][0]  # row 592 repeats row 22, from the first batch
    _, result = _same(rows, FULL)
    assert [(e.row, e.reason.split()[-1]) for e in result.errors] == [
        (12, "address"),
        (302, "301"),
        (592, "22"),
    ]


@pytest.mark.parametrize("collide", ["two codes", "every code"])
def test_codes_with_the_same_hash_are_both_kept(monkeypatch, collide):
    """A hash collision between two different codes never drops a row, near or far apart."""
    real_hash = builtins.hash
    if collide == "two codes":
        fake = {"SCE-0000002": 7, "SCE-0003000": 7}
        monkeypatch.setattr(import_rows, "hash", lambda code: fake.get(code, real_hash(code)), raising=False)
    else:
        monkeypatch.setattr(import_rows, "hash", lambda code: 7, raising=False)
    rows = _table(3200)
    rows[3100][1][0] = "SCE-0003000"  # a real duplicate of the second colliding code
    rows[3150][1][0] = "SCE-0000002"  # and of the first
    got, result = _validated(rows, FULL)
    assert len(got) == 3198 and {v[0] for v in got} >= {"SCE-0000002", "SCE-0003000"}
    assert [(e.row, e.reason) for e in result.errors] == [
        (3102, "code SCE-0003000 is already on row 3000"),
        (3152, "code SCE-0000002 is already on row 2"),
    ]


def test_first_rows_alone():
    first = FirstRows()
    assert first.add_new(["A", "B"], [2, 3])
    assert first.setdefault("C", 5) is None
    assert not first.add_new(["D", "A"], [6, 7])  # A again: nothing of this batch is recorded
    assert first.setdefault("D", 6) is None and first.setdefault("A", 7) == "2"
    assert first.setdefault("C", 8) == "5" and first.setdefault("D", 9) == "6"
    assert not first.add_new(["E"], [10])  # in the exact stage, one code at a time
    assert first.setdefault("E", 10) is None and first.setdefault("E", 11) == "10"


def test_first_rows_keeps_rows_that_are_not_consecutive():
    first = FirstRows()
    assert first.add_new(["A", "B", "C"], [2, 4, 9])
    assert first.add_new(["D", "E"], [10, 11])
    assert first.setdefault("C", 12) == "9" and first.setdefault("E", 13) == "11"
