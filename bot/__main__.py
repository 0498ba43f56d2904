"""Command line: `coreflect run` (real Discord), `demo` (simulated Discord), `check` (YAML),
`backup DIR` (the database, and apart from it the key)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot import version
from bot.check import check
from bot.keys import SecretError
from bot.settings import Settings, SettingsError
from bot.storage.errors import StorageError


def run(settings: Settings) -> int:
    """Connect to real Discord with DISCORD_TOKEN."""
    from bot.app import create_bot

    if not settings.token:
        print("DISCORD_TOKEN is not set. See the README: 'Running it on a real server'.")
        return 2
    bot = create_bot(settings)
    try:
        bot.run(settings.token, log_handler=None)
    except (SecretError, StorageError) as error:
        print(error)
        return 2
    return 0


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
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.command == "demo" else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(error)
        return 2
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
    if args.command == "demo":
        from bot.demo import play

        # The simulated world is chatty about voice support it doesn't need.
        logging.getLogger("discord").setLevel(logging.ERROR)

        return asyncio.run(play(args.out))
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
