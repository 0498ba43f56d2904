"""Comments are redacted as they are written (bot.services.redacting), and the close uses
those copies only when its names are exactly the ones they were redacted under. Whatever
happened between a comment and the close (a member joined, a member erased their data, the
bot restarted), the copies are made again in the background, so the close seldom redacts a
comment itself; and what the group reads hides every name it would have hidden anyway, also
when the close comes before that work is done."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bot.core import summary as summary_module
from bot.services import results as results_module
from tests.bot.world import (
    advance_to,
    answer,
    current_checkin,
    make_world,
    ready,
    remove_bot,
    restart,
    start_answering,
)

RATINGS = [3] * 10
EMAIL = "chair-vote@example.org"


@pytest.fixture
def redactions_at_close(monkeypatch) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The comments the close redacts itself (not taken from those redacted as written).

    The close runs in a thread of the bot's process instead of the worker process, so the
    count can be read; the maths is the same (tests/services/test_results_worker.py)."""
    redacted: list[str] = []
    real = summary_module.comment_redactor

    class Counted:
        def __init__(self, names: tuple[str, ...]) -> None:
            self.redactor = real(names)

        def redact(self, comment: str) -> str:
            redacted.append(comment)
            return self.redactor.redact(comment)

    pool = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(summary_module, "comment_redactor", Counted)
    monkeypatch.setattr(results_module, "_worker", lambda: pool)
    yield redacted
    pool.shutdown()


async def all_commented(env, members: int, comment: str):  # type: ignore[no-untyped-def]
    """A world whose members have each answered with `comment` (`{name}`: theirs) on the
    first part, and the comments kept for its close, all redacted."""
    world = await ready(env, members=members)
    for member in world.members:
        await answer(member, 3, comments={0: comment.format(name=member.name)})
    ahead = env.bot.services.answering.ahead
    await ahead.settled()
    return world, ahead


async def erase_data_of(member, world) -> None:  # type: ignore[no-untyped-def]
    asked = await member.slash(world.channel, "mydata delete")
    await member.click(asked.response.message, label="Erase my data")


async def kept_words(world, ahead) -> list[str]:  # type: ignore[no-untyped-def]
    """Every comment kept for the open check-in's close, as written and as redacted."""
    kept = ahead.kept((await current_checkin(world)).id).comments
    return [*kept, *kept.values()]


def posted(world) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.content for m in world.posts())


async def test_the_close_uses_the_comments_redacted_as_they_were_written(env, redactions_at_close):
    world = await ready(env, members=5)
    for index, member in enumerate(world.members):
        await answer(member, 3, comments={0: f"chidi put it well, idea {index}, mail {EMAIL}"})
    ahead = env.bot.services.answering.ahead
    await ahead.settled()
    checkin = await current_checkin(world)
    kept = ahead.kept(checkin.id)
    assert len(kept.comments) == 5
    assert all("chidi" not in text and EMAIL not in text for text in kept.comments.values())

    await world.close_checkin()

    assert redactions_at_close == []  # every comment was taken as redacted when written
    text = posted(world)
    assert "put it well, idea 3" in text
    assert "chidi" not in text and EMAIL not in text
    assert len(ahead) == 0  # nothing is kept once the check-in has closed


async def _commented_before_a_late_join(env):  # type: ignore[no-untyped-def]
    """Five members comment on the sixth (farah), who has not joined yet."""
    world = make_world(env, members=6)
    await world.create_project()
    late = world.members[5]  # farah: not in the project when the comment is written
    for member in world.members[:5]:
        await member.click(world.card, label="Join")
    await world.open_checkin()
    for member in world.members[:5]:
        await answer(member, 3, comments={0: f"{late.name} should chair next time"})
    await env.bot.services.answering.ahead.settled()
    checkin = await current_checkin(world)
    kept = env.bot.services.answering.ahead.kept(checkin.id).comments
    assert any(late.name in text for text in kept.values())  # not hidden when written
    return world, late, checkin


async def test_a_name_added_after_a_comment_is_hidden_at_the_close(env, redactions_at_close):
    world, late, checkin = await _commented_before_a_late_join(env)
    ahead = env.bot.services.answering.ahead

    await late.click(world.card, label="Join")  # their names are now hidden in comments

    kept = ahead.kept(checkin.id)  # made again under the new names, in the background
    assert late.name in kept.names
    assert kept.comments and all(late.name not in text for text in kept.comments.values())
    await world.close_checkin()
    assert redactions_at_close == []
    text = posted(world)
    assert "should chair next time" in text
    assert late.name not in text


async def test_a_close_before_the_copies_are_made_again_redacts_them_itself(
    env, redactions_at_close
):
    world, late, _ = await _commented_before_a_late_join(env)
    store = env.bot.store
    original = store.checkin_redaction_names

    async def slow(checkin_id: int) -> tuple[str, ...]:
        await asyncio.sleep(3600)  # the background work is slow: the close comes first
        return await original(checkin_id)

    store.checkin_redaction_names = slow  # type: ignore[method-assign]
    await late.click(world.card, label="Join")
    await world.close_checkin()

    assert len(redactions_at_close) == 5  # the names changed: each comment redacted again
    text = posted(world)
    assert "should chair next time" in text
    assert late.name not in text


async def test_erasing_a_members_data_forgets_their_comments_and_redacts_the_rest_again(
    env, redactions_at_close
):
    world, ahead = await all_commented(env, 6, "ask ben, from {name}-xyzzy")
    assert len(ahead) == 6
    leaver = world.members[5]

    await erase_data_of(leaver, world)

    # the erased member's words are not kept in memory; the others' are, read again
    assert len(ahead) == 5
    assert not any(f"{leaver.name}-xyzzy" in text for text in await kept_words(world, ahead))
    await world.close_checkin()
    assert redactions_at_close == []
    text = posted(world)
    assert f"{leaver.name}-xyzzy" not in text
    assert "ask " in text and "ask ben" not in text


async def test_an_erasure_whose_compaction_fails_still_forgets_the_comments_kept(env, monkeypatch):
    """The erasure is committed before the database is compacted; if compacting fails,
    still no copy of anyone's words stays kept in memory."""
    world, ahead = await all_commented(env, 3, "from {name}-xyzzy")
    assert len(ahead) == 3

    async def failing() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(env.bot.store, "_compact", failing)
    leaver = world.members[2]
    await erase_data_of(leaver, world)

    assert not any(f"{leaver.name}-xyzzy" in text for text in await kept_words(world, ahead))
    assert len(ahead) == 0


async def test_after_a_restart_the_comments_are_redacted_again_before_the_close(
    env, make_bot, redactions_at_close
):
    world = await ready(env, members=5)
    for member in world.members:
        await answer(member, 3, comments={0: "dana keeps the notes"})
    await env.bot.services.answering.ahead.settled()

    await restart(env, make_bot)
    # nothing of it was stored: read from the comments themselves, and redacted again
    checkin = await current_checkin(world)
    assert env.bot.services.answering.ahead.kept(checkin.id).comments == {
        "dana keeps the notes": "[name] keeps the notes"
    }
    await world.close_checkin()

    assert redactions_at_close == []
    text = posted(world)
    assert "keeps the notes" in text and "dana" not in text


async def test_erasing_a_server_that_removed_the_bot_forgets_its_comments_kept(env):
    world = await ready(env, members=5, window_days=60)  # still open when the data goes
    for member in world.members:
        await answer(member, 3, comments={0: "eli should see this"})
    ahead = env.bot.services.answering.ahead
    await ahead.settled()
    assert len(ahead) == 1  # five members, one text

    removed_at = env.now()
    await remove_bot(env, world)
    await advance_to(env, removed_at + timedelta(days=29))
    assert len(ahead) == 1  # its open check-in waits, as its data does
    await advance_to(env, removed_at + timedelta(days=30, minutes=1))

    assert len(ahead) == 0


async def test_a_shutdown_stops_a_redaction_still_on_its_way(env, caplog):
    world = await ready(env, members=3)
    answering = await start_answering(world.members[0])
    store = env.bot.store
    original = store.checkin_redaction_names
    asked = []

    async def slow(checkin_id: int) -> tuple[str, ...]:
        asked.append(checkin_id)
        await asyncio.sleep(3600)  # the store is slow to answer: the bot stops meanwhile
        return await original(checkin_id)

    store.checkin_redaction_names = slow  # type: ignore[method-assign]
    await answering.comment("gus is late again")
    ahead = env.bot.services.answering.ahead
    assert asked and ahead.busy

    await env.bot.close()

    assert not ahead.busy and len(ahead) == 0
    assert "could not be redacted ahead" not in caplog.text


async def test_a_comment_rewritten_after_its_copy_was_kept_shows_the_new_words_redacted(
    env, redactions_at_close
):
    world = await ready(env, members=5)
    first = await start_answering(world.members[0])
    await first.comment("first draft naming dana")
    await first.comment("second thoughts: ben leads, mail ben@example.org")  # replaces the first
    await first.answer_all([3] * 10)
    for member in world.members[1:]:
        await answer(member, 3)
    await env.bot.services.answering.ahead.settled()

    await world.close_checkin()

    assert redactions_at_close == []  # the rewritten comment's copy was kept too
    text = posted(world)
    assert "second thoughts:" in text and "leads, mail" in text
    assert "first draft" not in text
    assert "ben leads" not in text and "ben@example.org" not in text


async def test_a_nickname_seen_after_the_comments_is_hidden_without_redacting_them_at_the_close(
    env, redactions_at_close
):
    world = await ready(env, members=5)
    amira = world.members[0]
    for member in world.members[1:]:
        await answer(member, 3, comments={0: "Queenie spoke over everyone"})
    ahead = env.bot.services.answering.ahead
    await ahead.settled()
    checkin = await current_checkin(world)
    assert list(ahead.kept(checkin.id).comments.values()) == ["Queenie spoke over everyone"]

    # A nickname set now, seen when the member next uses the bot in the server.
    env.backend.edit_member(world.guild.id, amira.id, {"nick": "Queenie Bee"})
    await amira.slash(world.channel, "privacy")

    assert list(ahead.kept(checkin.id).comments.values()) == ["[name] spoke over everyone"]
    await answer(amira, 3)
    await world.close_checkin()
    assert redactions_at_close == []
    text = posted(world)
    assert "spoke over everyone" in text and "Queenie" not in text
