"""Clicks whose custom_id no button of the bot owns get one clear, private answer."""

from __future__ import annotations

import sqlite3
from typing import Any

import simcord

from bot.core.custom_ids import COMPONENT_TEMPLATES
from tests.bot.world import (
    PROJECT,
    crafted_click,
    crafted_interaction,
    dm_answering,
    labels,
    ready,
    reply_text,
    tampered_click,
)

TOO_LARGE = "99999999999999999999"  # 20 digits: more than SQLite can store
JUST_TOO_LARGE = str(2**63)  # 19 digits, one more than the largest id


def _stored(settings: Any) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of every table, to show that a click changed nothing."""
    with sqlite3.connect(settings.database_path) as db:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        tables = [row[0] for row in db.execute(query)]
        return [(t, sorted(db.execute(f'SELECT * FROM "{t}"'), key=repr)) for t in tables]


def _assert_stale(env: simcord.Env, result: simcord.InteractionResult, custom_id: str) -> None:
    assert result.acknowledged, custom_id
    assert result.ephemeral, custom_id
    assert not result.followups, custom_id  # answered once
    assert reply_text(result) == env.bot.prompts("errors.stale_button"), custom_id


async def _world(env: simcord.Env):  # type: ignore[no-untyped-def]
    world = await ready(env, members=3)
    return world


async def test_garbage_and_other_versions_get_the_stale_answer_and_change_nothing(env, settings):
    world = await _world(env)
    member = world.members[0]
    invitation = member.user.dm_channel.last_message
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    checkin = await env.bot.store.current_checkin(project.id)
    before = _stored(settings)

    for custom_id in (
        "garbage",
        "",
        "cr1:",
        f"cr0:q:{checkin.id}:start:0:",  # an older version
        f"cr2:q:{checkin.id}:start:0:",  # a newer version
        f"cr0:card:join:{project.id}",
        f"cr2:card:join:{project.id}",
        f"cr1:q:-{checkin.id}:start:0:",  # a negative id
        f"cr1:card:join:-{project.id}",
        "cr1:q:0:start:0:",  # zero and leading zeros are no ids
        f"cr1:q:0{checkin.id}:start:0:",
        f"cr1:card:wave:{project.id}",  # a card verb that does not exist
        f"cr1:zap:yes:{project.id}",  # a confirm kind that does not exist
        f"cr1:q:{TOO_LARGE}:start:0:",
        f"cr1:q:{JUST_TOO_LARGE}:start:0:",
    ):
        result = await crafted_click(member.user, invitation, custom_id)
        _assert_stale(env, result, custom_id)
    for custom_id in ("cr2:card:join:1", f"cr1:card:join:{TOO_LARGE}", f"cr1:pdel:yes:{TOO_LARGE}"):
        result = await crafted_click(member, world.card, custom_id)
        _assert_stale(env, result, custom_id)

    assert _stored(settings) == before
    assert await env.bot.store.list_participants(project.id)  # nobody was removed


async def test_a_20_digit_id_on_a_real_button_gets_the_stale_answer(env, settings):
    world = await _world(env)
    member = world.members[0]
    answering = dm_answering(member)
    asked = await world.facilitator.slash(world.channel, "project delete", name=PROJECT)
    assert labels(asked.response.message) == ["Delete it", "Keep it"]
    before = _stored(settings)

    flow = await tampered_click(
        env, member.user, answering.message, "Start", f"cr1:q:{TOO_LARGE}:start:0:"
    )
    _assert_stale(env, flow, "flow")
    card = await tampered_click(env, member, world.card, "Leave", f"cr1:card:leave:{TOO_LARGE}")
    _assert_stale(env, card, "card")
    confirm = await tampered_click(
        env, world.facilitator, asked.response.message, "Delete it", f"cr1:pdel:yes:{TOO_LARGE}"
    )
    _assert_stale(env, confirm, "confirm")
    mydata = await tampered_click(
        env, world.facilitator, asked.response.message, "Keep it", f"cr1:mdel:yes:{JUST_TOO_LARGE}"
    )
    _assert_stale(env, mydata, "mydata")

    assert _stored(settings) == before
    assert await env.bot.store.find_project(world.guild.id, PROJECT) is not None


async def test_an_unknown_select_menu_gets_the_stale_answer(env):
    world = await _world(env)
    member = world.members[0]
    result = await crafted_interaction(
        member, world.card, {"custom_id": "cr1:pick", "component_type": 3, "values": ["a"]}
    )
    _assert_stale(env, result, "select")


async def test_real_buttons_are_still_answered_once_by_their_own_handler(env):
    world = await _world(env)
    member = world.members[0]
    answering = dm_answering(member)

    started = await answering.click("Start")
    assert started.acknowledged and not started.followups
    assert reply_text(started) != env.bot.prompts("errors.stale_button")
    left = await member.click(world.card, label="Leave")
    assert reply_text(left) == env.bot.prompts("card.left", project=PROJECT)
    assert not left.followups
    # A tampered button the templates match is answered by its own handler, once.
    verb = await tampered_click(
        env, member.user, answering.message, "Skip", f"cr1:q:{2**63 - 1}:start:0:"
    )
    assert verb.acknowledged and not verb.followups


async def test_the_listener_knows_every_button_the_bot_registers(env):
    store = env.bot._connection._view_store
    registered = {pattern.pattern for pattern in store._dynamic_items}
    assert registered == set(COMPONENT_TEMPLATES)
    world = await _world(env)
    await dm_answering(world.members[0]).click("Start")
    await world.facilitator.slash(world.channel, "project delete", name=PROJECT)
    # Every view the bot sent is made of DynamicItems only: no in-memory button or menu
    # the stale-button listener would not know about.
    assert not store._views
    assert {pattern.pattern for pattern in store._dynamic_items} == set(COMPONENT_TEMPLATES)
