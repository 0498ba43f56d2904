"""Comment boxes: each opening is its opener's alone, and survives a restart of the bot."""

from __future__ import annotations

import pytest

from bot.core.models import ANYTHING_ELSE
from bot.exts.answering._box import submitted_text
from tests.bot.world import (
    current_checkin,
    labels,
    open_comment_box,
    ready,
    reply_text,
    start_answering,
    submit_box_as,
)


async def _answers(env, member):
    checkin = await current_checkin(env)
    return (await env.bot.store.get_response(checkin.id, member.id)).answers


def _answered_once(result) -> bool:
    """One answer and no follow-up: were a box handled twice, the second would be a follow-up
    (the bot answers with a follow-up once a response was already sent)."""
    return result.response is not None and not result.followups


def _refused(env, result, key: str = "errors.box_not_yours") -> bool:
    """The sender alone was told `key`, once, and no screen changed."""
    return (
        _answered_once(result)
        and result.response.content == env.bot.prompts(key)
        and result.ephemeral
        and not result.response.message.components
    )


@pytest.mark.parametrize("first", [0, 1])
async def test_two_members_commenting_on_one_step_at_once_each_keep_their_own(env, first):
    world = await ready(env, members=3)
    ana, ben = world.members[:2]
    answering = {ana.id: await start_answering(ana), ben.id: await start_answering(ben)}
    boxes = {member.id: await open_comment_box(answering[member.id]) for member in (ana, ben)}
    assert boxes[ana.id].modal["custom_id"] != boxes[ben.id].modal["custom_id"]
    texts = {ana.id: "Ana: the agenda felt rushed", ben.id: "Ben: decisions happen elsewhere"}

    order = (ana, ben) if first == 0 else (ben, ana)
    seen = {}
    for member in order:
        result = await member.user.submit_modal(boxes[member.id], {"comment": texts[member.id]})
        assert _answered_once(result)
        seen[member.id] = result.response.content

    for member, other in ((ana, ben), (ben, ana)):
        assert (await _answers(env, member))["equal"].comment == texts[member.id]
        assert "question 1 of 10" in seen[member.id]
        assert texts[member.id] in seen[member.id]
        assert texts[other.id] not in seen[member.id]


async def test_a_box_sent_by_someone_else_is_refused_and_shows_no_one_anything(env):
    world = await ready(env, members=3)
    ana, ben = world.members[:2]
    ana_answering = await start_answering(ana)
    await ana_answering.comment("Ana's own words")
    ana_box = await open_comment_box(ana_answering)  # prefilled with Ana's comment
    ben_box = await open_comment_box(await start_answering(ben))

    forged = await submit_box_as(
        ben.user, ben_box, ana_box.modal["custom_id"], "Ben writing as Ana"
    )

    assert _refused(env, forged)
    assert "Ana's own words" not in reply_text(forged)
    assert (await _answers(env, ana))["equal"].comment == "Ana's own words"
    assert await _answers(env, ben) == {}
    # Nor is the forged text kept for the close (bot.services.redacting): only Ana's own.
    ahead = env.bot.services.answering.ahead
    await ahead.settled()
    kept = ahead.kept((await current_checkin(env)).id).comments
    assert list(kept) == ["Ana's own words"]
    # Ana's box still works: the forgery took nothing from her.
    result = await ana.user.submit_modal(ana_box, {"comment": "Ana, edited"})
    assert _answered_once(result) and "Ana, edited" in result.response.content
    assert (await _answers(env, ana))["equal"].comment == "Ana, edited"


async def test_a_box_opened_before_a_restart_is_saved_after_it(env, make_bot):
    world = await ready(env, members=3)
    ana = world.members[0]
    answering = await start_answering(ana)
    await answering.rate(4)
    box = await open_comment_box(answering)

    old = env.bot
    await env.restart_bot(make_bot())
    await old.store.close()  # the old process is gone: its database connection too

    result = await ana.user.submit_modal(box, {"comment": "Written across a restart"})
    assert "question 2 of 10" in result.response.content
    assert "Written across a restart" in result.response.content
    assert _answered_once(result)
    assert (await _answers(env, ana))["inclusive"].comment == "Written across a restart"


def _tampered(custom_id: str, checkin_id: int) -> dict[str, str]:
    head, checkin, step, nonce, mac = custom_id.rsplit(":", 4)
    other_mac = ("0" if mac[0] != "0" else "1") + mac[1:]
    return {
        "another step": f"{head}:{checkin}:{int(step) + 1}:{nonce}:{mac}",
        "another check-in": f"{head}:{int(checkin) + 1}:{step}:{nonce}:{mac}",
        "another nonce": f"{head}:{checkin}:{step}:{nonce[::-1]}:{mac}",
        "a bad MAC": f"{head}:{checkin}:{step}:{nonce}:{other_mac}",
        "a huge check-in id": f"{head}:{'9' * 30}:{step}:{nonce}:{mac}",
        "garbage": "cr1:box:garbage",
        "an earlier version's box": f"cr1:comment:{checkin_id}:{step}",
    }


@pytest.mark.parametrize(
    "how",
    [
        "another step",
        "another check-in",
        "another nonce",
        "a bad MAC",
        "a huge check-in id",
        "garbage",
        "an earlier version's box",
    ],
)
async def test_a_tampered_box_is_refused_privately_and_stores_nothing(env, how):
    world = await ready(env, members=3)
    ana = world.members[0]
    box = await open_comment_box(await start_answering(ana))
    project = await env.bot.store.find_project(env.guild.id, "Youth Board")
    [checkin] = await env.bot.store.list_checkins(project.id)
    custom_id = _tampered(box.modal["custom_id"], checkin.id)[how]

    result = await submit_box_as(ana.user, box, custom_id, "Should not be kept")

    assert _refused(env, result)
    assert await _answers(env, ana) == {}


async def test_a_box_sent_after_the_checkin_closed_is_refused(env):
    world = await ready(env, members=3)
    ana = world.members[0]
    box = await open_comment_box(await start_answering(ana))
    await world.close_checkin()

    result = await ana.user.submit_modal(box, {"comment": "Too late"})

    assert _refused(env, result, "errors.checkin_closed")
    assert await _answers(env, ana) == {}


async def test_the_anything_else_box_leads_to_the_review(env):
    world = await ready(env, members=3)
    ana = world.members[0]
    answering = await start_answering(ana)
    await answering.answer_all([3] * 10, last_word="Thanks, everyone", submit=False)
    assert "Thanks, everyone" in answering.message.content
    assert "## Your answers" in answering.message.content  # shown in place of the last step
    assert "Submit" in labels(answering.message)
    assert (await _answers(env, ana))[ANYTHING_ELSE].comment == "Thanks, everyone"


def _text_input(value: object) -> dict[str, object]:
    return {"type": 4, "id": 2, "custom_id": "comment", "value": value}


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        ([{"type": 1, "id": 1, "components": [_text_input("in a row")]}], "in a row"),
        ([{"type": 18, "id": 1, "component": _text_input("in a label")}], "in a label"),
        ([{"type": 10, "id": 1}, _text_input("at the top")], "at the top"),
        ([{"type": 1, "components": [_text_input("")]}], ""),
        ([{"type": 1, "components": [{**_text_input("x"), "custom_id": "other"}]}], None),
        ([{"type": 1, "components": [_text_input(None)]}], None),
        ([{"type": 1, "components": [{"type": 4, "custom_id": "comment"}]}], None),
        ([{"type": 1, "components": "comment"}, None, 7], None),
        (None, None),
    ],
)
def test_the_comment_is_found_however_discord_nests_it(components, expected):
    assert submitted_text(components) == expected
