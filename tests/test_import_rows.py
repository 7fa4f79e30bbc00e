"""import_rows: the per-row work of an import, and the facts its fast path stands on."""

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from checkin_desk import codes, import_rows, textnorm
from checkin_desk.import_rows import row_to_values

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
