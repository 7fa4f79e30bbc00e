"""The first start of a desk with no event: each step of the first-run assistant, without Qt.

Create the event (name, days) or open an existing event file; check then import the attendee list
(the import's own validation report, row by row); name this desk (asked, never the machine's host
name: staff read it on every "already checked in" banner); add a printer and print a test badge;
create the first admin account. Each step uses the same functions as the command line, and the
assistant's window only collects the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.errors import CheckinDeskError
from checkin_desk.imports.readers import ImportFileError, ImportResult, import_file
from checkin_desk.storage.store import Store, StoreError
from checkin_desk.trust import roles
from checkin_desk.trust.roles import Role, Staff
from checkin_desk.util.config import MachineConfig, data_dir
from checkin_desk.util.textnorm import clean_text

MAX_DAYS = 14
DESK_NAME_LENGTH = 40


class SetupError(CheckinDeskError, ValueError):
    """A first-run answer that cannot be used; the message says why (in English, for the log)."""

    def __init__(self, message: str, key: str, **words):
        super().__init__(message)
        self.key, self.words = key, words  # a message id of the assistant's words, and its values


def event_days(first: date, count: int) -> tuple[str, ...]:
    if not 1 <= count <= MAX_DAYS:
        raise SetupError(f"an event lasts 1 to {MAX_DAYS} days", "setup.days_range", n=MAX_DAYS)
    return tuple((first + timedelta(days=n)).isoformat() for n in range(count))


def default_event_path(name: str) -> Path:
    """events/<name>.sqlite in the data directory, never over an existing file."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in clean_text(name).lower()).strip("-")
    folder = data_dir() / "events"
    path = folder / f"{stem or 'event'}.sqlite"
    n = 2
    while path.exists():
        path = folder / f"{stem or 'event'}-{n}.sqlite"
        n += 1
    return path


def create_event(
    path: Path, name: str, first: date, count: int, timezone: str = "Africa/Casablanca"
) -> Store:
    name = clean_text(name)
    if not name:
        raise SetupError("the event needs a name", "setup.need_event_name")
    days = event_days(first, count)
    if path.exists() and path.stat().st_size:
        raise SetupError(f"an event database already exists at {path}", "setup.exists", path=str(path))
    store = Store.open(path, create=True)
    store.init_event(EventInfo(name, days, timezone))
    return store


def open_event(path: Path) -> Store:
    try:
        return Store.open(path)
    except StoreError as exc:
        raise SetupError(str(exc), "setup.cannot_open", path=str(path), why=str(exc)) from exc


def check_list(store: Store, path: Path) -> ImportResult:
    """Validate the attendee list without writing anything (the import's own report)."""
    return _import(store, path, dry_run=True, skip_invalid=False)


def import_list(store: Store, path: Path, *, skip_invalid: bool) -> ImportResult:
    """Import it: all rows, or only the valid ones when asked; nothing when a row is bad otherwise."""
    return _import(store, path, dry_run=False, skip_invalid=skip_invalid)


def _import(store: Store, path: Path, *, dry_run: bool, skip_invalid: bool) -> ImportResult:
    try:
        return import_file(store, path, dry_run=dry_run, skip_invalid=skip_invalid)
    except ImportFileError as exc:
        raise SetupError(str(exc), "setup.bad_file", why=str(exc)) from exc


def report_lines(result: ImportResult, limit: int = 50) -> list[str]:
    """The validation report as the command line prints it: totals, then each bad row and why."""
    lines = [f"{result.rows} rows, {result.valid} valid, {result.error_count} with errors"]
    lines += [f"row {error.row}: {error.reason}" for error in result.errors[:limit]]
    if result.error_count > limit:
        lines.append(f"... and {result.error_count - limit} more")
    return lines


def name_desk(store: Store, name: str) -> str:
    """This desk's name, as staff will read it on banners ("Déjà entré à 09:12, porte B")."""
    name = clean_text(name)
    if not name:
        raise SetupError("this desk needs a name", "setup.need_desk")
    if len(name) > DESK_NAME_LENGTH:
        raise SetupError("a desk name has at most 40 characters", "setup.desk_long", n=DESK_NAME_LENGTH)
    store.set_setting("desk_name", name)  # local to this desk: never sent to the hub
    config = MachineConfig.load()
    config.desk_name = name
    config.save()
    return name


@dataclass(frozen=True)
class PrinterChoice:
    name: str
    kind: str  # escpos-network | cups | pdf-folder
    target: str
    profile: str | None = None


def add_printer(store: Store, choice: PrinterChoice):
    from checkin_desk.printing import PrinterConfig
    from checkin_desk.printing import add_printer as register

    name, target = clean_text(choice.name), choice.target.strip()
    if not name or not target:
        raise SetupError("a printer needs a name and an address", "setup.need_printer")
    config = PrinterConfig(
        name, choice.kind, target, choice.profile if choice.kind.startswith("escpos") else None
    )
    try:
        return register(store, config, replace=True)
    except ValueError as exc:
        raise SetupError(str(exc), "setup.bad_printer", why=str(exc)) from exc


def test_printer(store: Store, name: str) -> str:
    """Print a test badge now; a note of what happened, or PrintError / RenderError."""
    from checkin_desk.printing import Timeouts, get_printer
    from checkin_desk.printing.render import BadgeRenderer
    from checkin_desk.printing.send import send_badge

    printer = get_printer(store, name)
    sample = Attendee("TEST-0001", "Badge", "Test", store.event().name, job_title=printer.name)
    return send_badge(
        printer,
        sample,
        event=store.event(),
        categories=store.categories(),
        template=None,
        renderer=BadgeRenderer(),
        timeouts=Timeouts(),
        label=f"test-{printer.name}",
    )


def first_admin(store: Store, name: str, pin: str, again: str) -> Staff:
    if roles.enforced(store):
        raise SetupError("this event already has staff accounts", "setup.has_staff")
    if not clean_text(name):
        raise SetupError("the admin needs a name", "staff.need_name")
    if pin != again:
        raise SetupError("the two PINs differ", "staff.pin_mismatch")
    try:
        return roles.add_staff(store, name, Role.ADMIN, pin)
    except ValueError as exc:
        key = "staff.pin_short" if "characters" in str(exc) else "staff.pin_easy"
        raise SetupError(str(exc), key, n=roles.MIN_PIN["admin"]) from exc


def make_current(path: Path) -> None:
    """The desk opens this event from now on."""
    config = MachineConfig.load()
    config.current_event = str(path)
    config.save()
