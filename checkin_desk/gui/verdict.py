"""What the result screen says about a scan, as plain text: no Qt here, so tests read it without a screen.

`describe` turns an `Outcome` into the verdict (large), one action line in the staff's language
(what to do now: "Bloqué → appelez un superviseur (F7)", "Déjà entré à 09:12, porte-B — laissez
passer", "Valable le sam. 18 avril — pas aujourd'hui"), the person, their category and company, staff
notes, and the local time of the scan. `kiosk_lines` is what the public sees: the verdict and one
friendly line in French, Arabic and English, and never a reason or a note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from checkin_desk.badges.fields import MONTHS
from checkin_desk.domain.models import Attendee, Outcome, PassStatus, Status
from checkin_desk.gui.result_text import KIOSK_WORDS, WEEKDAYS
from checkin_desk.util.clock import zone

Tr = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # admitted | already | refused
    headline: str
    action: str
    name: str
    details: str
    notes: str
    time: str  # the scan's local time, HH:MM:SS


def kind_of(outcome: Outcome) -> str:
    if outcome.status == Status.ALREADY_CHECKED_IN:
        return "already"
    return "admitted" if outcome.admitted else "refused"


def local_time(at_iso: str, tz: str, seconds: bool = False) -> str:
    try:
        moment = datetime.fromisoformat(at_iso).astimezone(zone(tz))
    except ValueError:
        return at_iso
    return moment.strftime("%H:%M:%S" if seconds else "%H:%M")


def format_day(day: str, language: str) -> str:
    """ "sam. 18 avril", "السبت 18 أبريل", "Sat 18 April"."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return day
    return f"{WEEKDAYS[language][when.weekday()]} {when.day} {MONTHS[language][when.month - 1]}"


def format_days(days: Sequence[str], language: str, tr: Tr) -> str:
    names = [format_day(day, language) for day in sorted(days)]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + tr("days.and") + names[-1]


def category_label(categories: Mapping[str, Mapping], key: str, language: str) -> str:
    row = categories.get(key) or {}
    return row.get(f"label_{language}") or row.get("label_fr") or key


def person_details(person: Attendee, categories: Mapping, language: str) -> str:
    parts = [category_label(categories, person.category, language), person.company, person.job_title]
    return "  ·  ".join(part for part in parts if part)


def describe(
    outcome: Outcome,
    tr: Tr,
    *,
    language: str,
    timezone: str,
    categories: Mapping[str, Mapping] | None = None,
    event_days: Sequence[str] = (),
    print_state: str = "",
    printer: bool = True,
) -> Verdict:
    """`print_state` is the badge's (queued, printed, failed...): a badge that failed is not "printing"."""
    kind = kind_of(outcome)
    person = outcome.attendee
    return Verdict(
        kind=kind,
        headline=_headline(outcome, kind, tr),
        action=_action(outcome, tr, language, timezone, event_days, print_state, printer),
        name=(person.full_name or person.code) if person else outcome.code,
        details=person_details(person, categories or {}, language) if person else "",
        notes=tr("notes", notes=person.notes) if person and person.notes else "",
        time=local_time(outcome.at, timezone, seconds=True) if outcome.at else "",
    )


def _headline(outcome: Outcome, kind: str, tr: Tr) -> str:
    if outcome.extra.get("override"):
        return tr("verdict.override")
    if kind == "already":
        return tr("verdict.already") if outcome.admitted else tr("verdict.already_refused")
    return tr("verdict.ok") if kind == "admitted" else tr("verdict.refused")


def _action(
    outcome: Outcome,
    tr: Tr,
    language: str,
    timezone: str,
    event_days: Sequence[str],
    print_state: str = "",
    printer: bool = True,
) -> str:
    status, person = outcome.status, outcome.attendee
    if outcome.extra.get("override"):
        text = tr("act.override", reason=outcome.extra["override"])
    elif status == Status.OK:
        if not outcome.print_job_id:
            text = tr("act.ok")
        elif not printer:
            text = tr("act.ok.no_printer")
        else:
            text = tr("act.ok.no_badge") if print_state == "failed" else tr("act.ok.badge")
    elif status == Status.ALREADY_CHECKED_IN and outcome.first_entry is not None:
        entry = outcome.first_entry
        words = {"time": local_time(entry.at, timezone), "desk": entry.desk}
        text = tr("act.already", **words) if outcome.admitted else tr("act.already_refused", **words)
    elif status == Status.WRONG_DAY:
        if person is not None and person.days:
            text = tr("act.wrong_day.pass", days=format_days(person.days, language, tr))
        else:
            text = tr("act.wrong_day.event", days=format_days(event_days, language, tr))
    elif status == Status.CANCELLED and person is not None and person.status == PassStatus.VALID:
        text = tr("act.revoked")  # the pass is fine: this signed code was replaced by a newer one
    elif status in (
        Status.BLOCKED,
        Status.CANCELLED,
        Status.UNPAID,
        Status.UNKNOWN,
        Status.MALFORMED,
        Status.INVALID_SIGNATURE,
    ):
        text = tr(f"act.{status}")
    else:
        text = tr(f"reason.{status}")
    if outcome.duplicate_read:
        text += " " + tr("duplicate_read")
    return text


def kiosk_lines(outcome: Outcome) -> list[tuple[str, str, str]]:
    """[(language, verdict, friendly line)] in French, Arabic and English, for the public."""
    kind = kind_of(outcome)
    if kind == "already" and not outcome.admitted:
        kind = "refused"
    if kind == "admitted" and outcome.print_job_id:
        kind = "admitted.badge"
    return [(language, *words) for language, words in zip(("fr", "ar", "en"), KIOSK_WORDS[kind], strict=True)]
