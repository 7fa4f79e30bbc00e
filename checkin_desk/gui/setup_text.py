"""Words of the first-run assistant (gui/first_run.py), merged into gui/i18n's catalogue.
id: (French, Arabic, English). No Qt here."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str]] = {
    "setup.title": (
        "Premier démarrage de l'accueil",
        "التشغيل الأول لنقطة الاستقبال",
        "First start of the desk",
    ),
    "setup.event.title": ("L'événement", "الحدث", "The event"),
    "setup.back": ("< Retour", "رجوع >", "< Back"),
    "setup.next": ("Suivant >", "< التالي", "Next >"),
    "setup.finish": ("Terminer et ouvrir l'accueil", "إنهاء وفتح الاستقبال", "Finish and open the desk"),
    "setup.event.hint": (
        "Ce poste n'a pas encore d'événement. Créez-le, ou ouvrez le fichier d'un événement existant.",
        "لا يوجد حدث في هذا الجهاز بعد. أنشئه أو افتح ملف حدث موجود.",
        "This desk has no event yet. Create it, or open an existing event's file.",
    ),
    "setup.create": ("Créer un événement", "إنشاء حدث", "Create an event"),
    "setup.open": ("Ouvrir un événement existant", "فتح حدث موجود", "Open an existing event"),
    "setup.event_name": ("Nom de l'événement", "اسم الحدث", "Event name"),
    "setup.first_day": ("Premier jour", "اليوم الأول", "First day"),
    "setup.day_count": ("Nombre de jours", "عدد الأيام", "Number of days"),
    "setup.event_file": ("Fichier de l'événement", "ملف الحدث", "Event file"),
    "setup.browse": ("Parcourir…", "تصفح…", "Browse…"),
    "setup.import.title": ("La liste des inscrits", "لائحة المسجلين", "The attendee list"),
    "setup.import.hint": (
        "Choisissez l'export de la billetterie (CSV, XLSX ou JSON), puis « Vérifier ». "
        "Laissez vide pour importer plus tard (checkin-desk import).",
        "اختر ملف التصدير (CSV أو XLSX أو JSON) ثم «تحقق». اتركه فارغا للاستيراد لاحقا.",
        "Pick the ticketing export (CSV, XLSX or JSON), then “Check”. Leave it empty to import later "
        "(checkin-desk import).",
    ),
    "setup.list_file": ("Fichier des inscrits", "ملف المسجلين", "Attendee file"),
    "setup.check": ("Vérifier", "تحقق", "Check"),
    "setup.skip_invalid": (
        "Importer les lignes valides et ignorer les autres",
        "استيراد الأسطر الصالحة وتجاهل الباقي",
        "Import the valid rows and skip the others",
    ),
    "setup.checked": (
        "{valid} inscrits valides sur {rows} lignes, {errors} avec erreur",
        "{valid} مسجل صالح من {rows} سطر، {errors} بها خطأ",
        "{valid} valid attendees out of {rows} rows, {errors} with errors",
    ),
    "setup.imported": ("{n} inscrits importés", "تم استيراد {n} مسجل", "{n} attendees imported"),
    "setup.fix_rows": (
        "Des lignes ont des erreurs (voir le rapport) : corrigez le fichier, ou cochez « importer les "
        "lignes valides »",
        "بعض الأسطر بها أخطاء (انظر التقرير): صحح الملف أو اختر «استيراد الأسطر الصالحة»",
        "Some rows have errors (see the report): fix the file, or tick “import the valid rows”",
    ),
    "setup.desk.title": ("Ce poste", "هذا الجهاز", "This desk"),
    "setup.desk.hint": (
        "Le nom de ce poste s'affiche quand un badge est présenté une deuxième fois "
        "(« Déjà entré à 09:12, Entrée A ») : choisissez un nom que l'équipe reconnaît.",
        "يظهر اسم هذا الجهاز عند تقديم شارة مرة ثانية («دخل على 09:12، المدخل أ»): اختر اسما يعرفه الفريق.",
        "This desk's name shows when a badge comes a second time (“Already in at 09:12, Entrance A”): "
        "pick a name the team knows.",
    ),
    "setup.desk_name": ("Nom du poste", "اسم الجهاز", "Desk name"),
    "setup.desk_example": ("ex. Entrée A", "مثال: المدخل أ", "e.g. Entrance A"),
    "setup.printer.title": ("L'imprimante de badges", "طابعة الشارات", "The badge printer"),
    "setup.printer.hint": (
        "Facultatif : ajoutez l'imprimante de ce poste et imprimez un badge d'essai.",
        "اختياري: أضف طابعة هذا الجهاز واطبع شارة تجريبية.",
        "Optional: add this desk's printer and print a test badge.",
    ),
    "setup.printer_kind": ("Type", "النوع", "Kind"),
    "setup.kind.none": ("Pas d'imprimante pour l'instant", "لا طابعة الآن", "No printer for now"),
    "setup.kind.network": (
        "Imprimante thermique réseau (ESC/POS)",
        "طابعة حرارية عبر الشبكة (ESC/POS)",
        "Network thermal printer (ESC/POS)",
    ),
    "setup.kind.cups": ("File d'impression CUPS (PDF)", "قائمة طباعة CUPS (PDF)", "CUPS print queue (PDF)"),
    "setup.kind.folder": ("Dossier de PDF", "مجلد PDF", "PDF folder"),
    "setup.printer_name": ("Nom de l'imprimante", "اسم الطابعة", "Printer name"),
    "setup.printer_target": (
        "Adresse, file ou dossier",
        "العنوان أو القائمة أو المجلد",
        "Address, queue or folder",
    ),
    "setup.printer_profile": ("Modèle", "الطراز", "Model"),
    "setup.test": ("Imprimer un badge d'essai", "طبع شارة تجريبية", "Print a test badge"),
    "setup.tested": (
        "Badge d'essai envoyé à {printer} : vérifiez qu'il est sorti",
        "أُرسلت الشارة التجريبية إلى {printer}: تحقق من خروجها",
        "Test badge sent to {printer}: check that it came out",
    ),
    "setup.admin.title": ("Le premier administrateur", "أول مدير", "The first admin"),
    "setup.admin.hint": (
        "Son nom et son code PIN (6 caractères au moins) protègent les réglages et les actions des "
        "superviseurs.",
        "يحمي اسمه ورمزه السري (6 أحرف على الأقل) الإعدادات وإجراءات المشرفين.",
        "Their name and PIN (at least 6 characters) protect the settings and the supervisors' actions.",
    ),
    "setup.has_staff": (
        "Cet événement a déjà des comptes du personnel : rien à créer ici.",
        "لهذا الحدث حسابات موظفين: لا شيء لإنشائه هنا.",
        "This event already has staff accounts: nothing to create here.",
    ),
    "setup.days_range": (
        "Un événement dure de 1 à {n} jours",
        "يدوم الحدث من 1 إلى {n} أيام",
        "An event lasts 1 to {n} days",
    ),
    "setup.need_event_name": ("Donnez un nom à l'événement", "أدخل اسم الحدث", "Give the event a name"),
    "setup.exists": (
        "Un événement existe déjà dans {path} : ouvrez-le plutôt",
        "يوجد حدث في {path}: افتحه بدلا من ذلك",
        "An event already exists at {path}: open it instead",
    ),
    "setup.cannot_open": (
        "Impossible d'ouvrir {path} : {why}",
        "تعذر فتح {path}: {why}",
        "Cannot open {path}: {why}",
    ),
    "setup.need_file": ("Choisissez le fichier de l'événement", "اختر ملف الحدث", "Choose the event file"),
    "setup.bad_file": ("Fichier illisible : {why}", "ملف غير مقروء: {why}", "Unreadable file: {why}"),
    "setup.need_desk": ("Donnez un nom à ce poste", "أدخل اسم هذا الجهاز", "Give this desk a name"),
    "setup.desk_long": ("{n} caractères au plus", "{n} حرفا على الأكثر", "At most {n} characters"),
    "setup.need_printer": (
        "Une imprimante a besoin d'un nom et d'une adresse",
        "تحتاج الطابعة إلى اسم وعنوان",
        "A printer needs a name and an address",
    ),
    "setup.bad_printer": ("Imprimante refusée : {why}", "طابعة مرفوضة: {why}", "Printer refused: {why}"),
}
