"""`/settings` end to end: showing, the facilitator role, and the anonymity thresholds."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.models import GuildSettings, Thresholds
from tests.bot.world import World, allow_facilitator_commands, make_world, reply_text


async def stored(world: World) -> GuildSettings:
    return await world.env.bot.store.get_guild_settings(world.guild.id)


def with_helper_role(world: World) -> tuple[Any, Any]:
    """A "Helpers" role without Manage Server, and a member who has it."""
    helpers = world.guild.create_role("Helpers")
    helper = world.guild.add_member(world.env.create_user("helper"), roles=[helpers])
    return helpers, helper


async def test_show_gives_the_defaults(env):
    world = make_world(env, members=0)
    result = await world.facilitator.slash(world.channel, "settings show")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(
        "settings.show",
        role=env.bot.prompts("common.not_set"),
        channel=env.bot.prompts("settings.channel_default"),
        scores=3,
        comments=5,
        language="English",
    )


async def test_the_facilitator_channel_is_set_checked_and_cleared(env):
    world = make_world(env, members=0)
    notices = world.guild.create_text_channel("facilitators")

    result = await world.facilitator.slash(
        world.channel, "settings facilitator-channel", channel=notices
    )
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("settings.channel_set", channel=notices.mention)
    show = await world.facilitator.slash(world.channel, "settings show")
    assert f"Notices for facilitators: {notices.mention}" in reply_text(show)
    assert (await env.bot.store.get_guild_settings(world.guild.id)).facilitator_channel_id == (
        notices.id
    )

    cleared = await world.facilitator.slash(world.channel, "settings facilitator-channel")
    assert reply_text(cleared) == env.bot.prompts("settings.channel_cleared")
    assert (await env.bot.store.get_guild_settings(world.guild.id)).facilitator_channel_id is None


async def test_setting_and_clearing_the_facilitator_role(env):
    world = make_world(env, members=0)
    helpers, _ = with_helper_role(world)

    result = await world.facilitator.slash(world.channel, "settings facilitator-role", role=helpers)
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("settings.role_set", role=helpers.mention)
    assert (await stored(world)).facilitator_role_id == helpers.id
    show = await world.facilitator.slash(world.channel, "settings show")
    assert f"Facilitator role: {helpers.mention}" in reply_text(show)

    result = await world.facilitator.slash(world.channel, "settings facilitator-role")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("settings.role_cleared")
    assert (await stored(world)).facilitator_role_id is None
    show = await world.facilitator.slash(world.channel, "settings show")
    assert "Facilitator role: not set" in reply_text(show)
    assert (await stored(world)).thresholds == Thresholds(3, 5)  # untouched by the role


@pytest.mark.parametrize(("scores", "comments"), [(4, 6), (3, 3), (5, 5), (100, 100)])
async def test_valid_thresholds_are_saved(env, scores, comments):
    world = make_world(env, members=0)
    result = await world.facilitator.slash(
        world.channel, "settings thresholds", scores=scores, comments=comments
    )
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(
        "settings.thresholds_set", scores=scores, comments=comments
    )
    assert (await stored(world)).thresholds == Thresholds(scores, comments)
    show = await world.facilitator.slash(world.channel, "settings show")
    assert f"scores shown from {scores} answers, comments from {comments}." in reply_text(show)


async def test_new_thresholds_reach_privacy_and_the_project_card(env):
    world = make_world(env, members=1)
    await world.facilitator.slash(world.channel, "settings thresholds", scores=4, comments=6)
    privacy = await world.members[0].slash(world.channel, "privacy")
    assert "at least 4 for scores, 6 for comments" in reply_text(privacy)
    await world.create_project()
    assert "only when at least 4 people have answered" in world.card.content


@pytest.mark.parametrize(
    ("scores", "comments", "key"),
    [
        (2, 5, "errors.threshold_scores_too_low"),
        (0, 0, "errors.threshold_scores_too_low"),
        (-3, 5, "errors.threshold_scores_too_low"),
        (5, 4, "errors.threshold_comments_below_scores"),
        (3, 2, "errors.threshold_comments_below_scores"),
        (5, 101, "errors.threshold_too_high"),
        (10**12, 10**12, "errors.threshold_too_high"),
    ],
)
async def test_unsafe_thresholds_are_refused_and_nothing_changes(env, scores, comments, key):
    world = make_world(env, members=0)
    await world.facilitator.slash(world.channel, "settings thresholds", scores=4, comments=6)
    result = await world.facilitator.slash(
        world.channel, "settings thresholds", scores=scores, comments=comments
    )
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(key, min=3, max=100)
    assert "{" not in reply_text(result)
    assert (await stored(world)).thresholds == Thresholds(4, 6)


async def test_unsafe_thresholds_on_a_fresh_server_store_nothing(env):
    world = make_world(env, members=0)
    result = await world.facilitator.slash(
        world.channel, "settings thresholds", scores=2, comments=2
    )
    assert reply_text(result) == env.bot.prompts("errors.threshold_scores_too_low", min=3, max=100)
    assert await stored(world) == GuildSettings(guild_id=world.guild.id)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("settings show", {}),
        ("settings facilitator-role", {}),
        ("settings facilitator-role", {"role": "helpers"}),
        ("settings facilitator-channel", {}),
        ("settings thresholds", {"scores": 10, "comments": 10}),
    ],
)
async def test_a_facilitator_without_manage_server_is_refused(env, command, options):
    world = make_world(env, members=1)
    helpers, helper = with_helper_role(world)
    allow_facilitator_commands(env, world.guild, helpers, world.members[0])
    await world.facilitator.slash(world.channel, "settings facilitator-role", role=helpers)
    options = {k: helpers if v == "helpers" else v for k, v in options.items()}
    before = await stored(world)

    for actor in (helper, world.members[0]):
        result = await actor.slash(world.channel, command, **options)
        assert result.ephemeral
        assert reply_text(result) == env.bot.prompts("errors.not_manager")
    assert await stored(world) == before
    assert before.facilitator_role_id == helpers.id


async def test_everyone_cannot_be_the_facilitator_role(env):
    world = make_world(env, members=1)
    everyone = world.guild.default_role
    result = await world.facilitator.slash(
        world.channel, "settings facilitator-role", role=everyone
    )
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.everyone_role")
    assert (await env.bot.store.get_guild_settings(world.guild.id)).facilitator_role_id is None


async def test_a_notice_channel_the_bot_cannot_post_in_is_refused_naming_what_is_missing(env):
    import discord

    world = make_world(env, members=0)
    locked = world.guild.create_text_channel(
        "locked", overwrites={world.guild.me: discord.PermissionOverwrite(send_messages=False)}
    )
    result = await world.facilitator.slash(
        world.channel, "settings facilitator-channel", channel=locked
    )
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(
        "errors.channel_not_postable", channel=locked.mention, permissions="**Send Messages**"
    )
    assert (await stored(world)).facilitator_channel_id is None
