"""The large-import path (parser process + indexes rebuilt after the rows) against the row-by-row path."""

import random
from pathlib import Path

import pytest
from conftest import DATA, EVENT, search_terms

from checkin_desk.domain.models import Attendee
from checkin_desk.imports import worker as import_worker
from checkin_desk.imports.readers import ImportFileError, import_file
from checkin_desk.storage import attendee_writes
from checkin_desk.storage import store as store_module
from checkin_desk.storage.store import Store

FIRST = ["Élodie", "Benoît", "محمد", "أحمد", "Zoé", "王", "Salma", "Mohamed", "Søren", "Amine"]
LAST = ["Lefèvre", "Alaoui", "الإدريسي", "Chraibi", "伟", "Berrada", "El Fassi", "Œuvray", "Bennani"]
COMPANIES = ["Lydec", "OCP Group, Jorf Lasfar", "Société Générale", "مدينة", "", "Shanghai Metro"]


def _open(tmp_path, name) -> Store:
    s = Store.open(tmp_path / f"{name}.sqlite", create=True)
    s.init_event(EVENT)
    return s


def _big_csv(path, count, seed=3, extra=()):
    rng = random.Random(seed)
    lines = ["Code;Prénom;Nom;Société;E-mail;Catégorie;Jours;Statut;Notes"]
    for i in range(count):
        notes = (
            '"two\nlines; quoted ""here"""' if i % 997 == 0 else ("Voir superviseur" if i % 13 == 0 else "")
        )
        lines.append(
            f"sce-{rng.randrange(10**9):09d}-{i};{rng.choice(FIRST)};{rng.choice(LAST)};"
            f'"{rng.choice(COMPANIES)}";user{i}@example.ma;{rng.choice(["Visiteur", "Presse", "Sponsor"])};'
            f"{rng.choice(['', 'J1', '18/04', '2027-04-19,2027-04-20'])};{rng.choice(['', 'annulé', 'ok'])};{notes}"
        )
    lines.extend(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _contents(s: Store):
    attendees = s.conn.execute(
        "SELECT id, " + ", ".join(store_module.ATTENDEE_FIELDS) + ", origin FROM attendees ORDER BY id"
    ).fetchall()
    search = search_terms(s.conn)  # every word of the contentless index, with its attendee and column
    indexes = s.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    ).fetchall()
    # Settings of the index (an adopted one must not keep the settings it was built with).
    config = s.conn.execute("SELECT k, v FROM attendee_search_config ORDER BY k").fetchall()
    return attendees, search, indexes, config


def _summary(result):
    up = result.upsert
    return (
        result.rows,
        result.valid,
        result.errors,
        result.error_count,
        result.written,
        result.columns,
        result.encoding,
        result.delimiter,
        (up.inserted, up.updated, up.unchanged, sorted(up.new_categories)) if up else None,
    )


@pytest.fixture
def small_bulk(monkeypatch):
    """Take the bulk paths (indexes dropped and rebuilt) at test sizes."""
    monkeypatch.setattr(attendee_writes, "BULK_MIN_NEW", 2000)


def test_large_import_two_processes_equals_one_process(tmp_path, small_bulk):
    path = _big_csv(tmp_path / "big.csv", 12_000)
    one, two = _open(tmp_path, "one"), _open(tmp_path, "two")
    r1 = import_file(one, path, parallel=False)
    r2 = import_file(two, path, parallel=True)
    assert r1.written and r1.valid == 12_000 and _summary(r1) == _summary(r2)
    assert one.lookup(one.conn.execute("SELECT code FROM attendees WHERE id = 1").fetchone()[0]).notes in (
        'two\nlines; quoted "here"',
        "",
        "Voir superviseur",
    )
    assert (
        one.conn.execute("SELECT count(*) FROM attendees WHERE notes LIKE 'two%lines%'").fetchone()[0] == 13
    )
    assert _contents(one) == _contents(two)
    assert {"attendees_report", "attendees_by_category"} <= {name for name, _ in _contents(two)[2]}
    for query in [
        "benoit",
        "محمد",
        "احمد",
        "alaoui",
        "lefe",
        "ocp jorf",
        "user11999",
        "mo",
        "søren",
        "soren",
    ]:
        assert [a.code for a in one.search(query)] == [a.code for a in two.search(query)], query
    assert two.search("user11999@example.ma")[0].email == "user11999@example.ma"

    # Re-import an updated list: changes and additions, on both paths, give the same database again.
    text = path.read_text(encoding="utf-8").replace("Lydec", "Lydec Groupe")
    updated = tmp_path / "v2.csv"
    updated.write_text(text + "NEW-1;Nadia;Tazi;;;;;;\n", encoding="utf-8")
    u1 = import_file(one, updated, parallel=False)
    u2 = import_file(two, updated, parallel=True)
    assert _summary(u1) == _summary(u2) and u1.upsert.inserted == 1 and u1.upsert.updated > 1000
    assert _contents(one) == _contents(two)
    assert [a.code for a in two.search("lydec groupe")] == [a.code for a in one.search("lydec groupe")]
    one.close()
    two.close()


@pytest.mark.parametrize("parallel", [False, True])
def test_bad_row_late_in_a_large_file_writes_nothing(tmp_path, small_bulk, parallel):
    path = _big_csv(tmp_path / "big.csv", 9_000, extra=[";No;Code;;;;;;", "Z-1;Last;Row;;;;;;"])
    s = _open(tmp_path, "event")
    indexes = _contents(s)[2]
    result = import_file(s, path, parallel=parallel)
    assert (
        not result.written and result.error_count == 1 and result.errors[0].row == 9_002
    )  # rows are CSV records
    assert s.attendee_count() == 0 and _contents(s)[1] == []
    assert _contents(s)[2] == indexes
    dry = import_file(s, path, parallel=parallel, dry_run=True)
    assert not dry.written and dry.upsert.inserted == 9_001 and s.attendee_count() == 0
    skipped = import_file(s, path, parallel=parallel, skip_invalid=True)
    assert skipped.written and s.attendee_count() == 9_001 and _contents(s)[2] == indexes
    s.close()


# The attendee lists of tests/data (not its generator script nor the name list of the search tests).
LISTS = [p.name for p in sorted(DATA.iterdir()) if p.suffix != ".py" and not p.name.startswith("names_")]


@pytest.mark.parametrize("name", LISTS)
def test_every_sample_file_gives_the_same_result_on_both_paths(tmp_path, name):
    one, two = _open(tmp_path, "one"), _open(tmp_path, "two")
    results = []
    for store, parallel in ((one, False), (two, True)):
        try:
            results.append(_summary(import_file(store, DATA / name, parallel=parallel)))
        except ImportFileError as exc:  # a list refused as a whole: the same refusal
            results.append(str(exc))
    assert results[0] == results[1]
    assert _contents(one) == _contents(two)
    one.close()
    two.close()


def test_parser_errors_come_back_as_the_same_errors(tmp_path, store):
    late_cp1252 = tmp_path / "late.csv"
    late_cp1252.write_bytes(
        b"code;nom\n" + b"".join(b"C-%d;Nom\n" % i for i in range(5000)) + b"C-x;Lef\xe8vre\n"
    )
    result = import_file(store, late_cp1252, parallel=True)
    assert result.written and result.encoding == "cp1252" and store.lookup("C-X").last_name == "Lefèvre"
    no_code = tmp_path / "nocode.csv"
    no_code.write_text("nom;prenom\nA;B\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="badge code"):
        import_file(store, no_code, parallel=True)
    bad_quote = tmp_path / "quote.csv"
    bad_quote.write_text('code;nom\nA;"B\nC;D\n', encoding="utf-8")  # the quote runs to the end of file
    one = _open(tmp_path, "one")
    two = _open(tmp_path, "two")
    messages = []
    for store_, parallel in ((one, False), (two, True)):
        with pytest.raises(ImportFileError, match="line 2: a quote") as caught:
            import_file(store_, bad_quote, parallel=parallel)
        messages.append(str(caught.value))
        assert store_.attendee_count() == 0
    assert messages[0] == messages[1]
    one.close()
    two.close()


def test_with_other_threads_running_the_parser_is_spawned_not_forked(tmp_path, store, monkeypatch):
    import multiprocessing
    import threading

    methods = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method: methods.append(method) or real(method))
    path = _big_csv(tmp_path / "big.csv", 3_000)
    stop = threading.Event()
    gui = threading.Thread(target=stop.wait)  # stands for a GUI's threads: fork would be unsafe
    gui.start()
    try:
        result = import_file(store, path, parallel=True)
    finally:
        stop.set()
        gui.join()
    one = _open(tmp_path, "one")
    assert methods == ["spawn"] and _summary(result) == _summary(import_file(one, path, parallel=False))
    assert _contents(store) == _contents(one)
    one.close()


def _scratch_files(s: Store) -> list[str]:
    return sorted(p.name for p in Path(s.path).parent.glob(".import-search-*"))


@pytest.mark.parametrize("bad", [False, True])
def test_a_first_import_leaves_no_scratch_index_behind(tmp_path, small_bulk, bad):
    extra = [";No;Code;;;;;;"] if bad else []
    path = _big_csv(tmp_path / "big.csv", 6_000, extra=extra)
    s = _open(tmp_path, "event")
    result = import_file(s, path, parallel=True)
    assert result.written is not bad and s.attendee_count() == (0 if bad else 6_000)
    assert _scratch_files(s) == []
    # The index holds words of exactly the attendees written (none after a refused file).
    assert {doc for _, doc, _ in search_terms(s.conn)} == {
        i for (i,) in s.conn.execute("SELECT id FROM attendees")
    }
    s.close()


def test_attendees_that_arrive_while_the_parser_starts_are_kept_and_indexed(
    tmp_path, small_bulk, monkeypatch
):
    """The parser builds the search index only for a first import; if the hub adds attendees
    between that check and the import's transaction, the rows go through the ordinary upsert."""
    path = _big_csv(tmp_path / "big.csv", 6_000)
    s = _open(tmp_path, "event")
    real = import_worker.ParsedTable

    def parser_then_hub(*args, **kwargs):
        table = real(*args, **kwargs)
        assert args[4] is not None  # the parser was asked to build the search index
        s.upsert_attendees([Attendee("HUB-1", "Hub", "Arrival", "Shanghai Metro")], origin="hub")
        return table

    monkeypatch.setattr(import_worker, "ParsedTable", parser_then_hub)
    result = import_file(s, path, parallel=True)
    assert result.written and s.attendee_count() == 6_001 and result.upsert.inserted == 6_000
    assert [a.code for a in s.search("arrival")] == ["HUB-1"]
    one = _open(tmp_path, "one")
    import_file(one, path, parallel=False)
    assert [a.code for a in s.search("user5999")] == [a.code for a in one.search("user5999")] != []
    assert _scratch_files(s) == []
    s.close()
    one.close()


def test_a_scratch_index_nobody_holds_is_removed_at_once_and_a_held_one_is_kept(tmp_path, small_bulk):
    import fcntl

    s = _open(tmp_path, "event")
    path = _big_csv(tmp_path / "big.csv", 3_000)
    assert import_file(s, path, parallel=True).written
    dead, running = tmp_path / ".import-search-dead.sqlite", tmp_path / ".import-search-live.sqlite"
    dead.write_bytes(b"x")  # a killed import's: written a second ago, its lock gone with its process
    running.write_bytes(b"x")
    with running.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running import holds its own
        # Any import sweeps (this one updates: it builds no scratch index of its own).
        assert import_file(s, path, parallel=True).upsert.unchanged == 3_000
        assert _scratch_files(s) == [running.name]  # a running import's file is never touched
    s.close()


@pytest.mark.parametrize("folder", ["Salon #3", "100% pro", "Q&A?x"])
def test_a_first_import_works_in_a_folder_whose_name_means_something_in_a_uri(tmp_path, small_bulk, folder):
    (tmp_path / folder).mkdir()
    s = _open(tmp_path / folder, "event")
    assert import_file(s, _big_csv(tmp_path / "big.csv", 3_000), parallel=True).written
    assert s.attendee_count() == 3_000 and s.search("user2999")[0].email == "user2999@example.ma"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["big.csv", folder])  # no stray file
    s.close()
