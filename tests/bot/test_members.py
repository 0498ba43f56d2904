"""Commands for everyone, end to end: `/framework`, `/privacy`, `/mydata` and `/reflect`."""

from __future__ import annotations

from typing import Any

from tests.bot.world import (
    PROJECT,
    Answering,
    World,
    current_checkin,
    labels,
    make_world,
    ready,
    reply_text,
    shown,
    start_answering,
)

GARDEN = "Garden Group"


async def answer_first(member: Any, ratings: list[int], comment: str | None = None) -> Answering:
    """From the DM invitation: Start, then rate the first components (commenting on the first)."""
    answering = await start_answering(member)
    for index, rating in enumerate(ratings):
        if index == 0 and comment:
            await answering.comment(comment)
        await answering.rate(rating)
    return answering


# -- /framework ------------------------------------------------------------------------------------


async def test_framework_list_names_every_framework_and_the_default(env):
    world = make_world(env, members=1)
    result = await world.members[0].slash(world.channel, "framework list")
    assert result.ephemeral
    text = shown(result)
    p = env.bot.prompts
    assert p("framework.list_header") in text
    frameworks = env.bot.frameworks.all()
    assert {f.id for f in frameworks} >= {"ten-components", "six-principles"}
    for framework in frameworks:
        default = p("framework.list_default") if framework.id == "ten-components" else ""
        assert (
            p(
                "framework.list_item",
                id=framework.id,
                title=framework.title,
                count=len(framework.components),
                default=default,
            )
            in text
        )
    assert (
        "`ten-components`: **Ten components of co-production** (10 components), the default" in text
    )


async def test_framework_show_lists_the_components_and_the_scale(env):
    world = make_world(env, members=1)
    result = await world.members[0].slash(world.channel, "framework show", name="ten-components")
    assert result.ephemeral
    text = shown(result)
    framework = env.bot.frameworks.get("ten-components")
    assert "## Ten components of co-production" in text
    assert "Scale: 1 Not yet · 2 A little" in text
    assert "5 Fully" in text
    assert len(framework.components) == 10
    for component in framework.components:
        assert f"**{component.name}**: {component.meaning}" in text


async def test_framework_show_of_an_unknown_framework_says_so(env):
    world = make_world(env, members=1)
    result = await world.members[0].slash(world.channel, "framework show", name="nine-lives")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("errors.unknown_framework", value="nine-lives")


async def test_framework_list_works_in_a_dm(env):
    world = make_world(env, members=1)
    result = await world.members[0].user.slash("framework list")
    assert "Ten components of co-production" in shown(result)


# -- /privacy --------------------------------------------------------------------------------------


async def test_privacy_in_the_server(env):
    world = make_world(env, members=1)
    result = await world.members[0].slash(world.channel, "privacy")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts(
        "privacy.text",
        scores=3,
        comments=5,
        retention=env.bot.prompts("privacy.retention", count=180),
    )
    assert "## Your privacy" in reply_text(result)
    assert "/mydata delete" in reply_text(result)


async def test_privacy_in_a_dm(env):
    world = make_world(env, members=1)
    result = await world.members[0].user.slash("privacy")
    assert reply_text(result) == env.bot.prompts(
        "privacy.text",
        scores=3,
        comments=5,
        retention=env.bot.prompts("privacy.retention", count=180),
    )
    assert result.response.channel_id == world.members[0].user.dm_channel.id


# -- /mydata show ----------------------------------------------------------------------------------


async def test_mydata_show_before_answering_anything(env):
    world = make_world(env, members=1)
    result = await world.members[0].slash(world.channel, "mydata show")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("mydata.none")


async def test_mydata_show_gives_only_the_callers_own_answers(env):
    world = await ready(env, members=3)
    ana, ben, _ = world.members
    answering = await answer_first(ana, [4, 2], comment="Meetings start too late for me")
    await answering.answer_all([3] * 8)  # the rest, then Submit
    await answer_first(ben, [1], comment="Ben thinks the agenda is rushed")

    mine = await ana.slash(world.channel, "mydata show")
    assert mine.ephemeral
    assert all(f.ephemeral for f in mine.followups)
    text = shown(mine)
    checkin = await current_checkin(world)
    date = "1 January 2026"  # in the project's time zone, by Babel
    assert checkin.opened_at.date().isoformat() == "2026-01-01"
    assert env.bot.prompts("mydata.header") in text
    assert f"### {PROJECT}, beginning check-in ({date}) ✅" in text
    assert "**Equal**: 4 · Mostly" in text
    assert "Meetings start too late for me" in text
    assert "Ben thinks the agenda is rushed" not in text

    theirs = await ben.slash(world.channel, "mydata show")
    text = shown(theirs)
    assert "Ben thinks the agenda is rushed" in text
    assert "**Equal**: 1 · Not yet" in text
    assert "Meetings start too late for me" not in text
    assert "✅" not in text  # Ben has not submitted


# -- /mydata delete --------------------------------------------------------------------------------


async def test_mydata_delete_confirmed_erases_the_callers_answers(env):
    world = await ready(env, members=2)
    ana, ben = world.members
    await answer_first(ana, [4, 2, 5], comment="Meetings start too late for me")
    await answer_first(ben, [1, 1])
    checkin = await current_checkin(world)
    store = env.bot.store
    assert len((await store.get_response(checkin.id, ana.id)).answers) == 3

    asked = await ana.slash(world.channel, "mydata delete")
    assert asked.ephemeral
    assert reply_text(asked) == env.bot.prompts("mydata.delete_confirm")
    assert labels(asked.response.message) == ["Erase my data", "Cancel"]
    assert len((await store.get_response(checkin.id, ana.id)).answers) == 3  # not yet

    done = await ana.click(asked.response.message, label="Erase my data")
    assert reply_text(done) == env.bot.prompts("mydata.deleted", answers=3, checkins=1, projects=1)
    assert labels(done.response.message) == []
    assert (await store.get_response(checkin.id, ana.id)).answers == {}
    project = await store.find_project(world.guild.id, PROJECT)
    assert not await store.is_participant(project.id, ana.id)
    assert await store.open_checkins_for_user(ana.id) == []
    assert reply_text(await ana.slash(world.channel, "mydata show")) == env.bot.prompts(
        "mydata.none"
    )
    # Ben's answers are his own business.
    assert len((await store.get_response(checkin.id, ben.id)).answers) == 2
    assert await store.is_participant(project.id, ben.id)


async def test_mydata_delete_cancelled_erases_nothing(env):
    world = await ready(env, members=1)
    ana = world.members[0]
    await answer_first(ana, [4, 2], comment="Meetings start too late for me")
    checkin = await current_checkin(world)
    before = await env.bot.store.get_response(checkin.id, ana.id)

    asked = await ana.slash(world.channel, "mydata delete")
    kept = await ana.click(asked.response.message, label="Cancel")
    assert reply_text(kept) == env.bot.prompts("mydata.delete_cancelled")
    assert labels(kept.response.message) == []
    assert await env.bot.store.get_response(checkin.id, ana.id) == before
    assert len(before.answers) == 2
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    assert await env.bot.store.is_participant(project.id, ana.id)


# -- /reflect --------------------------------------------------------------------------------------


async def test_reflect_with_nothing_open(env):
    world = make_world(env, members=1)
    await world.create_project()
    await world.join_all()
    result = await world.members[0].slash(world.channel, "reflect")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("reflect.none")
    in_dm = await world.members[0].user.slash("reflect")
    assert reply_text(in_dm) == env.bot.prompts("reflect.none")


async def test_reflect_with_one_open_checkin_starts_it_in_the_server(env):
    world = await ready(env, members=1)
    result = await world.members[0].slash(world.channel, "reflect")
    assert result.ephemeral
    assert f"**{PROJECT}** · beginning check-in · question 1 of 10" in reply_text(result)


async def two_open_checkins(env: Any) -> tuple[World, Any]:
    world = make_world(env, members=2)
    garden = world.guild.create_text_channel("garden")
    await world.create_project()
    await world.facilitator.slash(
        world.channel,
        "project create",
        name=GARDEN,
        channel=garden,
        starts="2026-02-01",
        ends="2026-05-01",
    )
    garden_card = next(m for m in garden.history() if m.components)
    member = world.members[0]
    await member.click(world.card, label="Join")
    await member.click(garden_card, label="Join")
    await world.members[1].click(world.card, label="Join")
    await world.open_checkin()
    await world.facilitator.slash(world.channel, "checkin open", project=GARDEN, phase="extra")
    return world, member


async def test_reflect_with_two_open_checkins_offers_a_choice(env):
    world, member = await two_open_checkins(env)
    result = await member.slash(world.channel, "reflect")
    assert result.ephemeral
    assert reply_text(result) == env.bot.prompts("reflect.choose", count=2)
    assert sorted(labels(result.response.message)) == [
        f"{GARDEN} (extra)",
        f"{PROJECT} (beginning)",
    ]

    chosen = Answering(member, result.response.message)
    await chosen.click(f"{GARDEN} (extra)")
    assert f"**{GARDEN}** · extra check-in · question 1 of 10" in chosen.message.content
    await chosen.rate(5)
    garden = await current_checkin(world, GARDEN)
    youth = await current_checkin(world, PROJECT)
    store = env.bot.store
    assert [
        a.rating for a in (await store.get_response(garden.id, member.id)).answers.values()
    ] == [5]
    assert (await store.get_response(youth.id, member.id)).answers == {}


async def test_reflect_in_a_dm_with_two_open_checkins(env):
    _, member = await two_open_checkins(env)
    result = await member.user.slash("reflect")
    assert reply_text(result) == env.bot.prompts("reflect.choose", count=2)
    chooser = member.user.dm_channel.last_message
    assert sorted(labels(chooser)) == [f"{GARDEN} (extra)", f"{PROJECT} (beginning)"]
    started = await member.user.click(chooser, label=f"{PROJECT} (beginning)")
    assert f"**{PROJECT}** · beginning check-in · question 1 of 10" in reply_text(started)


async def test_reflect_only_offers_checkins_the_member_was_invited_to(env):
    world, _ = await two_open_checkins(env)
    other = world.members[1]  # joined only the Youth Board
    result = await other.slash(world.channel, "reflect")
    assert f"**{PROJECT}** · beginning check-in · question 1 of 10" in reply_text(result)
    assert GARDEN not in reply_text(result)
