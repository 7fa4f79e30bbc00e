import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkin_desk.domain import codes
from checkin_desk.util.textnorm import clean_text, fold


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("sce-1", "sce-1"),
        ("  SCE-1\r\n", "SCE-1"),
        ("\tabc123 ", "abc123"),
        ("S1:ABC", "S1:ABC"),
        ("s1:abc", "S1:ABC"),  # our signed codes are base32: either case reads the same
    ],
)
def test_codes_are_trimmed_and_keep_their_case(raw, code):
    assert codes.parse(raw).code == code


# Codes as real systems issue them: pretix random secrets (lower case), pretix_sig1 secrets (base64
# reversed, so padding first), Hi.Events public ids, Eventbrite barcodes, a URL-ish code.
@pytest.mark.parametrize(
    "code",
    [
        "k7x9q2m4p8r3t6w1yzabcdefghjkmnpq",
        "==WAWRWJGUL/VVZFABCYP163DLPUM12D1OZZ/BWK",
        "+abc/DEF=",
        "A-K3J8XQ2",
        "1001001000011234567001",
        "urn:ticket:2027_SCE.42",
        "x" * 256,
    ],
)
def test_codes_of_registration_systems_are_accepted_exactly(code):
    parsed = codes.parse(code)
    assert parsed.ok and parsed.code == code and codes.is_valid_code(code)


def test_a_long_code_is_called_too_long_not_odd_characters():
    parsed = codes.parse("A" * 300)
    assert not parsed.ok and parsed.error == "too long (300 characters; a badge code has at most 256)"
    assert codes.problem("AB C") == "a space inside (a badge code has none)"
    assert "'é'" in codes.problem("é1")


def test_lookup_forms_try_the_exact_code_first():
    assert codes.lookup_forms("abc") == ("abc", "ABC")
    assert codes.lookup_forms("ABC") == ("ABC",)


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
