"""Printer and hub trouble in staff's words: a short sentence and one action, in French, Arabic or
English. The kind comes from `services.trouble`; the technician's message stays in the log and the
details pop-up. Merged into gui/i18n's catalogue. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable

from checkin_desk.services.trouble import Trouble, printer_trouble

Tr = Callable[..., str]

MESSAGES: dict[str, tuple[str, str, str]] = {
    # printer: "{printer} <what>" — then what to do
    "printer.unreachable": (
        "Imprimante {printer} injoignable — vérifiez qu'elle est allumée et son câble réseau",
        "الطابعة {printer} لا تجيب — تحقق من أنها مشغلة ومن كابل الشبكة",
        "Printer {printer} unreachable — check it is on and its network cable",
    ),
    "printer.paper_out": (
        "Imprimante {printer} : plus de papier — mettez un rouleau neuf",
        "الطابعة {printer}: نفد الورق — ضع لفة جديدة",
        "Printer {printer}: out of paper — put in a new roll",
    ),
    "printer.cover_open": (
        "Imprimante {printer} : capot ouvert — refermez-le",
        "الطابعة {printer}: الغطاء مفتوح — أغلقه",
        "Printer {printer}: cover open — close it",
    ),
    "printer.cutter": (
        "Imprimante {printer} : massicot bloqué — ouvrez le capot et retirez le papier coincé",
        "الطابعة {printer}: المقص عالق — افتح الغطاء وأزل الورق العالق",
        "Printer {printer}: cutter jammed — open the cover and pull out the stuck paper",
    ),
    "printer.stalled": (
        "Imprimante {printer} bloquée — éteignez-la puis rallumez-la",
        "الطابعة {printer} متوقفة — أطفئها ثم شغلها",
        "Printer {printer} stuck — switch it off and on again",
    ),
    "printer.error": (
        "Imprimante {printer} en erreur — regardez son voyant, éteignez-la puis rallumez-la",
        "الطابعة {printer} في حالة خطأ — انظر إلى ضوئها، أطفئها ثم شغلها",
        "Printer {printer} in error — look at its light, switch it off and on again",
    ),
    "printer.device": (
        "Imprimante {printer} introuvable — vérifiez son câble USB et qu'elle est allumée",
        "الطابعة {printer} غير موجودة — تحقق من كابل USB ومن أنها مشغلة",
        "Printer {printer} not found — check its USB cable and that it is on",
    ),
    "printer.cups": (
        "Imprimante {printer} : le service d'impression refuse le badge — appelez le support",
        "الطابعة {printer}: خدمة الطباعة ترفض الشارة — اتصل بالدعم",
        "Printer {printer}: the print service refuses the badge — call support",
    ),
    "printer.config": (
        "Imprimante {printer} mal réglée — appelez le support",
        "إعدادات الطابعة {printer} خاطئة — اتصل بالدعم",
        "Printer {printer} is set up wrong — call support",
    ),
    # The badge check refused the badge: a reprint fails the same way until the template is fixed.
    "printer.check": (
        "Badge non imprimé : son QR code ne se lit pas — appelez le technicien, "
        "la mise en page des badges de l'imprimante {printer} est à corriger (F2)",
        "لم تطبع الشارة: رمز QR غير مقروء — اتصل بالتقني، يجب تصحيح تصميم شارات الطابعة {printer} (F2)",
        "Badge not printed: its QR code does not scan — call the technician, "
        "the badge layout of printer {printer} needs fixing (F2)",
    ),
    "printer.check_name": (
        "Badge non imprimé : le nom n'y apparaît pas — appelez le technicien, "
        "la mise en page des badges de l'imprimante {printer} est à corriger (F2)",
        "لم تطبع الشارة: الاسم لا يظهر عليها — اتصل بالتقني، يجب تصحيح تصميم شارات الطابعة {printer} (F2)",
        "Badge not printed: the name does not show on it — call the technician, "
        "the badge layout of printer {printer} needs fixing (F2)",
    ),
    "printer.check_pdf": (
        "Badge non imprimé : le fichier du badge est illisible — appelez le technicien, "
        "la mise en page des badges de l'imprimante {printer} est à corriger (F2)",
        "لم تطبع الشارة: ملف الشارة غير مقروء — اتصل بالتقني، يجب تصحيح تصميم شارات الطابعة {printer} (F2)",
        "Badge not printed: the badge file cannot be read — call the technician, "
        "the badge layout of printer {printer} needs fixing (F2)",
    ),
    "printer.render": (
        "Badge impossible à fabriquer — appelez le support",
        "تعذر إنشاء الشارة — اتصل بالدعم",
        "The badge cannot be made — call support",
    ),
    "printer.interrupted": (
        "Badge interrompu, renvoyé à l'imprimante {printer}",
        "توقفت الشارة وأعيد إرسالها إلى الطابعة {printer}",
        "Badge interrupted, sent again to printer {printer}",
    ),
    "printer.other": (
        "Imprimante {printer} : {detail}",
        "الطابعة {printer}: {detail}",
        "Printer {printer}: {detail}",
    ),
    "printer.none": (
        "Aucune imprimante sur ce poste : les badges ne s'impriment pas — ajoutez-en une (F10)",
        "لا توجد طابعة في هذا الجهاز: الشارات لا تُطبع — أضف طابعة (F10)",
        "No printer at this desk: badges are not printed — add one (F10)",
    ),
    "printer.moved": (
        " (badge envoyé à {printer})",
        " (أرسلت الشارة إلى {printer})",
        " (badge sent to {printer})",
    ),
    "printer.failed_jobs": (
        "{n} badge(s) non imprimé(s) — voir les détails (F2)",
        "{n} شارة لم تطبع — انظر التفاصيل (F2)",
        "{n} badge(s) not printed — see the details (F2)",
    ),
    "printer.held": (
        "{n} anciens badges attendent : un superviseur décide s'ils s'impriment (F2)",
        "{n} شارات قديمة في الانتظار: يقرر المشرف طبعها أم لا (F2)",
        "{n} old badges wait: a supervisor decides whether they print (F2)",
    ),
    "printer.more": (" (+{n} autre(s))", " (+{n} أخرى)", " (+{n} more)"),
    "printer.details": ("Détails (F2)", "التفاصيل (F2)", "Details (F2)"),
    "printer.details.title": ("Impression des badges", "طبع الشارات", "Badge printing"),
    "printer.details.none": ("Tout va bien.", "كل شيء على ما يرام.", "All is well."),
    "printer.held.question": (
        "{n} badges attendent depuis {since} (l'imprimante était arrêtée ou absente). "
        "Leurs titulaires sont sans doute déjà entrés. Les imprimer maintenant ?",
        "{n} شارات في الانتظار منذ {since} (كانت الطابعة متوقفة أو غير موجودة). "
        "من المرجح أن أصحابها دخلوا. هل تريد طبعها الآن؟",
        "{n} badges have waited since {since} (the printer was down or missing). "
        "Their holders have probably gone in. Print them now?",
    ),
    "printer.held.print": ("Les imprimer", "اطبعها", "Print them"),
    "printer.held.skip": ("Ne pas les imprimer", "لا تطبعها", "Do not print them"),
    "printer.held.later": ("Plus tard", "لاحقا", "Later"),
    "printer.held.done": (
        "{n} anciens badges : décision de {by} enregistrée",
        "{n} شارات قديمة: تم تسجيل قرار {by}",
        "{n} old badges: {by}'s decision recorded",
    ),
    # the banner's print line: short, the action is in the red bar
    "badge.waiting": (
        "⚠ Badge pas encore imprimé : {why}",
        "⚠ لم تطبع الشارة بعد: {why}",
        "⚠ Badge not printed yet: {why}",
    ),
    "badge.failed": (
        "⚠ Badge non imprimé : {why} — réimprimez ensuite (F6)",
        "⚠ لم تطبع الشارة: {why} — أعد الطبع بعد ذلك (F6)",
        "⚠ Badge not printed: {why} — reprint afterwards (F6)",
    ),
    # the event database (storage.faults kinds): what is wrong, then what to do
    "storage.full": (
        "Disque plein — libérez de la place",
        "القرص ممتلئ — حرر بعض المساحة",
        "Disk full — free some space",
    ),
    "storage.readonly": (
        "Fichier de l'événement en lecture seule — appelez le support",
        "ملف الحدث للقراءة فقط — اتصل بالدعم",
        "The event file is read-only — call support",
    ),
    "storage.readonly_folder": (
        "Dossier de l'événement en lecture seule — appelez le support",
        "مجلد الحدث للقراءة فقط — اتصل بالدعم",
        "The event folder is read-only — call support",
    ),
    "storage.busy": (
        "Base de l'événement occupée par un autre programme — patientez",
        "قاعدة بيانات الحدث مشغولة ببرنامج آخر — انتظر",
        "The event database is busy with another program — wait",
    ),
    "storage.other": (
        "Base de l'événement inaccessible — appelez le support",
        "قاعدة بيانات الحدث غير متاحة — اتصل بالدعم",
        "The event database cannot be written — call support",
    ),
    "storage.kept": (
        "{why} : {n} entrée(s) gardée(s), enregistrée(s) dès que possible",
        "{why}: {n} دخول محفوظ، سيسجل في أقرب وقت",
        "{why}: {n} entry(ies) kept, recorded as soon as possible",
    ),
    "storage.recorded": (
        "{n} entrée(s) gardée(s) enregistrée(s)",
        "تم تسجيل {n} دخول محفوظ",
        "{n} kept entry(ies) recorded",
    ),
    # hub
    "hub.local": (
        "ce poste ne peut pas écrire sa base, les entrées attendent ici",
        "هذا الجهاز لا يستطيع الكتابة في قاعدته، تنتظر عمليات الدخول هنا",
        "this desk cannot write its database, check-ins wait here",
    ),
    "hub.unreachable": (
        "Hub injoignable — les entrées restent enregistrées ici et partiront à son retour",
        "الخادم لا يجيب — تبقى عمليات الدخول مسجلة هنا وتُرسل عند عودته",
        "Hub unreachable — check-ins are kept here and go to the hub when it is back",
    ),
    "hub.auth": (
        "Le hub refuse ce poste (mot de passe) — appelez le support ; les entrées restent ici",
        "الخادم يرفض هذا الجهاز (كلمة المرور) — اتصل بالدعم؛ تبقى عمليات الدخول هنا",
        "The hub refuses this desk (password) — call support; check-ins are kept here",
    ),
    "hub.config": (
        "Adresse du hub incorrecte — appelez le support ; les entrées restent ici",
        "عنوان الخادم خاطئ — اتصل بالدعم؛ تبقى عمليات الدخول هنا",
        "Wrong hub address — call support; check-ins are kept here",
    ),
    "hub.clock": (
        "L'horloge de ce poste n'est pas à l'heure du hub — appelez le support",
        "ساعة هذا الجهاز لا توافق ساعة الخادم — اتصل بالدعم",
        "This desk's clock differs from the hub's — call support",
    ),
    "hub.other": (
        "Hub hors ligne — les entrées restent enregistrées ici",
        "الخادم غير متصل — تبقى عمليات الدخول مسجلة هنا",
        "Hub offline — check-ins are kept here",
    ),
}


def printer_words(tr: Tr, trouble: Trouble, waiting: int = 1) -> str:
    """One line for staff: what is wrong with which printer, and what to do."""
    printer = trouble.printer or "?"
    if trouble.kind == "no_printer":
        return tr("printer.none", n=waiting)
    if trouble.kind == "other":
        # A reason this desk has no words for yet: shown as it came, never hidden.
        text = (
            tr("printer.other", printer=printer, detail=trouble.detail) if trouble.printer else trouble.detail
        )
    else:
        text = tr(f"printer.{trouble.kind}", printer=printer, n=1)
    if trouble.moved_to:
        text += tr("printer.moved", printer=trouble.moved_to)
    return text


def printer_short(tr: Tr, trouble: Trouble) -> str:
    """The printer's trouble without the action, for the banner's print line."""
    return printer_words(tr, trouble).split(" — ")[0]


def storage_words(tr: Tr, kind: str) -> str:
    """The event database's trouble (a storage.faults kind) for staff: what is wrong, what to do."""
    return tr(f"storage.{kind}") if f"storage.{kind}" in MESSAGES else tr("storage.other")


def hub_words(tr: Tr, trouble: Trouble) -> str:
    return tr(f"hub.{trouble.kind}") if f"hub.{trouble.kind}" in MESSAGES else tr("hub.other")


def alert_text(
    tr: Tr,
    *,
    held: int,
    waiting: int,
    failed: int,
    queue_error: str,
    problems: dict[str, str],
    no_printer: bool = False,
) -> str:
    """The red bar's line: the one printing problem staff must act on now ("" when all is well)."""
    if held:
        return tr("printer.held", n=held)
    if no_printer and not problems:  # a printer that reports trouble is there (the figures lag)
        return tr("printer.none")
    if waiting and printer_trouble(queue_error).kind == "no_printer":
        return tr("printer.none", n=waiting)
    if problems:
        name, message = sorted(problems.items())[0]
        text = printer_words(tr, printer_trouble(message, name), waiting)
        return text + (tr("printer.more", n=len(problems) - 1) if len(problems) > 1 else "")
    if failed:
        return tr("printer.failed_jobs", n=failed)
    return ""
