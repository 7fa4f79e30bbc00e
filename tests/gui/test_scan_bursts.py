"""Which keys before Enter were a scanner's burst, judged on the keys' own timestamps (plain data)."""

from __future__ import annotations

from checkin_desk.gui.scan_bursts import burst_start


def evenly(start: float, count: int, every: float) -> list[float]:
    return [start + i * every for i in range(count)]


def test_an_even_burst_is_a_scan_from_its_first_key():
    keys = evenly(0, 14, 8)
    assert burst_start(keys, keys[-1] + 8) == 0


def test_a_persons_keys_are_no_scan():
    keys = evenly(0, 6, 140)
    assert burst_start(keys, keys[-1] + 140) is None


def test_the_persons_last_key_90_ms_before_a_burst_is_theirs():
    person = evenly(0, 4, 150)  # "Lina"
    burst = evenly(person[-1] + 90, 16, 8)
    assert burst_start(person + burst, burst[-1] + 8) == 4


def test_stalls_inside_a_burst_join_its_parts():
    head = evenly(0, 5, 2)
    middle = [head[-1] + 300]  # a lone key between two stalls
    tail = evenly(middle[0] + 250, 9, 2)
    assert burst_start(head + middle + tail, tail[-1] + 2) == 0


def test_a_lone_first_key_cut_off_by_a_stall_belongs_to_the_burst():
    first = [5000.0]
    tail = evenly(first[0] + 300, 12, 2)
    assert burst_start(first + tail, tail[-1] + 2) == 0


def test_a_late_return_still_ends_the_burst_but_not_seconds_later():
    keys = evenly(0, 12, 2)
    assert burst_start(keys, keys[-1] + 900) == 0
    assert burst_start(keys, keys[-1] + 2500) is None


def test_a_burst_too_short_for_a_code_is_no_scan():
    keys = evenly(0, 3, 4)
    assert burst_start(keys, keys[-1] + 4) is None


def test_a_scanner_starved_on_a_busy_machine_is_still_a_burst():
    """xdotool at 30 ms a key beside three busy loops, as the X server stamped it: gaps of 31-95 ms."""
    gaps = [63, 95, 69, 92, 48, 39, 37, 44, 35, 31, 31, 31, 31]
    keys = [0.0]
    for gap in gaps:
        keys.append(keys[-1] + gap)
    assert burst_start(keys, keys[-1] + 49) == 0


def test_a_fast_typist_is_no_burst():
    keys = evenly(0, 4, 70)
    assert burst_start(keys, keys[-1] + 70) is None
