"""What a search result row shows about each attendee: enough to tell two namesakes apart and to see
at a glance whether they may come in.

For each match: the pass's state at the door today — checked in (when, at which desk), came on an
earlier day, blocked, cancelled, not valid today, or expected — and what distinguishes them (company,
e-mail, the end of their code). Their entries are read in one query for the whole page of results.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin_desk.domain.models import Attendee, PassStatus
from checkin_desk.services.desk import Desk
from checkin_desk.util.clock import local_day

CODE_END = 4  # characters of the code shown: enough to tell namesakes apart at a glance


@dataclass(frozen=True, slots=True)
class SearchRow:
    attendee: Attendee
    state: str  # in_today | in_before | blocked | cancelled | unpaid | wrong_day | expected
    entry_at: str = ""  # in_today: the first entry today; in_before: the last day's first entry (UTC ISO)
    entry_desk: str = ""
    entry_day: str = ""

    @property
    def code_end(self) -> str:
        code = self.attendee.code
        return code if len(code) <= CODE_END + 1 else "…" + code[-CODE_END:]


def search_rows(desk: Desk, text: str, limit: int = 50) -> list[SearchRow]:
    attendees = desk.search(text, limit) if text.strip() else []
    if not attendees:
        return []
    today = local_day(desk.clock(), desk.event.timezone)
    codes = [a.code for a in attendees]
    marks = ",".join("?" * len(codes))
    # Each pass's first admitted entry per day (SQLite takes `desk` from the row of min(at)).
    firsts: dict[str, dict[str, tuple[str, str]]] = {}
    for code, day, at, where in desk.store.conn.execute(
        f"SELECT attendee_code, day, min(at), desk FROM scans WHERE attendee_code IN ({marks}) "
        "AND kind = 'entry' AND admitted = 1 AND cancelled_at IS NULL GROUP BY attendee_code, day",
        codes,
    ):
        firsts.setdefault(code, {})[day] = (at, where)
    return [
        _row(attendee, firsts.get(attendee.code, {}), today, desk.policy.event_days) for attendee in attendees
    ]


def _row(attendee: Attendee, entries: dict[str, tuple[str, str]], today: str, event_days) -> SearchRow:
    if attendee.status != PassStatus.VALID:  # blocked, cancelled, unpaid: refused at the door
        return SearchRow(attendee, str(attendee.status))
    if today in entries:
        at, where = entries[today]
        return SearchRow(attendee, "in_today", at, where, today)
    if (event_days and today not in event_days) or not attendee.valid_on(today):
        return SearchRow(attendee, "wrong_day")
    if entries:
        day = max(entries)
        at, where = entries[day]
        return SearchRow(attendee, "in_before", at, where, day)
    return SearchRow(attendee, "expected")
