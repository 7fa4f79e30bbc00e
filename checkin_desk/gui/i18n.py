"""The desk window's words in French (default), Arabic and English, switchable at run time.

A Python catalogue keyed by message id rather than Qt .ts/.qm files: the catalogue is checked by the
tests (every id has the three languages), needs no build step, and switching language is one call that
every panel answers through `Translator.changed`. `tr("id", name=...)` formats with str.format.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QObject, Qt, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from checkin_desk.gui.camera_text import MESSAGES as CAMERA_MESSAGES
from checkin_desk.gui.dashboard_text import MESSAGES as DASHBOARD_MESSAGES
from checkin_desk.gui.records_text import MESSAGES as RECORDS_MESSAGES
from checkin_desk.gui.result_text import MESSAGES as RESULT_MESSAGES
from checkin_desk.gui.setup_text import MESSAGES as SETUP_MESSAGES
from checkin_desk.gui.trouble_text import MESSAGES as TROUBLE_MESSAGES

LANGUAGES = ("fr", "ar", "en")
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}

# id: (French, Arabic, English)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "app.title": ("Accueil — {event}", "الاستقبال — {event}", "Check-in — {event}"),
    "idle.title": ("Prêt", "جاهز", "Ready"),
    "idle.hint": ("Scannez le QR code du badge", "امسح رمز QR الخاص بالشارة", "Scan the badge's QR code"),
    "verdict.ok": ("ENTRÉE AUTORISÉE", "دخول مسموح", "ADMITTED"),
    "verdict.already": ("DÉJÀ ENREGISTRÉ", "سبق تسجيله", "ALREADY CHECKED IN"),
    "verdict.already_refused": ("DÉJÀ ENTRÉ — REFUSÉ", "سبق دخوله — مرفوض", "ALREADY ENTERED — REFUSED"),
    "verdict.refused": ("REFUSÉ", "مرفوض", "REFUSED"),
    "verdict.kept": (
        "ENTRÉE GARDÉE — SERA ENREGISTRÉE",
        "الدخول محفوظ — سيُسجَّل",
        "ENTRY KEPT — WILL BE RECORDED",
    ),
    "kept.waiting": (
        "{n} entrée(s) en attente d'enregistrement sur ce poste",
        "{n} دخول في انتظار التسجيل على هذا الجهاز",
        "{n} entry(ies) waiting to be recorded on this desk",
    ),
    "verdict.override": ("ADMIS PAR LE SUPERVISEUR", "قبول من المشرف", "ADMITTED BY SUPERVISOR"),
    "reason.unknown": ("Code inconnu", "رمز غير معروف", "Unknown code"),
    "reason.cancelled": ("Badge annulé", "شارة ملغاة", "Pass cancelled"),
    "reason.blocked": ("Badge bloqué", "شارة محظورة", "Pass blocked"),
    "reason.wrong_day": ("Non valable aujourd'hui", "غير صالحة اليوم", "Not valid today"),
    "reason.unpaid": ("Pas encore payé", "لم يتم الدفع بعد", "Not yet paid"),
    "reason.invalid_signature": ("Code falsifié ou modifié", "رمز مزور أو معدل", "Forged or altered code"),
    "reason.malformed": ("Ce n'est pas un code de badge", "ليس رمز شارة", "Not a badge code"),
    "first_entry": (
        "Première entrée à {time}, {desk}",
        "أول دخول على الساعة {time}، {desk}",
        "First entry at {time}, {desk}",
    ),
    "duplicate_read": ("(lecture double ignorée)", "(قراءة مكررة تم تجاهلها)", "(double read ignored)"),
    "offline": ("hors ligne", "غير متصل", "offline"),
    "notes": ("Note : {notes}", "ملاحظة: {notes}", "Note: {notes}"),
    "print.none": ("", "", ""),
    "print.queued": ("Badge en file d'attente", "الشارة في قائمة الانتظار", "Badge queued"),
    "print.sending": ("Impression du badge…", "جارٍ طبع الشارة…", "Printing badge…"),
    "print.printed": ("Badge imprimé", "تم طبع الشارة", "Badge printed"),
    "print.no_printer": (
        "Pas de badge : aucune imprimante sur ce poste",
        "لا شارة: لا توجد طابعة في هذا الجهاز",
        "No badge: no printer at this desk",
    ),
    "status.attendees": ("Inscrits : {n}", "المسجلون: {n}", "Attendees: {n}"),
    "status.admitted": (
        "Entrés aujourd'hui : {desk} ici / {all} au total",
        "دخول اليوم: {desk} هنا / {all} إجمالا",
        "Admitted today: {desk} here / {all} overall",
    ),
    "status.printer": ("Imprimante : {state}", "الطابعة: {state}", "Printer: {state}"),
    "status.sync": ("Synchro : {state}", "المزامنة: {state}", "Sync: {state}"),
    "status.printer.none": ("aucune ici", "لا توجد هنا", "none here"),
    "status.printer.idle": ("prête", "جاهزة", "ready"),
    "status.printer.busy": ("{n} en attente", "{n} في الانتظار", "{n} waiting"),
    "status.printer.failed": ("{n} en échec", "{n} فاشلة", "{n} failed"),
    "status.printer.trouble": ("en panne (F2)", "معطلة (F2)", "in trouble (F2)"),
    "status.sync.none": ("locale uniquement", "محلي فقط", "local only"),
    "status.sync.connecting": (
        "connexion au hub {where}…",
        "جارٍ الاتصال بالخادم {where}…",
        "connecting to the hub {where}…",
    ),
    "status.sync.online": ("EN LIGNE ({where})", "متصل ({where})", "ONLINE ({where})"),
    "status.sync.pending": ("{n} à envoyer", "{n} في انتظار الإرسال", "{n} to send"),
    "search.placeholder": (
        "Rechercher un nom, une société, un e-mail (Ctrl+F)",
        "ابحث عن اسم أو شركة أو بريد (Ctrl+F)",
        "Search name, company, e-mail (Ctrl+F)",
    ),
    "search.checkin": ("Enregistrer l'entrée", "تسجيل الدخول", "Check in"),
    "search.print": ("Imprimer le badge", "طبع الشارة", "Print badge"),
    "search.count": ("{n} résultat(s)", "{n} نتيجة", "{n} result(s)"),
    "manual.placeholder": (
        "Saisir un code à la main puis Entrée",
        "أدخل الرمز يدويا ثم Enter",
        "Type a code, then Enter",
    ),
    "action.walk_in": ("Nouvel inscrit (F3)", "تسجيل جديد (F3)", "Walk-in (F3)"),
    "action.reprint": ("Réimprimer (F6)", "إعادة الطبع (F6)", "Reprint (F6)"),
    "action.override": ("Admettre malgré le refus (F7)", "قبول رغم الرفض (F7)", "Admit despite refusal (F7)"),
    "action.cancel": ("Annuler une entrée (F8)", "إلغاء دخول (F8)", "Cancel a check-in (F8)"),
    "action.edit": ("Modifier l'inscrit (F9)", "تعديل المسجل (F9)", "Edit attendee (F9)"),
    "action.settings": ("Réglages (F10)", "الإعدادات (F10)", "Settings (F10)"),
    "action.kiosk": ("Mode borne (F11)", "وضع الكشك (F11)", "Kiosk mode (F11)"),
    "action.dashboard": ("Tableau de bord (F4)", "لوحة المتابعة (F4)", "Dashboard (F4)"),
    "action.print_search": (
        "Imprimer le badge du résultat choisi",
        "طبع شارة النتيجة المختارة",
        "Print the selected result's badge",
    ),
    "action.printer": ("Imprimante : détails", "الطابعة: التفاصيل", "Printer details"),
    "action.mute": ("Son coupé", "كتم الصوت", "Sound off"),
    "action.next_language": ("Langue suivante", "اللغة التالية", "Next language"),
    "menu.desk": ("Accueil", "الاستقبال", "Desk"),
    "menu.supervisor": ("Superviseur", "المشرف", "Supervisor"),
    "menu.language": ("Langue", "اللغة", "Language"),
    "walkin.title": ("Inscription sur place", "تسجيل في عين المكان", "Walk-in registration"),
    "field.first_name": ("Prénom", "الاسم الشخصي", "First name"),
    "field.last_name": ("Nom", "الاسم العائلي", "Last name"),
    "field.company": ("Société", "الشركة", "Company"),
    "field.category": ("Catégorie", "الفئة", "Category"),
    "field.email": ("E-mail", "البريد الإلكتروني", "E-mail"),
    "field.job_title": ("Fonction", "الوظيفة", "Job title"),
    "field.notes": ("Notes", "ملاحظات", "Notes"),
    "field.status": ("Statut", "الحالة", "Status"),
    "field.reason": ("Motif", "السبب", "Reason"),
    "field.code": ("Code", "الرمز", "Code"),
    "walkin.need_name": ("Un prénom ou un nom est requis", "الاسم مطلوب", "A first or last name is needed"),
    "ok": ("Valider", "تأكيد", "OK"),
    "cancel": ("Annuler", "إلغاء", "Cancel"),
    "pin.title": ("Autorisation", "إذن", "Authorisation"),
    "pin.needs": ("Action réservée : {role}", "إجراء مخصص لـ: {role}", "This needs: {role}"),
    "pin.name": ("Nom", "الاسم", "Name"),
    "pin.pin": ("Code PIN", "الرمز السري", "PIN"),
    "pin.wrong": ("Nom ou code PIN incorrect", "اسم أو رمز سري خاطئ", "Wrong name or PIN"),
    "pin.locked": (
        "Trop de codes PIN erronés pour {name} : réessayez dans {wait}",
        "رموز سرية خاطئة كثيرة لـ {name}: أعد المحاولة بعد {wait}",
        "Too many wrong PINs for {name}: try again in {wait}",
    ),
    "pin.seconds": ("{n} s", "{n} ثانية", "{n} s"),
    "pin.minutes": ("{n} min", "{n} دقيقة", "{n} min"),
    "pin.role": (
        "{name} est {role} : cette action demande un compte {needed}",
        "{name} {role}، وهذا الإجراء يتطلب حساب {needed}",
        "{name} is {role}; this needs {needed}",
    ),
    "pin.need_name": ("Saisissez votre nom", "أدخل اسمك", "Enter your name"),
    "pin.no_staff": (
        "Aucun compte du personnel : le nom saisi est enregistré sans vérification. "
        "Créez le premier compte administrateur dans les réglages (F10).",
        "لا يوجد أي حساب للموظفين: يُسجل الاسم المدخل دون تحقق. أنشئ أول حساب مدير في الإعدادات (F10).",
        "No staff accounts yet: the name typed is recorded unchecked. "
        "Create the first admin account in Settings (F10).",
    ),
    "role.operator": ("opérateur", "مشغل", "operator"),
    "role.supervisor": ("superviseur", "مشرف", "supervisor"),
    "role.admin": ("administrateur", "مدير", "admin"),
    "staff.title": ("Comptes du personnel", "حسابات الموظفين", "Staff accounts"),
    "staff.first_title": ("Premier compte administrateur", "أول حساب مدير", "First admin account"),
    "staff.first_hint": (
        "Ensuite, chaque action réservée demandera un nom et un code PIN.",
        "بعد ذلك، سيتطلب كل إجراء مخصص اسما ورمزا سريا.",
        "From then on, every privileged action needs a name and PIN.",
    ),
    "staff.first_admin": (
        "Le premier compte doit être un administrateur",
        "يجب أن يكون الحساب الأول حساب مدير",
        "The first account must be an admin",
    ),
    "staff.name": ("Nom", "الاسم", "Name"),
    "staff.role": ("Rôle", "الدور", "Role"),
    "staff.pin": ("Code PIN", "الرمز السري", "PIN"),
    "staff.pin_again": ("Code PIN (encore)", "الرمز السري (مرة أخرى)", "PIN (again)"),
    "staff.add": ("Ajouter le compte", "إضافة الحساب", "Add account"),
    "staff.reset": (
        "Nouveau code PIN pour le compte choisi",
        "رمز سري جديد للحساب المختار",
        "New PIN for the selected account",
    ),
    "staff.need_name": ("Un nom est requis", "الاسم مطلوب", "A name is needed"),
    "staff.pick": ("Choisissez d'abord un compte", "اختر حسابا أولا", "Pick an account first"),
    "staff.pin_mismatch": (
        "Les deux codes PIN ne sont pas identiques",
        "الرمزان السريان غير متطابقين",
        "The two PINs differ",
    ),
    "staff.pin_short": (
        "Le code PIN doit avoir au moins {n} caractères",
        "يجب أن يتكون الرمز السري من {n} أحرف على الأقل",
        "The PIN needs at least {n} characters",
    ),
    "staff.pin_easy": (
        "Ce code PIN est trop facile à deviner",
        "هذا الرمز السري سهل التخمين",
        "That PIN is too easy to guess",
    ),
    "staff.added": (
        "Compte ajouté : {name} ({role})",
        "تمت إضافة الحساب: {name} ({role})",
        "Account added: {name} ({role})",
    ),
    "staff.pin_set": (
        "Nouveau code PIN enregistré pour {name}",
        "تم حفظ رمز سري جديد لـ {name}",
        "New PIN saved for {name}",
    ),
    "reprint.title": ("Réimprimer le badge", "إعادة طبع الشارة", "Reprint badge"),
    "override.title": ("Admettre malgré le refus", "قبول رغم الرفض", "Admit despite refusal"),
    "cancelscan.title": ("Annuler une entrée", "إلغاء دخول", "Cancel a check-in"),
    "edit.title": ("Modifier l'inscrit", "تعديل المسجل", "Edit attendee"),
    "need_reason": ("Un motif est requis", "السبب مطلوب", "A reason is needed"),
    "no_current": (
        "Scannez ou choisissez d'abord un inscrit",
        "امسح أو اختر مسجلا أولا",
        "Scan or pick an attendee first",
    ),
    "settings.title": ("Réglages", "الإعدادات", "Settings"),
    "settings.desk": ("Nom de l'accueil", "اسم نقطة الاستقبال", "Desk name"),
    "settings.operator": ("Opérateur", "المشغل", "Operator"),
    "settings.language": ("Langue", "اللغة", "Language"),
    "settings.kiosk": ("Mode borne au démarrage", "وضع الكشك عند البدء", "Kiosk mode at start-up"),
    "settings.ready_after": (
        "Retour à « Prêt » après (0 : jamais)",
        "العودة إلى «جاهز» بعد (0: أبدا)",
        "Back to “Ready” after (0: never)",
    ),
    "settings.kiosk_ready_after": (
        "Borne : retour à l'accueil après",
        "الكشك: العودة إلى الترحيب بعد",
        "Kiosk: back to the welcome screen after",
    ),
    "settings.volume": ("Volume des sons", "مستوى الصوت", "Sound volume"),
    "settings.muted": ("Son coupé (Ctrl+M)", "كتم الصوت (Ctrl+M)", "Sound off (Ctrl+M)"),
    "settings.hub": ("Connexion au hub (DSN)", "الاتصال بالخادم (DSN)", "Hub connection (DSN)"),
    "settings.hub_retype": (
        "Pour changer de hub, saisissez l'adresse complète, mot de passe compris",
        "لتغيير الخادم، أدخل العنوان كاملا مع كلمة المرور",
        "To change the hub, type the whole address, password included",
    ),
    "settings.hub_purged": (
        "Les données des inscrits de cet événement ont été effacées : il ne se connecte plus à un hub",
        "تم مسح بيانات المسجلين في هذا الحدث: لم يعد يتصل بأي خادم",
        "This event's attendee data was purged: it never connects to a hub again",
    ),
    "settings.printers": ("Imprimantes (ordre du pool)", "الطابعات (ترتيب)", "Printers (pool order)"),
    "settings.templates": ("Modèle par catégorie", "القالب حسب الفئة", "Template per category"),
    "settings.up": ("Monter", "أعلى", "Up"),
    "settings.down": ("Descendre", "أسفل", "Down"),
    "settings.default_template": ("(par défaut)", "(افتراضي)", "(default)"),
    "kiosk.exit": ("Quitter le mode borne", "الخروج من وضع الكشك", "Leave kiosk mode"),
    "preview.unavailable": ("Aperçu indisponible", "المعاينة غير متاحة", "Preview unavailable"),
    "preview.title": ("Aperçu du badge", "معاينة الشارة", "Badge preview"),
    "last_scans": ("Dernières entrées", "آخر الدخول", "Last scans"),
    "error.title": ("Erreur", "خطأ", "Error"),
    "crash.title": ("Erreur inattendue", "خطأ غير متوقع", "Unexpected error"),
    "crash.text": (
        "Une erreur inattendue s'est produite. Les entrées déjà enregistrées sont conservées.\n"
        "Détails enregistrés dans : {path}",
        "حدث خطأ غير متوقع. الدخول المسجل محفوظ.\nالتفاصيل في: {path}",
        "Something unexpected went wrong. Check-ins already recorded are kept.\nDetails written to: {path}",
    ),
    **DASHBOARD_MESSAGES,
    **CAMERA_MESSAGES,
    **RECORDS_MESSAGES,
    **RESULT_MESSAGES,
    **TROUBLE_MESSAGES,
    **SETUP_MESSAGES,
}


# Kiosk instructions are shown in the three languages at once, whatever the desk's language.
KIOSK_LINES = (
    ("fr", "Présentez le QR code de votre badge au lecteur"),
    ("ar", "قدّم رمز QR الخاص بشارتك أمام القارئ"),
    ("en", "Hold your badge's QR code to the reader"),
)


class Translator(QObject):
    """The current language; `changed` tells every panel to re-read its words."""

    changed = Signal(str)

    def __init__(self, language: str = "fr"):
        super().__init__()
        self.language = language if language in LANGUAGES else "fr"
        self._qt_words: QTranslator | None = None
        self._install_qt_words()

    def _install_qt_words(self) -> None:
        """Qt's own words (a message box's "Show Details...", the file dialog) in the desk's language:
        without its translations Qt speaks English in a French window."""
        app = QApplication.instance()
        if app is None:
            return
        if self._qt_words is not None:
            app.removeTranslator(self._qt_words)
        words = QTranslator(self)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if words.load(f"qtbase_{self.language}", folder):
            app.installTranslator(words)
            self._qt_words = words
        else:
            self._qt_words = None

    def tr(self, key: str, **values) -> str:
        entry = CATALOGUE.get(key)
        if entry is None:
            return key
        text = entry[LANGUAGES.index(self.language)] or entry[0]
        return text.format(**values) if values else text

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language
        app = QApplication.instance()
        if app is not None:
            direction = Qt.RightToLeft if language == "ar" else Qt.LeftToRight
            app.setLayoutDirection(direction)
        self._install_qt_words()
        self.changed.emit(language)

    @property
    def right_to_left(self) -> bool:
        return self.language == "ar"
