"""Which registration system a list comes from, told by its headers, and what that means for it.

Each system exports its own columns, status words and codes; read from their exporters' source:

- pretix: the order data export's "Order positions" sheet (pretix/base/exporters/orderlist.py) and
  the check-in list export (pretix/plugins/checkinlists/exporters.py), in English or French. The QR
  holds the position's secret: "Ticket secret" / "Secret". Secrets are case-sensitive; signed ones
  (pretix_sig1) are base64 written backwards, so they often start with "=", which pretix's CSV
  writer (defusedcsv) escapes with a leading "'".
- Eventbrite: the attendee report (Order #, Attendee #, Ticket Type, Attendee Status...); the QR
  holds the "Barcode #", a column the report has only when it is asked for.
- Hi.Events: the attendee export (backend/app/Exports/AttendeesExport.php); the QR holds the
  attendee's "Public ID" (A-XXXXXXX, upper case).
- Anything else is a generic list, read by the header names in readers.FIELD_ALIASES.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checkin_desk.util.textnorm import clean_text, fold


def header_key(name: object) -> str:
    """A header as it is compared: folded (case, accents, punctuation) with spaces and _ removed."""
    return fold(clean_text(name)).replace(" ", "").replace("_", "")


def _keys(*names: str) -> frozenset[str]:
    return frozenset(header_key(n) for n in names)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    # The source is recognised when the headers include one of these sets.
    signatures: tuple[frozenset[str], ...]
    # header (as header_key gives it) -> field; these come before the generic names.
    columns: dict[str, str] = field(default_factory=dict)
    # Headers that must never be read as a field, although a generic name matches them.
    not_fields: frozenset[str] = frozenset()
    # folded status value (spaces removed) -> valid | cancelled | blocked | unpaid
    statuses: dict[str, str] = field(default_factory=dict)
    exact_codes: bool = False  # codes are case-sensitive: stored exactly as issued
    undo_formula_escape: bool = False  # cells starting with '= '+ '- '@ lose the quote
    no_code_hint: str = ""  # what to say when the QR's column is missing

    @property
    def codes_note(self) -> str:
        if self.exact_codes:
            return "codes compared exactly, upper and lower case apart"
        return "codes compared without regard to case"


def _columns(**fields: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, headers in fields.items():
        for header in headers.split("|"):
            out[header_key(header)] = name
    return out


def _statuses(**statuses: str) -> dict[str, str]:
    return {
        fold(v).replace(" ", ""): status for status, values in statuses.items() for v in values.split("|")
    }


PRETIX_STATUSES = _statuses(
    # get_extended_status_display(), in English and French; "pending (confirmed)" is an order the
    # organiser lets in before payment (valid_if_pending).
    valid="paid|payé|pending (confirmed)|en attente (confirmé)",
    unpaid="pending|en attente|approval pending|approbation en attente",
    cancelled="canceled|annulé|expired|expiré|canceled (paid fee)|annulé (frais payés)",
)

PRETIX_COLUMNS = _columns(
    code="Ticket secret|Secret du billet|Secret",
    full_name="Attendee name|Nom du participant",
    first_name="Attendee name: Given name|Nom du participant: Prénom",
    last_name="Attendee name: Family name|Nom du participant: Nom de famille",
    email="Attendee email|E-mail du participant",
    company="Attendee company|Entreprise du participant|Company|Entreprise",
    phone="Phone number|Numéro de téléphone",
    category="Product|Produit",
    status="Status|Statut",
    paid="Paid|Payé",
    blocked="Blocked|Bloqué",
    country="Country|Pays",
)
_PRETIX_NOT = _keys(
    "Order code", "Code de commande", "Position ID", "ID de la position", "Voucher", "Voucher code"
)

PRETIX_POSITIONS = Source(
    key="pretix-positions",
    label="pretix order positions",
    signatures=(_keys("Order code", "Position ID"), _keys("Code de commande", "ID de la position")),
    columns=PRETIX_COLUMNS,
    not_fields=_PRETIX_NOT,
    statuses=PRETIX_STATUSES,
    exact_codes=True,
    undo_formula_escape=True,
    no_code_hint=(
        'this pretix export has no "Ticket secret" column, which is what the QR codes hold: '
        'export the "Order positions" sheet of the order data again'
    ),
)

PRETIX_CHECKIN = Source(
    key="pretix-checkin",
    label="pretix check-in list",
    signatures=(
        _keys("Order code", "Attendee name", "Product", "Checked in"),
        _keys("Code de commande", "Nom du participant", "Produit", "Enregistrement effectué"),
    ),
    columns=PRETIX_COLUMNS,
    not_fields=_PRETIX_NOT,
    statuses=PRETIX_STATUSES,
    exact_codes=True,
    undo_formula_escape=True,
    no_code_hint=(
        'this pretix check-in list has no "Secret" column, which is what the QR codes hold: '
        'export it again with "Include QR-code secret" ticked'
    ),
)

EVENTBRITE = Source(
    key="eventbrite",
    label="Eventbrite attendee report",
    signatures=(_keys("Order #", "Attendee #"), _keys("Order #", "Attendee Status")),
    columns=_columns(
        code="Barcode #|Barcode",
        category="Ticket Type",
        status="Attendee Status",
    ),
    not_fields=_keys("Order #", "Attendee #", "Order Type", "Order Date"),
    statuses=_statuses(
        valid="Attending|Checked In|Completed|Manual|Offline",
        cancelled="Not Attending|Refunded|Canceled|Cancelled|Refunded/Canceled|Deleted|Transferred",
        unpaid="Pending|Unpaid",
    ),
    no_code_hint=(
        'this Eventbrite report has no "Barcode #" column. The QR on an Eventbrite ticket holds '
        "the barcode number, not the Attendee # or the Order # (columns {codes} here): in "
        'Eventbrite, add "Barcode #" to the attendee report\'s columns and export it again'
    ),
)

HI_EVENTS = Source(
    key="hi-events",
    label="Hi.Events attendee export",
    signatures=(_keys("Public ID", "Short ID", "Product Name"),),
    columns=_columns(code="Public ID", category="Product Name", status="Status"),
    not_fields=_keys("ID", "Short ID", "Product ID", "Event ID", "Check Ins"),
    statuses=_statuses(valid="ACTIVE", cancelled="CANCELLED", unpaid="AWAITING_PAYMENT"),
    no_code_hint='this Hi.Events export has no "Public ID" column, which is what the QR codes hold',
)

GENERIC = Source(key="generic", label="attendee list", signatures=())

SOURCES = (PRETIX_POSITIONS, PRETIX_CHECKIN, EVENTBRITE, HI_EVENTS)


def detect(header: list[str]) -> Source:
    keys = {header_key(h) for h in header}
    for source in SOURCES:
        if any(signature <= keys for signature in source.signatures):
            return source
    return GENERIC


_CODE_WORDS = {"id", "no", "nr", "number", "numero", "num", "ref", "reference", "code", "barcode"}


def code_like_columns(header: list[str]) -> list[str]:
    """Headers that look like numbers or references, for a message about the missing code column."""
    return [h for h in header if "#" in str(h) or _CODE_WORDS & set(fold(clean_text(h)).split())]


def undo_formula_escape(value: str) -> str:
    """A cell as it was before defusedcsv wrote it: "'=abc" -> "=abc", "'-1" -> "-1"."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@|%":
        return value[1:].replace("\\|", "|")
    return value
