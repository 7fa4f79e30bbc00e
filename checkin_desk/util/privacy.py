"""Personal data hygiene that any module can use: masking e-mails and phone numbers, a logging filter
that applies it, and files created readable by their owner only (logs, exports, keys).

No import of the store here: the audit log and the logging set-up both use this module.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path
from typing import IO, Any

from checkin_desk.util.config import log_dir

_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
# A run of at least 8 digits with the separators phone numbers are written with, not inside a word or a
# code (SCE-12345678), and not an ISO date or timestamp.
_PHONE = re.compile(r"(?<![\w+-])(?!\d{4}-\d{2}-\d{2})(\+?\(?\d[\d .()/-]{6,}\d)(?![\w-])")


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(1)
    digits = sum(ch.isdigit() for ch in text)
    if digits < 8:
        return text
    return "[phone …" + "".join(ch for ch in text if ch.isdigit())[-2:] + "]"


def mask(text: str) -> str:
    """`text` with e-mails shortened to their first letter and domain, phone numbers to their last two digits."""
    if "@" in text:
        text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return _PHONE.sub(_mask_phone, text)


def mask_value(value: Any) -> Any:
    """`mask` applied to every string inside lists and dicts (audit details, log arguments)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(v) for v in value]
    return value


class MaskingFilter(logging.Filter):
    """Attach to a handler: the record's message and traceback reach it with e-mails and phones masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log it as it is rather than lose it
            message = str(record.msg)
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


# -- owner-only files ---------------------------------------------------------------------------------


def make_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def open_private(path: str | os.PathLike, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """open() for a file holding personal data: created 0600, and made 0600 if it existed wider."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    # Not through a symbolic link: names would land wherever the link points, that file made 0600.
    flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise OSError(exc.errno, f"{path} is a symbolic link: give the real file's path") from None
        raise
    if os.name == "posix":
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode, **kwargs)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file whose every generation is readable by its owner only."""

    def _open(self):  # type: ignore[override]
        return open_private(self.baseFilename, "a", encoding=self.encoding or "utf-8", errors=self.errors)


def setup_file_logging(
    path: str | os.PathLike | None = None, *, level: int = logging.INFO, logger: str = "checkin_desk"
) -> logging.Handler:
    """Log `logger` to an owner-only, masked, rotating file (default: <log dir>/checkin-desk.log)."""
    target = Path(path) if path else make_private_dir(log_dir()) / "checkin-desk.log"
    handler = PrivateRotatingFileHandler(target, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    handler.setLevel(level)
    handler.addFilter(MaskingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log = logging.getLogger(logger)
    log.addHandler(handler)
    if log.level == logging.NOTSET or log.level > level:
        log.setLevel(level)
    return handler
