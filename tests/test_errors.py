"""One error family: every expected error is a CheckinDeskError, caught once by each face."""

import importlib
import os
import pkgutil
import subprocess
import sys

import checkin_desk
from checkin_desk.errors import CheckinDeskError
from checkin_desk.trust.roles import AuthorizationError, LockedOut


def _expected_error_classes():
    """Every exception class the package defines (bugs aside: none is meant to be a crash)."""
    found = []
    for info in pkgutil.walk_packages(checkin_desk.__path__, "checkin_desk."):
        if ".gui" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not value.__name__.startswith("_")  # control flow inside a module, never shown
            ):
                found.append(value)
    return found


def test_every_error_the_package_defines_is_a_checkin_desk_error():
    classes = _expected_error_classes()
    assert len(classes) >= 20
    outside = [f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, CheckinDeskError)]
    assert outside == []


def test_a_refused_pin_is_not_a_system_error():
    # An OSError is the system's trouble (a disk, a file); a refused PIN is not, and must not be caught as one.
    assert not issubclass(AuthorizationError, OSError)
    assert issubclass(LockedOut, CheckinDeskError)


def test_output_piped_into_head_ends_quietly(tmp_path):
    db = str(tmp_path / "demo.sqlite")
    env = {**os.environ}
    subprocess.run(
        [sys.executable, "-m", "checkin_desk", "--db", db, "demo", "--attendees", "3000", "--seed", "7"],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    # 180 kB of JSON, more than a pipe holds: head closes the pipe while the search still writes.
    pipeline = subprocess.run(
        f"{sys.executable} -m checkin_desk --db {db} search SCE --json --limit 500 | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert pipeline.stdout == '[{"code": '
    assert pipeline.stderr == ""
