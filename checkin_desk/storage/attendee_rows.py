"""An attendee as a row of the event database: its columns, in order, both ways; and a category row
with its default labels and colour."""

from __future__ import annotations

import sqlite3

from checkin_desk.domain.models import Attendee, PassStatus

ATTENDEE_FIELDS = (
    "code",
    "first_name",
    "last_name",
    "company",
    "job_title",
    "country",
    "email",
    "phone",
    "category",
    "days",
    "status",
    "notes",
    "first_name_latin",
    "last_name_latin",
)


SELECT_ATTENDEE = "SELECT " + ", ".join(ATTENDEE_FIELDS) + " FROM attendees"


CATEGORY_DEFAULTS: dict[str, tuple[str, str, str, str]] = {
    # key: (French, English, Arabic, colour)
    "visitor": ("VISITEUR", "VISITOR", "زائر", "#2E7D32"),
    "professional": ("PROFESSIONNEL", "PROFESSIONAL", "مهني", "#1565C0"),
    "speaker": ("INTERVENANT", "SPEAKER", "متحدث", "#C62828"),
    "exhibitor": ("EXPOSANT", "EXHIBITOR", "عارض", "#EF6C00"),
    "press": ("PRESSE", "PRESS", "صحافة", "#6A1B9A"),
    "vip": ("VIP", "VIP", "شخصية مهمة", "#B8860B"),
    "delegation": ("DÉLÉGATION", "DELEGATION", "وفد", "#00838F"),
    "staff": ("ORGANISATION", "STAFF", "منظم", "#37474F"),
}


def insert_category(conn: sqlite3.Connection, key: str, position: int = 100) -> bool:
    label = key.replace("_", " ").capitalize()  # until an import or an organiser gives it one
    fr, en, ar, colour = CATEGORY_DEFAULTS.get(key, (label, label, label, "#455A64"))
    cur = conn.execute(
        "INSERT OR IGNORE INTO categories (key, label_fr, label_en, label_ar, colour, position) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (key, fr, en, ar, colour, position),
    )
    return cur.rowcount == 1


def attendee_from_row(row: sqlite3.Row | tuple) -> Attendee:
    code, first, last, company, job, country, email, phone, category, days, status, notes, *latin = row
    return Attendee(
        code=code,
        first_name=first,
        last_name=last,
        company=company,
        job_title=job,
        country=country,
        email=email,
        phone=phone,
        category=category,
        days=tuple(days.split(",")) if days else (),
        status=PassStatus(status),
        notes=notes,
        first_name_latin=latin[0] if latin else "",
        last_name_latin=latin[1] if len(latin) > 1 else "",
    )


def attendee_values(a: Attendee) -> tuple:
    return (
        a.code,
        a.first_name,
        a.last_name,
        a.company,
        a.job_title,
        a.country,
        a.email,
        a.phone,
        a.category,
        ",".join(a.days),
        str(a.status),
        a.notes,
        a.first_name_latin,
        a.last_name_latin,
    )
