"""The bot's Discord permissions: checked when a project is set up and again before each
summary, so a channel that lacks one degrades (no chart, no thread) instead of losing the
summary; and the facilitators' commands are hidden from members."""

from __future__ import annotations

import discord
import simcord
from simcord.backend.models.channel import Overwrite
from simcord.enums import OverwriteType

from bot.exts._permissions import NEEDED
from tests.bot.world import PROJECT, World, answer, make_world, reply_text, summaries

FACILITATOR_GROUPS = {"project", "checkin", "settings"}
MEMBER_COMMANDS = {"reflect", "mydata", "privacy", "framework"}


def deny_bot(env: simcord.Env, channel: simcord.ChannelHandle, **denied: bool) -> None:
    """A channel overwrite denying the bot these permissions, as a server admin would set."""
    deny = discord.Permissions(**{name: True for name in denied})
    env.backend.set_overwrite(
        channel.id,
        Overwrite(target_id=env.bot.user.id, type=OverwriteType.MEMBER, deny=deny.value),
    )


async def run_beginning(world: World, last_word: str | None = None) -> None:
    await world.open_checkin("beginning")
    for member in world.members:
        await answer(member, 3, **({"last_word": last_word} if last_word else {}))
    await world.close_checkin()


async def create_in(world: World, channel: simcord.ChannelHandle) -> simcord.InteractionResult:
    return await world.facilitator.slash(
        world.channel,
        "project create",
        name=PROJECT,
        channel=channel,
        starts="2026-01-05",
        ends="2026-06-26",
    )


async def notices(world: World) -> list[str]:
    return [m.content for m in world.channel.history() if m.content.startswith("I posted")]


async def test_create_lists_every_permission_the_bot_lacks_and_stores_nothing(env):
    world = make_world(env, members=0)
    locked = world.guild.create_text_channel(
        "locked",
        overwrites={
            world.guild.me: discord.PermissionOverwrite(
                send_messages=False, read_message_history=False
            )
        },
    )
    result = await create_in(world, locked)
    assert result.ephemeral
    text = reply_text(result)
    assert "**Send Messages**, **Read Message History**" in text
    assert "View Channel" not in text  # only what is missing
    assert await env.bot.store.list_projects(world.guild.id) == []
    assert locked.history() == []


async def test_create_warns_about_the_chart_and_thread_permissions_but_goes_ahead(env):
    world = make_world(env, members=0)
    bare = world.guild.create_text_channel(
        "bare",
        overwrites={
            world.guild.me: discord.PermissionOverwrite(
                attach_files=False, create_public_threads=False
            )
        },
    )
    result = await create_in(world, bare)
    text = reply_text(result)
    assert "Created **Youth Board**" in text
    assert "**Attach Files**, **Create Public Threads**" in text
    assert "without their chart" in text and "instead of a thread" in text
    assert len(await env.bot.store.list_projects(world.guild.id)) == 1


async def test_edit_is_refused_while_the_bot_cannot_post_in_the_project_channel(env):
    world = make_world(env, members=0)
    await world.create_project()
    deny_bot(env, world.channel, send_messages=True)
    [before] = await env.bot.store.list_projects(world.guild.id)

    result = await world.facilitator.slash(
        world.channel, "project edit", name=PROJECT, checkin_time="11:00"
    )
    assert result.ephemeral
    assert "**Send Messages**" in reply_text(result)
    assert await env.bot.store.list_projects(world.guild.id) == [before]


async def test_without_attach_files_the_summary_goes_out_without_its_chart(env):
    # Discord refuses a whole message whose file the bot may not attach (403, code 50013
    # Missing Permissions), so the bot checks first and sends the text alone. SimCord was
    # seen accepting such an upload, more leniently than Discord: this test follows Discord's
    # documented behaviour (no attachment, text posted, facilitators told), not SimCord's.
    world = make_world(env, members=5)
    await world.create_project()
    await world.join_all()
    deny_bot(env, world.channel, attach_files=True)
    await run_beginning(world)

    [summary] = summaries(world, "beginning")
    assert summary.attachments == []
    assert "**5 of 5** participants took part" in summary.content
    [notice] = await notices(world)
    assert "without its chart" in notice
    assert "**Attach Files**" in notice
    assert "thread" not in notice


async def test_without_thread_permissions_the_comments_follow_in_the_channel(env):
    world = make_world(env, members=5)
    notes = world.guild.create_text_channel("facilitators")
    await world.facilitator.slash(world.channel, "settings facilitator-channel", channel=notes)
    await world.create_project()
    await world.join_all()
    deny_bot(env, world.channel, create_public_threads=True, send_messages_in_threads=True)
    await run_beginning(world, last_word="Keep going")

    assert world.channel.threads == []
    assert any("Keep going" in m.content for m in world.channel.history())
    [summary] = summaries(world, "beginning")
    assert len(summary.attachments) == 1  # the chart is still allowed
    [notice] = [m.content for m in notes.history() if m.content.startswith("I posted")]
    assert "not in a thread" in notice
    assert "**Create Public Threads**, **Send Messages in Threads**" in notice


async def test_without_send_messages_the_summary_waits_and_is_tried_again(env):
    world = make_world(env, members=5)
    await world.create_project()
    await world.join_all()
    deny_bot(env, world.channel, send_messages=True)
    await run_beginning(world)
    assert summaries(world, "beginning") == []
    [checkin] = await env.bot.store.list_checkins(1)
    assert checkin.summary_due and checkin.summary_attempts == 1

    env.backend.delete_overwrite(world.channel.id, env.bot.user.id)
    await env.advance_time(10 * 60)
    assert len(summaries(world, "beginning")) == 1


async def test_facilitator_commands_are_hidden_from_members_by_default(env):
    world = make_world(env, members=1)
    await world.create_project()
    registered = {
        command["name"]: str(command["default_member_permissions"] or "") or None
        for scope in env.backend.commands.values()
        for command in scope.values()
    }
    manage_server = str(discord.Permissions(manage_guild=True).value)
    assert {name: registered[name] for name in FACILITATOR_GROUPS} == dict.fromkeys(
        FACILITATOR_GROUPS, manage_server
    )
    assert {name: registered[name] for name in MEMBER_COMMANDS} == dict.fromkeys(
        MEMBER_COMMANDS, None
    )
    [member] = world.members
    seen = set(member.available_commands(world.channel))
    assert "project delete" not in seen and "settings show" not in seen
    assert "reflect" in seen and "mydata show" in seen
    assert "project delete" in world.facilitator.available_commands(world.channel)


def test_the_needed_permissions_are_the_ones_a_card_needs() -> None:
    assert NEEDED == ("view_channel", "send_messages", "read_message_history")
