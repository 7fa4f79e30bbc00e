"""Regenerates the badge previews shown in the README: python docs/make_badge_previews.py"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from checkin_desk.badges import render_preview_png  # noqa: E402
from checkin_desk.domain.models import Attendee, EventInfo  # noqa: E402
from checkin_desk.storage.store import CATEGORY_DEFAULTS  # noqa: E402

EVENT = EventInfo("Smart City Expo Casablanca", ("2026-04-18", "2026-04-19", "2026-04-20"))
CATEGORIES = {
    k: {"label_fr": fr, "label_en": en, "label_ar": ar, "colour": c}
    for k, (fr, en, ar, c) in CATEGORY_DEFAULTS.items()
}
PREVIEWS = {
    "badge-arabic.png": Attendee(
        "SCE26-AR7Q2X",
        "محمد الأمين",
        "بن عبد الله",
        company="الوكالة الحضرية للدار البيضاء",
        job_title="مدير التخطيط",
        country="المغرب",
        category="vip",
        first_name_latin="Mohamed Amine",
        last_name_latin="Ben Abdellah",
    ),
    "badge-chinese.png": Attendee(
        "SCE26-CN4K8M",
        "小明",
        "王",
        company="上海市城市规划设计研究院",
        job_title="总规划师",
        country="中国",
        category="delegation",
    ),
    "badge-long-french.png": Attendee(
        "SCE26-FR9W3T",
        "Marie-Françoise-Bénédicte",
        "de La Rochefoucauld-Montmorency d'Aubigné",
        company="Compagnie Internationale des Transports Urbains du Grand Casablanca",
        job_title="Directrice de l'innovation",
        country="France",
        category="speaker",
    ),
}


def main() -> None:
    for name, attendee in PREVIEWS.items():
        png = render_preview_png(attendee, event=EVENT, categories=CATEGORIES, template="a6", dpi=90)
        (HERE / name).write_bytes(png)
        print(HERE / name, len(png) // 1024, "KB")


if __name__ == "__main__":
    main()
