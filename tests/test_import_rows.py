"""import_rows: the per-row work of an import, the facts its fast path stands on, and FirstRows."""

import builtins
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkin_desk import codes, import_rows, textnorm
from checkin_desk.import_rows import FirstRows, TableReader, row_to_values
from checkin_desk.importers import ImportResult, validated

DAYS = ("2027-04-18", "2027-04-19", "2027-04-20")
FULL = {"code": 0, "first_name": 1, "last_name": 2, "company": 3, "email": 4, "category": 5, "days": 6}


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


def test_the_join_character_never_changes_under_nfc():
    # "|" is a starter that no canonical decomposition contains: NFC never combines it with a neighbour.
    assert unicodedata.combining(import_rows._JOIN) == 0
    code = f"{ord(import_rows._JOIN):04X}"
    for cp in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(cp))
        assert decomposition.startswith("<") or code not in decomposition.split(), hex(cp)


@given(st.text(alphabet="aZ09._:/+=#-éß \u200bK\n", max_size=12) | st.sampled_from(["a" * 128, "a" * 129]))
def test_a_plain_code_is_only_upper_cased(code):
    if import_rows._PLAIN_CODE.fullmatch(code):
        assert codes.normalise(code) == code.upper() and codes.is_valid_code(code.upper())


def test_text_cleaning_of_accented_text():
    assert textnorm.clean_text(" Zoé  Alaoui ") == "Zoé Alaoui"
    assert textnorm.clean_text("Zoe\u0301") == "Zoé"  # composed (NFC)
    assert textnorm.clean_text("محمد\u200f ") == "محمد"
    assert textnorm.fold("First.Last+tag@Example.MA") == "first last tag example ma"
    assert textnorm.fold("a__b--c") == "a__b c"


def test_row_to_values_still_works_on_its_own():
    assert row_to_values(["b-1", "Amine", ""], {"code": 0, "first_name": 1, "last_name": 2}, ()) == (
        "B-1", "Amine", "", "", "", "", "", "", "visitor", "", "valid", "",
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
    assert first.setdefault("A", 2) is None and first.setdefault("B", 4) is None
    assert first.setdefault("C", 9) is None  # rows need not follow each other
    assert first.setdefault("A", 10) == "2"  # the first repeat: from now on, exact buckets
    assert first.setdefault("C", 11) == "9" and first.setdefault("D", 12) is None
    assert first.setdefault("D", 13) == "12" and first.setdefault("B", 14) == "4"
