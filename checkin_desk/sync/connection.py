"""Connecting to the hub: DSN checks, masking, timeouts, and one-line messages for what goes wrong.

A password never reaches a message, a log line or the screen: `describe` names the hub without it,
`mask` keeps every other setting and replaces the password, and error texts are scrubbed of it.
"""

from __future__ import annotations

import logging
import re

import psycopg
from psycopg import conninfo

from checkin_desk.errors import CheckinDeskError
from checkin_desk.sync import hub_schema
from checkin_desk.sync.credentials import passfile_path

log = logging.getLogger(__name__)

MASK = "********"
# Find a dead hub in seconds, not in the kernel's default two hours.
_NETWORK_DEFAULTS = {
    "keepalives": "1",
    "keepalives_idle": "5",
    "keepalives_interval": "2",
    "keepalives_count": "3",
    "tcp_user_timeout": "10000",
}


class HubError(CheckinDeskError):
    """Expected trouble with the hub (unreachable, refused, wrong schema): the message is for the user."""


def parse(dsn: str) -> dict[str, str]:
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise HubError(f"cannot read the hub address: {scrub(str(exc), dsn)}") from None
    if not dsn.strip():
        raise HubError("the hub address is empty (e.g. postgresql://checkin_desk@hub.local/expo)")
    return {k: str(v) for k, v in params.items()}


def describe(dsn: str) -> str:
    """user@host:port/dbname, never the password."""
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(unreadable hub address)"
    user = params.get("user", "")
    host = params.get("host") or params.get("hostaddr") or "localhost"
    port = params.get("port", "5432")
    db = params.get("dbname", user or "")
    ssl = f" ({params['sslmode']})" if params.get("sslmode") else ""
    return f"{user + '@' if user else ''}{host}:{port}/{db}{ssl}"


def mask(dsn: str) -> str:
    """The DSN with its password replaced, in the key=value form."""
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(unreadable hub address)"
    if "password" in params:
        params["password"] = MASK
    return conninfo.make_conninfo(**params)


def password_of(dsn: str) -> str | None:
    try:
        return conninfo.conninfo_to_dict(dsn).get("password")
    except psycopg.ProgrammingError:
        return None


def scrub(text: str, dsn: str) -> str:
    password = password_of(dsn)
    if password:
        text = text.replace(password, MASK)
    return re.sub(r"(password\s*=\s*)\S+", r"\1" + MASK, text)


def explain(exc: BaseException, dsn: str) -> str:
    """One line saying what went wrong with the hub, for a status bar or a CLI error."""
    text = scrub(str(exc), dsn)
    where = describe(dsn)
    if isinstance(exc, hub_schema.HubSchemaError):
        return f"hub {where}: {text}"
    lower = text.lower()
    if "password authentication failed" in lower:
        return f"the hub {where} refused the password (check the role and its password)"
    if "no password supplied" in lower:
        return f"the hub {where} asks for a password and none was given"
    if "does not exist" in lower and "fatal" in lower:
        detail = text.split("FATAL:", 1)[1].strip().splitlines()[0]
        return f"the hub {where} says: {detail}"
    if (
        "server closed the connection" in lower
        or "terminating connection" in lower
        or "eof detected" in lower
    ):
        return f"the connection to the hub {where} was lost (hub restarted or network down)"
    if "connection refused" in lower:
        return f"nothing answers at {where} (is the hub running and reachable?)"
    if "timeout" in lower or "timed out" in lower:
        return f"the hub {where} did not answer in time"
    if "permission denied" in lower:
        return f"the hub {where} refused: {text.splitlines()[0]}"
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
    return f"hub {where}: {first}"


def connect(
    dsn: str,
    *,
    connect_timeout: float = 5.0,
    application_name: str = "checkin-desk",
    autocommit: bool = True,
    check_schema: bool = True,
    statement_timeout_ms: int | None = None,
) -> psycopg.Connection:
    """A connection to the hub with short network timeouts; raises HubError with a clear message."""
    params = parse(dsn)
    extra = {k: v for k, v in _NETWORK_DEFAULTS.items() if k not in params}
    if "password" not in params and "passfile" not in params:
        # The desk's hub password is kept apart from the event database (see credentials).
        passfile = passfile_path()
        if passfile.exists():
            extra["passfile"] = str(passfile)
    extra["connect_timeout"] = str(max(1, round(connect_timeout)))
    extra.setdefault("application_name", application_name[:60])
    # A desk that vanished mid-transaction must not hold the pull horizon (and row locks) for long.
    options = "-c idle_in_transaction_session_timeout=15000"
    if statement_timeout_ms:
        options += f" -c statement_timeout={int(statement_timeout_ms)}"
    extra["options"] = (params.get("options", "") + " " + options).strip()
    try:
        conn = psycopg.connect(conninfo.make_conninfo(dsn, **extra), autocommit=autocommit)
    except psycopg.Error as exc:
        raise HubError(explain(exc, dsn)) from None
    if check_schema:
        try:
            hub_schema.check_version(conn)
        except hub_schema.HubSchemaError as exc:
            conn.close()
            raise HubError(explain(exc, dsn)) from None
        except psycopg.Error as exc:
            conn.close()
            raise HubError(explain(exc, dsn)) from None
        if not autocommit:
            conn.rollback()
    return conn
