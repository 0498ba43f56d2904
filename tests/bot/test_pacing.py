"""Paced DMs through the real bot on SimCord: one at a time, once each, retried without doubles.

These tests use the default one-second gap between DMs, on virtual time.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import simcord

from bot.core.models import Delivery
from bot.settings import Settings
from tests.bot.world import (
    PROJECT,
    advance_in_steps,
    advance_to,
    block_dms,
    count_passes,
    current_checkin,
    dm_channel_id,
    invitations,
    make_world,
    restart,
    utc,
)
from tests.conftest import settings_for

REMINDER = "A gentle reminder"
OPENS = utc(2026, 1, 5, 10)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # The bot's default gap between two DMs (1 s), passed here in virtual time.
    return settings_for(tmp_path, dm_gap_seconds=1.0)


def message_posts(env: simcord.Env, channel_id: int) -> list[Any]:
    return [
        r
        for r in env.http_requests
        if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]


async def test_200_participants_get_one_invitation_each_paced_and_at_most_two_reminders(env):
    assert env.bot.settings.dm_gap_seconds == 1.0
    world = make_world(env, members=200)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    members = sorted(world.members, key=lambda m: m.id)
    flaky, refusing = members[0], members[100]
    block_dms(env, refusing)
    await advance_to(env, OPENS - timedelta(seconds=1))
    env.inject_error("POST", "/channels/*/messages", status=500, times=1)

    await advance_in_steps(env, 400)

    sent = []
    for member in members:
        if member is refusing:
            assert invitations(member, "beginning") == []
            continue
        [invitation] = invitations(member, "beginning")  # exactly one each
        sent.append(invitation.created_at)
    retried, sent = sent[0], sent[1:]
    assert sent == sorted(sent)  # in the pacing order
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert min(gaps) >= timedelta(seconds=1)  # one at a time, a second apart
    assert sent[0] == OPENS + timedelta(seconds=1)  # after the failed first try
    # The failed send was tried again on a later pass, not holding up everyone else.
    assert retried >= OPENS + timedelta(seconds=30)
    assert retried > sent[-1]

    # The retried send carried the same nonce, so Discord could drop it if it had the first.
    attempts = message_posts(env, dm_channel_id(flaky))
    assert len(attempts) == 2
    assert attempts[0].json["nonce"] == attempts[1].json["nonce"]
    # The member who does not accept DMs was tried once, recorded, and never again.
    assert len(message_posts(env, dm_channel_id(refusing))) == 1
    project = await env.bot.store.find_project(world.guild.id, PROJECT)
    [checkin] = await env.bot.store.list_checkins(project.id)
    assert (await env.bot.store.get_invitation(checkin.id, refusing.id)).delivery is (
        Delivery.FAILED
    )

    # Nobody answers: over the week everyone reachable gets exactly two reminders, paced.
    # They are counted just before the close, which empties the check-in's DMs.
    closes = OPENS + timedelta(days=7)
    await advance_to(env, OPENS + timedelta(days=3, hours=10))
    for day in range(4):
        await advance_in_steps(env, 400)
        await advance_to(
            env, min(OPENS + timedelta(days=4 + day, hours=10), closes - timedelta(minutes=1))
        )
    for member in members:
        reminders = [m for m in member.user.dm_channel.history() if REMINDER in m.content]
        assert len(reminders) == (0 if member is refusing else 2)
    first_round = sorted(
        next(m for m in member.user.dm_channel.history() if REMINDER in m.content).created_at
        for member in members
        if member is not refusing
    )
    assert min(b - a for a, b in itertools.pairwise(first_round)) >= timedelta(seconds=1)
    assert len(message_posts(env, dm_channel_id(refusing))) == 1

    # At the close all 597 of those DMs are emptied, paced like the sends, and nothing more
    # is sent to anyone.
    before = len(env.http_requests)
    await advance_in_steps(env, 20 * 60)
    closed = env.bot.prompts("dm.checkin_closed")
    for member in members:
        history = member.user.dm_channel.history()
        assert len(history) == (0 if member is refusing else 3)
        assert all(m.content == closed and not m.components for m in history)
    edits = sorted(m.edited_at for member in members for m in member.user.dm_channel.history())
    assert min(b - a for a, b in itertools.pairwise(edits)) >= timedelta(seconds=1)
    posts = [r.path for r in env.http_requests[before:] if r.method == "POST"]
    assert posts == [f"/channels/{world.channel.id}/messages"]  # the summary, and only it
    assert len(message_posts(env, dm_channel_id(refusing))) == 1


async def test_a_known_dm_channel_makes_a_later_dm_one_request(env, make_bot):
    world = make_world(env, members=3)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    await advance_to(env, OPENS + timedelta(minutes=5))
    assert all(len(invitations(m, "beginning")) == 1 for m in world.members)

    await advance_to(env, utc(2026, 2, 1, 9))  # the beginning and its reminders are over
    await restart(env, make_bot)  # a fresh process knows no users and no DM channels
    before = len(env.http_requests)
    await advance_to(env, utc(2026, 2, 1, 10, 5))  # the middle check-in opens

    later = env.http_requests[before:]
    assert [r for r in later if r.path == "/users/@me/channels"] == []
    assert [r for r in later if r.method == "GET" and r.path.startswith("/users/")] == []
    for member in world.members:
        [invitation] = invitations(member, "middle")
        posts = [r for r in later if r.path == f"/channels/{dm_channel_id(member)}/messages"]
        assert len(posts) == 1
        assert invitation.channel.id == dm_channel_id(member)


async def test_a_first_invitation_costs_two_requests(env, make_bot):
    world = make_world(env, members=3)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    await restart(env, make_bot)  # a fresh process knows no users and no DM channels
    before = len(env.http_requests)
    await advance_to(env, OPENS + timedelta(minutes=5))

    later = env.http_requests[before:]
    assert [r for r in later if r.method == "GET" and r.path.startswith("/users/")] == []
    opened = [r for r in later if r.path == "/users/@me/channels"]
    assert len(opened) == len(world.members)  # one request opens each DM channel...
    for member in world.members:
        assert len(invitations(member, "beginning")) == 1
        posts = [r for r in later if r.path == f"/channels/{dm_channel_id(member)}/messages"]
        assert len(posts) == 1  # ...and one sends the invitation


async def test_a_failed_dm_to_someone_who_left_does_not_wake_the_scheduler(env, monkeypatch):
    world = make_world(env, members=2)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    leaver = world.members[0]
    # Discord fails on its side for this member only; the DM will be tried again later.
    env.inject_error("POST", "/users/@me/channels", status=500, times=1)
    await advance_to(env, OPENS + timedelta(seconds=5))
    await leaver.click(world.card, label="Leave")
    passes = count_passes(env, monkeypatch)
    env.bot.scheduler.wake()
    await advance_to(env, OPENS + timedelta(hours=2))
    assert len(passes) < 10, len(passes)  # not one a second, waiting for a retry never tried


async def test_a_round_that_fails_partway_goes_on_when_its_back_off_ends(env, monkeypatch):
    """The disk fails as the third invitation of a paced round is recorded: the round stops
    there (backed off for a minute) and the rest go out when the minute is up, each once,
    not at the next unrelated moment (first tries have no retry moment of their own)."""
    world = make_world(env, members=4)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    record = env.bot.store.record_delivery
    recorded: list[int] = []

    async def third_fails(checkin_id: int, user_id: int, *args: Any, **kwargs: Any) -> None:
        recorded.append(user_id)
        if len(recorded) == 3:
            raise sqlite3.OperationalError("disk I/O error")
        await record(checkin_id, user_id, *args, **kwargs)

    monkeypatch.setattr(env.bot.store, "record_delivery", third_fails)
    await advance_to(env, OPENS - timedelta(seconds=1))
    await advance_to(env, OPENS + timedelta(minutes=2), step=timedelta(seconds=30))
    for member in world.members:
        [invitation] = invitations(member, "beginning")  # once each, the third's too
        assert invitation.created_at < OPENS + timedelta(seconds=75)
    checkin = await current_checkin(world)
    for member in world.members:
        stored = await env.bot.store.get_invitation(checkin.id, member.id)
        assert stored is not None and stored.delivery is Delivery.DELIVERED


async def test_two_closes_at_once_one_failing_leave_nothing_sent_after_the_close(env, monkeypatch):
    """A facilitator's close and the scheduler's (or a deletion) at the same moment, the
    first failing on the disk: the other still closes the check-in, and the round of
    invitations under way sends nothing after it."""
    world = make_world(env, members=10)
    await world.create_project(starts="2026-01-05", ends="2026-03-01")
    await world.join_all()
    await advance_to(env, OPENS - timedelta(seconds=1))
    await advance_to(env, OPENS + timedelta(seconds=5), step=timedelta(seconds=5))
    assert 0 < sum(bool(invitations(m, "beginning")) for m in world.members) < 10
    checkin = await current_checkin(world)
    close = env.bot.store.close_checkin
    calls: list[int] = []

    async def first_fails(*args: Any, **kwargs: Any) -> bool:
        calls.append(len(calls))
        if len(calls) == 1:
            await asyncio.sleep(0)  # while the other close is under way
            raise sqlite3.OperationalError("disk I/O error")
        for _ in range(3):
            await asyncio.sleep(0)  # the failing one is done before this goes on
        return await close(*args, **kwargs)

    monkeypatch.setattr(env.bot.store, "close_checkin", first_fails)
    closes = env.bot.services.checkins.close_checkin
    outcomes = await asyncio.gather(closes(checkin), closes(checkin), return_exceptions=True)
    assert isinstance(outcomes[0], sqlite3.OperationalError)
    closed_at = env.now()
    sent = sum(len(invitations(m, "beginning")) for m in world.members)
    await advance_to(env, closed_at + timedelta(seconds=30), step=timedelta(seconds=30))
    assert not (await env.bot.store.get_checkin(checkin.id)).is_open
    assert sum(len(invitations(m, "beginning")) for m in world.members) == sent
