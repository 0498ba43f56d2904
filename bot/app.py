"""Builds the bot: wires settings, store, services and extensions. No I/O until it starts."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.frameworks import FrameworkLibrary
from bot.core.projects import iana_timezones
from bot.data import load_prompts, shipped_frameworks
from bot.exts._access import permission_refusal
from bot.exts._language import speak_command
from bot.exts._messenger import DiscordMessenger
from bot.exts._replies import refuse
from bot.health import clear_heartbeat, write_heartbeat
from bot.keys import derive_key, load_secret
from bot.services.bundle import Services, build_services
from bot.services.checkins import CheckinService
from bot.services.messaging import Messenger
from bot.services.results import ResultsService
from bot.services.scheduler import Scheduler
from bot.settings import Settings
from bot.storage.store import Store, database_holds_answers

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# One extension per command group, then the listeners.
EXTENSIONS = (
    "bot.exts.projects",
    "bot.exts.checkins",
    "bot.exts.answering",
    "bot.exts.settings",
    "bot.exts.mydata",
    "bot.exts.frameworks",
    "bot.exts.privacy",
    "bot.exts.names",
    "bot.exts.servers",
    "bot.exts.unknown_components",
)


# Libraries that log whole queries or payloads at DEBUG level: aiosqlite logs every SQL
# statement with its parameters (user ids, respondent keys, ratings, comments), discord.py
# logs HTTP and gateway payloads (a member's own answers on their review screen). They never
# log below INFO, whatever the root logger is set to, so no log holds an answer.
CHATTY_LOGGERS = ("aiosqlite", "discord.http", "discord.gateway", "discord.webhook")


def keep_answers_out_of_logs() -> None:
    for name in CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.getEffectiveLevel(), logging.INFO))


class _NoVoiceWarnings(logging.Filter):
    """discord.py warns on every start that voice support is missing; the bot has no voice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


_VOICE_FILTER = _NoVoiceWarnings()


def quiet_voice_warnings() -> None:
    logging.getLogger("discord.client").addFilter(_VOICE_FILTER)  # the same filter once


# What the bot needs in its channels, and nothing more: it reads and posts messages (check-in
# posts, summaries), attaches files (charts, exports) and opens a thread per check-in. Embed
# Links is left out on purpose: the bot sends no embeds, only text, files and buttons.
def required_permissions() -> discord.Permissions:
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        read_message_history=True,
        attach_files=True,
        create_public_threads=True,
        send_messages_in_threads=True,
    )


def invite_url(application_id: int) -> str:
    """The link that adds the bot to a server with its commands and the permissions above."""
    return discord.utils.oauth_url(
        application_id,
        permissions=required_permissions(),
        scopes=("bot", "applications.commands"),
    )


def system_clock() -> datetime:
    return datetime.now(UTC)


def settle_long_lived() -> None:
    """Takes everything alive now out of the garbage collector's sight (`gc.freeze`).

    What the bot builds to start (frameworks, prompts, Babel's data, the server cache) lives
    as long as the process, yet a full collection walks all of it again and again: with
    Python's defaults that pause grew past 50 ms and fell on whatever the event loop was
    doing, such as a close or a click. Frozen objects are still freed when their last
    reference goes; only a reference cycle among them would stay (there is none to speak
    of in what is built once).
    """
    gc.freeze()


# glibc's mallopt() parameter for the most malloc arenas a process may have.
M_ARENA_MAX = -8


def one_malloc_arena() -> bool:
    """Lets every thread of the process allocate from glibc's main malloc arena (Linux with
    glibc only; elsewhere nothing changes); whether it did.

    By default glibc gives each new thread that allocates an arena of its own, and the pages
    it touched stay with the process: the database connection's thread and the worker
    threads (the time zones and Babel's data read at start) cost 2 MB or more that way. Here
    the interpreter lock lets one thread run Python at a time, so they have little to
    contend for in one arena. Threads already given an arena keep it.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return False
        return bool(ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1))
    except (ValueError, OSError, AttributeError):
        return False


# How long a thread may keep the interpreter lock while another waits for it (Python's
# default is 5 ms). See `hand_over_quickly`.
THREAD_SWITCH_SECONDS = 0.0005

# The bots of this process between `hand_over_quickly` and `hand_back`, and the interval
# the first of them replaced.
_quick_bots: set[int] = set()
_replaced_interval = 0.005


def hand_over_quickly(bot: object) -> None:
    """Lets a finished database call back onto the event loop within half a millisecond,
    while `bot` runs (`hand_back` puts Python's interval back once no bot here runs).

    Every read and write runs on the database connection's own thread, and its result is
    handed back to the loop under the interpreter lock. While the loop's thread is busy
    (a burst of gateway events, another interaction), the database thread waited up to
    Python's default switch interval of 5 ms for that lock: in the benchmark, one hand-over
    in ten took about 6 ms, for a read of 0.2 ms. The interval only matters while two
    threads want the lock at once, so a short one costs nothing when the bot is idle.
    """
    global _replaced_interval
    if not _quick_bots:
        _replaced_interval = sys.getswitchinterval()
        sys.setswitchinterval(THREAD_SWITCH_SECONDS)
    _quick_bots.add(id(bot))


def hand_back(bot: object) -> None:
    """`bot` has stopped: the last one to stop puts the interpreter's interval back."""
    if id(bot) in _quick_bots:
        _quick_bots.discard(id(bot))
        if not _quick_bots:
            sys.setswitchinterval(_replaced_interval)


class CoreflectTree(app_commands.CommandTree["CoreflectBot"]):
    """Checks who may use each command group before anything runs, on every use."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        command = interaction.command
        if command is None:
            return True
        await speak_command(interaction, command.qualified_name)
        refusal = await permission_refusal(interaction, command.qualified_name)
        if refusal is None:
            return True
        if interaction.type is discord.InteractionType.application_command:
            await refuse(interaction, refusal)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        """Anything unexpected is logged, and the person gets a short apology."""
        name = interaction.command.qualified_name if interaction.command else "?"
        log.error("command %s failed", name, exc_info=error)
        if interaction.type is discord.InteractionType.application_command:
            await refuse(interaction, "errors.generic")


# The events an interaction of one kind is also told as, for listeners of that kind only.
KIND_EVENTS = {
    discord.InteractionType.component: "component_interaction",
    discord.InteractionType.modal_submit: "modal_interaction",
}


class CoreflectBot(commands.Bot):
    """The bot, holding the services its extensions use (`services`, set up before any
    extension loads) and the store under them, which only the services touch. With
    COREFLECT_SHARDS, `create_bot` builds its sharded form, ShardedCoreflectBot."""

    store: Store
    services: Services
    box_key: bytes

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, **connection: Any
    ) -> None:
        one_malloc_arena()  # before the bot starts any thread
        quiet_voice_warnings()
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=CoreflectTree,
            # No cache of recent messages (discord.py keeps 1,000 by default): nothing here
            # reads one back; cards and posts are edited by id (a partial message).
            max_messages=None,
            **connection,
        )
        keep_answers_out_of_logs()
        self.settings = settings
        self.clock: Clock = clock or system_clock
        self._wrote_heartbeat = False  # only a bot whose scheduler ran passes writes it
        shipped = shipped_frameworks()
        host = [settings.frameworks_dir] if settings.frameworks_dir else []
        self.frameworks = FrameworkLibrary.from_directories(
            [shipped, *host], settings.default_framework
        )
        self.prompts = load_prompts(settings.prompts_file)

    async def open_store(self) -> None:
        """Read the secret and open the database; `coreflect run` does this before connecting
        so a problem with either is told without a round trip to Discord. Done once."""
        if getattr(self, "store", None) is not None:
            return
        secret, source = await self._load_secret()
        self.box_key = derive_key(secret, "comment-box")
        self.store = await Store.open(
            self.settings.database_path, secret=secret, clock=self.clock, secret_source=source
        )

    async def setup_hook(self) -> None:
        hand_over_quickly(self)
        # Reading the zone list walks the tzdata files: do it once, off the event loop.
        await asyncio.to_thread(iana_timezones)
        # Babel's data for the default language, likewise; another language's is read when
        # the bot is first to speak it (LanguageService).
        await asyncio.to_thread(self.prompts.warm)
        await self.open_store()
        self.services = self.build_services(
            DiscordMessenger(self, prompts=self.prompts, frameworks=self.frameworks)
        )
        # The open check-ins' comments, redacted in the background as before the stop, so
        # their closes need not redact them all.
        self.services.answering.ahead.refill_open()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.sync_commands:
            await self._sync_commands()
        settle_long_lived()

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Every event as discord.py dispatches it; an interaction also as the event of its
        kind (`on_component_interaction`, `on_modal_interaction`; see KIND_EVENTS).

        Each listener of an event is a task of its own: the listeners for clicks and for
        modals listen to their kind's event, so a slash command does not wait behind tasks
        that only look at its type and end.
        """
        super().dispatch(event_name, *args, **kwargs)
        if event_name == "interaction" and args and isinstance(args[0], discord.Interaction):
            kind = KIND_EVENTS.get(args[0].type)
            if kind is not None:
                super().dispatch(kind, *args, **kwargs)

    def build_services(self, messenger: Messenger) -> Services:
        """The services over this bot's open store, sending through `messenger`."""
        return build_services(
            store=self.store,
            frameworks=self.frameworks,
            prompts=self.prompts,
            messenger=messenger,
            clock=self.clock,
            box_key=self.box_key,
            dm_gap=self.settings.dm_gap_seconds,
            dms_per_second=self.settings.dms_per_second,
            max_sleep=self.settings.scheduler_max_sleep,
            comment_days=self.settings.comment_days,
            removed_server_days=self.settings.removed_server_days,
            heartbeat=self._heartbeat,
        )

    async def _load_secret(self) -> tuple[bytes, str]:
        """The secret and where it came from; a key file is never made for a database that
        already holds answers, and one kept beside the database gets a warning."""
        database = self.settings.database_path
        if self.settings.secret is not None:
            return load_secret(self.settings.secret, self.settings.resolved_key_file), (
                "COREFLECT_SECRET"
            )
        key_file = self.settings.resolved_key_file
        holds_answers = await asyncio.to_thread(database_holds_answers, database)
        secret = load_secret(None, key_file, may_create=not holds_answers)
        if database.resolve().parent in key_file.resolve().parents:
            log.warning(
                "the key file %s sits beside the database: a copy of that folder could link "
                "answers to people. Move it elsewhere and set COREFLECT_KEY_FILE",
                key_file.resolve(),
            )
        return secret, f"the key file {key_file}"

    async def _sync_commands(self) -> None:
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()

    @property
    def checkins(self) -> CheckinService:
        return self.services.checkins

    @property
    def results(self) -> ResultsService:
        return self.services.results

    @property
    def scheduler(self) -> Scheduler:
        return self.services.scheduler

    def _heartbeat(self, when: datetime) -> None:
        self._wrote_heartbeat = True
        write_heartbeat(self.settings.heartbeat_file, when, self.scheduler.max_sleep)

    async def on_ready(self) -> None:
        # The scheduler needs the channel cache (summaries, notices): start it once connected.
        # It catches up on anything that fell due while the bot was down.
        self.scheduler.start()
        settle_long_lived()  # the servers, channels and members Discord has just sent
        user = self.user
        log.info("connected as %s in %d servers", user, len(self.guilds))
        if not self.guilds and user is not None:
            log.warning("the bot is in no server yet; add it to yours with %s", invite_url(user.id))

    async def close(self) -> None:
        services = getattr(self, "services", None)
        try:
            scheduler = services.scheduler if services is not None else None
            if scheduler is not None:
                await scheduler.stop()
                # A stopped bot is not healthy: `coreflect health` must not say otherwise.
                # A bot that never held the scheduler lease leaves the file to the one that does.
                if self._wrote_heartbeat:
                    clear_heartbeat(self.settings.heartbeat_file)
            await super().close()
        finally:
            if services is not None:
                await services.answering.ahead.stop()  # none left to read a closed store
            store = getattr(self, "store", None)
            if store is not None:
                await store.close()  # the last connection closing empties the -wal file
            gc.unfreeze()  # a process that goes on (tests, the demo) collects it all again
            hand_back(self)  # likewise, the interpreter's switch interval


class ShardedCoreflectBot(CoreflectBot, commands.AutoShardedBot):
    """The same bot over several gateway connections (shards), each carrying a share of the
    servers: Discord requires it past 2,500 servers. One process runs every shard."""

    async def on_ready(self) -> None:
        log.info("all %d shards are connected", self.shard_count or 0)
        await super().on_ready()


def create_bot(settings: Settings, *, clock: Clock | None = None) -> CoreflectBot:
    """A ready-to-start bot; frameworks and prompts are validated here, before connecting.
    COREFLECT_SHARDS makes it sharded: `auto` asks Discord how many shards when it connects."""
    if settings.shards is None:
        return CoreflectBot(settings, clock=clock)
    count = None if settings.shards == "auto" else settings.shards
    return ShardedCoreflectBot(settings, clock=clock, shard_count=count)
