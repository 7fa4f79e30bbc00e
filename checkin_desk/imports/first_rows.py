"""Each code's first row in an import, for its duplicate check, in little memory (see FirstRows)."""

from __future__ import annotations

import operator
from array import array
from collections.abc import Sequence
from itertools import chain

# Hashes kept to 60 bits are 32-byte ints in CPython, 64-bit ones 40: 8 MB less for 1,000,000 codes.
# Two different codes share a 60-bit hash about once in 2,000,000 lists of 1,000,000 codes (and
# even then nothing is lost: see FirstRows).
_HASH_BITS = (1 << 60) - 1
# Codes kept per text of FirstRows' first stage.
_CHUNK = 256


class FirstRows:
    """Each code's first row number, for the duplicate check of an import: ~80 bytes a code at most,
    where a dict of code -> row took ~140 MB for 1,000,000 codes.

    Two stages. While no hash has come twice, a set of the codes' hashes tells in a few C loops that
    a whole batch of codes is new (~64 bytes a code), and the codes and their rows are only kept, a
    batch at a time, as text and a range or array (~15 bytes a code), for the second stage.

    The first hash that comes again (a code seen before, or two codes with the same hash) makes the
    store exact: the set is dropped, and every code goes into one of 65,536 strings ("buckets")
    chosen by its hash, which holds the records "\n<code>\t<row>" of its codes. A code is found by a
    substring search that compares the code itself, so codes that share a hash are told apart. This
    costs ~30 bytes a code but a Python step per code; it is for lists that have duplicates.

    Codes must not contain "\n" or "\t" (valid badge codes have no control character); rows are ints.
    """

    def __init__(self, bits: int = 16) -> None:
        self._hashes: set[int] | None = set()
        # The codes recorded in the first stage, a batch or _CHUNK at a time ("\n"-joined), and their rows.
        self._codes: list[str] = []
        self._rows: list[Sequence[int]] = []
        self._pending: tuple[list[str], list[int]] = ([], [])  # recorded one at a time, not yet in _codes
        self._buckets: list[str] = []
        self._bits = bits

    def add_new(self, codes: list[str], rows: list[int]) -> bool:
        """Record a batch of codes in one step when they are all new (the usual case); False, and
        nothing recorded, when they may not be: then setdefault() tells for each code."""
        if self._hashes is None:
            return False
        count = len(self._hashes)
        self._hashes.update(map(_HASH_BITS.__and__, map(hash, codes)))
        if len(self._hashes) != count + len(codes):
            # A hash came twice. The set now holds hashes of codes that are not recorded, but the
            # exact stage starts from the recorded codes alone.
            self._make_exact()
            return False
        self._flush()
        self._keep(codes, rows)
        return True

    def setdefault(self, code: str, row: int) -> str | None:
        """The row `code` was first seen on (as text); None when it is new, and `row` is recorded."""
        if self._hashes is not None:
            key = hash(code) & _HASH_BITS
            if key not in self._hashes:
                self._hashes.add(key)
                codes, rows = self._pending
                codes.append(code)
                rows.append(row)
                if len(codes) >= _CHUNK:
                    self._flush()
                return None
            self._make_exact()
        buckets, index = self._buckets, hash(code) & (len(self._buckets) - 1)
        bucket = buckets[index]
        key = f"\n{code}\t"
        start = bucket.find(key)
        if start < 0:
            buckets[index] = f"{bucket}{key}{row}"
            return None
        start += len(key)
        end = bucket.find("\n", start)
        return bucket[start:] if end < 0 else bucket[start:end]

    def _keep(self, codes: list[str], rows: list[int]) -> None:
        self._codes.append("\n".join(codes))
        first = rows[0]
        consecutive = range(first, first + len(rows))  # the usual case: no blank row in between
        self._rows.append(consecutive if all(map(operator.eq, rows, consecutive)) else array("q", rows))

    def _flush(self) -> None:
        codes, rows = self._pending
        if codes:
            self._keep(codes, rows)
            self._pending = ([], [])

    def _make_exact(self) -> None:
        """Second stage: every code recorded so far (all different: their hashes were) into buckets."""
        self._flush()
        self._hashes = None  # freed before the buckets grow
        buckets = self._buckets = [""] * (1 << self._bits)
        mask = len(buckets) - 1
        codes = chain.from_iterable(text.split("\n") for text in self._codes)
        for code, row in zip(codes, chain.from_iterable(self._rows), strict=True):
            index = hash(code) & mask
            buckets[index] = f"{buckets[index]}\n{code}\t{row}"
        self._codes, self._rows = [], []
