"""Command line: `coreflect run` (real Discord), `demo` (simulated Discord), `check` (YAML),
`backup DIR` (the database, and apart from it the key), `health` (is the running bot
keeping time)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot import version
from bot.check import check
from bot.core.frameworks import FrameworkError
from bot.core.prompts import PromptError
from bot.keys import SecretError
from bot.settings import Settings, SettingsError
from bot.storage.errors import StorageError

if TYPE_CHECKING:
    from bot.app import CoreflectBot


# Sentences for what Discord answers when the bot connects; each ends the start-up.
TOKEN_REFUSED = (
    "Discord refused the token in DISCORD_TOKEN: reset it in the Developer Portal (your "
    "application > Bot > Reset Token) and put the new one in place. It is the bot token, "
    "not the client secret from the OAuth2 page"
)
INTENTS_REFUSED = (
    "Discord refused the privileged gateway intents the bot asked for: enable them in the "
    "Developer Portal (your application > Bot > Privileged Gateway Intents)"
)
NO_NETWORK = (
    "could not reach Discord ({error}): check this machine's network connection and DNS "
    "(systemd and Docker start the bot again by themselves)"
)
log = logging.getLogger("bot")


def run(settings: Settings) -> int:
    """Connect to real Discord with DISCORD_TOKEN; every start-up problem is one sentence."""
    from bot.app import create_bot

    if not settings.token:
        print("DISCORD_TOKEN is not set. See the README: 'Running it on a real server'.")
        return 2
    log.info("database %s, key file %s", settings.database_path, _key_source(settings))
    try:
        bot = create_bot(settings)
        return asyncio.run(serve(bot, settings.token))
    except (SecretError, StorageError, SettingsError, FrameworkError, PromptError) as error:
        print(error)
        return 2
    except discord.LoginFailure:
        print(TOKEN_REFUSED)
        return 2
    except discord.PrivilegedIntentsRequired:
        print(INTENTS_REFUSED)
        return 2
    except sqlite3.Error as error:
        print(
            f"the database {settings.database_path} cannot be used ({error}): check that it "
            "and its folder belong to the user running the bot"
        )
        return 2
    except (aiohttp.ClientError, TimeoutError) as error:
        print(NO_NETWORK.format(error=error or "timed out"))
        return 1
    except PermissionError as error:
        print(
            f"no permission to use {error.filename or settings.database_path}: it and its "
            "folder must be writable by the user running the bot (see COREFLECT_DATA_DIR "
            "and COREFLECT_KEY_FILE)"
        )
        return 2
    except OSError as error:
        print(NO_NETWORK.format(error=error.strerror or error))
        return 1
    except discord.DiscordException as error:
        print(f"Discord refused to start the bot: {error}")
        return 1


def _key_source(settings: Settings) -> str:
    if settings.secret:
        return "unused (COREFLECT_SECRET is set)"
    return str(settings.resolved_key_file.absolute())


async def serve(bot: CoreflectBot, token: str) -> int:
    """Open the database, connect, and run until SIGTERM or Ctrl-C closes everything cleanly
    (scheduler stopped, database closed); Discord's refusals are raised to `run`."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _stopping, stop, signum)
    try:
        async with bot:
            await _open_store(bot)  # the secret and the database, before connecting
            runner = asyncio.create_task(bot.start(token), name="coreflect-discord")
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():
                await bot.close()
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
            else:
                stopper.cancel()
                runner.result()  # raises what stopped the bot
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    log.info("stopped cleanly")
    return 0


async def _open_store(bot: CoreflectBot) -> None:
    """Any OSError here is about our own files, never the network: say which file."""
    try:
        await bot.open_store()
    except OSError as error:
        where = error.filename or bot.settings.database_path
        raise StorageError(
            f"cannot use {where} ({error.strerror or error}): the data folder "
            "(COREFLECT_DATA_DIR) and the key file's folder (COREFLECT_KEY_FILE) must be "
            "writable by the user running the bot"
        ) from None


def _stopping(stop: asyncio.Event, signum: int) -> None:
    log.info("received %s: shutting down", signal.Signals(signum).name)
    stop.set()


def health(settings: Settings) -> int:
    """Exit 0 if the running bot's scheduler completed a pass recently, else 1."""
    from bot.health import check_health

    healthy, sentence = check_health(settings.heartbeat_file, datetime.now(UTC))
    print(sentence)
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coreflect", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the bot on real Discord (needs DISCORD_TOKEN)")
    demo = sub.add_parser("demo", help="play a check-in on a simulated Discord")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), help="folder for files")
    sub.add_parser("check", help="validate the framework and prompts files")
    backup = sub.add_parser("backup", help="copy the live database (and the key, apart) to DIR")
    backup.add_argument("dir", type=Path, help="folder to make the timestamped backup in")
    backup.add_argument("--key-dir", type=Path, help="also copy the key file, to this folder")
    backup.add_argument(
        "--with-key", action="store_true", help="also copy the key file, to a sibling folder"
    )
    sub.add_parser("health", help="exit 0 if the running bot's scheduler is keeping time")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.command in ("demo", "health") else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(error)
        return 2
    if args.command == "run":
        logging.getLogger().setLevel(settings.log_level)
    if args.command == "check":
        return check(settings)
    if args.command == "backup":
        from bot.storage.backup import command

        key_file = None if settings.secret else settings.resolved_key_file
        return command(
            settings.database_path,
            key_file,
            args.dir,
            key_folder=args.key_dir,
            with_key=args.with_key,
        )
    if args.command == "health":
        return health(settings)
    if args.command == "demo":
        from bot.demo import play

        # The simulated world is chatty about voice support it doesn't need.
        logging.getLogger("discord").setLevel(logging.ERROR)

        return asyncio.run(play(args.out))
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
