"""`/project` end to end: creating, listing, showing and deleting, and Join / Leave on the card."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import discord
import pytest

from tests.bot.world import (
    PROJECT,
    World,
    allow_facilitator_commands,
    block_dms,
    labels,
    make_world,
    reply_text,
    shown,
    start_answering,
)

STARTS, ENDS = "2026-01-05", "2026-06-26"


def cards(world: World) -> list[discord.Message]:
    """Project cards posted (publicly) in the world's channel."""
    return [m for m in world.channel.history() if m.components and not m.flags.ephemeral]


async def create(world: World, actor: Any = None, **options: Any) -> Any:
    """`/project create` with sensible defaults, by the facilitator unless `actor` is given."""
    values = {"name": PROJECT, "channel": world.channel, "starts": STARTS, "ends": ENDS, **options}
    return await (actor or world.facilitator).slash(world.channel, "project create", **values)


async def project_of(world: World, name: str = PROJECT) -> Any:
    return await world.env.bot.store.find_project(world.guild.id, name)


async def assert_nothing_stored(world: World) -> None:
    assert await world.env.bot.store.list_projects(world.guild.id) == []
    assert cards(world) == []


# -- /project create ------------------------------------------------------------------------------


async def test_create_replies_ephemerally_posts_the_card_and_stores_the_project(env):
    world = make_world(env, members=1)
    result = await create(
        world,
        framework="six-principles",
        timezone="America/New_York",
        checkin_time="09:30",
        window_days=5,
    )
    assert result.ephemeral
    assert reply_text(result).startswith(
        env.bot.prompts("project.created", project=PROJECT, channel=world.channel.mention)
    )
    # The schedule, in the project's local time, with Discord timestamps (09:30 EST = 14:30 UTC).
    assert "**Schedule** (local times in America/New_York)" in reply_text(result)
    assert (
        "• Beginning: Monday 5 January 2026, 09:30 (<t:1767623400:f>) to "
        "Saturday 10 January 2026, 09:30 · opens <t:1767623400:R>"
    ) in reply_text(result)
    assert "• Middle: Wednesday 1 April 2026, 09:30 (<t:1775050200:f>)" in reply_text(result)
    assert "• End: Friday 26 June 2026, 09:30" in reply_text(result)

    [card] = cards(world)
    assert card.author.id == env.bot.user.id
    assert labels(card) == ["Join", "Leave"]
    assert f"## 🌱 {PROJECT}: reflecting together" in card.content
    assert "Six principles of co-production" in card.content
    assert "Between 5 January 2026 and 26 June 2026" in card.content
    assert "only when at least 3 people have answered" in card.content
    assert "Nobody, facilitators included, can see who said what." in card.content
    [posted] = [
        r
        for r in env.http_requests
        if r.method == "POST" and r.path == f"/channels/{world.channel.id}/messages"
    ]
    assert posted.json["allowed_mentions"] == {"parse": []}

    project = await project_of(world)
    assert project is not None
    assert project.guild_id == world.guild.id
    assert project.name == PROJECT
    assert project.channel_id == world.channel.id
    assert (project.starts_on, project.ends_on) == (date(2026, 1, 5), date(2026, 6, 26))
    assert project.framework_id == "six-principles"
    assert project.timezone == "America/New_York"
    assert project.checkin_time == time(9, 30)
    assert project.window_days == 5
    assert project.card_message_id == card.id
    assert await env.bot.store.list_checkins(project.id) == []  # nothing opens before the start


async def test_the_bot_keeps_no_messages_in_memory(env):
    world = make_world(env, members=1)
    await create(world)
    [card] = cards(world)
    joined = await world.members[0].click(card, label="Join")
    assert reply_text(joined).startswith(f"**Welcome to {PROJECT}!**")
    # Discord sent it the card it posted; nothing reads a message back, so none is kept.
    assert list(env.bot.cached_messages) == []


async def test_create_fills_in_the_defaults(env):
    world = make_world(env, members=0)
    await create(world, name="  Garden   Group ")
    project = await project_of(world, "garden group")
    assert project.name == "Garden Group"  # extra spaces tidied
    assert project.framework_id == env.bot.frameworks.default_id == "ten-components"
    assert project.timezone == "Europe/London"
    assert project.checkin_time == time(10, 0)
    assert project.window_days == 7
    assert "Ten components of co-production" in cards(world)[0].content


@pytest.mark.parametrize(
    ("options", "key", "values"),
    [
        ({"starts": "2026-06-26", "ends": "2026-01-05"}, "errors.end_before_start", {}),
        ({"starts": "2026-03-01", "ends": "2026-03-01"}, "errors.end_before_start", {}),
        ({"starts": "05/01/2026"}, "errors.bad_date", {"field": "starts", "value": "05/01/2026"}),
        ({"ends": "2026-13-01"}, "errors.bad_date", {"field": "ends", "value": "2026-13-01"}),
        ({"starts": "tomorrow"}, "errors.bad_date", {"field": "starts", "value": "tomorrow"}),
        ({"starts": "2026-01-05", "ends": "2036-01-05"}, "errors.project_too_long", {"count": 5}),
        ({"timezone": "Mars/Olympus"}, "errors.bad_timezone", {"value": "Mars/Olympus"}),
        ({"checkin_time": "25:00"}, "errors.bad_time", {"value": "25:00"}),
        ({"checkin_time": "10am"}, "errors.bad_time", {"value": "10am"}),
        ({"window_days": 0}, "errors.bad_window", {"count": 60}),
        ({"window_days": 99}, "errors.bad_window", {"count": 60}),
        (
            {"framework": "no-such-framework"},
            "errors.unknown_framework",
            {"value": "no-such-framework"},
        ),
        ({"name": "   "}, "errors.bad_name", {"max": 60}),
        ({"name": "x" * 100}, "errors.bad_name", {"max": 60}),
    ],
    ids=[
        "start-after-end",
        "start-equals-end",
        "date-dd-mm-yyyy",
        "month-13",
        "date-in-words",
        "ten-years",
        "unknown-timezone",
        "hour-25",
        "time-10am",
        "window-0",
        "window-99",
        "unknown-framework",
        "blank-name",
        "name-100-chars",
    ],
)
async def test_bad_input_is_refused_clearly_and_nothing_is_stored(env, options, key, values):
    world = make_world(env, members=0)
    result = await create(world, **options)
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(key, **values)
    await assert_nothing_stored(world)


def loadable_non_iana_zones() -> list[str]:
    """Names ZoneInfo loads on this host that are not IANA zones (host-dependent files)."""
    out = []
    for name in ("localtime", "posixrules", "right/UTC", "posix/UTC"):
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if name not in available_timezones():
            out.append(name)
    return out


async def test_a_host_file_that_is_not_an_iana_zone_is_refused(env):
    names = loadable_non_iana_zones()
    if not names:
        pytest.skip("this host has no loadable non-IANA zone files")
    world = make_world(env, members=0)
    for name in names:
        result = await create(world, timezone=name)
        assert reply_text(result) == env.bot.prompts("errors.bad_timezone", value=name)
    await assert_nothing_stored(world)


async def test_a_duplicate_name_in_another_case_is_refused(env):
    world = make_world(env, members=0)
    await create(world)
    result = await create(world, name="YOUTH   board")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.duplicate_project", name="YOUTH board")
    [project] = await env.bot.store.list_projects(world.guild.id)
    assert project.name == PROJECT
    assert len(cards(world)) == 1


async def test_a_channel_the_bot_cannot_post_in_is_refused(env):
    world = make_world(env, members=0)
    locked = world.guild.create_text_channel(
        "locked", overwrites={world.guild.me: discord.PermissionOverwrite(send_messages=False)}
    )
    result = await create(world, channel=locked)
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(
        "errors.channel_not_postable", channel=locked.mention, permissions="**Send Messages**"
    )
    await assert_nothing_stored(world)
    assert locked.history() == []


async def test_a_card_that_fails_to_post_leaves_no_project(env):
    world = make_world(env, members=0)
    env.inject_error("POST", f"/channels/{world.channel.id}/messages", status=500)
    result = await create(world)
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(
        "errors.card_failed", channel=world.channel.mention
    )
    await assert_nothing_stored(world)


# -- /project list and show ------------------------------------------------------------------------


async def test_list_says_when_there_are_no_projects(env):
    world = make_world(env, members=0)
    result = await world.facilitator.slash(world.channel, "project list")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("project.list_empty")


async def test_list_shows_every_project_with_dates_and_counts(env):
    world = make_world(env, members=2)
    other = world.guild.create_text_channel("garden")
    await create(world)
    await create(world, name="Garden Group", channel=other, starts="2026-02-01", ends="2026-03-01")
    await world.join_all()

    result = await world.facilitator.slash(world.channel, "project list")
    assert result.ephemeral
    text = shown(result)
    p = env.bot.prompts
    assert p("project.list_header") in text
    assert (
        p(
            "project.list_item",
            project="Garden Group",
            starts="2026-02-01",
            ends="2026-03-01",
            participants=0,
            channel=other.mention,
        )
        in text
    )
    assert (
        p(
            "project.list_item",
            project=PROJECT,
            starts=STARTS,
            ends=ENDS,
            participants=2,
            channel=world.channel.mention,
        )
        in text
    )


async def test_show_gives_dates_counts_and_the_checkins_so_far(env):
    world = make_world(env, members=3)
    await create(world, checkin_time="09:00")
    await world.join_all()
    p = env.bot.prompts

    before = await world.facilitator.slash(world.channel, "project show", name="youth board")
    assert before.ephemeral
    text = shown(before)
    assert f"## {PROJECT}" in text
    assert f"Channel: {world.channel.mention}" in text
    assert "Dates: 5 January 2026 → 26 June 2026 (Europe/London, check-ins at 09:00" in text
    assert "Framework: Ten components of co-production" in text
    assert "Participants: 3" in text
    assert p("project.show_no_checkins") in text

    await world.open_checkin()
    answering = await start_answering(world.members[0])
    await answering.answer_all([3] * 10)

    after = await world.facilitator.slash(world.channel, "project show", name=PROJECT)
    text = shown(after)
    assert p("project.show_checkins_header") in text
    assert p("project.show_no_checkins") not in text
    assert "• Beginning: opened <t:" in text
    assert "closes <t:" in text
    assert "1 of 3 answered" in text
    for member in world.members:  # counts only, never names
        assert member.name not in text


async def test_show_of_an_unknown_project_says_so(env):
    world = make_world(env, members=0)
    result = await world.facilitator.slash(world.channel, "project show", name="Nope")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.unknown_project", name="Nope")


# -- /project delete -------------------------------------------------------------------------------


async def test_delete_asks_first_then_erases_every_row_of_the_project(env):
    world = make_world(env, members=3)
    await create(world)
    await world.join_all()
    await world.open_checkin()
    answering = await start_answering(world.members[0])
    await answering.rate(4)
    await answering.comment("Meetings start late")
    project = await project_of(world)
    [checkin] = await env.bot.store.list_checkins(project.id)
    store = env.bot.store
    assert (await store.get_response(checkin.id, world.members[0].id)).answers

    asked = await world.facilitator.slash(world.channel, "project delete", name=PROJECT)
    assert asked.ephemeral
    assert reply_text(asked) == env.bot.prompts("project.delete_confirm", project=PROJECT)
    assert labels(asked.response.message) == ["Delete it", "Keep it"]
    assert await project_of(world) is not None  # asking deletes nothing

    done = await world.facilitator.click(asked.response.message, label="Delete it")
    assert reply_text(done) == env.bot.prompts("project.deleted", project=PROJECT)
    assert labels(done.response.message) == []

    assert await store.get_project(project.id) is None
    assert await store.list_projects(world.guild.id) == []
    assert await store.list_participants(project.id) == []
    assert await store.count_participants(project.id) == 0
    assert await store.list_checkins(project.id) == []
    assert await store.get_checkin(checkin.id) is None
    assert await store.list_invitations(checkin.id) == []
    assert await store.list_responses(checkin.id) == []
    for member in world.members:
        assert (await store.get_response(checkin.id, member.id)).answers == {}
        assert await store.open_checkins_for_user(member.id) == []
    again = await create(world)  # the name is free again
    assert reply_text(again).startswith(
        env.bot.prompts("project.created", project=PROJECT, channel=world.channel.mention)
    )


async def test_keeping_the_project_deletes_nothing(env):
    world = make_world(env, members=2)
    await create(world)
    await world.join_all()
    asked = await world.facilitator.slash(world.channel, "project delete", name=PROJECT)
    kept = await world.facilitator.click(asked.response.message, label="Keep it")
    assert reply_text(kept) == env.bot.prompts("project.delete_cancelled")
    assert labels(kept.response.message) == []
    project = await project_of(world)
    assert project is not None
    assert await env.bot.store.count_participants(project.id) == 2


async def test_the_delete_button_refuses_someone_no_longer_a_facilitator(env):
    world = make_world(env, members=1)
    helpers = world.guild.create_role("Helpers")
    helper = world.guild.add_member(env.create_user("helper"), roles=[helpers])
    allow_facilitator_commands(env, world.guild, helpers)
    await world.facilitator.slash(world.channel, "settings facilitator-role", role=helpers)
    await create(world)
    asked = await helper.slash(world.channel, "project delete", name=PROJECT)
    assert labels(asked.response.message) == ["Delete it", "Keep it"]

    await world.facilitator.slash(world.channel, "settings facilitator-role")  # role cleared
    refused = await helper.click(asked.response.message, label="Delete it")
    assert refused.ephemeral
    assert reply_text(refused) == env.bot.prompts("errors.not_facilitator")
    assert await project_of(world) is not None


async def test_the_card_of_a_deleted_project_says_it_is_gone(env):
    world = make_world(env, members=1)
    await create(world)
    card = world.card
    asked = await world.facilitator.slash(world.channel, "project delete", name=PROJECT)
    await world.facilitator.click(asked.response.message, label="Delete it")
    result = await world.members[0].click(card, label="Join")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.project_gone")
    assert await env.bot.store.list_projects(world.guild.id) == []


# -- Join and Leave --------------------------------------------------------------------------------


async def test_join_shows_the_consent_note_and_stores_the_participant(env):
    world = make_world(env, members=1)
    await create(world)
    member = world.members[0]
    result = await member.click(world.card, label="Join")
    assert result.ephemeral
    note = reply_text(result)
    assert note.startswith(f"**Welcome to {PROJECT}!**")
    assert "10 short questions" in note
    assert '"Not yet" to "Fully"' in note
    assert "at least 3 people have answered" in note
    assert "at least 5 have" in note
    assert "/mydata" in note and "/privacy" in note
    project = await project_of(world)
    [participant] = await env.bot.store.list_participants(project.id)
    assert participant.user_id == member.id
    assert member.name in participant.names
    assert member.user.dm_channel.history() == []  # joining sends no DM when nothing is open


async def test_joining_twice_keeps_one_participant(env):
    world = make_world(env, members=1)
    await create(world)
    member = world.members[0]
    await member.click(world.card, label="Join")
    again = await member.click(world.card, label="Join")
    assert again.ephemeral
    assert reply_text(again) == env.bot.prompts("card.already_joined", project=PROJECT)
    project = await project_of(world)
    assert await env.bot.store.count_participants(project.id) == 1


async def test_leaving_without_having_joined_says_so(env):
    world = make_world(env, members=1)
    await create(world)
    result = await world.members[0].click(world.card, label="Leave")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.not_participant")
    project = await project_of(world)
    assert await env.bot.store.count_participants(project.id) == 0


async def test_leave_removes_the_participant(env):
    world = make_world(env, members=2)
    await create(world)
    await world.join_all()
    leaver, stayer = world.members
    result = await leaver.click(world.card, label="Leave")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("card.left", project=PROJECT)
    project = await project_of(world)
    assert not await env.bot.store.is_participant(project.id, leaver.id)
    assert await env.bot.store.is_participant(project.id, stayer.id)


async def test_joining_while_a_checkin_is_open_sends_it_by_dm(env):
    world = make_world(env, members=2)
    await create(world)
    await world.members[0].click(world.card, label="Join")
    await world.open_checkin()
    late = world.members[1]
    result = await late.click(world.card, label="Join")
    assert env.bot.prompts("card.joined_open_checkin") in shown(result)
    assert all(f.ephemeral for f in result.followups)
    assert "Youth Board: beginning check-in" in late.user.dm_channel.last_message.content


async def test_joining_an_open_checkin_with_dms_closed_points_to_reflect(env):
    world = make_world(env, members=2)
    await create(world)
    await world.members[0].click(world.card, label="Join")
    await world.open_checkin()
    late = world.members[1]
    block_dms(env, late)
    result = await late.click(world.card, label="Join")
    assert env.bot.prompts("card.joined_open_checkin_no_dm") in shown(result)
    assert all(f.ephemeral for f in result.followups)
    reflect = await late.slash(world.channel, "reflect")
    assert reflect.ephemeral
    assert f"**{PROJECT}** · beginning check-in · question 1 of 10" in reply_text(reflect)


# -- who may facilitate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("project create", {"name": "Sneaky", "starts": STARTS, "ends": ENDS}),
        ("project list", {}),
        ("project show", {"name": PROJECT}),
        ("project delete", {"name": PROJECT}),
        ("checkin open", {"project": PROJECT, "phase": "beginning"}),
        ("checkin status", {"project": PROJECT}),
        ("checkin remind", {"project": PROJECT}),
        ("checkin close", {"project": PROJECT}),
    ],
)
async def test_a_plain_member_is_refused_facilitator_commands(env, command, options):
    world = make_world(env, members=2)
    await create(world)
    await world.join_all()
    member = world.members[0]
    allow_facilitator_commands(env, world.guild, member)  # past Discord's hiding: the bot's check
    if command == "project create":
        options = {**options, "channel": world.channel}
    result = await member.slash(world.channel, command, **options)
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.not_facilitator")

    store = env.bot.store
    [project] = await store.list_projects(world.guild.id)
    assert project.name == PROJECT
    assert await store.count_participants(project.id) == 2
    assert await store.list_checkins(project.id) == []
    assert len(cards(world)) == 1
    assert member.user.dm_channel.history() == []


async def test_the_facilitator_role_lets_a_member_create_until_it_is_cleared(env):
    world = make_world(env, members=0)
    helpers = world.guild.create_role("Helpers")
    helper = world.guild.add_member(env.create_user("helper"), roles=[helpers])
    allow_facilitator_commands(env, world.guild, helpers)

    refused = await create(world, actor=helper)
    assert reply_text(refused) == env.bot.prompts("errors.not_facilitator")
    await assert_nothing_stored(world)

    await world.facilitator.slash(world.channel, "settings facilitator-role", role=helpers)
    created = await create(world, actor=helper)
    assert created.ephemeral
    assert reply_text(created).startswith(
        env.bot.prompts("project.created", project=PROJECT, channel=world.channel.mention)
    )
    assert await project_of(world) is not None

    await world.facilitator.slash(world.channel, "settings facilitator-role")
    again = await create(world, actor=helper, name="Second Project")
    assert again.ephemeral
    assert reply_text(again) == env.bot.prompts("errors.not_facilitator")
    assert [p.name for p in await env.bot.store.list_projects(world.guild.id)] == [PROJECT]


async def test_join_and_leave_keep_working_after_a_restart(env, make_bot):
    world = make_world(env, members=2)
    await create(world)
    card = world.card
    old = env.bot
    await env.restart_bot(make_bot())
    await old.store.close()  # the old process is gone: its database connection too
    joined = await world.members[0].click(card, label="Join")
    assert reply_text(joined).startswith(f"**Welcome to {PROJECT}!**")
    left = await world.members[0].click(card, label="Leave")
    assert reply_text(left) == env.bot.prompts("card.left", project=PROJECT)
    project = await project_of(world)
    assert await env.bot.store.count_participants(project.id) == 0


async def test_a_member_who_left_gets_no_reminder(env):
    world = make_world(env, members=2)
    await create(world)
    await world.join_all()
    await env.advance_time(10 * 3600)  # daytime in London: reminders are allowed
    await world.open_checkin()
    leaver, stayer = world.members
    await leaver.click(world.card, label="Leave")
    dms_before = len(leaver.user.dm_channel.history())

    result = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    assert reply_text(result) == env.bot.prompts("checkin.reminded", count=1, max=2)
    assert len(leaver.user.dm_channel.history()) == dms_before
    assert "A gentle reminder" in stayer.user.dm_channel.last_message.content


async def test_a_long_project_list_is_split_within_discords_limit(env):
    world = make_world(env, members=0)
    names = [f"Project {i:02d} " + "x" * 48 for i in range(40)]
    for name in names:
        await create(world, name=name)
    result = await world.facilitator.slash(world.channel, "project list")
    messages = [result.response, *result.followups]
    assert len(messages) > 1
    assert all(m.ephemeral and len(m.content) <= 2000 for m in messages)
    text = shown(result)
    assert all(f"**{name}**" in text for name in names)


@pytest.mark.parametrize("name", ["__Secret__ Board", "_Quiet_ Group", "Youth_Board"])
async def test_a_name_with_underscore_markdown_is_refused_and_nothing_is_stored(env, name):
    world = make_world(env, members=0)
    result = await create(world, name=name)
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.bad_name", max=60)
    await assert_nothing_stored(world)
