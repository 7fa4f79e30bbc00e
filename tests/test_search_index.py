"""The search index's shortcut: plain ASCII text goes in unfolded (search_index._folded)."""

import sqlite3

from conftest import search_terms
from hypothesis import given, settings
from hypothesis import strategies as st

from checkin_desk.storage import search_index
from checkin_desk.util.textnorm import fold


def _tokens(text: str) -> list[str]:
    conn = sqlite3.connect(":memory:")
    conn.execute(search_index.CREATE)
    conn.execute(search_index.INSERT, (1, text, "", "", ""))
    return sorted(term for term, _, _ in search_terms(conn))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_text_gives_the_tokens_its_folded_form_gives(text):
    assert _tokens(text) == _tokens(fold(text))


def test_examples_of_what_the_shortcut_must_keep():
    assert _tokens("Jean-Paul O'Neil_Jr  x.y@Example.MA") == _tokens(
        fold("Jean-Paul O'Neil_Jr  x.y@Example.MA")
    )
    # Not ASCII: folded (accents off, Arabic letter forms joined) before it is indexed.
    assert search_index.columns("Benoît", "الإدريسي", "Société", "É@x.ma")[:3] == (
        "benoit الادريسي",
        "societe",
        "e x ma",
    )
