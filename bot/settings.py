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
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

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
        token = _ENVIRON.set((environ, env_file))
        try:
            found = _Environment()
        except ValidationError as error:
            raise SettingsError(_first_problem(error)) from None
        finally:
            _ENVIRON.reset(token)
        return found.settings()


# -- reading the environment ---------------------------------------------------------------------

# What from_env was given: the variables, and the .env file to read (if any).
_ENVIRON: ContextVar[tuple[Mapping[str, str], Path | None]] = ContextVar("coreflect_environ")


class _MappingSource(EnvSettingsSource):
    """Environment variables from the mapping given to Settings.from_env."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key.lower(): value for key, value in _ENVIRON.get()[0].items()}


class _Environment(BaseSettings):
    """The variables as written; `settings()` turns them into Settings."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", env_ignore_empty=True)

    discord_token: str | None = None
    discord_token_file: Path | None = None
    coreflect_secret: str | None = None
    coreflect_secret_file: Path | None = None
    credentials_directory: Path | None = None
    coreflect_key_file: Path | None = None
    coreflect_data_dir: Path | None = None
    coreflect_db: Path | None = None
    coreflect_frameworks_dir: Path | None = None
    xdg_data_home: Path | None = None
    dev_guild_id: int | None = None
    coreflect_dm_gap: float = 1.0
    coreflect_dms_per_second: float = 5.0
    coreflect_comment_days: int = 180
    coreflect_removed_server_days: int = 30
    coreflect_log_level: str = "INFO"
    coreflect_shards: int | Literal["auto"] | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        env_file = _ENVIRON.get()[1]
        sources: list[PydanticBaseSettingsSource] = [init_settings, _MappingSource(settings_cls)]
        if env_file is not None:
            sources.append(DotEnvSettingsSource(settings_cls, env_file=env_file))
        return tuple(sources)

    @field_validator("dev_guild_id", mode="before")
    @classmethod
    def _server_id(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValueError("DEV_GUILD_ID must be a server id (digits only)")
        return value

    @field_validator("coreflect_dm_gap", mode="before")
    @classmethod
    def _gap(cls, value: Any) -> float:
        try:
            gap = float(value)
        except ValueError:
            raise ValueError("COREFLECT_DM_GAP must be a number of seconds, e.g. 1") from None
        if not 0 <= gap <= 60:
            raise ValueError("COREFLECT_DM_GAP must be between 0 and 60 seconds")
        return gap

    @field_validator("coreflect_dms_per_second", mode="before")
    @classmethod
    def _rate(cls, value: Any) -> float:
        try:
            rate = float(value)
        except ValueError:
            raise ValueError("COREFLECT_DMS_PER_SECOND must be a number, e.g. 5") from None
        if not 0.5 <= rate <= 40:
            raise ValueError("COREFLECT_DMS_PER_SECOND must be between 0.5 and 40")
        return rate

    @field_validator("coreflect_removed_server_days", mode="before")
    @classmethod
    def _removed_days(cls, value: Any) -> int:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= 3650:
            raise ValueError(
                "COREFLECT_REMOVED_SERVER_DAYS must be a whole number of days, 1 to 3650"
            )
        return int(text)

    @field_validator("coreflect_comment_days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> int:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= 3650:
            raise ValueError("COREFLECT_COMMENT_DAYS must be a whole number of days, 1 to 3650")
        return int(text)

    @field_validator("coreflect_log_level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> str:
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"COREFLECT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("coreflect_shards", mode="before")
    @classmethod
    def _shards(cls, value: Any) -> int | str | None:
        if value is None:
            return None  # unset: one gateway connection, as most instances need
        text = str(value).strip().lower()
        if text == "auto":
            return text
        if not text.isdigit() or int(text) < 1:
            raise ValueError(
                "COREFLECT_SHARDS must be auto (as many shards as Discord recommends) or a "
                "whole number of shards, 1 or more"
            )
        return int(text)

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


def _first_problem(error: ValidationError) -> str:
    """The sentence of the first problem: ours as written, pydantic's with the variable."""
    problem = error.errors()[0]
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    variable = str(problem["loc"][0]).upper() if problem["loc"] else "a setting"
    return f"{variable}: {problem['msg']}"
