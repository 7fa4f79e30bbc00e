"""Shared data and helpers for the badge tests: names in every script, QR decoding, PDF pages and text."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from checkin_desk.domain.models import Attendee, EventInfo

EVENT = EventInfo(
    "Smart City Expo Casablanca",
    ("2026-04-18", "2026-04-19", "2026-04-20"),
    venue="Office des Foires et Expositions de Casablanca",
)

LONG_FRENCH = Attendee(
    "SCE-LONG-01",
    "Marie-Françoise-Bénédicte",
    "de La Rochefoucauld-Montmorency d'Aubigné",
    company="Compagnie Internationale des Transports Urbains et Interurbains du Grand Casablanca",
    job_title="Directrice générale adjointe chargée de la planification stratégique",
    category="exhibitor",
)
NAMES = {
    "latin": Attendee(
        "SCE-000101", "Élodie", "Benoît", company="Société Générale", country="France", category="speaker"
    ),
    "turkish": Attendee("SCE-000102", "Çağla", "Öztürk", company="İstanbul Büyükşehir", category="press"),
    "arabic": Attendee(
        "SCE-000103",
        "محمد الأمين",
        "بن عبد الله",
        company="وزارة الداخلية",
        job_title="مدير",
        country="المغرب",
        category="vip",
    ),
    "chinese": Attendee(
        "SCE-000104", "小明", "王", company="上海市城市规划设计研究院", country="中国", category="delegation"
    ),
    "mixed": Attendee(
        "SCE-000105",
        "Youssef يوسف",
        "El Amrani 王",
        company="Casa Smart 智慧城市 الدار البيضاء",
        category="professional",
    ),
    "long_french": LONG_FRENCH,
}


def decode_qr(image: Image.Image) -> list[str]:
    return [
        r.text
        for r in zxingcpp.read_barcodes(image.convert("L"))
        if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def pdf_pages(pdf: bytes, dpi: int = 150) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def pdf_text(pdf: bytes, page: int = 0) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[page].get_textpage().get_text_range()
    finally:
        doc.close()
