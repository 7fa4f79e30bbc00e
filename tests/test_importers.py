import pytest
from conftest import DATA

from checkin_desk.domain.models import PassStatus
from checkin_desk.imports.readers import ImportFileError, import_file


def test_french_excel_csv_cp1252_semicolons(store):
    result = import_file(store, DATA / "french_excel.csv")
    assert (result.encoding, result.delimiter, result.error_count, result.written) == ("cp1252", ";", 0, True)
    elodie = store.lookup("SCE-0001")
    assert (elodie.first_name, elodie.last_name, elodie.company) == ("Élodie", "Lefèvre", "Lydec")
    assert elodie.category == "visitor" and elodie.days == ()
    benoit = store.lookup("SCE-0002")
    assert benoit.category == "exhibitor" and benoit.days == ("2027-04-18", "2027-04-19")
    assert store.lookup("SCE-0003").category == "speaker"  # "sce-0003 " trimmed and upper-cased
    assert store.lookup("SCE-0004").status == PassStatus.CANCELLED
    assert store.lookup("SCE-0005").status == PassStatus.BLOCKED
    assert store.lookup("SCE-0005").notes == "Voir superviseur"


def test_eventbrite_utf8_bom_with_arabic_and_chinese(store):
    result = import_file(store, DATA / "eventbrite_export.csv")
    assert (result.encoding, result.delimiter, result.valid) == ("utf-8-sig", ",", 4)
    assert result.columns["code"] == "Barcode #"
    assert store.lookup("100100100001").first_name == "محمد"
    assert store.lookup("100100100001").company == "OCP Group, Jorf Lasfar"
    wang = store.lookup("100100100002")
    assert wang.full_name == "王伟" and wang.category == "delegation"
    assert store.lookup("100100100003").category == "vip"


def test_pretix_tab_separated_full_names(store):
    result = import_file(store, DATA / "pretix_export.tsv")
    assert result.delimiter == "\t" and result.written
    salma = store.lookup("K7X9Q2M4P8R3T6W1")
    assert (salma.first_name, salma.last_name, salma.category) == ("Salma", "Berrada", "speaker")


def test_xlsx_with_numeric_codes_and_day_lists(store):
    result = import_file(store, DATA / "registrations.xlsx")
    assert result.error_count == 0 and result.valid == 3
    assert store.lookup("900001").days == ()
    assert store.lookup("X-900002").days == ("2027-04-18", "2027-04-20")
    assert store.lookup("X-900003").full_name == "孙晓明"


def test_json_strips_direction_overrides(store):
    result = import_file(store, DATA / "attendees.json")
    assert result.written
    spoof = store.lookup("J-3")
    assert (spoof.first_name, spoof.last_name) == ("evil", "Name")
    assert store.lookup("J-2").days == ("2027-04-19",)


def test_broken_list_reports_every_bad_row_and_writes_nothing(store):
    result = import_file(store, DATA / "broken_list.csv")
    assert not result.written
    assert [(e.row, e.reason.split()[0]) for e in result.errors] == [
        (3, "no"),
        (4, "e-mail"),
        (5, "code"),
        (6, "status"),
        (7, "2030-01-01"),
    ]
    assert "already on row 2" in result.errors[2].reason
    assert store.attendee_count() == 0


def test_skip_invalid_writes_only_good_rows(store):
    result = import_file(store, DATA / "broken_list.csv", skip_invalid=True)
    assert result.written and result.error_count == 5
    assert sorted(a.code for a in store.attendees()) == ["B-1", "B-7"]
    assert store.lookup("B-1").first_name == "Amine"  # the first of two duplicates


def test_dry_run_writes_nothing(store):
    result = import_file(store, DATA / "french_excel.csv", dry_run=True)
    assert result.upsert.inserted == 5 and not result.written
    assert store.attendee_count() == 0


def test_explicit_mapping_overrides_headers(store, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Ticket,Qui,Boîte\nT-1,Ali Tazi,Inwi\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="no column for names"):
        import_file(store, path)
    result = import_file(store, path, overrides={"Qui": "full_name", "Boîte": "company"})
    assert result.written and store.lookup("T-1").company == "Inwi"
    with pytest.raises(ImportFileError, match="unknown field"):
        import_file(store, path, overrides={"Qui": "shoe_size"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"foo,bar\n1,2\n", "badge code"),
        (b'code,nom\n"unterminated,x\n' + b"a" * 200_000, "field larger|line"),
    ],
)
def test_broken_files_give_a_clear_message_and_change_nothing(store, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        import_file(store, path)
    assert store.attendee_count() == 0


def test_broken_xlsx_and_json(store, tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError, match=r"not a readable \.xlsx"):
        import_file(store, tmp_path / "bad.xlsx")
    (tmp_path / "bad.json").write_text('{"attendees": 3}')
    with pytest.raises(ImportFileError, match="list of attendee objects"):
        import_file(store, tmp_path / "bad.json")


def test_reimport_updates_without_touching_checkins(desk, tmp_path):
    store = desk.store
    import_file(store, DATA / "french_excel.csv")
    assert desk.scan("SCE-0001").admitted
    path = tmp_path / "v2.csv"
    text = (DATA / "french_excel.csv").read_bytes().decode("cp1252").replace("Lydec;", "Lydec Groupe;")
    path.write_bytes(text.encode("cp1252"))
    result = import_file(store, path)
    assert (result.upsert.updated, result.upsert.unchanged) == (1, 4)
    assert store.lookup("SCE-0001").company == "Lydec Groupe"
    assert len(store.admitted_entries("SCE-0001")) == 1


def test_large_import_with_a_new_category_mid_file(store, tmp_path):
    path = tmp_path / "big.csv"
    lines = ["code;prenom;nom;categorie"] + [
        f"BIG-{i};Amine;Alaoui{i};{'Sponsor' if i % 7 == 0 else 'Visiteur'}" for i in range(12_000)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(store, path)
    assert result.written and store.attendee_count() == 12_000
    assert result.upsert.new_categories == ["sponsor"] and "sponsor" in store.categories()
    assert store.search("alaoui11999")[0].code == "BIG-11999"


def test_a_bad_row_late_in_a_large_file_leaves_nothing_written(store, tmp_path):
    path = tmp_path / "big.csv"
    lines = ["code;prenom;nom"] + [f"BIG-{i};Amine;Alaoui" for i in range(11_000)] + [";No;Code"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(store, path)
    assert not result.written and result.error_count == 1 and store.attendee_count() == 0
