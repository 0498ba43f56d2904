"""What matters most to us: members pick priorities at the end of the beginning check-in,
the summary counts them, later summaries and the report show how they moved, and no
output or file ties a pick to a person. Through the real bot on SimCord."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import simcord

from bot.core.custom_ids import pick_id
from bot.core.flow import review_index
from bot.core.models import Phase
from tests.bot.test_privacy_attacks import every_table, holds_user, raw_database
from tests.bot.test_results import read_files
from tests.bot.world import (
    PROJECT,
    QUESTIONS,
    World,
    answer,
    crafted_interaction,
    current_checkin,
    labels,
    ready,
    reply_text,
    restart,
    start_answering,
    summaries,
    tampered_click,
)

PICKS = [
    ["Equal", "Inclusive", "Open"],
    ["Equal", "Inclusive"],
    ["Equal", "Human"],
    ["Inclusive", "Equal", "Open"],
]


async def tampered_select(
    env: Any, actor: Any, message: Any, custom_id: str, values: list[str]
) -> simcord.InteractionResult:
    """Rewrite the select menu's custom_id on the stored message (Discord delivers only ids
    that are on a message), then send `values`, which need not be among its options."""
    stored = env.backend.get_message(message.channel.id, message.id)

    def rewrite(components: list[dict[str, Any]]) -> None:
        for component in components:
            if component.get("type") == 3:
                component["custom_id"] = custom_id
            rewrite(component.get("components", []))

    rewrite(stored.components)
    data = {"custom_id": custom_id, "component_type": 3, "values": values}
    return await crafted_interaction(actor, message, data)


async def beginning_with_picks(world: World, picks: list[list[str]], rating: int = 2) -> None:
    """The first len(picks) members answer with these priorities (an empty list: Skip); the
    rest answer and skip the priorities too."""
    for index, member in enumerate(world.members):
        chosen = picks[index] if index < len(picks) else []
        await answer(member, rating, priorities=chosen)


async def test_members_pick_priorities_and_the_beginning_summary_counts_them(env):
    world = await ready(env, members=5)
    member = world.members[0]
    answering = await start_answering(member)
    for _ in range(QUESTIONS):
        await answering.rate(3)
    for choice in ("Yes", "Not sure"):
        await answering.click(choice)
    await answering.click("Next")
    screen = answering.message.content
    assert "What matters most to us?" in screen and "Pick up to 3" in screen
    assert answering.has_menu() and "Skip" in labels(answering.message)

    await answering.pick(["Open", "Equal"])
    review = answering.message.content
    assert "**What matters most**: Equal, Open" in review  # in framework order
    assert "Submit" in labels(answering.message)

    await answering.click("Back")  # change them from the review
    assert "Your picks: Equal, Open" in answering.message.content
    menu = next(c for row in answering.message.components for c in row.children)
    assert {o.label for o in menu.options if o.default} == {"Equal", "Open"}
    assert (menu.min_values, menu.max_values) == (0, 3)
    await answering.pick(["Equal", "Inclusive", "Open"])
    assert "**What matters most**: Equal, Inclusive, Open" in answering.message.content
    await answering.click("Submit")

    for index, other in enumerate(world.members[1:], start=1):
        await answer(other, 2, priorities=PICKS[index] if index < len(PICKS) else [])
    await world.close_checkin()

    [summary] = summaries(world, "beginning")
    assert "What matters most to us:** Equal 4 · Inclusive 3 · Open 2 · Human 1" in (
        summary.content
    )


async def test_skipping_clears_the_picks_and_the_review_says_skipped(env):
    world = await ready(env, members=3)
    answering = await start_answering(world.members[0])
    await answering.answer_all([3] * QUESTIONS, submit=False, priorities=["Equal"])
    assert "**What matters most**: Equal" in answering.message.content
    await answering.click("Back")
    await answering.click("Skip")
    assert "**What matters most**: skipped" in answering.message.content
    checkin = await current_checkin(world)
    stored = await env.bot.store.get_response(checkin.id, world.members[0].id)
    assert stored.priorities == ()


async def test_a_member_coming_back_resumes_at_the_priorities(env):
    world = await ready(env, members=3)
    answering = await start_answering(world.members[0])
    await answering.answer_all(
        [3] * QUESTIONS, submit=False, priorities=["Equal"], last_word="Thanks"
    )
    await answering.click("Back")
    await answering.pick([])  # an empty pick clears them too
    assert "**What matters most**: skipped" in answering.message.content
    again = await world.members[0].user.slash("reflect")
    assert "What matters most to us?" in again.response.content


async def test_too_few_pickers_show_no_priority_counts(env):
    world = await ready(env, members=4)
    await beginning_with_picks(world, [["Equal"], ["Equal", "Open"]])  # 2 < 3 pick
    await world.close_checkin()
    [summary] = summaries(world, "beginning")
    assert "not enough people picked to show" in summary.content
    assert "Equal 2" not in summary.content and "Open 1" not in summary.content


async def test_below_the_scores_threshold_the_summary_says_nothing_of_priorities(env):
    world = await ready(env, members=4)
    for member in world.members[:2]:
        await answer(member, 3, priorities=["Equal"])
    await world.close_checkin()
    [summary] = summaries(world, "beginning")
    assert "What matters most" not in summary.content and "Equal" not in summary.content


async def test_a_middle_check_in_asks_none_and_shows_how_the_top_priorities_moved(env):
    world = await ready(env, members=4)
    await beginning_with_picks(world, PICKS, rating=2)
    await world.close_checkin()

    await world.open_checkin("middle")
    answering = await start_answering(world.members[0])
    await answering.answer_all([4] * QUESTIONS, submit=False)
    assert not answering.has_menu() and "Submit" in labels(answering.message)
    await answering.click("Submit")
    for member in world.members[1:]:
        await answer(member, 4)
    await world.close_checkin()

    [middle] = summaries(world, "middle")
    assert "What matters most to us:**" not in middle.content
    assert "top priorities from the beginning" in middle.content
    for name in ("Equal", "Inclusive", "Open"):
        assert f"• **{name}**: 2.0 then, 4.0 now (↑ +2.0)" in middle.content
    assert "• **Human**" not in middle.content  # picked once: not a top priority


async def test_the_report_and_exports_carry_the_counts_and_no_person(env):
    world = await ready(env, members=4)
    await beginning_with_picks(world, PICKS, rating=2)
    await world.close_checkin()
    await world.open_checkin("end")
    for member in world.members:
        await answer(member, 5)
    await world.close_checkin()

    report = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    markdown = (await read_files(report))["youth-board-report.md"].decode()
    assert "## What mattered most to us" in markdown
    assert "- **Equal**: picked by 4" in markdown and "- **Human**: picked by 1" in markdown
    assert "- **Equal**: 2.0 → 5.0" in markdown

    files = {}
    for kind in ("csv", "json"):
        result = await world.facilitator.slash(
            world.channel, "project export", name=PROJECT, format=kind
        )
        files.update(await read_files(result))
    rows = list(csv.DictReader(io.StringIO(files["youth-board-results.csv"].decode())))
    picks = {r["component_key"]: r["priority_picks"] for r in rows if r["phase"] == "beginning"}
    assert picks["equal"] == "4" and picks["human"] == "1" and picks["creative"] == "0"
    assert all(r["priority_picks"] == "" for r in rows if r["phase"] == "end")
    exported = json.loads(files["youth-board-results.json"])
    assert exported["checkins"][0]["priorities"]["picked"] == 4
    assert exported["checkins"][0]["priorities"]["counts"]["inclusive"] == 3

    everything = markdown + "".join(data.decode() for data in files.values())
    for person in [world.facilitator, *world.members]:
        assert str(person.id) not in everything and person.name not in everything


async def test_the_database_holds_picks_only_under_respondent_keys(env):
    world = await ready(env, members=4)
    await beginning_with_picks(world, PICKS)
    user_ids = {p.id for p in [world.facilitator, *world.members]}
    with raw_database(env) as raw:
        tables = every_table(raw)
        picks = raw.execute(
            "SELECT respondent, item, rating FROM answers WHERE item LIKE 'priority:%'"
        ).fetchall()
    assert len(picks) == sum(len(p) for p in PICKS)
    assert {rating for _, _, rating in picks} == {1}
    for respondent, _, _ in picks:
        assert not holds_user((respondent,), user_ids)
    for name, (_, rows) in tables.items():
        for row in rows:
            if any("priority:" in str(value) for value in row):
                assert name == "answers" and not holds_user(row, user_ids), (name, row)


async def test_picks_are_frozen_at_the_close_and_erasing_afterwards_changes_nothing(env):
    world = await ready(env, members=4)
    await beginning_with_picks(world, PICKS)
    await world.close_checkin()
    [before] = summaries(world, "beginning")
    erased = await world.members[0].slash(world.channel, "mydata delete")
    await world.members[0].click(erased.response.message, label=labels(erased.response.message)[0])
    report = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    markdown = (await read_files(report))["youth-board-report.md"].decode()
    assert "Equal 4 · Inclusive 3" in before.content
    assert "- **Equal**: picked by 4" in markdown  # the frozen counts, not a recount


async def test_a_forged_pick_is_refused_and_changes_nothing(env):
    world = await ready(env, members=3)
    member = world.members[0]
    answering = await start_answering(member)
    await answering.answer_all([3] * QUESTIONS, submit=False, priorities=["Equal"])
    await answering.click("Back")
    checkin = await current_checkin(world)
    framework = env.bot.frameworks.for_checkin(checkin)
    step = review_index(framework, Phase.BEGINNING) - 1
    with raw_database(env) as raw:
        before = every_table(raw)

    forgeries = [
        (pick_id(checkin.id, step), ["not_a_part"]),
        (pick_id(checkin.id, step), ["equal", "open", "human", "creative"]),  # four of three
        (pick_id(checkin.id, step), ["equal", "equal"]),
        (pick_id(checkin.id, 0), ["equal"]),  # not the priorities step
        (pick_id(checkin.id + 1, step), ["equal"]),  # a check-in they were not invited to
        (f"cr1:q:{checkin.id}:pick:{step}:equal", []),  # a button claiming to pick
    ]
    for custom_id, values in forgeries:
        if custom_id.startswith("cr1:q:"):
            result = await tampered_click(env, member.user, answering.message, "Skip", custom_id)
        else:
            result = await tampered_select(env, member.user, answering.message, custom_id, values)
        assert result.ephemeral, custom_id
        assert reply_text(result), custom_id

    with raw_database(env) as raw:
        assert every_table(raw) == before
    stored = await env.bot.store.get_response(checkin.id, member.id)
    assert stored.priorities == ("equal",)


async def test_the_priorities_menu_keeps_working_after_a_restart(env, make_bot):
    world = await ready(env, members=3)
    member = world.members[0]
    answering = await start_answering(member)
    await answering.answer_all([3] * QUESTIONS, submit=False, priorities=["Equal"])
    await answering.click("Back")

    await restart(env, make_bot)

    await answering.pick(["Open", "Human"])  # on the message sent before the restart
    assert "**What matters most**: Open, Human" in answering.message.content
    checkin = await current_checkin(env)
    stored = await env.bot.store.get_response(checkin.id, member.id)
    assert stored.priorities == ("human", "open")
