"""Typed settings read from the environment when asked, never at import time.

Sources, strongest first: the process environment, a `.env` file in the current folder, and
files for the two secrets (`DISCORD_TOKEN_FILE`, `COREFLECT_SECRET_FILE`, or the systemd
credentials `discord-token` and `coreflect-secret` in `$CREDENTIALS_DIRECTORY`), as Docker
secrets and systemd's LoadCredential= provide them. Every problem is one SettingsError
sentence that says which variable and how to fix it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.keys import default_key_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "coreflect.sqlite3"
HEARTBEAT_NAME = "scheduler.heartbeat"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# systemd credentials (LoadCredential=NAME:...) looked for in $CREDENTIALS_DIRECTORY.
TOKEN_CREDENTIAL = "discord-token"
SECRET_CREDENTIAL = "coreflect-secret"


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
    dms_per_second: float = 5.0  # COREFLECT_DMS_PER_SECOND: DMs a second across the whole bot
    scheduler_max_sleep: float | None = None  # seconds; None: the scheduler's own default
    comment_days: int = 180  # COREFLECT_COMMENT_DAYS: comment text kept after a check-in closes
    removed_server_days: int = 30  # COREFLECT_REMOVED_SERVER_DAYS: data kept after a removal
    log_level: str = "INFO"  # COREFLECT_LOG_LEVEL
    # COREFLECT_SHARDS: None = one gateway connection (commands.Bot); "auto" = as many
    # shards as Discord recommends, or that number of shards (commands.AutoShardedBot)
    shards: int | Literal["auto"] | None = None

    @property
    def resolved_key_file(self) -> Path:
        """COREFLECT_KEY_FILE, else the configuration folder: never beside the database."""
        return self.key_file or default_key_file()

    @property
    def heartbeat_file(self) -> Path:
        """Where the scheduler notes its last completed pass, for `coreflect health`."""
        return self.database_path.parent / HEARTBEAT_NAME

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, env_file: Path | None = None
    ) -> Settings:
        """Settings from COREFLECT_* variables, DISCORD_TOKEN and DEV_GUILD_ID.

        Without `environ`, the process environment and a `.env` file in the current folder
        are read; with it, only that mapping (and `env_file` if given), so tests see nothing
        of the machine they run on.
        """
        if environ is None:
            environ, env_file = os.environ, env_file or Path(".env")
        return _Environment(_variables(environ, env_file)).settings()


# -- reading the environment ---------------------------------------------------------------------


def _variables(environ: Mapping[str, str], env_file: Path | None) -> dict[str, str]:
    """The variables, by lower-case name: the mapping's over the `.env` file's (where an empty
    value counts as unset)."""
    found = {key.lower(): value for key, value in _dotenv(env_file).items() if value}
    found.update({key.lower(): value for key, value in environ.items()})
    return found


def _dotenv(path: Path | None) -> dict[str, str]:
    """`NAME=value` lines of a `.env` file (none if there is no file): blank lines and `#`
    comments skipped, an `export ` prefix allowed, a value in matching quotes taken as
    written, an unquoted one up to a ` #` comment."""
    if path is None or not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"the settings file {path} cannot be read ({error})") from None
    found: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].rstrip()
        found[name] = value
    return found


def _path(value: str | None) -> Path | None:
    return Path(value) if value is not None else None


def _server_id(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit():
        raise SettingsError("DEV_GUILD_ID must be a server id (digits only)")
    return int(value)


def _gap(value: str | None) -> float:
    if value is None:
        return 1.0
    try:
        gap = float(value)
    except ValueError:
        raise SettingsError("COREFLECT_DM_GAP must be a number of seconds, e.g. 1") from None
    if not 0 <= gap <= 60:
        raise SettingsError("COREFLECT_DM_GAP must be between 0 and 60 seconds")
    return gap


def _rate(value: str | None) -> float:
    if value is None:
        return 5.0
    try:
        rate = float(value)
    except ValueError:
        raise SettingsError("COREFLECT_DMS_PER_SECOND must be a number, e.g. 5") from None
    if not 0.5 <= rate <= 40:
        raise SettingsError("COREFLECT_DMS_PER_SECOND must be between 0.5 and 40")
    return rate


def _days(value: str | None, variable: str, default: int) -> int:
    if value is None:
        return default
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise SettingsError(f"{variable} must be a whole number of days, 1 to 3650")
    return int(text)


def _level(value: str | None) -> str:
    level = (value if value is not None else "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"COREFLECT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    return level


def _shards(value: str | None) -> int | Literal["auto"] | None:
    if value is None:
        return None  # unset: one gateway connection, as most instances need
    text = value.strip().lower()
    if text == "auto":
        return "auto"
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(
            "COREFLECT_SHARDS must be auto (as many shards as Discord recommends) or a "
            "whole number of shards, 1 or more"
        )
    return int(text)


class _Environment:
    """The variables as written, checked one by one (each problem one SettingsError
    sentence); `settings()` turns them into Settings."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        get = variables.get
        self.discord_token = get("discord_token")
        self.discord_token_file = _path(get("discord_token_file"))
        self.coreflect_secret = get("coreflect_secret")
        self.coreflect_secret_file = _path(get("coreflect_secret_file"))
        self.credentials_directory = _path(get("credentials_directory"))
        self.coreflect_key_file = _path(get("coreflect_key_file"))
        self.coreflect_data_dir = _path(get("coreflect_data_dir"))
        self.coreflect_db = _path(get("coreflect_db"))
        self.coreflect_frameworks_dir = _path(get("coreflect_frameworks_dir"))
        self.xdg_data_home = _path(get("xdg_data_home"))
        self.dev_guild_id = _server_id(get("dev_guild_id"))
        self.coreflect_dm_gap = _gap(get("coreflect_dm_gap"))
        self.coreflect_dms_per_second = _rate(get("coreflect_dms_per_second"))
        self.coreflect_comment_days = _days(
            get("coreflect_comment_days"), "COREFLECT_COMMENT_DAYS", 180
        )
        self.coreflect_removed_server_days = _days(
            get("coreflect_removed_server_days"), "COREFLECT_REMOVED_SERVER_DAYS", 30
        )
        self.coreflect_log_level = _level(get("coreflect_log_level"))
        self.coreflect_shards = _shards(get("coreflect_shards"))

    def settings(self) -> Settings:
        if self.coreflect_db is not None:
            database = self.coreflect_db.expanduser()
        else:
            database = self.data_dir() / DATABASE_NAME
        frameworks = self.coreflect_frameworks_dir
        return Settings(
            database_path=database.absolute(),
            token=self._secret("DISCORD_TOKEN", TOKEN_CREDENTIAL),
            secret=self._secret("COREFLECT_SECRET", SECRET_CREDENTIAL),
            key_file=self.coreflect_key_file.expanduser() if self.coreflect_key_file else None,
            dev_guild_id=self.dev_guild_id,
            frameworks_dir=frameworks.expanduser() if frameworks else None,
            dm_gap_seconds=self.coreflect_dm_gap,
            dms_per_second=self.coreflect_dms_per_second,
            comment_days=self.coreflect_comment_days,
            removed_server_days=self.coreflect_removed_server_days,
            log_level=self.coreflect_log_level,
            shards=self.coreflect_shards,
        )

    def data_dir(self) -> Path:
        """COREFLECT_DATA_DIR, else $XDG_DATA_HOME/coreflect, else ~/.local/share/coreflect."""
        if self.coreflect_data_dir is not None:
            return self.coreflect_data_dir.expanduser()
        base = self.xdg_data_home or Path.home() / ".local" / "share"
        return base.expanduser() / "coreflect"

    def _secret(self, variable: str, credential: str) -> str | None:
        """The variable itself, else the file VARIABLE_FILE names, else the systemd
        credential; never two of them, so nobody wonders which one is used."""
        value: str | None = getattr(self, variable.lower())
        file: Path | None = getattr(self, f"{variable.lower()}_file")
        if value is not None and file is not None:
            raise SettingsError(f"set {variable} or {variable}_FILE, not both")
        if value is not None:
            return value.strip() or None
        if file is not None:
            return _read_secret_file(file, f"{variable}_FILE")
        if self.credentials_directory is not None:
            path = self.credentials_directory / credential
            if path.is_file():
                return _read_secret_file(path, f"the systemd credential {credential}")
        return None


def _read_secret_file(path: Path, what: str) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise SettingsError(
            f"{what} names {path}, which cannot be read ({error.strerror or error})"
        ) from None
    except UnicodeDecodeError:
        raise SettingsError(f"{what} names {path}, which does not hold text") from None
    if not text:
        raise SettingsError(f"{what} names {path}, which is empty")
    return text
