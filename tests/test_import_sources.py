"""Exports of real registration systems import without flags: pretix, Eventbrite, Hi.Events.

The files in tests/data are built on each system's own export code (make_registration_exports.py
says where each layout comes from)."""

import csv
import json
from pathlib import Path

import pytest

from checkin_desk.badges.fields import badge_fields
from checkin_desk.cli import main
from checkin_desk.domain.models import PassStatus, Status
from checkin_desk.imports.readers import ImportFileError, import_file
from checkin_desk.services import categories
from checkin_desk.services.desk import Desk

DATA = Path(__file__).parent / "data"


def _pretix_rows():
    with (DATA / "pretix_positions.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _secret(row):
    value = row["Ticket secret"]
    return value[1:] if value.startswith("'") else value  # as pretix issued it, before defusedcsv


@pytest.mark.parametrize("name", ["pretix_positions.csv", "pretix_positions.xlsx"])
def test_pretix_order_positions_import_without_flags(store, name):
    result = import_file(store, DATA / name)
    assert result.written and result.error_count == 0 and result.source == "pretix order positions"
    rows = _pretix_rows()
    signed = [r for r in rows if _secret(r).startswith("=")]
    assert len(signed) >= 8 and all(
        r["Ticket secret"].startswith("'=") for r in signed
    )  # as pretix writes them
    for row in rows:
        attendee = store.lookup(_secret(row))
        assert attendee is not None, _secret(row)
        assert attendee.code == _secret(row)  # exactly as issued, case and all
    by_status = {row["Status"]: store.lookup(_secret(row)).status for row in rows if row["Blocked"] != "Yes"}
    assert by_status == {
        "paid": PassStatus.VALID,
        "pending (confirmed)": PassStatus.VALID,
        "pending": PassStatus.UNPAID,
        "approval pending": PassStatus.UNPAID,
        "expired": PassStatus.CANCELLED,
        "canceled": PassStatus.CANCELLED,
        "canceled (paid fee)": PassStatus.CANCELLED,
    }
    blocked = next(r for r in rows if r["Blocked"] == "Yes")
    assert store.lookup(_secret(blocked)).status == PassStatus.BLOCKED


def test_pretix_secrets_are_case_sensitive_and_signed_ones_scan(store, clock):
    import_file(store, DATA / "pretix_positions.csv")
    desk = Desk(store, "desk-1", clock=clock, monotonic=clock.monotonic)
    rows = [r for r in _pretix_rows() if r["Status"] == "paid" and r["Blocked"] != "Yes"]
    signed = next(r for r in rows if _secret(r).startswith("=="))
    plain = next(r for r in rows if not _secret(r).startswith("="))
    assert desk.scan(_secret(signed) + "\r\n").status is Status.OK
    clock.advance(5)
    assert desk.scan(_secret(plain)).status is Status.OK
    clock.advance(5)
    # Another case is another secret for pretix: not this attendee.
    assert desk.scan(_secret(plain).upper()).status is Status.UNKNOWN


def test_unpaid_is_refused_at_the_door_with_its_own_reason(store, clock):
    import_file(store, DATA / "pretix_positions.csv")
    pending = next(r for r in _pretix_rows() if r["Status"] == "pending")
    outcome = Desk(store, "desk-1", clock=clock, monotonic=clock.monotonic).scan(_secret(pending))
    assert (outcome.status, outcome.admitted, outcome.print_badge) == (Status.UNPAID, False, False)
    assert outcome.attendee.full_name


def test_pretix_checkin_list_in_french(store):
    result = import_file(store, DATA / "pretix_checkin_fr.csv")
    assert result.written and result.source == "pretix check-in list" and result.error_count == 0
    with (DATA / "pretix_checkin_fr.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    for row in rows:
        attendee = store.lookup(row["Secret"].removeprefix("'"))
        expected = PassStatus.VALID if row["Payé"] == "Oui" else PassStatus.UNPAID
        if row["Bloqué"] == "Oui":
            expected = PassStatus.BLOCKED
        assert (
            attendee.status == expected and attendee.last_name == row["Nom du participant : Nom de famille"]
        )
        if row["Numéro de téléphone"]:
            assert attendee.phone == "+212600000000"  # defusedcsv's quote taken off


def test_eventbrite_statuses(store, clock):
    result = import_file(store, DATA / "eventbrite_attendees.csv")
    assert result.written and result.source == "Eventbrite attendee report" and result.error_count == 0
    with (DATA / "eventbrite_attendees.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    want = {"Attending": PassStatus.VALID, "Checked In": PassStatus.VALID,
            "Not Attending": PassStatus.CANCELLED, "Deleted": PassStatus.CANCELLED}  # fmt: skip
    assert {r["Attendee Status"] for r in rows} == set(want)
    for row in rows:
        assert store.lookup(row["Barcode #"]).status == want[row["Attendee Status"]]
    not_attending = next(r for r in rows if r["Attendee Status"] == "Not Attending")
    assert (
        Desk(store, "desk-1", clock=clock, monotonic=clock.monotonic).scan(not_attending["Barcode #"]).status
        is Status.CANCELLED
    )


def test_eventbrite_without_barcodes_says_which_columns_are_not_it(store):
    with pytest.raises(ImportFileError) as caught:
        import_file(store, DATA / "eventbrite_attendees_no_barcode.csv")
    message = str(caught.value)
    assert 'no "Barcode #" column' in message and '"Attendee #"' in message and '"Order #"' in message
    assert "Total Paid" not in message and store.attendee_count() == 0


def test_an_attendee_status_column_mapped_by_hand_is_understood(store, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "Code,Prénom,Nom,Attendee Status\nE-1,Ali,Tazi,Attending\nE-2,Sara,Fassi,Not Attending\n",
        encoding="utf-8",
    )
    result = import_file(store, path, overrides={"Attendee Status": "status"})
    assert result.written and result.error_count == 0
    assert (store.lookup("E-1").status, store.lookup("E-2").status) == (
        PassStatus.VALID,
        PassStatus.CANCELLED,
    )


def test_hi_events_export(store, clock):
    from openpyxl import load_workbook

    result = import_file(store, DATA / "hievents_attendees.xlsx")
    assert result.written and result.source == "Hi.Events attendee export" and result.error_count == 0
    book = load_workbook(DATA / "hievents_attendees.xlsx", read_only=True)
    try:  # a read-only workbook keeps its file open until closed
        header, *rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    want = {
        "ACTIVE": PassStatus.VALID,
        "AWAITING_PAYMENT": PassStatus.UNPAID,
        "CANCELLED": PassStatus.CANCELLED,
    }
    for row in rows:
        item = dict(zip(header, row, strict=True))
        assert store.lookup(item["Public ID"]).status == want[item["Status"]]
    active = next(dict(zip(header, r, strict=True)) for r in rows if r[4] == "ACTIVE")
    # Hi.Events ids are upper case: typed in lower case, the code still finds its attendee.
    outcome = Desk(store, "desk-1", clock=clock, monotonic=clock.monotonic).scan(active["Public ID"].lower())
    assert outcome.status is Status.OK and outcome.code == active["Public ID"]


def test_status_map_for_the_words_a_source_does_not_know(store, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Code,Name,Statut\nX-1,Ali Tazi,Invité\nX-2,Sara Fassi,Liste noire\n", encoding="utf-8")
    result = import_file(store, path)
    assert not result.written and "--status-map" in result.errors[0].reason
    result = import_file(store, path, status_map={"Invité": "valid", "liste noire": "blocked"})
    assert result.written and store.lookup("X-2").status == PassStatus.BLOCKED
    with pytest.raises(ImportFileError, match="valid, cancelled, blocked, unpaid"):
        import_file(store, path, status_map={"Invité": "maybe"})


def test_category_labels_stay_human(store):
    import_file(store, DATA / "pretix_positions.csv")
    cats = store.categories()
    assert cats["visiteur_professionnel"]["label_fr"] == "Visiteur professionnel"
    assert cats["pass_professionnel_3_jours"]["label_en"] == "Pass Professionnel 3 jours"
    attendee = next(a for a in store.attendees() if a.category == "visiteur_professionnel")
    assert badge_fields(attendee, store.event(), cats)["category_label"] == "Visiteur professionnel"
    assert not any(label["label_fr"].isupper() and "_" in label["label_fr"] for label in cats.values())


def test_category_map_puts_ticket_types_in_known_categories_and_is_remembered(store):
    result = import_file(
        store, DATA / "pretix_positions.csv", category_map={"Pass Professionnel 3 jours": "professional"}
    )
    assert result.written and "pass_professionnel_3_jours" not in store.categories()
    rows = [r for r in _pretix_rows() if r["Product"] == "Pass Professionnel 3 jours"]
    assert {store.lookup(_secret(r)).category for r in rows} == {"professional"}
    assert import_file(store, DATA / "pretix_positions.csv").upsert.updated == 0  # same mapping next time


def test_categories_rename_colour_and_merge(store):
    import_file(store, DATA / "pretix_positions.csv")
    categories.set_labels(
        store, "visiteur_professionnel", fr="Visiteur pro", en="Trade visitor", ar="زائر مهني"
    )
    c = categories.set_labels(store, "visiteur_professionnel", colour="#123abc")
    assert (c.label_fr, c.label_en, c.label_ar, c.colour) == (
        "Visiteur pro",
        "Trade visitor",
        "زائر مهني",
        "#123ABC",
    )
    with pytest.raises(categories.CategoryError, match="#RRGGBB"):
        categories.set_labels(store, "visiteur_professionnel", colour="blue")
    outbox = store.conn.execute("SELECT count(*) FROM outbox WHERE kind = 'attendee'").fetchone()[0]
    moved = categories.merge(store, ["pass_professionnel_3_jours"], "professional")
    assert moved == sum(r["Product"] == "Pass Professionnel 3 jours" for r in _pretix_rows())
    assert "pass_professionnel_3_jours" not in store.categories()
    assert (
        store.conn.execute("SELECT count(*) FROM outbox WHERE kind = 'attendee'").fetchone()[0]
        == outbox + moved
    )
    # The next import of the same list keeps them where the organiser put them.
    assert import_file(store, DATA / "pretix_positions.csv").upsert.updated == 0
    actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("category_edit") == 2 and "category_merge" in actions


def test_categories_command(isolated_home, capsys):
    db = str(isolated_home / "e.sqlite")
    assert main(["--db", db, "event", "create", "--name", "SCE", "--days", "2027-04-18"]) == 0
    assert main(["--db", db, "import", str(DATA / "eventbrite_attendees.csv")]) == 0
    assert (
        main(
            ["--db", db, "categories", "rename", "delegation", "Délégation de Shanghai", "--ar", "وفد شنغهاي"]
        )
        == 0
    )
    assert (
        main(["--db", db, "categories", "merge", "pass_professionnel_3_jours", "--into", "professional"]) == 0
    )
    capsys.readouterr()
    assert main(["--db", db, "categories", "list", "--json"]) == 0
    listed = {c["key"]: c for c in json.loads(capsys.readouterr().out)}
    assert (
        listed["delegation"]["label_fr"] == "Délégation de Shanghai"
        and listed["delegation"]["label_ar"] == "وفد شنغهاي"
    )
    assert "pass_professionnel_3_jours" not in listed and listed["professional"]["attendees"] == 3
    assert main(["--db", db, "categories", "merge", "nope", "--into", "vip"]) == 1
    assert "no category 'nope'" in capsys.readouterr().err


def test_import_on_a_new_machine_says_what_to_run(isolated_home, capsys):
    assert main(["import", str(DATA / "pretix_positions.csv")]) == 1
    err = capsys.readouterr().err
    assert "no event on this machine yet" in err and "checkin-desk event create --name" in err
    assert "--create-event" in err and not (isolated_home / "data" / "events").exists()
    assert main(["event", "create", "--name", "SCE 2027", "--days", "2027-04-18,2027-04-19"]) == 0
    assert (isolated_home / "data" / "events" / "sce-2027.sqlite").is_file()  # named after the event
    assert main(["import", str(DATA / "pretix_positions.csv")]) == 0
    assert "pretix order positions" in capsys.readouterr().out


def test_import_can_create_the_event_from_the_days_in_the_list(isolated_home, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text("code;nom;prenom;jours\nA-1;Tazi;Ali;2027-04-18\nA-2;Fassi;Sara;2027-04-19,2027-04-20\n")
    assert main(["import", str(path), "--create-event", "--name", "Smart City Expo 2027"]) == 0
    out = capsys.readouterr().out
    assert "2027-04-18, 2027-04-19, 2027-04-20" in out
    assert (isolated_home / "data" / "events" / "smart-city-expo-2027.sqlite").is_file()


def test_every_option_of_the_event_commands_has_help():
    import argparse

    from checkin_desk.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in ("event", "demo", "import", "categories"):
        command = sub.choices[name]
        parsers = [command] + [
            p
            for a in command._actions
            if isinstance(a, argparse._SubParsersAction)
            for p in a.choices.values()
        ]
        for p in parsers:
            for action in p._actions:
                if action.help is None and not isinstance(action, argparse._SubParsersAction):
                    pytest.fail(f"{p.prog}: {'/'.join(action.option_strings) or action.dest} has no help")
