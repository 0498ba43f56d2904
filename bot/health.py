"""`coreflect health`: is the scheduler of a running bot still completing its passes?

After each completed pass the scheduler writes the time to a small owner-only file beside the
database; another process (Docker's HEALTHCHECK, a monitoring script) reads it. The bot is
healthy while the last pass is no older than twice the scheduler's longest sleep.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)


def write_heartbeat(path: Path, when: datetime, max_sleep: float) -> None:
    """Note a completed pass; a failure is logged, never raised (the bot goes on)."""
    text = json.dumps({"pass_completed_at": when.isoformat(), "max_sleep": max_sleep})
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not write the health file %s: %s", path, error)
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def clear_heartbeat(path: Path) -> None:
    """The bot stopped: no pass is coming, so no health file either."""
    with contextlib.suppress(OSError):
        path.unlink()


def check_health(path: Path, now: datetime) -> tuple[bool, str]:
    """Whether the bot is healthy at `now`, and one sentence saying why."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        last = datetime.fromisoformat(data["pass_completed_at"])
        max_sleep = float(data["max_sleep"])
    except FileNotFoundError:
        return False, (
            f"the scheduler has not completed a pass yet ({path} does not exist): "
            "is the bot running and connected?"
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        return False, f"the health file {path} cannot be read: {error}"
    age = (now - last).total_seconds()
    if age > 2 * max_sleep:
        return False, (
            f"the scheduler last completed a pass {age / 60:.0f} minutes ago (at "
            f"{last.isoformat(timespec='seconds')}); it should every {max_sleep / 60:.0f} "
            "minutes at most: look at the bot's log"
        )
    return True, f"healthy: the scheduler completed a pass {max(age, 0):.0f} seconds ago"
