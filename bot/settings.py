"""Typed settings read from the environment when asked, never at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.keys import default_key_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting that is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_path: Path
    token: str | None = None
    secret: str | None = None  # COREFLECT_SECRET; else a key file (see resolved_key_file)
    key_file: Path | None = None
    dev_guild_id: int | None = None
    frameworks_dir: Path | None = None  # COREFLECT_FRAMEWORKS_DIR: the host's own, beside ours
    prompts_file: Path | None = None  # None: the shipped English prompts
    default_framework: str = "ten-components"
    sync_commands: bool = True
    dm_gap_seconds: float = 1.0  # COREFLECT_DM_GAP: seconds between two DMs of one check-in
    scheduler_max_sleep: float | None = None  # seconds; None: the scheduler's own default
    comment_days: int = 180  # COREFLECT_COMMENT_DAYS: comment text kept after a check-in closes
    removed_server_days: int = 30  # COREFLECT_REMOVED_SERVER_DAYS: data kept after a removal

    @property
    def resolved_key_file(self) -> Path:
        """COREFLECT_KEY_FILE, else the configuration folder: never beside the database."""
        return self.key_file or default_key_file()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from COREFLECT_* variables, DISCORD_TOKEN and DEV_GUILD_ID."""
        env = os.environ if environ is None else environ
        dev_guild = env.get("DEV_GUILD_ID", "").strip()
        if dev_guild and not dev_guild.isdigit():
            raise SettingsError("DEV_GUILD_ID must be a server id (digits only)")
        key_file = env.get("COREFLECT_KEY_FILE", "").strip()
        frameworks_dir = env.get("COREFLECT_FRAMEWORKS_DIR", "").strip()
        gap = env.get("COREFLECT_DM_GAP", "").strip()
        try:
            dm_gap = float(gap) if gap else 1.0
        except ValueError:
            raise SettingsError("COREFLECT_DM_GAP must be a number of seconds, e.g. 1") from None
        if not 0 <= dm_gap <= 60:
            raise SettingsError("COREFLECT_DM_GAP must be between 0 and 60 seconds")
        days = env.get("COREFLECT_COMMENT_DAYS", "").strip() or "180"
        if not days.isdigit() or not 1 <= int(days) <= 3650:
            raise SettingsError("COREFLECT_COMMENT_DAYS must be a whole number of days, 1 to 3650")
        removed = env.get("COREFLECT_REMOVED_SERVER_DAYS", "").strip() or "30"
        if not removed.isdigit() or not 1 <= int(removed) <= 3650:
            raise SettingsError(
                "COREFLECT_REMOVED_SERVER_DAYS must be a whole number of days, 1 to 3650"
            )
        return cls(
            database_path=Path(env.get("COREFLECT_DB", "data/coreflect.sqlite3")),
            token=env.get("DISCORD_TOKEN") or None,
            secret=env.get("COREFLECT_SECRET") or None,
            key_file=Path(key_file) if key_file else None,
            frameworks_dir=Path(frameworks_dir) if frameworks_dir else None,
            dev_guild_id=int(dev_guild) if dev_guild else None,
            dm_gap_seconds=dm_gap,
            comment_days=int(days),
            removed_server_days=int(removed),
        )
