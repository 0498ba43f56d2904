"""A Monday-morning burst on virtual time: many check-ins open at once while another closes.

Every DM goes through one pacer for the whole bot (a few a second, one a second per
check-in), and each check-in's DMs are sent by a run of its own, so a long round of
invitations never holds up another check-in's close, summary or reminders.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest

from bot.services.pacer import DEFAULT_PER_SECOND
from bot.settings import Settings
from tests.bot.world import advance_in_steps, advance_to, answer, make_world, reply_text, utc
from tests.conftest import TEST_MAX_SLEEP, TEST_SECRET

MONDAY = utc(2026, 1, 5, 10)  # 10:00 in London (GMT in January)
GROUPS = 12  # projects opening at 10:00, each with the same ten members


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # the default pace: one DM a second per check-in
        database_path=tmp_path / "coreflect.sqlite3",
        secret=TEST_SECRET,
        scheduler_max_sleep=TEST_MAX_SLEEP,
    )


def invitation_times(members, project: str) -> list:
    return sorted(
        m.created_at
        for member in members
        for m in member.user.dm_channel.history()
        if f"**{project}: beginning check-in**" in m.content
    )


async def test_a_close_and_its_summary_are_on_time_while_many_invitations_go_out(env):
    world = make_world(env, members=10)
    early = world.guild.create_text_channel("early")
    await world.facilitator.slash(
        early, "project create", name="Early", channel=early, starts="2025-12-29", ends="2026-02-27"
    )
    early_card = next(m for m in early.history() if m.components)
    for member in world.members:
        await member.click(early_card, label="Join")
    names = [f"Group {n}" for n in range(GROUPS)]
    for name in names:
        channel = world.guild.create_text_channel(name.lower().replace(" ", "-"))
        created = await world.facilitator.slash(
            channel,
            "project create",
            name=name,
            channel=channel,
            starts="2026-01-05",
            ends="2026-03-27",
        )
        assert f"**{name}**" in reply_text(created)
        card = next(m for m in channel.history() if m.components)
        for member in world.members:
            await member.click(card, label="Join")

    # Early's beginning check-in opened a week ago; most members answered it.
    await advance_to(env, utc(2025, 12, 29, 10, 1))
    for member, rating in zip(world.members[:6], [4, 3, 5, 2, 4, 3], strict=True):
        await answer(member, rating)

    # Monday 10:00: Early's check-in closes and twelve others open, 120 invitations at once.
    await advance_to(env, MONDAY - timedelta(seconds=1))
    await advance_in_steps(env, 6, step=1)

    [summary] = [m for m in early.history() if "## 🌱 Early: beginning check-in" in m.content]
    assert summary.created_at <= MONDAY + timedelta(seconds=5)  # closed and posted on time
    sent_so_far = sum(len(invitation_times(world.members, name)) for name in names)
    assert sent_so_far < GROUPS * 10  # ...while the invitations are still going out

    await advance_in_steps(env, 120, step=5)
    everything = []
    for name in names:
        times = invitation_times(world.members, name)
        assert len(times) == 10  # everyone once
        assert min(b - a for a, b in itertools.pairwise(times)) >= timedelta(seconds=1)
        everything += times
    everything.sort()
    per_second = int(DEFAULT_PER_SECOND)
    # Never more than the pacer's rate across the bot: any 6 DMs span at least a second.
    assert all(
        later - first >= timedelta(seconds=1)
        for first, later in zip(everything, everything[per_second:], strict=False)
    )
    # The check-ins shared the pace: each one's first invitation went out in the first
    # few seconds, not after the others had finished.
    firsts = sorted(invitation_times(world.members, name)[0] for name in names)
    assert firsts[-1] - MONDAY <= timedelta(seconds=GROUPS / DEFAULT_PER_SECOND + 2)
    # And the whole burst took about as long as the rate allows, not one check-in after
    # another (which would take at least GROUPS x 10 seconds).
    assert everything[-1] - MONDAY <= timedelta(seconds=GROUPS * 10 / DEFAULT_PER_SECOND + 5)
