"""Printing: ESC/POS thermal and PDF printers behind a persistent print queue that never loses a badge.

The API the GUI and the CLI use:
    PrintWorker(db_path, desk, on_change=callback).start() / .wake() / .stop()
    jobs(store, limit) -> [JobInfo], counts(store, desk) -> {state: n}
    choose_template(job, printer, category_templates(store), category): which badge template a job uses
    add_printer / remove_printer / list_printers / get_printer / pool, PrinterConfig
    PrinterEmulator(out_dir).start() (a network thermal printer on loopback)
"""

from __future__ import annotations

from checkin_desk.printing.dispatch import Dispatcher, DispatchSettings, exponential_backoff
from checkin_desk.printing.emulator import Mode, PrinterEmulator
from checkin_desk.printing.errors import PrinterConfigError, PrintError, RenderError, UnknownPrinter
from checkin_desk.printing.profiles import PROFILES, Profile, UnknownProfile, get_profile
from checkin_desk.printing.queue import JobInfo, counts, create_job, get_job, jobs, retry_failed
from checkin_desk.printing.registry import (
    PrinterConfig,
    add_printer,
    get_printer,
    list_printers,
    pool,
    remove_printer,
)
from checkin_desk.printing.render import CATEGORY_TEMPLATES_SETTING, category_templates, choose_template
from checkin_desk.printing.transports import Timeouts
from checkin_desk.printing.worker import PrintWorker

__all__ = [
    "CATEGORY_TEMPLATES_SETTING",
    "PROFILES",
    "DispatchSettings",
    "Dispatcher",
    "JobInfo",
    "Mode",
    "PrintError",
    "PrintWorker",
    "PrinterConfig",
    "PrinterConfigError",
    "PrinterEmulator",
    "Profile",
    "RenderError",
    "Timeouts",
    "UnknownPrinter",
    "UnknownProfile",
    "add_printer",
    "category_templates",
    "choose_template",
    "counts",
    "create_job",
    "exponential_backoff",
    "get_job",
    "get_printer",
    "get_profile",
    "jobs",
    "list_printers",
    "pool",
    "remove_printer",
    "retry_failed",
]
