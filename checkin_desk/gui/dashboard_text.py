"""The dashboard's words (French, Arabic, English) and the sentences it builds from a snapshot.

`checkin_desk.reports` explains its figures in English; the desk shows them in the desk's language,
so the captions and the forecast are rebuilt here from the snapshot's fields (the English text stays
available as a tooltip). Plain Python: `tr` is any `Translator.tr`.
"""

from __future__ import annotations

from collections.abc import Callable

MESSAGES: dict[str, tuple[str, str, str]] = {
    "dash.title": ("Tableau de bord — {scope}", "لوحة المتابعة — {scope}", "Dashboard — {scope}"),
    "dash.scope.desk": (
        "cet accueil ({desk}) seulement",
        "نقطة الاستقبال هذه ({desk}) فقط",
        "this desk ({desk}) only",
    ),
    "dash.scope.hub": ("tous les accueils (hub)", "كل نقاط الاستقبال (الخادم)", "all desks (hub)"),
    "dash.seconds": ("{n} s", "{n} ث", "{n} s"),
    "dash.updated": ("mis à jour à {time}", "آخر تحديث {time}", "updated at {time}"),
    "dash.loading": ("Calcul en cours…", "جارٍ الحساب…", "Computing…"),
    "dash.failed": (
        "Tableau de bord indisponible : {reason}",
        "لوحة المتابعة غير متاحة: {reason}",
        "Dashboard unavailable: {reason}",
    ),
    "dash.tile.today": ("Arrivés aujourd'hui", "الحضور اليوم", "Arrived today"),
    "dash.tile.total": ("Arrivés au total", "الحضور الإجمالي", "Arrived in total"),
    "dash.tile.last15": ("Ces 15 dernières minutes", "آخر 15 دقيقة", "Last 15 minutes"),
    "dash.tile.refused": ("Refusés aujourd'hui", "المرفوضون اليوم", "Refused today"),
    "dash.arrivals": ("Arrivées par quart d'heure", "الوصول كل ربع ساعة", "Arrivals per quarter-hour"),
    "dash.legend.today": ("aujourd'hui ({day})", "اليوم ({day})", "today ({day})"),
    "dash.legend.previous": ("veille ({day})", "اليوم السابق ({day})", "previous day ({day})"),
    "dash.categories": (
        "Par catégorie (arrivés / attendus aujourd'hui)",
        "حسب الفئة (الحضور / المتوقع اليوم)",
        "By category (arrived / expected today)",
    ),
    "dash.desks": ("Débit par accueil", "الأداء حسب نقطة الاستقبال", "Throughput per desk"),
    "dash.forecast": ("File d'attente", "طابور الانتظار", "Queue"),
    "dash.caption.none_today": (
        "Aucune entrée aujourd'hui ({day}) pour l'instant",
        "لا دخول اليوم ({day}) حتى الآن",
        "No admitted entries yet today ({day})",
    ),
    "dash.caption.no_previous": (
        "Aucune entrée aujourd'hui ({day}) et pas de veille à comparer",
        "لا دخول اليوم ({day}) ولا يوم سابق للمقارنة",
        "No admitted entries yet today ({day}) and no previous day to compare",
    ),
    "dash.caption.previous_only": (
        "Aucune entrée aujourd'hui ({day}) : la courbe montre la veille ({previous})",
        "لا دخول اليوم ({day}): المنحنى يعرض اليوم السابق ({previous})",
        "No admitted entries yet today ({day}): the line shows {previous}",
    ),
    "dash.col.desk": ("Accueil", "نقطة الاستقبال", "Desk"),
    "dash.col.open": ("Ouvert", "مفتوح", "Open"),
    "dash.col.scans": ("Scans\n15 min", "مسح\n15 د", "Scans\n15 min"),
    "dash.col.admitted": ("Admis\n15 min", "مقبول\n15 د", "Admitted\n15 min"),
    "dash.col.refused": ("Refusés\n15 min", "مرفوض\n15 د", "Refused\n15 min"),
    "dash.col.today": ("Entrées\ndu jour", "دخول\nاليوم", "Entries\ntoday"),
    "dash.col.service": ("Temps /\npersonne", "الوقت /\nشخص", "Time /\nperson"),
    "dash.col.per_hour": ("Capacité\n/ h", "السعة\n/ ساعة", "Capacity\n/ h"),
    "dash.col.last": ("Dernier\nscan", "آخر\nمسح", "Last\nscan"),
    "dash.yes": ("oui", "نعم", "yes"),
    "dash.no": ("non", "لا", "no"),
    "dash.wait": ("Attente estimée : {wait}", "الانتظار المتوقع: {wait}", "Expected wait: {wait}"),
    "dash.wait.unbounded": ("la file s'allonge", "الطابور يطول", "the line keeps growing"),
    "dash.minutes": ("{n} min", "{n} د", "{n} min"),
    "dash.needed": (
        "Accueils nécessaires pour {target} min : {n}",
        "نقاط الاستقبال اللازمة لـ {target} د: {n}",
        "Desks needed for {target} min: {n}",
    ),
    "dash.fc.idle": (
        "Personne n'est arrivé ces {window} dernières minutes : pas de file.",
        "لم يصل أحد خلال آخر {window} دقيقة: لا طابور.",
        "Nobody arrived in the last {window} minutes: no queue.",
    ),
    "dash.fc.ok": (
        "{rate} personnes arrivent par minute ; {open} accueil(s) ouvert(s) en servent chacun {mu} "
        "par minute : l'attente moyenne est de {wait} min, sous l'objectif de {target} min.",
        "يصل {rate} شخص في الدقيقة؛ {open} نقطة مفتوحة تخدم كل منها {mu} في الدقيقة: "
        "متوسط الانتظار {wait} د، أقل من الهدف {target} د.",
        "{rate} people arrive a minute; {open} open desk(s) each serve {mu} a minute: the mean "
        "wait is {wait} min, under the {target} min target.",
    ),
    "dash.fc.over_target": (
        "{rate} personnes arrivent par minute ; {open} accueil(s) en servent chacun {mu} "
        "par minute : l'attente moyenne est de {wait} min, au-dessus de {target} min. "
        "Ouvrez {needed} accueils au total.",
        "يصل {rate} شخص في الدقيقة؛ {open} نقطة تخدم كل منها {mu} في الدقيقة: متوسط "
        "الانتظار {wait} د، أكثر من {target} د. افتحوا {needed} نقاط في المجموع.",
        "{rate} people arrive a minute; {open} desk(s) each serve {mu} a minute: the mean "
        "wait is {wait} min, over {target} min. Open {needed} desks in all.",
    ),
    "dash.fc.overloaded": (
        "Les accueils ne suivent pas : {rate} arrivées par minute pour {capacity} servies ; "
        "la file s'allonge de {growth} personnes par minute. Ouvrez {needed} accueils au total.",
        "نقاط الاستقبال لا تواكب: {rate} وصول في الدقيقة مقابل {capacity} خدمة؛ الطابور "
        "يزيد {growth} شخص في الدقيقة. افتحوا {needed} نقاط في المجموع.",
        "The desks cannot keep up: {rate} arrivals a minute for {capacity} served; the line "
        "grows by {growth} people a minute. Open {needed} desks in all.",
    ),
    "dash.fc.no_open_desks": (
        "Aucun accueil n'a scanné ces {window} dernières minutes alors que {rate} "
        "personnes arrivent par minute. Ouvrez {needed} accueil(s).",
        "لم تمسح أي نقطة خلال آخر {window} دقيقة بينما يصل {rate} شخص في الدقيقة. افتحوا {needed} نقطة.",
        "No desk scanned in the last {window} minutes while {rate} people arrive a "
        "minute. Open {needed} desk(s).",
    ),
    "dash.fc.assumed": (
        " (rythme supposé : {s} s par personne, trop peu de scans pour le mesurer)",
        " (وتيرة مفترضة: {s} ث لكل شخص، المسح قليل لقياسها)",
        " (pace assumed: {s} s a person, too few scans to measure it)",
    ),
}

Tr = Callable[..., str]


def number(n: float | int, decimals: int = 0) -> str:
    """1 234 (narrow no-break space for thousands), 1,5 in French/Arabic style decimals."""
    text = f"{n:,.{decimals}f}".replace(",", "\u202f")
    return text.replace(".", ",")


def arrivals_caption(snapshot, tr: Tr) -> str:
    if not snapshot.arrivals_caption:
        return ""
    if snapshot.arrivals:
        return tr("dash.caption.previous_only", day=snapshot.today, previous=snapshot.previous_day)
    if snapshot.previous_day is None:
        return tr("dash.caption.no_previous", day=snapshot.today)
    return tr("dash.caption.none_today", day=snapshot.today)


def category_caption(snapshot, tr: Tr) -> str:
    return tr("dash.caption.none_today", day=snapshot.today) if snapshot.by_category_caption else ""


def wait_headline(forecast, tr: Tr) -> str:
    if forecast.expected_wait_min is None:
        return tr("dash.wait", wait=tr("dash.wait.unbounded"))
    return tr("dash.wait", wait=tr("dash.minutes", n=number(forecast.expected_wait_min, 1)))


def needed_headline(forecast, tr: Tr) -> str:
    needed = "—" if forecast.desks_needed is None else str(forecast.desks_needed)
    return tr("dash.needed", target=number(forecast.target_wait_min), n=needed)


def forecast_sentence(forecast, tr: Tr) -> str:
    mu = forecast.service_rate_per_min or 0.0
    values = dict(
        window=forecast.window_minutes,
        rate=number(forecast.arrival_rate_per_min, 1),
        open=forecast.open_desks,
        mu=number(mu, 1),
        capacity=number(mu * forecast.open_desks, 1),
        wait=number(forecast.expected_wait_min or 0.0, 1),
        target=number(forecast.target_wait_min),
        growth=number(forecast.queue_growth_per_min, 1),
        needed="—" if forecast.desks_needed is None else forecast.desks_needed,
    )
    text = tr(f"dash.fc.{forecast.state}", **values)
    if forecast.service_rate_assumed and forecast.state != "idle" and mu:
        text += tr("dash.fc.assumed", s=number(60 / mu))
    return text
