"""Starting and stopping for real: settings, start-up sentences, SIGTERM, health, deploy files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest

from bot import __main__ as cli
from bot.app import invite_url, required_permissions
from bot.health import check_health, write_heartbeat
from bot.settings import Settings, SettingsError
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
# View Channels, Send Messages, Read Message History, Attach Files, Create Public Threads,
# Send Messages in Threads: the integer the README shows.
PERMISSIONS = 309237746688
# A generous bound on a subprocess that is waited for; nothing asserts how long it took.
PATIENCE = 120


# -- settings ------------------------------------------------------------------------------------


def test_the_database_defaults_to_the_data_folder_not_the_current_one(tmp_path: Path) -> None:
    settings = Settings.from_env({"XDG_DATA_HOME": str(tmp_path / "share")})
    assert settings.database_path == tmp_path / "share" / "coreflect" / "coreflect.sqlite3"
    data = Settings.from_env({"COREFLECT_DATA_DIR": str(tmp_path / "data")})
    assert data.database_path == tmp_path / "data" / "coreflect.sqlite3"
    assert data.heartbeat_file.parent == tmp_path / "data"
    own = Settings.from_env({"COREFLECT_DATA_DIR": "/x", "COREFLECT_DB": "here.sqlite3"})
    assert own.database_path.is_absolute()
    assert own.database_path == Path.cwd() / "here.sqlite3"


def test_secrets_come_from_files_and_systemd_credentials(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("the-token\n")
    (tmp_path / "creds").mkdir()
    (tmp_path / "creds" / "discord-token").write_text("credential-token")
    (tmp_path / "creds" / "coreflect-secret").write_text(TEST_SECRET)
    from_file = Settings.from_env({"DISCORD_TOKEN_FILE": str(tmp_path / "token")})
    assert from_file.token == "the-token"
    from_credentials = Settings.from_env({"CREDENTIALS_DIRECTORY": str(tmp_path / "creds")})
    assert (from_credentials.token, from_credentials.secret) == ("credential-token", TEST_SECRET)
    direct = {"DISCORD_TOKEN": "direct", "CREDENTIALS_DIRECTORY": str(tmp_path / "creds")}
    assert Settings.from_env(direct).token == "direct"


def test_a_dotenv_file_is_read_below_the_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nCOREFLECT_LOG_LEVEL=debug\nDEV_GUILD_ID=7\n")
    settings = Settings.from_env({"DEV_GUILD_ID": "8"}, env_file=env_file)
    assert (settings.token, settings.log_level, settings.dev_guild_id) == ("from-file", "DEBUG", 8)


def test_a_dotenv_file_may_quote_export_comment_and_leave_blank(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# the bot's settings\n"
        'export DISCORD_TOKEN="a b # c"\n'
        "COREFLECT_LOG_LEVEL=debug # loud\n"
        "\n"
        "DEV_GUILD_ID=\n"
        "coreflect_comment_days='9'\n"
    )
    settings = Settings.from_env({}, env_file=env_file)
    assert (settings.token, settings.log_level) == ("a b # c", "DEBUG")
    assert (settings.dev_guild_id, settings.comment_days) == (None, 9)


@pytest.mark.parametrize(
    ("environ", "sentence"),
    [
        ({"DEV_GUILD_ID": "my server"}, "DEV_GUILD_ID must be a server id (digits only)"),
        ({"COREFLECT_DM_GAP": "soon"}, "COREFLECT_DM_GAP must be a number of seconds, e.g. 1"),
        ({"COREFLECT_DM_GAP": "600"}, "COREFLECT_DM_GAP must be between 0 and 60 seconds"),
        ({"COREFLECT_DMS_PER_SECOND": "fast"}, "COREFLECT_DMS_PER_SECOND must be a number"),
        ({"COREFLECT_DMS_PER_SECOND": "100"}, "COREFLECT_DMS_PER_SECOND must be between 0.5"),
        ({"COREFLECT_COMMENT_DAYS": "0"}, "COREFLECT_COMMENT_DAYS must be a whole number"),
        ({"COREFLECT_LOG_LEVEL": "loud"}, "COREFLECT_LOG_LEVEL must be one of DEBUG, INFO"),
        ({"DISCORD_TOKEN_FILE": "/no/such/file"}, "DISCORD_TOKEN_FILE names /no/such/file"),
        (
            {"COREFLECT_SECRET": TEST_SECRET, "COREFLECT_SECRET_FILE": "/x"},
            "set COREFLECT_SECRET or COREFLECT_SECRET_FILE, not both",
        ),
    ],
)
def test_a_bad_setting_is_one_sentence(environ: dict[str, str], sentence: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert str(caught.value).startswith(sentence)


# -- the invitation ------------------------------------------------------------------------------


def test_the_invite_asks_for_just_the_permissions_the_bot_uses() -> None:
    assert required_permissions().value == PERMISSIONS
    assert not required_permissions().embed_links
    url = invite_url(1234)
    assert f"permissions={PERMISSIONS}" in url
    assert "client_id=1234" in url
    assert "scope=bot+applications.commands" in url
    assert f"permissions={PERMISSIONS}" in (ROOT / "README.md").read_text(encoding="utf-8")


# -- Discord's refusals, after connecting ---------------------------------------------------------


def _refusal(error: BaseException) -> Any:
    async def login(self: discord.Client, token: str) -> None:
        raise error

    return login


class _Key:
    host, port, ssl = "discord.invalid", 443, True


@pytest.mark.parametrize(
    ("error", "code", "sentence"),
    [
        (discord.LoginFailure("Improper token has been passed."), 2, "Reset Token"),
        (discord.PrivilegedIntentsRequired(None), 2, "Privileged Gateway Intents"),
        (
            aiohttp.ClientConnectorError(_Key(), OSError(101, "Network is unreachable")),  # type: ignore[arg-type]
            1,
            "could not reach Discord",
        ),
        (OSError(101, "Network is unreachable"), 1, "could not reach Discord"),
    ],
)
def test_discords_refusals_are_one_sentence(
    tmp_path: Path,
    monkeypatch: Any,
    capsys: pytest.CaptureFixture[str],
    error: BaseException,
    code: int,
    sentence: str,
) -> None:
    monkeypatch.setattr(discord.Client, "login", _refusal(error))
    settings = Settings(
        database_path=tmp_path / "data" / "db.sqlite3", token="x", secret=TEST_SECRET
    )
    assert cli.run(settings) == code
    out, err = capsys.readouterr()
    assert sentence in out
    assert len(out.strip().splitlines()) == 1
    assert "Traceback" not in out + err
    if isinstance(error, discord.LoginFailure):
        assert "not the client secret" in out


# -- problems found before connecting (a separate process, as on a server) -----------------------


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COREFLECT_DATA_DIR": str(tmp_path / "data"),
        "DISCORD_TOKEN": "not-a-real-token",
    }
    env.update(extra)
    return env


def _coreflect(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def _make_database(path: Path, secret: str) -> None:
    script = (
        "import asyncio, sys; from bot.storage.store import Store\n"
        "async def main():\n"
        "    store = await Store.open(sys.argv[1], secret=sys.argv[2].encode())\n"
        "    await store.close()\n"
        "asyncio.run(main())\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(path), secret], cwd=ROOT, check=True, timeout=PATIENCE
    )


def test_start_up_problems_before_connecting(tmp_path: Path) -> None:
    def refused(env: dict[str, str], sentence: str) -> None:
        done = _coreflect(env, "run")
        assert done.returncode == 2, done.stdout + done.stderr
        assert sentence in done.stdout
        assert "Traceback" not in done.stdout + done.stderr

    refused(_environment(tmp_path, DISCORD_TOKEN=""), "DISCORD_TOKEN is not set")
    refused(_environment(tmp_path, DEV_GUILD_ID="x"), "DEV_GUILD_ID must be a server id")
    refused(_environment(tmp_path, COREFLECT_SECRET="short"), "at least 32 random characters")

    # The host's own frameworks folder is added to the shipped ones: one that is not there
    # is a mistake in the setting, refused before connecting.
    no_frameworks = _environment(tmp_path, COREFLECT_FRAMEWORKS_DIR=str(tmp_path / "no-frameworks"))
    refused(no_frameworks, "framework")

    key = tmp_path / "shared.key"
    key.write_text("ab" * 32 + "\n")
    key.chmod(0o644)
    refused(_environment(tmp_path, COREFLECT_KEY_FILE=str(key)), "chmod 600")

    database = tmp_path / "data" / "coreflect.sqlite3"
    _make_database(database, TEST_SECRET)
    other = "another-secret-" + "9" * 32
    refused(_environment(tmp_path, COREFLECT_SECRET=other), "COREFLECT_SECRET")

    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 999")
    db.close()
    refused(_environment(tmp_path, COREFLECT_SECRET=TEST_SECRET), "upgrade the bot")


def test_a_data_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    env = _environment(
        tmp_path, COREFLECT_DATA_DIR=str(tmp_path / "a-file" / "data"), COREFLECT_SECRET=TEST_SECRET
    )
    done = _coreflect(env, "run")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.startswith(f"cannot use {tmp_path / 'a-file'}")
    assert "must be writable by the user running the bot" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_database_folder_that_cannot_be_written(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    env = _environment(
        tmp_path, COREFLECT_DATA_DIR=str(locked / "data"), COREFLECT_SECRET=TEST_SECRET
    )
    done = _coreflect(env, "run")
    assert done.returncode == 2
    assert "must be writable by the user running the bot" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


# -- SIGTERM and health --------------------------------------------------------------------------

# The bot's own run path, with Discord replaced by a connection that blocks until closed:
# the extensions load, the scheduler runs its passes, and nothing leaves the machine.
BLOCKING_DISCORD = textwrap.dedent(
    """
    import asyncio, sys
    import discord
    from bot import __main__ as cli
    from bot.app import CoreflectBot

    async def start(self, token, *, reconnect=True):
        await self.setup_hook()
        self.scheduler.start()
        await asyncio.Event().wait()

    async def no_sync(self):
        pass

    discord.Client.start = start
    CoreflectBot._sync_commands = no_sync
    sys.exit(cli.main(["run"]))
    """
)


def test_sigterm_stops_as_cleanly_as_ctrl_c(tmp_path: Path) -> None:
    env = _environment(tmp_path, COREFLECT_SECRET=TEST_SECRET)
    before = _coreflect(env, "health")
    assert before.returncode == 1
    assert "has not completed a pass yet" in before.stdout

    bot = subprocess.Popen(
        [sys.executable, "-c", BLOCKING_DISCORD],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    heartbeat = tmp_path / "data" / "scheduler.heartbeat"
    try:
        _wait_for(heartbeat, bot)
        assert stat.S_IMODE(heartbeat.stat().st_mode) == 0o600
        assert _coreflect(env, "health").returncode == 0
        bot.send_signal(signal.SIGTERM)
        out, err = bot.communicate(timeout=PATIENCE)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == 0, out + err
    assert "received SIGTERM: shutting down" in err
    assert "closed database" in err
    assert "stopped cleanly" in err
    assert "Traceback" not in out + err
    assert "voice will NOT be supported" not in err
    assert not heartbeat.exists()  # stopped, so not healthy
    wal = tmp_path / "data" / "coreflect.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    """Until the file appears; a process that ends first fails the test."""
    import time

    deadline = time.monotonic() + PATIENCE
    while not path.exists():
        assert process.poll() is None, "the bot stopped before its first pass"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_health_reads_the_last_completed_pass(tmp_path: Path) -> None:
    path = tmp_path / "scheduler.heartbeat"
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    write_heartbeat(path, now - timedelta(minutes=20), max_sleep=900)
    assert json.loads(path.read_text())["max_sleep"] == 900
    healthy, sentence = check_health(path, now)
    assert healthy, sentence
    healthy, sentence = check_health(path, now + timedelta(minutes=20))
    assert not healthy
    assert "last completed a pass 40 minutes ago" in sentence
    path.write_text("garbage")
    assert check_health(path, now)[0] is False


async def test_the_running_bot_notes_each_completed_pass(env: Any, settings: Settings) -> None:
    await env.settle()
    healthy, sentence = check_health(settings.heartbeat_file, env.now())
    assert healthy, sentence


# -- deploy files --------------------------------------------------------------------------------


def test_the_dockerfile_runs_as_a_user_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    assert "FROM python:3.11-slim" in text
    assert any(line.startswith("USER ") and "root" not in line for line in lines)
    assert "STOPSIGNAL SIGTERM" in lines
    healthcheck = next(line for line in lines if line.startswith("HEALTHCHECK"))
    assert '"coreflect", "health"' in healthcheck
    assert "COREFLECT_DATA_DIR=/data" in text
    assert "pip install" in text
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert "DISCORD_TOKEN_FILE: /run/secrets/discord_token" in compose


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = (ROOT / "deploy" / "coreflect.service").read_text(encoding="utf-8")
    for line in (
        "StateDirectory=coreflect",
        "UMask=0077",
        "Restart=on-failure",
        "RestartPreventExitStatus=2",
        "Environment=DISCORD_TOKEN_FILE=%d/discord-token",
    ):
        assert line in unit.splitlines(), line
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # The unit names the installed program; here it is this environment's.
    program = shutil.which("coreflect") or str(Path(sys.executable).with_name("coreflect"))
    copy = tmp_path / "coreflect.service"
    copy.write_text(unit.replace("/opt/coreflect/bin/coreflect", program), encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=PATIENCE
    )
    # A bad value is only warned about, naming the file: any such line fails the test.
    problems = [line for line in (done.stdout + done.stderr).splitlines() if str(copy) in line]
    assert done.returncode == 0, done.stdout + done.stderr
    assert not problems


@pytest.fixture
def info_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level("INFO", logger="bot.app")
    return caplog


async def test_connecting_to_discord_logs_the_bot_and_the_invite(
    info_logs: pytest.LogCaptureFixture, env: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # SimCord's bot is ready before its first server is made: the bot is in none yet.
    logged = [r.getMessage() for r in caplog.get_records("setup") if r.name == "bot.app"]
    name, bot_id = env.bot.user.name, env.bot.user.id
    assert f"connected as {name} in 0 servers" in logged
    assert any(invite_url(bot_id) in message for message in logged)


# -- memory --------------------------------------------------------------------------------------

# A thread started after the bot is built allocates, then glibc lists its malloc arenas.
ARENAS_AFTER_A_THREAD = textwrap.dedent(
    """
    import ctypes, sys, threading
    from pathlib import Path
    from bot.app import create_bot
    from bot.settings import Settings

    if sys.argv[1] == "bot":
        create_bot(Settings(database_path=Path(sys.argv[2]), secret=sys.argv[3]))
    kept = []
    worker = threading.Thread(target=lambda: kept.extend(bytearray(4096) for _ in range(256)))
    worker.start()
    worker.join()
    ctypes.CDLL(None).malloc_stats()
    """
)


def _arenas(tmp_path: Path, *args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", ARENAS_AFTER_A_THREAD, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return sum(line.startswith("Arena ") for line in done.stderr.splitlines())


def _glibc() -> bool:
    try:
        return sys.platform.startswith("linux") and bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not _glibc(), reason="malloc arenas are glibc's")
@pytest.mark.skipif(
    bool(os.environ.get("MALLOC_ARENA_MAX") or os.environ.get("GLIBC_TUNABLES")),
    reason="the environment sets glibc's arenas itself",
)
def test_the_bots_threads_share_one_malloc_arena(tmp_path: Path) -> None:
    assert _arenas(tmp_path, "none") == 2  # glibc's default: the thread got one of its own
    assert _arenas(tmp_path, "bot", str(tmp_path / "db.sqlite3"), TEST_SECRET) == 1
