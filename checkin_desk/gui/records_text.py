"""Words of the re-issue and export actions (gui/records.py), merged into gui/i18n's catalogue.

id: (French, Arabic, English). No Qt here.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str]] = {
    "action.reissue": ("Ré-émettre le badge (F5)", "إعادة إصدار الشارة (F5)", "Re-issue pass (F5)"),
    "action.export": (
        "Exporter la liste des inscrits…",
        "تصدير لائحة المسجلين…",
        "Export the attendee list…",
    ),
    "reissue.title": (
        "Ré-émettre le badge (perdu ou abîmé)",
        "إعادة إصدار الشارة (مفقودة أو تالفة)",
        "Re-issue the pass (lost or damaged badge)",
    ),
    "reissue.no_key": (
        "Impossible de ré-émettre un badge sur ce poste : la clé privée de l'événement n'y est pas. "
        "Rien n'a été modifié.\n\nFaites la ré-émission sur le poste des organisateurs, qui détient "
        "la clé, ou créez-y la clé avec « checkin-desk keys init ».",
        "لا يمكن إعادة إصدار شارة على هذا الجهاز: المفتاح الخاص بالحدث غير موجود فيه. لم يتم تغيير أي شيء."
        "\n\nأعد الإصدار على جهاز المنظمين الذي يحمل المفتاح، أو أنشئ المفتاح هناك بالأمر "
        "« checkin-desk keys init ».",
        "This desk cannot re-issue a pass: the event's private key is not on this machine. "
        "Nothing was changed.\n\nRe-issue it on the organisers' machine, which holds the key, or "
        "create the key there with `checkin-desk keys init`.",
    ),
    "reissue.done.title": ("NOUVEAU BADGE ÉMIS", "تم إصدار شارة جديدة", "NEW PASS ISSUED"),
    "reissue.done": (
        "L'ancien badge ne fonctionne plus : il sera refusé comme remplacé",
        "الشارة القديمة لم تعد صالحة: سترفض لأنها استبدلت",
        "The old badge no longer works: it will be refused as replaced",
    ),
    "reissue.status": (
        "Badge ré-émis pour {name} ({code}) par {by} : l'ancien badge ne fonctionne plus, "
        "le nouveau est en impression",
        "أعيد إصدار شارة {name} ({code}) من طرف {by}: الشارة القديمة لم تعد صالحة، والجديدة قيد الطبع",
        "Pass re-issued for {name} ({code}) by {by}: the old badge no longer works, the new one is printing",
    ),
    "export.title": (
        "Exporter la liste des inscrits (données personnelles)",
        "تصدير لائحة المسجلين (معطيات شخصية)",
        "Export the attendee list (personal data)",
    ),
    "export.filter": ("Fichiers CSV (*.csv)", "ملفات CSV (*.csv)", "CSV files (*.csv)"),
    "export.running": (
        "Export de la liste des inscrits en cours…",
        "جارٍ تصدير لائحة المسجلين…",
        "Exporting the attendee list…",
    ),
    "export.busy": (
        "Un export est déjà en cours",
        "هناك تصدير قيد التنفيذ",
        "An export is already running",
    ),
    "export.done": (
        "{n} inscrits exportés dans {path} (lisible par vous seul)",
        "تم تصدير {n} مسجلا إلى {path} (لا يقرؤه غيرك)",
        "{n} attendees exported to {path} (readable by you only)",
    ),
    "export.failed": (
        "L'export a échoué : {why}. Aucun fichier n'a été écrit à cet endroit.",
        "فشل التصدير: {why}. لم يُكتب أي ملف في هذا المكان.",
        "The export failed: {why}. No file was written there.",
    ),
    "export.no_permission": (
        "pas le droit d'écrire dans {folder} — choisissez un autre dossier (Documents, clé USB)",
        "لا يسمح بالكتابة في {folder} — اختر مجلدا آخر (المستندات، مفتاح USB)",
        "no permission to write in {folder} — choose another folder (Documents, a USB stick)",
    ),
    "export.disk_full": (
        "le disque est plein — libérez de la place ou choisissez un autre disque",
        "القرص ممتلئ — وفر مساحة أو اختر قرصا آخر",
        "the disk is full — free some space or choose another disk",
    ),
    "export.read_only": (
        "{folder} est en lecture seule — choisissez un autre dossier",
        "{folder} للقراءة فقط — اختر مجلدا آخر",
        "{folder} is read-only — choose another folder",
    ),
    "export.no_folder": (
        "le dossier {folder} n'existe pas",
        "المجلد {folder} غير موجود",
        "the folder {folder} does not exist",
    ),
}
