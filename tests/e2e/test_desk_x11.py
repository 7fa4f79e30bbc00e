"""The desk window driven through X11 as a person and a USB scanner drive it: xdotool types at the X
level (Shift for capitals), results are read from the event database and from screenshots.

xdotool's `--delay D` splits D between a key's press and its release: a key every D/2 ms. So a
scanner typing a key every N ms is `type(code, 2 * N)`.
"""

from __future__ import annotations

from e2e.conftest import mixed_case_codes, person
from e2e.xsession import changed_share, colour_share, wait_for

GREEN = (0x1B, 0x7F, 0x3B)
SCANNER_MS = (2, 8, 15, 30)
SCANS = "SELECT code, status FROM scans ORDER BY rowid"


def scanner(app, code: str, per_key_ms: float) -> None:
    app.x.type(code, 2 * per_key_ms)
    app.x.key("Return")


def person_types(app, text: str) -> None:
    app.x.type(text, 240)  # a key every ~120 ms: a person


def banner_box(app) -> tuple[int, int, int, int]:
    """The banner's area on the screen: the window's upper part, under the menu bar."""
    where = app.geometry()
    return (where.x + 30, where.y + 50, where.right - 30, where.y + int(where.height * 0.38))


def banner_share(app, rgb=GREEN) -> float:
    """How much of the banner's area shows `rgb` on the screen."""
    return colour_share(app.x.screenshot(), banner_box(app), rgb)


def test_twenty_mixed_case_codes_scanned_into_the_search_box_arrive_whole(launch):
    codes = ["Sce26-00aaBB/11+=", *mixed_case_codes(19)]  # doubled keys: Qt calls the second auto-repeated
    attendees = [person(code, "Visiteur", f"N{i}") for i, code in enumerate(codes)]
    attendees.append(person("SCE-ZYX-1", "Anouar", "Zyxwander"))
    app = launch(attendees)
    app.x.key("ctrl+f")  # the keyboard in the search box, where scans used to be cut in two
    for i, code in enumerate(codes):
        scanner(app, code, SCANNER_MS[i % len(SCANNER_MS)])
        app.wait_rows(SCANS, until=lambda rows, n=i + 1: len(rows) >= n)
    rows = app.rows(SCANS)
    assert rows == [(code.upper(), "ok") for code in codes]
    # The search box is empty: a name typed now by a person finds exactly that person, and Enter
    # checks them in (a leftover character would find nobody).
    person_types(app, "Zyxwander")
    app.x.key("Return")
    app.wait_rows(SCANS, until=lambda rows: len(rows) == 21)
    assert app.rows(SCANS)[-1] == ("SCE-ZYX-1", "ok")
    wait_for(lambda: banner_share(app) > 0.5, 10, "the green banner on the screen")


def test_a_walk_in_typed_while_a_badge_is_scanned(launch):
    app = launch([person("SCE26-06ACG711", "Karim", "Alaoui")])
    app.x.key("F3")
    dialog = wait_for(lambda: next(iter(set(app.windows()) - {app.window}), ""), 10, "the walk-in dialog")
    app.focus(dialog)
    person_types(app, "Amina")
    scanner(app, "SCE26-06ACG711", 8)  # a visitor's badge, read while the supervisor types
    app.x.key("Tab")
    person_types(app, "Tazi")
    assert app.rows(SCANS) == []  # held back while the dialog is open
    app.x.key("Return")
    rows = app.wait_rows(
        "SELECT a.first_name, a.last_name, s.code FROM scans s JOIN attendees a ON a.code = s.attendee_code "
        "ORDER BY s.rowid",
        until=lambda rows: len(rows) == 2,
    )
    assert rows[0][:2] == ("Amina", "Tazi")  # the walk-in, with the name as typed
    assert rows[1] == ("Karim", "Alaoui", "SCE26-06ACG711")  # the scan, applied after the dialog closed
    assert app.rows("SELECT count(*) FROM attendees WHERE origin = 'walk_in'") == [(1,)]


def test_a_scan_while_the_dashboard_is_shown_comes_to_the_front(launch):
    app = launch([person("SCE26-09QX4410", "Salma", "Berrada")])
    ready = app.x.screenshot()
    app.x.key("F4")
    wait_for(
        lambda: changed_share(ready, app.x.screenshot(), banner_box(app)) > 0.04, 10, "the dashboard shown"
    )
    assert banner_share(app) < 0.05
    scanner(app, "SCE26-09QX4410", 8)
    app.wait_rows(SCANS, until=lambda rows: rows == [("SCE26-09QX4410", "ok")])
    wait_for(lambda: banner_share(app) > 0.5, 10, "the green result in front of the dashboard")


def test_a_scan_right_after_a_persons_typing_keeps_both_whole(launch):
    """ "Lina" typed at a person's pace and a scan started at once: the person's last key used to be
    glued in front of the code (an unknown scan)."""
    codes = [code for code in mixed_case_codes(12, seed=5) if code[0].islower()][:3]
    app = launch([person(code, "Visiteur", f"N{i}") for i, code in enumerate(codes)])
    app.x.key("ctrl+f")
    for i, code in enumerate(codes):
        app.x.type("Lina", 150)
        scanner(app, code, 4)
        app.wait_rows(SCANS, until=lambda rows, n=i + 1: len(rows) >= n)
        app.x.key("ctrl+a", "BackSpace")  # the person clears the box for the next try
    assert app.rows(SCANS) == [(code.upper(), "ok") for code in codes]


def test_a_walk_in_name_and_a_lowercase_scan_typed_at_once(launch):
    code = next(c for c in mixed_case_codes(12, seed=9) if c[0].islower())
    app = launch([person(code, "Karim", "Alaoui")])
    app.x.key("F3")
    dialog = wait_for(lambda: next(iter(set(app.windows()) - {app.window}), ""), 10, "the walk-in dialog")
    app.focus(dialog)
    app.x.type("Lina", 150)
    scanner(app, code, 4)
    app.x.key("Tab")
    person_types(app, "Low")
    app.x.key("Return")
    rows = app.wait_rows(
        "SELECT a.first_name, a.last_name, s.code FROM scans s JOIN attendees a ON a.code = s.attendee_code "
        "ORDER BY s.rowid",
        until=lambda rows: len(rows) == 2,
    )
    assert rows[0][:2] == ("Lina", "Low")
    assert rows[1] == ("Karim", "Alaoui", code.upper())


def test_a_name_and_pin_typed_fast_in_the_pin_dialog_never_become_scans(launch):
    """A supervisor types their name, Tab and their PIN at 15 ms a key (a number-pad typist, a password
    tool): that is typing in a dialog, never a scan; a PIN must never land in the scans table (nor on
    the hub). Before, "olga" + Tab was held as a scan and the PIN went into the name field as another."""

    def staff(db):
        from checkin_desk.storage.store import Store
        from checkin_desk.trust import roles

        store = Store.open(db)
        roles.add_staff(store, "ada", roles.Role.ADMIN, "739182")
        roles.add_staff(
            store, "olga", roles.Role.SUPERVISOR, "482913", by=roles.Staff("ada", roles.Role.ADMIN)
        )
        store.close()

    app = launch([person("SCE26-0RDV1EWZ", "Salma", "Berrada")], prepare=staff)
    scanner(app, "SCE26-0RDV1EWZ", 8)
    app.wait_rows(SCANS, until=lambda rows: len(rows) == 1)
    app.x.key("F6")  # a reprint: a supervisor's name and PIN first
    dialog = wait_for(lambda: next(iter(set(app.windows()) - {app.window}), ""), 10, "the PIN dialog")
    app.focus(dialog)
    app.x.type("olga", 30)  # xdotool --delay 30: a key every 15 ms
    app.x.key("Tab")
    app.x.type("482913", 30)
    app.x.key("Return")
    # The PIN was right: the dialog gives way to the reprint's reason.
    wait_for(lambda: dialog not in app.windows(), 10, "the PIN dialog accepted")
    assert app.rows(SCANS) == [("SCE26-0RDV1EWZ", "ok")]
    assert app.rows("SELECT count(*) FROM audit_log WHERE action = 'pin_refused'") == [(0,)]
