"""The event's categories as organisers manage them: list, label, colour, merge.

A category has an internal key (made from the list's words, never shown) and a label in French,
Arabic and English that badges, reports and the window show. Changing labels and colours needs an
admin (roles.REQUIRED["categories"]) and leaves an audit entry, like every privileged action.
Merging moves the attendees of one category into another, pushes each changed attendee to the hub
(the outbox), and remembers the mapping so that the next import of the same list agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checkin_desk.errors import CheckinDeskError
from checkin_desk.storage.store import ATTENDEE_FIELDS, CATEGORY_MAP_SETTING, Store
from checkin_desk.trust import roles
from checkin_desk.trust.roles import Staff
from checkin_desk.util.clock import utc_now_iso
from checkin_desk.util.textnorm import clean_text, fold

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class CategoryError(CheckinDeskError, ValueError):
    """A category change that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Category:
    key: str
    label_fr: str
    label_en: str
    label_ar: str
    colour: str
    attendees: int


def list_categories(store: Store) -> list[Category]:
    counts = dict(store.conn.execute("SELECT category, count(*) FROM attendees GROUP BY category"))
    return [
        Category(key, row["label_fr"], row["label_en"], row["label_ar"], row["colour"], counts.get(key, 0))
        for key, row in store.categories().items()
    ]


def _existing(store: Store, key: str) -> dict:
    row = store.categories().get(key)
    if row is None:
        known = ", ".join(store.categories())
        raise CategoryError(f"no category {key!r} (the event has: {known})")
    return row


def set_labels(
    store: Store,
    key: str,
    *,
    fr: str | None = None,
    en: str | None = None,
    ar: str | None = None,
    colour: str | None = None,
    desk: str = "",
    authorized_by: Staff | None = None,
    claimed: str = "",
) -> Category:
    """Rename a category (its labels, in any of the three languages) or change its colour."""
    operator = roles.require(store, "categories", authorized_by, claimed)
    row = _existing(store, key)
    changes: dict[str, str] = {}
    for column, value in (("label_fr", fr), ("label_en", en), ("label_ar", ar)):
        if value is not None:
            value = clean_text(value)
            if not value or len(value) > 100:
                raise CategoryError(f"a label must have 1 to 100 characters, not {len(value)}")
            changes[column] = value
    if colour is not None:
        if not _COLOUR.fullmatch(colour):
            raise CategoryError(f"colour {colour!r} is not #RRGGBB")
        changes["colour"] = colour.upper()
    if not changes:
        raise CategoryError("nothing to change: give --fr, --en, --ar, --label or --colour")
    with store.transaction() as conn:
        sets = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(f"UPDATE categories SET {sets} WHERE key = ?", (*changes.values(), key))
        before = {column: row[column] for column in changes}
        store.audit(conn, desk=desk, operator=operator, action="category_edit", subject=key,
                    details={"before": before, "after": changes})  # fmt: skip
    return next(c for c in list_categories(store) if c.key == key)


def merge(
    store: Store,
    sources: list[str],
    into: str,
    *,
    desk: str = "",
    authorized_by: Staff | None = None,
    claimed: str = "",
) -> int:
    """Move every attendee of `sources` into category `into`, remove the sources; returns how many moved."""
    operator = roles.require(store, "categories", authorized_by, claimed)
    _existing(store, into)
    for key in sources:
        _existing(store, key)
        if key == into:
            raise CategoryError(f"cannot merge {key!r} into itself")
    moved = 0
    with store.transaction() as conn:
        remembered = dict(store.get_setting(CATEGORY_MAP_SETTING, {}))
        for key in sources:
            rows = store.conn.execute(
                f"SELECT {', '.join(ATTENDEE_FIELDS)} FROM attendees WHERE category = ?", (key,)
            ).fetchall()
            conn.execute(
                "UPDATE attendees SET category = ?, updated_at = ? WHERE category = ?",
                (into, utc_now_iso(), key),
            )
            for row in rows:
                values = (*row[:8], into, *row[9:])
                payload = {**dict(zip(ATTENDEE_FIELDS, values, strict=True)), "origin": "edit"}
                store.enqueue_outbox(conn, "attendee", values[0], payload)
            moved += len(rows)
            label = store.categories()[key]
            for word in {label["label_fr"], label["label_en"], label["label_ar"], key}:
                remembered[fold(word).replace(" ", "")] = into
            conn.execute("DELETE FROM categories WHERE key = ?", (key,))
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, json(?)) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (CATEGORY_MAP_SETTING, _json(remembered)),
        )
        store.audit(conn, desk=desk, operator=operator, action="category_merge", subject=into,
                    details={"merged": sources, "attendees": moved})  # fmt: skip
    return moved


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
