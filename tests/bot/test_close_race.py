"""Two closes of one check-in at the same moment (two facilitators, or a facilitator and the
scheduler at the end of the window): one takes effect, the other is told nothing was open,
and the audit log lists only what took effect."""

from __future__ import annotations

from tests.bot.world import answer, ready, reply_text


async def test_a_close_that_lost_the_race_says_so_and_is_not_logged(env, monkeypatch):
    world = await ready(env, members=3)
    for member in world.members:
        await answer(member, 4)

    # SimCord runs one operation at a time, so the race is staged where it happens: the
    # other close wins between this command's look at the open check-in and its own close.
    checkins = env.bot.services.checkins
    close = checkins.close_checkin

    async def other_close_wins_first(checkin):
        await close(checkin)
        return await close(checkin)

    monkeypatch.setattr(checkins, "close_checkin", other_close_wins_first)
    result = await world.close_checkin()
    monkeypatch.undo()

    assert "no open check-in" in reply_text(result)
    summaries = [m for m in world.channel.history() if "beginning check-in" in m.content]
    assert len(summaries) == 1  # closed and posted once
    log = reply_text(await world.facilitator.slash(world.channel, "settings audit"))
    assert "closed the beginning check-in" not in log  # the close that lost is not logged
    assert "opened the beginning check-in" in log


async def test_a_close_that_took_effect_is_logged_once(env):
    world = await ready(env, members=3)
    closed = await world.close_checkin()
    again = await world.close_checkin()
    assert "no open check-in" not in reply_text(closed)
    assert "no open check-in" in reply_text(again)
    log = reply_text(await world.facilitator.slash(world.channel, "settings audit"))
    assert len([line for line in log.splitlines() if "closed the beginning" in line]) == 1
