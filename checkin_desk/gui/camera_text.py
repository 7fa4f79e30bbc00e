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
        "Caméra indisponible ({reason}) — le lecteur de badges fonctionne toujours",
        "الكاميرا غير متاحة ({reason}) — قارئ الشارات يعمل دائمًا",
        "Camera unavailable ({reason}) — the badge scanner still works",
    ),
    "camera.no_extra": (
        "Caméra non installée sur ce poste : pip install 'checkin-desk[camera]' — le lecteur de badges fonctionne toujours",
        "الكاميرا غير مثبتة على هذا الجهاز: pip install 'checkin-desk[camera]' — قارئ الشارات يعمل دائمًا",
        "Camera not installed on this desk: pip install 'checkin-desk[camera]' — the badge scanner still works",
    ),
}
