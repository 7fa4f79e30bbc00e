"""Words of the result screen (gui/verdict.py): one action line per verdict, the kiosk's three-language
verdicts, day names. Merged into gui/i18n's catalogue. id: (French, Arabic, English). No Qt here.

The arrow in an action line points the way the line reads: "→" in French and English, "←" in Arabic.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str]] = {
    "act.ok": ("Laissez passer", "اسمح بالمرور", "Let them in"),
    "act.ok.badge": (
        "Laissez passer — le badge s'imprime",
        "اسمح بالمرور — الشارة قيد الطبع",
        "Let them in — the badge is printing",
    ),
    "act.ok.no_badge": (
        "Laissez passer — son badge ne s'est pas imprimé",
        "اسمح بالمرور — لم تطبع شارته",
        "Let them in — their badge did not print",
    ),
    "act.ok.no_printer": (
        "Laissez passer — pas d'imprimante ici, pas de badge",
        "اسمح بالمرور — لا توجد طابعة هنا، لا شارة",
        "Let them in — no printer here, no badge",
    ),
    "act.already": (
        "Déjà entré à {time}, {desk} — laissez passer",
        "دخل على الساعة {time}، {desk} — اسمح بالمرور",
        "Already in at {time}, {desk} — let them in",
    ),
    "act.already_refused": (
        "Déjà entré à {time}, {desk} — une seule entrée → appelez un superviseur (F7)",
        "دخل على الساعة {time}، {desk} — دخول واحد فقط ← اتصل بالمشرف (F7)",
        "Already in at {time}, {desk} — one entry only → call a supervisor (F7)",
    ),
    "act.wrong_day.pass": (
        "Valable le {days} — pas aujourd'hui",
        "صالحة يوم {days} — ليس اليوم",
        "Valid on {days} — not today",
    ),
    "act.wrong_day.event": (
        "L'événement a lieu le {days} — pas aujourd'hui",
        "يقام الحدث يوم {days} — ليس اليوم",
        "The event is on {days} — not today",
    ),
    "act.blocked": (
        "Bloqué → appelez un superviseur (F7)",
        "محظورة ← اتصل بالمشرف (F7)",
        "Blocked → call a supervisor (F7)",
    ),
    "act.cancelled": (
        "Annulé → appelez un superviseur (F7)",
        "ملغاة ← اتصل بالمشرف (F7)",
        "Cancelled → call a supervisor (F7)",
    ),
    "act.unpaid": (
        "Pas encore payé → envoyez à la billetterie, ou appelez un superviseur (F7)",
        "لم يتم الدفع بعد ← وجهه إلى شباك التذاكر أو اتصل بالمشرف (F7)",
        "Not yet paid → send them to the ticket desk, or call a supervisor (F7)",
    ),
    "act.revoked": (
        "Ancien badge, remplacé par un nouveau → demandez le nouveau badge",
        "شارة قديمة استبدلت بأخرى جديدة ← اطلب الشارة الجديدة",
        "Old badge, replaced by a new one → ask for the new badge",
    ),
    "act.unknown": (
        "Code inconnu → cherchez le nom (Ctrl+F) ou inscrivez la personne (F3)",
        "رمز غير معروف ← ابحث عن الاسم (Ctrl+F) أو سجل الشخص (F3)",
        "Unknown code → search the name (Ctrl+F) or register them (F3)",
    ),
    "act.malformed": (
        "Pas un code de badge → scannez le QR code du badge",
        "ليس رمز شارة ← امسح رمز QR الخاص بالشارة",
        "Not a badge code → scan the badge's QR code",
    ),
    "act.invalid_signature": (
        "Code falsifié ou modifié → appelez un superviseur (F7)",
        "رمز مزور أو معدل ← اتصل بالمشرف (F7)",
        "Forged or altered code → call a supervisor (F7)",
    ),
    "act.override": (
        "Admis par un superviseur : {reason}",
        "قبول من طرف المشرف: {reason}",
        "Admitted by a supervisor: {reason}",
    ),
    "act.reprint": (
        "Réimpression demandée par {by} : {reason}",
        "إعادة طبع طلبها {by}: {reason}",
        "Reprint asked by {by}: {reason}",
    ),
    "act.override_print": (
        "Impression autorisée par {by} : {reason}",
        "طبع بإذن من {by}: {reason}",
        "Printing allowed by {by}: {reason}",
    ),
    "verdict.reprint": ("RÉIMPRESSION", "إعادة الطبع", "REPRINT"),
    "verdict.override_print": ("IMPRESSION PAR DÉROGATION", "طبع باستثناء", "PRINTED BY OVERRIDE"),
    "override_print.title": ("Imprimer malgré le refus", "الطبع رغم الرفض", "Print despite the refusal"),
    "override_print.question": (
        "{name} : {why}. Son badge ne s'imprime qu'avec l'accord d'un superviseur (nom, code PIN et motif).",
        "{name}: {why}. لا تطبع شارته إلا بموافقة المشرف (الاسم والرمز السري والسبب).",
        "{name}: {why}. Their badge prints only with a supervisor's consent (name, PIN and reason).",
    ),
    "override_print.ask": ("Demander un superviseur", "اطلب المشرف", "Ask a supervisor"),
    "row.in_today": ("Entré à {time}, {desk}", "دخل على {time}، {desk}", "In at {time}, {desk}"),
    "row.in_before": ("Venu le {day}", "حضر يوم {day}", "Came on {day}"),
    "row.blocked": ("Bloqué", "محظورة", "Blocked"),
    "row.cancelled": ("Annulé", "ملغاة", "Cancelled"),
    "row.unpaid": ("Pas encore payé", "لم يتم الدفع", "Not paid"),
    "row.wrong_day": ("Pas valable aujourd'hui", "غير صالحة اليوم", "Not valid today"),
    "row.expected": ("Pas encore entré", "لم يدخل بعد", "Not in yet"),
    "days.and": (" et ", " و", " and "),
    "scan.at": ("Scan de {time}", "مسح على {time}", "Scan at {time}"),
    "scan.waiting": (
        "{n} scan en attente : il sera traité à la fermeture de la fenêtre",
        "{n} مسح في الانتظار: ستتم معالجته عند إغلاق النافذة",
        "{n} scan waiting: it is checked in when the window closes",
    ),
    "scan.waiting.many": (
        "{n} scans en attente : ils seront traités à la fermeture de la fenêtre",
        "{n} عمليات مسح في الانتظار: ستتم معالجتها عند إغلاق النافذة",
        "{n} scans waiting: they are checked in when the window closes",
    ),
}

# The kiosk speaks to the public in the three languages at once, whatever the desk's language:
# verdict and one friendly line, never a reason, a note or a company's internals.
KIOSK_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    # kind: ((fr verdict, fr line), (ar ...), (en ...))
    "admitted": (
        ("BIENVENUE", "Bonne visite !"),
        ("مرحبا بكم", "زيارة طيبة!"),
        ("WELCOME", "Enjoy the event!"),
    ),
    "admitted.badge": (
        ("BIENVENUE", "Votre badge s'imprime"),
        ("مرحبا بكم", "شارتكم قيد الطبع"),
        ("WELCOME", "Your badge is printing"),
    ),
    "already": (
        ("DÉJÀ ENREGISTRÉ", "Bonne visite !"),
        ("سبق تسجيلكم", "زيارة طيبة!"),
        ("ALREADY CHECKED IN", "Enjoy the event!"),
    ),
    "refused": (
        ("ENTRÉE REFUSÉE", "Adressez-vous à l'accueil"),
        ("الدخول مرفوض", "يرجى التوجه إلى الاستقبال"),
        ("ENTRY REFUSED", "Please see the front desk"),
    ),
}

WEEKDAYS = {  # Monday first, as date.weekday()
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
