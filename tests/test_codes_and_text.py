import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkin_desk.domain import codes
from checkin_desk.util.textnorm import clean_text, fold


@pytest.mark.parametrize(
    ("raw", "code"),
    [("sce-1", "SCE-1"), ("  SCE-1\r\n", "SCE-1"), ("\tabc123 ", "ABC123"), ("S1:ABC", "S1:ABC")],
)
def test_codes_are_trimmed_and_case_folded(raw, code):
    assert codes.parse(raw).code == code


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "\x00\x01", "x" * 10_000, "'; DROP TABLE scans;--", "é", b"\xff\xfe", "SCE 1", "\ud800"],
)
def test_garbage_is_malformed_with_a_reason(raw):
    parsed = codes.parse(raw)
    assert not parsed.ok and parsed.code == "" and parsed.error


@given(st.one_of(st.text(max_size=600), st.binary(max_size=600)))
def test_parse_never_raises_and_ok_codes_are_valid(raw):
    parsed = codes.parse(raw)
    assert parsed.ok == codes.is_valid_code(parsed.code)


def test_clean_text_removes_direction_overrides_and_zero_width():
    assert clean_text("\u202eevil\u202c  Name\u200b ") == "evil Name"
    assert clean_text("Ali\u200f") == "Ali"
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Benoît", "benoit"),
        ("ÉLODIE", "elodie"),
        ("Çağla", "cagla"),
        ("أحمد", "احمد"),
        ("إيمان", "ايمان"),
        ("فاطمة", "فاطمه"),
        ("مُحَمَّد", "محمد"),
        ("عـــلي", "علي"),
        ("مصطفى", "مصطفي"),
    ],
)
def test_fold_makes_spellings_meet(a, b):
    assert fold(a) == fold(b)
