"""The values a template's {placeholders} take for one attendee: names, category label, event dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.util import romanize

DEFAULT_COLOUR = "#455A64"
MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    ),
}


def event_dates(days: tuple[str, ...] | list[str], language: str = "fr") -> str:
    """'18–20 avril 2026' from ISO days; a span across months or years says each."""
    try:
        parsed = sorted(dt.date.fromisoformat(d) for d in days)
    except ValueError:
        return ", ".join(days)
    if not parsed:
        return ""
    months = MONTHS.get(language, MONTHS["fr"])
    first, last = parsed[0], parsed[-1]
    if first == last:
        return f"{first.day} {months[first.month - 1]} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {months[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{first.day} {months[first.month - 1]} – {last.day} {months[last.month - 1]} {last.year}"
    start = f"{first.day} {months[first.month - 1]} {first.year}"
    return f"{start} – {last.day} {months[last.month - 1]} {last.year}"


def category_info(category: str, categories: dict[str, Any]) -> dict[str, str]:
    row = categories.get(category) or {}
    fallback = category.upper()
    return {
        "fr": str(row.get("label_fr") or fallback),
        "en": str(row.get("label_en") or fallback),
        "ar": str(row.get("label_ar") or fallback),
        "colour": str(row.get("colour") or DEFAULT_COLOUR),
    }


def _is_cjk(text: str) -> bool:
    return bool(text) and all(
        0x2E80 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF for ch in text if ch != " "
    )


def display_name(attendee: Attendee) -> str:
    """The name as it is written: Chinese, Japanese and Korean names family name first, without a space."""
    if _is_cjk(attendee.first_name) and _is_cjk(attendee.last_name):
        return f"{attendee.last_name}{attendee.first_name}"
    return attendee.full_name


def latin_name(attendee: Attendee) -> str:
    """The name in Latin letters under a name in another script: as the list gives it; for a
    Chinese name without one, its pinyin (family name first, in capitals, as passports write it).
    An Arabic name gets one only from the list: its Latin spelling is the person's own choice
    (Mohamed, Mohammed, Muhammad...) and cannot be derived."""
    if attendee.first_name_latin or attendee.last_name_latin:
        line = romanize.latin_line(
            attendee.first_name, attendee.last_name, attendee.first_name_latin, attendee.last_name_latin
        )
        return "" if line == display_name(attendee) else line
    return romanize.latin_line(attendee.first_name, attendee.last_name)


def badge_fields(
    attendee: Attendee, event: EventInfo, categories: dict[str, Any], language: str = "fr"
) -> dict[str, str]:
    info = category_info(attendee.category, categories)
    labels = [info[part] for part in language.split("+")]
    return {
        "full_name": display_name(attendee),
        "latin_name": latin_name(attendee),
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "company": attendee.company,
        "job_title": attendee.job_title,
        "country": attendee.country,
        "code": attendee.code,
        "category": attendee.category,
        "category_label": " · ".join(dict.fromkeys(labels)),
        "category_label_fr": info["fr"],
        "category_label_en": info["en"],
        "category_label_ar": info["ar"],
        "event_name": event.name,
        "event_dates": event_dates(event.days, language.split("+")[0]),
        "venue": event.venue,
        "_colour": info["colour"],
    }
