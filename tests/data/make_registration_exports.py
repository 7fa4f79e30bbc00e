"""Builds the registration-system exports in this folder: python tests/data/make_registration_exports.py

Each file follows the layout its system writes, as read in the system's own source:

- pretix_positions.csv / pretix_positions.xlsx: pretix's "Order data" export
  (src/pretix/base/exporters/orderlist.py, OrderListExporter.iterate_positions, pretix 2026.8):
  the "Order positions" sheet, name scheme "given_family". CSV "default" format: commas, every
  text quoted (csv.QUOTE_NONNUMERIC), written through defusedcsv, which puts a "'" before a cell
  starting with = + - @ | % (pretix/base/exporter.py). XLSX: the combined workbook, sheets
  Orders / Order positions / Order fees, strings stored as strings (pretix/helpers/safe_openpyxl.py).
  Status: Order.get_extended_status_display(), or "canceled" for a canceled position.
  Secrets: random ones (abcdefghjkmnpqrstuvwxyz23456789, 32 long) and pretix_sig1 ones
  (pretix/base/secrets.py: version byte, lengths, protobuf payload, Ed25519 signature, base64 of
  it all written backwards).
- pretix_checkin_fr.csv: pretix's check-in list export in French
  (src/pretix/plugins/checkinlists/exporters.py, CSVCheckinList, with pending orders and secrets),
  "CSV (with semicolons)" format; headers as pretix's French catalogue translates them.
- eventbrite_attendees.csv / eventbrite_attendees_no_barcode.csv: Eventbrite's attendee report
  (columns of a real export published with github.com/ieee-cnsv eb2ez's README, "Barcode #" added
  as the report's column chooser offers it); statuses from Eventbrite's help "Glossary of order and
  attendee statuses in event reports".
- hievents_attendees.xlsx: Hi.Events' attendee export (backend/app/Exports/AttendeesExport.php;
  statuses from DomainObjects/Status/AttendeeStatus.php; public ids from Helper/IdHelper.php).
"""

from __future__ import annotations

import base64
import csv
import io
import random
import struct
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

HERE = Path(__file__).resolve().parent
RANDOM_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"

# (given name, family name, company, category / product)
PEOPLE = [
    ("Élodie", "Lefèvre", "Lydec", "Visiteur professionnel"),
    ("Benoît", "Benkirane", "Casa Aménagement", "Exposant"),
    ("محمد", "العلوي", "المكتب الشريف للفوسفاط", "Pass Professionnel 3 jours"),
    ("فاطمة الزهراء", "بناني", "بنك المغرب", "Visiteur professionnel"),
    ("伟", "王", "上海市城市规划设计研究院", "Délégation"),
    ("娜", "李", "上海电气集团", "Délégation"),
    ("Youssef", "El Idrissi", "Inwi", "Intervenant"),
    ("Zoé", "N'Diaye", "Orange Sénégal", "Visiteur professionnel"),
    ("عبد الله", "الإدريسي", "وزارة الداخلية", "VIP"),
    ("小明", "张", "华为技术有限公司", "Exposant"),
    ("Salma", "Berrada", "UM6P", "Presse"),
    ("Hamza", "Lahlou", "Ville de Casablanca", "Pass Professionnel 3 jours"),
    ("Çelia", "Öztürk", "Siemens", "Intervenant"),
    ("خديجة", "شرايبي", "", "Visiteur"),
    ("Karim", "Tazi", "OCP Group, Jorf Lasfar", "Pass Professionnel 3 jours"),
    ("秀英", "刘", "深圳市城市交通规划设计研究中心", "Délégation"),
    ("Aïcha", "Fassi-Fihri", "", "Visiteur"),
    ("يوسف", "بنجلون", "إنوي", "Exposant"),
    ("Jean-Pierre", "Moreau", "Le Matin", "Presse"),
    ("Omar", "Sqalli", "Attijariwafa bank", "VIP"),
    ("Meryem", "Cherkaoui", "ONCF", "Visiteur professionnel"),
    ("洋", "杨", "阿里巴巴集团", "Intervenant"),
    ("Nadia", "Ouazzani", "Renault Maroc", "Exposant"),
    ("Mehdi", "Chraibi", "", "Visiteur"),
]


def random_secret(rng: random.Random) -> str:
    return "".join(rng.choice(RANDOM_CHARS) for _ in range(32))


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def sig1_secret(key: Ed25519PrivateKey, rng: random.Random, item: int) -> str:
    seed = "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(9)
    )
    payload = b"\x0a" + bytes([len(seed)]) + seed.encode() + b"\x10" + _varint(item)
    signature = key.sign(payload)
    raw = (
        bytes([0x01])
        + struct.pack(">H", len(payload))
        + struct.pack(">H", len(signature))
        + payload
        + signature
    )
    return base64.b64encode(raw).decode()[::-1]


def defuse(value):
    """What defusedcsv writes for a cell."""
    if isinstance(value, str) and value and value[0] in "@+-=|%":
        return "'" + value.replace("|", "\\|")
    return value


POSITION_HEADERS = [
    "Event slug", "Event name", "Order code", "Position ID", "Status", "Email", "Phone number", "Order date",
    "Order time", "Product", "Product ID", "Variation", "Variation ID", "Price", "Tax rate", "Tax rule",
    "Tax value", "Attendee name", "Attendee name: Given name", "Attendee name: Family name", "Attendee email",
    "Attendee company", "Address", "ZIP code", "City", "Country", "State", "Voucher", "Voucher budget usage",
    "Voucher tag", "Pseudonymization ID", "Ticket secret", "Seat ID", "Seat name", "Seat zone", "Seat row",
    "Seat number", "Blocked", "Valid from", "Valid until", "Order comment", "Follow-up date",
    "Add-on to position ID", "Invoice address company", "Invoice address name",
    "Invoice address name: Given name", "Invoice address name: Family name", "Invoice address street",
    "Invoice address ZIP code", "Invoice address city", "Invoice address country", "Invoice address state",
    "VAT ID", "Sales channel", "Order locale", "Email address verified", "External customer ID",
    "Check-in lists", "Payment providers", "Position order link",
]  # fmt: skip

# Every status the positions sheet can show, and one blocked ticket.
PRETIX_STATUSES = [
    "paid", "paid", "paid", "pending", "paid", "expired", "paid", "canceled", "paid", "pending (confirmed)",
    "paid", "approval pending", "paid", "canceled (paid fee)", "paid", "paid", "paid", "paid", "paid", "paid",
    "paid", "paid", "pending", "paid",
]  # fmt: skip


def pretix_positions(rng: random.Random, key: Ed25519PrivateKey) -> list[list]:
    rows = []
    for n, (given, family, company, product) in enumerate(PEOPLE):
        status = PRETIX_STATUSES[n]
        signed = n % 2 == 1  # half the event's tickets before it switched to signed secrets
        secret = sig1_secret(key, rng, 100 + n) if signed else random_secret(rng)
        is_cjk = "\u4e00" <= given[0] <= "\u9fff"
        full = f"{family}{given}" if is_cjk else f"{given} {family}"
        code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ3789") for _ in range(5))
        email = f"guest{n}@example.ma"
        rows.append([
            "sce2027", "Smart City Expo Casablanca 2027", code, 1, status, email, "+212600000000" if n % 3 else "",
            f"2027-02-{n + 1:02d}", f"10:{n:02d}:00", product, 40 + n % 5, "", "", "150.00", "0.00", "", "0.00",
            full, given, family, email, company, "", "", "Casablanca", "MA", "", "", "", "", f"PSN{n:05d}", secret,
            "", "", "", "", "", "Yes" if n == 16 else "", "", "", "", "", "", company, full, given, family, "", "",
            "", "MA", "", "", "web", "fr", "Yes", "", "", "Stripe", f"https://pretix.eu/sce/sce2027/order/{code}/",
        ])  # fmt: skip
    return rows


def write_pretix(rng: random.Random, key: Ed25519PrivateKey) -> None:
    rows = pretix_positions(rng, key)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, delimiter=",")
    writer.writerow([defuse(h) for h in POSITION_HEADERS])
    for row in rows:
        writer.writerow([defuse(v) for v in row])
    (HERE / "pretix_positions.csv").write_text(out.getvalue(), encoding="utf-8", newline="")

    book = Workbook(write_only=True)
    orders = book.create_sheet("Orders")
    orders.append(["Event slug", "Order code", "Order total", "Status", "Email"])
    for row in rows:
        orders.append([row[0], row[2], "150.00", row[4], row[5]])
    positions = book.create_sheet("Order positions")
    positions.append(POSITION_HEADERS)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(positions, value=value)
            if cell.data_type == "f":  # pretix's SafeCell: a text starting with = is text
                cell.data_type = "s"
            cells.append(cell)
        positions.append(cells)
    fees = book.create_sheet("Order fees")
    fees.append(["Event slug", "Order code", "Status", "Fee type", "Price"])
    book.save(HERE / "pretix_positions.xlsx")

    # The check-in list, in French, with pending orders and the secrets.
    headers = [
        "Code de commande", "Nom du participant", "Nom du participant : Prénom", "Nom du participant : Nom de famille",
        "Produit", "Prix", "Enregistrement effectué", "Départ effectué", "Enregistré automatiquement", "Payé",
        "Secret", "E-Mail", "Numéro de téléphone", "Entreprise", "Code du bon d'achat", "Date de commande",
        "Heure de commande", "Nécessite une attention particulière", "Commentaire", "Texte d'enregistrement",
        "ID du siège", "Nom du siège", "Zone du siège", "Rangée du siège", "Numéro de siège", "Bloqué",
        "Valable depuis", "Valable jusqu'au", "Adresse", "Code postal", "Ville", "Pays", "État",
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel", delimiter=";")
    writer.writerow(headers)
    for row in rows:
        if row[4] not in ("paid", "pending", "pending (confirmed)"):
            continue  # a check-in list holds paid and pending orders only
        paid = "Oui" if row[4] == "paid" else "Non"
        writer.writerow([defuse(v) for v in [
            row[2], row[17], row[18], row[19], row[9], "150,00", "", "", "Non", paid, row[31], row[5], row[6],
            row[21], "", row[7], row[8], "Non", "", "", "", "", "", "", "", "Oui" if row[37] else "", "", "", "", "",
            "Casablanca", "MA", "",
        ]])  # fmt: skip
    (HERE / "pretix_checkin_fr.csv").write_text(out.getvalue(), encoding="utf-8", newline="")


EVENTBRITE_HEADERS = [
    "Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Price Tier", "Ticket Type",
    "Attendee #", "Group", "Order Type", "Currency", "Total Paid", "Fees Paid", "Eventbrite Fees",
    "Eventbrite Payment Processing", "Attendee Status", "Home Address 1", "Home Address 2", "Home City",
    "Home State", "Home Zip", "Home Country", "How did you hear about this event?", "Job Title", "Company",
]  # fmt: skip
EVENTBRITE_STATUSES = ["Attending", "Attending", "Checked In", "Not Attending", "Attending", "Attending"]


def write_eventbrite(rng: random.Random) -> None:
    rows = []
    for n, (given, family, company, product) in enumerate(PEOPLE):
        order = 11211912243 + n * 7
        attendee = 18441583423 + n * 13
        status = EVENTBRITE_STATUSES[n % len(EVENTBRITE_STATUSES)]
        if n == 20:
            status = "Deleted"
        rows.append([
            order, f"11/{n + 1:02d}/26 22:{n:02d}", given, family, f"a{n}@example.ma", 1, "", product, attendee, "",
            "Eventbrite Completed" if n % 4 else "Free Order", "MAD", "150", "0", "9.5", "4.2", status, "", "", "",
            "", "", "MA", "Newsletter", "", company,
        ])  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EVENTBRITE_HEADERS)
    writer.writerows(rows)
    (HERE / "eventbrite_attendees_no_barcode.csv").write_text(
        "\ufeff" + out.getvalue(), encoding="utf-8", newline=""
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*EVENTBRITE_HEADERS, "Barcode #"])
    for row in rows:
        writer.writerow([*row, f"{row[8]}{rng.randrange(100, 999)}001"])
    (HERE / "eventbrite_attendees.csv").write_text("\ufeff" + out.getvalue(), encoding="utf-8", newline="")


def write_hi_events(rng: random.Random) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Worksheet"
    sheet.append([
        "ID", "First Name", "Last Name", "Email", "Status", "Check Ins", "Product ID", "Product Name", "Event ID",
        "Public ID", "Short ID", "Created Date", "Last Updated Date", "Notes", "Dietary requirements",
    ])  # fmt: skip
    statuses = ["ACTIVE", "ACTIVE", "AWAITING_PAYMENT", "ACTIVE", "CANCELLED"]
    for n, (given, family, _company, product) in enumerate(PEOPLE):
        public = "A-" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(7))
        short = "a_" + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(13)
        )
        sheet.append([
            900 + n, given, family, f"h{n}@example.ma", statuses[n % len(statuses)],
            "Entrée principale (2027-04-18 09:12:00)" if n == 3 else "", 12 + n % 3, product, 7, public, short,
            "2027-03-01 10:00:00", "2027-03-02 11:00:00", "", "Halal" if n % 6 == 0 else "",
        ])  # fmt: skip
    book.save(HERE / "hievents_attendees.xlsx")


def main() -> None:
    rng = random.Random(2027)
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    write_pretix(rng, key)
    write_eventbrite(rng)
    write_hi_events(rng)


if __name__ == "__main__":
    main()
