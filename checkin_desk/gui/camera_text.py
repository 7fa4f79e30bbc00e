"""The camera panel's words (French, Arabic, English); merged into the window's catalogue."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str]] = {
    "action.camera": ("Caméra (F12)", "الكاميرا (F12)", "Camera (F12)"),
    "camera.opening": (
        "Caméra : ouverture de {source}…",
        "الكاميرا: جارٍ فتح {source}…",
        "Camera: opening {source}…",
    ),
    "camera.reading": (
        "Caméra : {source} — présentez le QR code dans le cadre",
        "الكاميرا: {source} — ضع رمز QR داخل الإطار",
        "Camera: {source} — show the QR code inside the frame",
    ),
    "camera.ended": (
        "Caméra : fin de {source}",
        "الكاميرا: انتهى {source}",
        "Camera: end of {source}",
    ),
    "camera.failed": (
        "Caméra indisponible : {reason} — le lecteur de badges fonctionne toujours",
        "الكاميرا غير متاحة: {reason} — قارئ الشارات يعمل دائمًا",
        "Camera unavailable: {reason} — the badge scanner still works",
    ),
    # The reasons (CameraError.key), said in the window's language; {source} is as the desk names it.
    "camera.reason.no_source": (
        "aucune source indiquée (un numéro de caméra, un fichier vidéo ou une adresse de flux)",
        "لم يُحدَّد أي مصدر (رقم كاميرا أو ملف فيديو أو عنوان بث)",
        "no source given (a camera number, a video file or a stream address)",
    ),
    "camera.reason.no_device": (
        "aucune caméra n° {source} ; est-elle branchée, ou utilisée par un autre programme ?",
        "لا توجد كاميرا رقم {source}؛ هل هي موصولة أم يستعملها برنامج آخر؟",
        "no camera number {source}; is it plugged in, or used by another program?",
    ),
    "camera.reason.no_file": (
        "fichier vidéo introuvable : {source}",
        "ملف الفيديو غير موجود: {source}",
        "no such video file: {source}",
    ),
    "camera.reason.not_a_file": (
        "{source} n'est pas un fichier vidéo (une caméra s'indique par son numéro : 0, 1…)",
        "{source} ليس ملف فيديو (تُحدَّد الكاميرا برقمها: 0، 1…)",
        "{source} is not a video file (a camera is given by its number: 0, 1…)",
    ),
    "camera.reason.no_access": (
        "lecture de {source} refusée (droits du fichier)",
        "لا يمكن قراءة {source} (صلاحيات الملف)",
        "cannot read {source}: permission denied",
    ),
    "camera.reason.not_video": (
        "{source} n'est pas une vidéo lisible",
        "{source} ليس فيديو قابلًا للقراءة",
        "{source} is not a video that can be read",
    ),
    "camera.reason.refused": (
        "{source} a refusé l'identifiant ou le mot de passe (vérifiez-les dans l'application de la caméra)",
        "رفض {source} اسم المستخدم أو كلمة المرور (تحقق منهما في تطبيق الكاميرا)",
        "{source} refused the user name or password (check them in the camera's app)",
    ),
    "camera.reason.no_video_there": (
        "{source} : pas de vidéo à cette adresse",
        "{source}: لا يوجد فيديو في هذا العنوان",
        "{source}: the camera has no video at that address",
    ),
    "camera.reason.no_picture": (
        "{source} ne donne aucune image",
        "{source} لا يعطي أي صورة",
        "{source} gives no picture",
    ),
    "camera.reason.stopped": (
        "{source} ne donne plus d'images",
        "{source} توقف عن إعطاء الصور",
        "{source} stopped giving pictures",
    ),
    "camera.reason.internal": (
        "erreur interne de la caméra ({detail}) ; voir le journal",
        "خطأ داخلي في الكاميرا ({detail})؛ راجع السجل",
        "internal error in the camera ({detail}); see the log",
    ),
    "camera.no_extra": (
        "Caméra non installée sur ce poste : pip install 'checkin-desk[camera]' — le lecteur de badges fonctionne toujours",
        "الكاميرا غير مثبتة على هذا الجهاز: pip install 'checkin-desk[camera]' — قارئ الشارات يعمل دائمًا",
        "Camera not installed on this desk: pip install 'checkin-desk[camera]' — the badge scanner still works",
    ),
}
