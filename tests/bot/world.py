"""The shared SimCord driver (`bot.simworld`), arranged for the bot tests, plus what only
tests do: read the bot's store, give facilitator commands to other roles, and forge what a
modified client could send."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import simcord
from simcord.backend import serializers

from bot.simworld import (
    COMMENT_FIELD,
    PROJECT,
    Answering,
    World,
    advance_to,
    answer_invitation,
    arrange,
    block_dms,
    dm_answering,
    dm_channel_id,
    dms,
    labels,
    reply_text,
    start_answering,
)

__all__ = [
    "COMMENT_FIELD",
    "PROJECT",
    "Answering",
    "World",
    "add_bot_back",
    "advance_in_steps",
    "advance_to",
    "allow_facilitator_commands",
    "answer",
    "answer_invitation",
    "block_dms",
    "count_passes",
    "count_statements",
    "count_store_use",
    "crafted_click",
    "crafted_interaction",
    "current_checkin",
    "dm_answering",
    "dm_channel_id",
    "dms",
    "invitations",
    "labels",
    "make_world",
    "open_comment_box",
    "ready",
    "remove_bot",
    "reply_text",
    "restart",
    "scheduled_beginning",
    "shown",
    "start_answering",
    "submit_box_as",
    "summaries",
    "tampered_click",
    "utc",
]

NAMES = ["amira", "ben", "chidi", "dana", "eli", "farah", "gus", "hana", "ivo", "jo"]
QUESTIONS = 10  # the default framework's components


def make_world(env: simcord.Env, members: int = 5) -> World:
    """Riverside, with `members` members named amira, ben, … (then amira10, ben11, …)."""
    people = [NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i)) for i in range(members)]
    return arrange(env, "Riverside", people)


async def ready(
    env: simcord.Env, members: int = 5, *, open_checkin: bool = True, **project: Any
) -> World:
    """A project (created with these options) everyone has joined, with its beginning
    check-in open unless told not to."""
    world = make_world(env, members=members)
    await world.create_project(**project)
    await world.join_all()
    if open_checkin:
        await world.open_checkin()
    return world


async def scheduled_beginning(env: simcord.Env, members: int) -> World:
    """A project from 5 January to 1 March everyone has joined, five minutes after the
    scheduler opened its beginning check-in (10:00 in London on 5 January)."""
    world = make_world(env, members=members)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    await advance_to(env, utc(2026, 1, 5, 10, 5))
    return world


async def answer(member: simcord.MemberActor, rating: int, **options: Any) -> Answering:
    """Answer every question of the latest invitation with the same rating, and submit."""
    return await answer_invitation(member, [rating] * QUESTIONS, **options)


async def current_checkin(where: World | simcord.Env, name: str = PROJECT) -> Any:
    """The project's open check-in, or its latest once none is open, as the store has it."""
    env = where.env if isinstance(where, World) else where
    store = env.bot.store
    project = await store.find_project(env.guild.id, name)
    return await store.current_checkin(project.id) or (await store.list_checkins(project.id))[-1]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def invitations(member: simcord.MemberActor, phase: str) -> list[discord.Message]:
    """The member's invitations to the `phase` check-in."""
    return dms(member, f"{phase} check-in**", "It's time to reflect")


async def restart(env: simcord.Env, make_bot: Callable[[], discord.Client]) -> None:
    """Restart the bot on the same database, as a host restarting its process would."""
    old = env.bot
    await env.restart_bot(make_bot())
    await old.store.close()  # type: ignore[attr-defined]  # the old process is gone: its database too


def summaries(world: World, phase: str) -> list[discord.Message]:
    """The summaries of the project's `phase` check-in posted in its channel."""
    header = f"## 🌱 {PROJECT}: {phase} check-in"
    return [m for m in world.channel.history() if m.content.startswith(header)]


def shown(result: simcord.InteractionResult) -> str:
    """Everything the person who acted sees: the response and every follow-up."""
    parts = [result.response.content] if result.response is not None else []
    return "\n".join(parts + [f.content for f in result.followups])


FACILITATOR_GROUPS = ("project", "checkin", "settings")


def allow_facilitator_commands(env: simcord.Env, guild: simcord.GuildHandle, *targets: Any) -> None:
    """Let these roles or members use the facilitator command groups, as a server admin does
    in Server Settings → Integrations: Discord hides the groups from anyone without Manage
    Server, and the bot still checks the facilitator role on every use."""
    for scope in env.backend.commands.values():
        for command in scope.values():
            if command["name"] in FACILITATOR_GROUPS:
                guild.set_command_permissions(int(command["id"]), dict.fromkeys(targets, True))


# -- forgeries: what a modified client could send ------------------------------------------------


async def crafted_interaction(
    actor: Any, message: Any, data: dict[str, Any]
) -> simcord.InteractionResult:
    """Send a component interaction with `data` (a custom_id, a type, values) that the message
    never offered, as a modified client could.

    SimCord's public `click` and `select` only use components that are on the message, so this
    builds the interaction with SimCord's private helpers: a deliberate forgery.
    """
    from simcord.actors import _component_interaction, _visible_message

    return await _component_interaction(actor, _visible_message(actor, message), data)


async def crafted_click(actor: Any, message: Any, custom_id: str) -> simcord.InteractionResult:
    """Send a button click with a custom_id the message never had."""
    return await crafted_interaction(actor, message, {"custom_id": custom_id, "component_type": 2})


async def tampered_click(
    env: simcord.Env, actor: Any, message: Any, label: str, custom_id: str
) -> simcord.InteractionResult:
    """Rewrite one button's custom_id on the stored message, then click it.

    Discord only delivers custom_ids that are on the message, so this is the strongest
    forgery possible: the bot must still check everything the custom_id claims.
    """
    stored = env.backend.get_message(message.channel.id, message.id)

    def rewrite(components: list[dict[str, Any]]) -> None:
        for component in components:
            if component.get("label") == label:
                component["custom_id"] = custom_id
            rewrite(component.get("components", []))

    rewrite(stored.components)
    return await actor.click(message, label=label)


async def open_comment_box(answering: Answering) -> simcord.InteractionResult:
    """Click the comment button on the member's current step; the result holds the box."""
    shown_box = await answering.open_comment_box()
    assert shown_box.modal is not None
    return shown_box


async def submit_box_as(
    actor: Any, shown: simcord.InteractionResult, custom_id: str, text: str
) -> simcord.InteractionResult:
    """Send the box `shown` to `actor` back with another custom_id, as a modified client could.

    SimCord submits a box only as it was shown, and only by the person it was shown to, so
    this rewrites the custom_id on SimCord's record of the shown box (the private
    `InteractionResult._interaction.modal`, the one place it is kept), then sends it with the
    public `submit_modal`: the submission is a real modal_submit from `actor`, through the
    gateway, that claims to be any box at all. Discord caps a custom_id at 100 characters,
    and so does SimCord.
    """
    shown._interaction.modal["custom_id"] = custom_id
    return await actor.submit_modal(shown, {COMMENT_FIELD: text})


async def advance_in_steps(env: simcord.Env, seconds: float, step: float = 30) -> None:
    """Advance virtual time in short steps: each one must settle within real seconds."""
    end = env.now() + timedelta(seconds=seconds)
    while env.now() < end:
        await env.advance_time(min(step, (end - env.now()).total_seconds()))


async def remove_bot(env: simcord.Env, world: World) -> tuple[object, dict[int, object]]:
    """The server kicks the bot; what SimCord dropped is handed back, to add it again."""
    guild = env.backend.guilds[world.guild.id]
    channels = {cid: env.backend.channels[cid] for cid in guild.channel_ids}
    env.backend.remove_guild(world.guild.id)
    await env.settle()
    return guild, channels


async def add_bot_back(env: simcord.Env, removed: tuple[object, dict[int, object]]) -> None:
    guild, channels = removed
    env.backend.guilds[guild.id] = guild  # type: ignore[attr-defined]
    env.backend.channels.update(channels)
    env.backend.emit("GUILD_CREATE", serializers.guild_create_payload(env.backend, guild))
    await env.settle()


def count_store_use(env) -> Counter[str]:
    """Count each time the store's lock is taken to read or to write, and (as "thread") each
    hand-over to the connection's thread."""
    store = env.bot.store
    counts: Counter[str] = Counter()
    reading, writing, write_at_once = store._reading, store._writing, store._write_at_once
    db = store._connection()
    execute = db._execute

    async def counted_execute(fn, *args, **kwargs):
        counts["thread"] += 1
        return await execute(fn, *args, **kwargs)

    async def counted_write_at_once(body):
        counts["write"] += 1
        return await write_at_once(body)

    @contextlib.asynccontextmanager
    async def counted_reading():
        counts["read"] += 1
        async with reading() as db:
            yield db

    @contextlib.asynccontextmanager
    async def counted_writing():
        counts["write"] += 1
        async with writing() as db:
            yield db

    store._reading = counted_reading
    store._writing = counted_writing
    store._write_at_once = counted_write_at_once
    db._execute = counted_execute
    return counts


async def count_statements(env) -> Counter[str]:
    """Count (as "statement") each SQL statement the store's connection runs from now on."""
    counts: Counter[str] = Counter()
    db = env.bot.store._connection()

    def counted(sql: str) -> None:
        counts["statement"] += 1

    await db._execute(lambda: db._conn.set_trace_callback(counted))
    return counts


def count_passes(env: simcord.Env, monkeypatch: Any) -> list[datetime]:
    """The moments of the scheduler's passes from now on (`monkeypatch` undoes the count)."""
    passes: list[datetime] = []
    run_due = env.bot.scheduler.run_due

    async def counted() -> None:
        passes.append(env.now())
        await run_due()

    monkeypatch.setattr(env.bot.scheduler, "run_due", counted)
    return passes
