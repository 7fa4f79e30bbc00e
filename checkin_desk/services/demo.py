"""A believable Smart City Expo Casablanca event, for trying the app and for benchmarks.

Three days starting today (so a person trying the app sees admissions), every category in
proportions like the real expo's, names in French/Moroccan Latin script, Arabic script and Chinese.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from checkin_desk.domain.models import Attendee, EventInfo, PassStatus
from checkin_desk.util.clock import local_day, utc_now

EVENT_NAME = "Smart City Expo Casablanca 2026"
VENUE = "Hyatt Regency Casablanca"

CATEGORY_WEIGHTS = {
    "visitor": 62,
    "professional": 20,
    "exhibitor": 7,
    "delegation": 4,
    "press": 2,
    "staff": 2,
    "vip": 1.5,
    "speaker": 1.5,
}

LATIN_FIRST = [
    "Youssef",
    "Mohamed",
    "Ahmed",
    "Omar",
    "Karim",
    "Mehdi",
    "Hamza",
    "Amine",
    "Yassine",
    "Anas",
    "Reda",
    "Hicham",
    "Rachid",
    "Said",
    "Nabil",
    "Adil",
    "Ayoub",
    "Fatima",
    "Khadija",
    "Salma",
    "Imane",
    "Sara",
    "Nadia",
    "Meryem",
    "Zineb",
    "Hajar",
    "Asmae",
    "Loubna",
    "Ghita",
    "Houda",
    "Siham",
    "Aya",
    "Kenza",
    "Nour",
    "Élodie",
    "Benoît",
    "Cécile",
    "Hélène",
    "Jérôme",
    "François",
    "Zoé",
    "Chloé",
    "Léa",
    "Mathéo",
    "Noël",
    "Anaïs",
    "Gaëlle",
    "Frédéric",
    "Stéphane",
    "Çağla",
    "Thomas",
    "Julie",
    "Camille",
    "Nicolas",
    "Pierre",
    "Marie",
    "Sophie",
    "Antoine",
    "Laura",
    "Lucas",
    "Inès",
    "Maël",
    "Océane",
    "Joël",
    "Agnès",
]
LATIN_LAST = [
    "Benali",
    "Alaoui",
    "El",
    "Idrissi",
    "Bennani",
    "Tazi",
    "Berrada",
    "Chraibi",
    "El",
    "Amrani",
    "Fassi",
    "Lahlou",
    "Benjelloun",
    "Ouazzani",
    "Sqalli",
    "Tahiri",
    "Kettani",
    "Benkirane",
    "Belkadi",
    "Ziani",
    "Bouzidi",
    "El",
    "Fassi",
    "Haddad",
    "Mansouri",
    "Naciri",
    "Rahmouni",
    "Sefrioui",
    "Zniber",
    "Dupont",
    "Martin",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Rousseau",
    "Fontaine",
    "Chevalier",
    "Lemaître",
    "Bélanger",
    "Gauthier",
    "Mercier",
    "Noël",
    "Da",
    "Silva",
    "Fernández",
    "García",
    "Rossi",
    "Müller",
    "Öztürk",
    "Kowalski",
    "Nguyễn",
    "Diallo",
    "Traoré",
    "Ndiaye",
]
ARABIC_FIRST = [
    "محمد",
    "أحمد",
    "يوسف",
    "عمر",
    "كريم",
    "مهدي",
    "حمزة",
    "أمين",
    "فاطمة",
    "خديجة",
    "سلمى",
    "إيمان",
    "سارة",
    "نادية",
    "مريم",
    "زينب",
    "هاجر",
    "أسماء",
]
ARABIC_LAST = [
    "العلوي",
    "الإدريسي",
    "بناني",
    "التازي",
    "برادة",
    "الشرايبي",
    "العمراني",
    "الفاسي",
    "لحلو",
    "بنجلون",
    "الوزاني",
    "الكتاني",
    "بنكيران",
    "المنصوري",
]
CHINESE_NAMES = (
    ("伟", "王"),
    ("芳", "李"),
    ("娜", "张"),
    ("敏", "刘"),
    ("静", "陈"),
    ("磊", "杨"),
    ("洋", "黄"),
    ("艳", "赵"),
    ("勇", "周"),
    ("军", "吴"),
    ("杰", "徐"),
    ("晓明", "孙"),
    ("海燕", "朱"),
    ("建华", "胡"),
)
COMPANIES = (
    "OCP Group",
    "Maroc Telecom",
    "Inwi",
    "Lydec",
    "Casablanca Events & Animation",
    "Casa Aménagement",
    "Attijariwafa bank",
    "Banque Populaire",
    "ONCF",
    "Royal Air Maroc",
    "Masen",
    "Cisco Maroc",
    "Huawei Technologies Maroc",
    "Schneider Electric",
    "Siemens",
    "Orange Business",
    "Université Hassan II",
    "École Centrale Casablanca",
    "UM6P",
    "Ville de Casablanca",
    "Région Casablanca-Settat",
    "Agence Urbaine de Casablanca",
    "Société de Développement Local Casa Transports",
    "Startup Nation Maroc",
    "Smart City Lab Rabat",
    "شركة الدار البيضاء للتنمية",
    "المكتب الوطني للكهرباء والماء الصالح للشرب",
    "上海市城市规划设计研究院",
    "上海电气集团",
    "Shanghai Municipal People's Government",
    "",
)
JOB_TITLES = (
    "Directeur général",
    "Chef de projet",
    "Ingénieure smart city",
    "Urbaniste",
    "Responsable innovation",
    "Data scientist",
    "Consultant",
    "Journaliste",
    "Maire adjoint",
    "Chargée de mission",
    "CTO",
    "Étudiant",
    "",
)
COUNTRIES = (
    "Maroc",
    "Maroc",
    "Maroc",
    "Maroc",
    "France",
    "Espagne",
    "Sénégal",
    "Côte d'Ivoire",
    "Chine",
    "Émirats",
)
CITIES = (
    "Shanghai",
    "Dakar",
    "Abidjan",
    "Barcelone",
    "Lyon",
    "Montréal",
    "Dubaï",
    "Istanbul",
    "Tunis",
    "Le Caire",
    "Lagos",
    "Kigali",
    "Séoul",
    "Lisbonne",
)
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


VENUE_TIMEZONE = "Africa/Casablanca"


def venue_today() -> date:
    """Today at the venue: what the desk judges scans by, whatever zone the machine is set to (a
    machine on Shanghai time is a day ahead of Casablanca every evening)."""
    return date.fromisoformat(local_day(utc_now(), VENUE_TIMEZONE))


def event_info(start: date | None = None) -> EventInfo:
    start = start or venue_today()
    return EventInfo(
        name=EVENT_NAME,
        days=tuple((start + timedelta(days=i)).isoformat() for i in range(3)),
        timezone=VENUE_TIMEZONE,
        venue=VENUE,
    )


def attendees(count: int, event: EventInfo, seed: int = 2026) -> Iterator[Attendee]:
    rng = random.Random(seed)
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    seen: set[str] = set()
    for index in range(count):
        category = rng.choices(categories, weights)[0]
        script = rng.random()
        company = rng.choice(COMPANIES)
        country = rng.choice(COUNTRIES)
        notes = ""
        if category == "delegation":
            city = rng.choice(CITIES)
            notes = f"Délégation de {city}"
            if city == "Shanghai" or script < 0.3:
                first, last = rng.choice(CHINESE_NAMES)
                company, country = rng.choice(COMPANIES[-4:-1]), "Chine"
            else:
                first, last = rng.choice(LATIN_FIRST), rng.choice(LATIN_LAST)
        elif script < 0.18:
            first, last = rng.choice(ARABIC_FIRST), rng.choice(ARABIC_LAST)
            country = "Maroc"
        elif script < 0.21:
            first, last = rng.choice(CHINESE_NAMES)
            country = "Chine"
        else:
            first, last = rng.choice(LATIN_FIRST), rng.choice(LATIN_LAST)
        if index % 997 == 13:
            # The long names real lists contain: they must still fit on a badge.
            first = "Marie-Hélène Anne-Sophie"
            last = "de La Rochefoucauld-Benjelloun El Idrissi"
        status = PassStatus.VALID
        roll = rng.random()
        if roll < 0.025:
            status = PassStatus.CANCELLED
            notes = (notes + " — annulé (remboursé)").strip(" —")
        elif roll < 0.032:
            status = PassStatus.BLOCKED
            notes = (notes + " — bloqué: contacter le superviseur").strip(" —")
        days: tuple[str, ...] = ()
        if category == "visitor" and rng.random() < 0.3:
            days = (rng.choice(event.days),)
        while True:
            code = "SCE26-" + "".join(rng.choice(_CODE_ALPHABET) for _ in range(8))
            if code not in seen:
                seen.add(code)
                break
        handle = f"user{index}"
        yield Attendee(
            code=code,
            first_name=first,
            last_name=last,
            company=company if category != "visitor" or rng.random() < 0.4 else "",
            job_title=rng.choice(JOB_TITLES) if category != "visitor" else "",
            country=country,
            email=f"{handle}@example.ma",
            phone=f"+2126{rng.randrange(10**7, 10**8)}",
            category=category,
            days=days,
            status=status,
            notes=notes,
        )
