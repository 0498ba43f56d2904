"""The group's own language (issue 14), through the real bot on SimCord: a whole check-in in
Welsh, a member who prefers English in a Welsh project, the language settings and their bad
input, and the anonymity of a member's language choice."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any

import simcord
import yaml

from bot.core import prompts as prompts_module
from bot.core.custom_ids import FlowButton, FlowVerb, flow_id
from bot.core.models import Phase
from bot.core.schedule import MAX_REMINDERS
from bot.services import results as results_module
from bot.simworld import PROJECT, Answering, arrange, labels, reply_text
from tests.bot.world import NAMES, current_checkin, restart, tampered_click

ROOT = Path(__file__).resolve().parents[2]

# The English labels Answering clicks, and the key of each.
LABEL_KEYS = {
    "Start": "dm.start",
    "Not this time": "dm.decline",
    "Skip": "flow.skip",
    "Next": "flow.next",
    "Back": "flow.back",
    "Submit": "flow.submit",
    "Change my answers": "flow.change",
    "Yes": "flow.choice_yes",
    "No": "flow.choice_no",
    "Not sure": "flow.choice_unsure",
}


def welsh(env: simcord.Env) -> Any:
    return env.bot.prompts.lang("cy")


def english(env: simcord.Env) -> Any:
    return env.bot.prompts.lang("en")


class Speaking(Answering):
    """Answering in a language: the English labels the driver knows, as that language has
    them."""

    def __init__(self, actor: Any, message: Any, prompts: Any) -> None:
        super().__init__(actor, message)
        self.prompts = prompts
        self.comment_buttons = (prompts("flow.add_comment"), prompts("flow.edit_comment"))

    async def click(self, label: str) -> simcord.InteractionResult:
        key = LABEL_KEYS.get(label)
        return await super().click(self.prompts(key) if key else label)


def posted_summary(world: Any, env: simcord.Env) -> Any:
    """The beginning check-in's summary in the project channel (in Welsh)."""
    title = welsh(env)("summary.title", project=PROJECT, phase=welsh(env).phase(Phase.BEGINNING))
    [summary] = [m for m in world.channel.history() if m.content.startswith(title)]
    return summary


async def welsh_server(env: simcord.Env, members: int = 5, guild: str = "Glan-yr-afon") -> Any:
    """A server whose facilitator chose Welsh, with a project everyone joined."""
    world = arrange(env, guild, NAMES[:members])
    chosen = await world.facilitator.slash(world.channel, "settings language", code="cy")
    assert reply_text(chosen) == welsh(env)("settings.language_set", language="Cymraeg")
    await world.create_project()
    for member in world.members:
        joined = await member.click(world.card, label=welsh(env)("card.join"))
        first = welsh(env)("card.joined", project=PROJECT, questions="", scores=3, comments=5)
        assert reply_text(joined).split("\n")[0] == first.split("\n")[0]
    return world


async def test_a_whole_checkin_in_welsh(env, monkeypatch):
    world = await welsh_server(env)
    cy, en = welsh(env), english(env)
    drawn: list[Any] = []  # what each chart shows, as the worker is handed it
    draw = results_module.draw_in_worker

    async def recording(data: Any) -> bytes:
        drawn.append(data)
        return await draw(data)

    monkeypatch.setattr(results_module, "draw_in_worker", recording)

    # The card: Welsh sentences, dates by Babel in Welsh, Welsh buttons.
    card = world.card
    assert cy.day(date(2026, 1, 5)) in card.content  # "5 Ionawr 2026"
    assert "5 January" not in card.content and "reflecting together" not in card.content
    assert labels(card) == [cy("card.join"), cy("card.leave")]
    shown = await world.facilitator.slash(world.channel, "project show", name=PROJECT)
    assert "Cymraeg" in reply_text(shown)

    opened = await world.open_checkin()
    said = cy(
        "checkin.opened", count=5, phase=cy.phase(Phase.BEGINNING), project=PROJECT, closes=""
    )
    assert reply_text(opened).startswith(said.split("{")[0][:20])
    assert "is open until" not in reply_text(opened)

    # The invitation, the questions (the framework's Welsh words) and the review.
    member = world.members[0]
    invitation = member.user.dm_channel.last_message
    assert "It's time to reflect" not in invitation.content
    assert labels(invitation) == [cy("dm.start"), cy("dm.decline")]
    answering = Speaking(member.user, invitation, cy)
    await answering.click("Start")
    assert "## Cyfartal" in answering.message.content
    assert "Ddim eto" in " ".join(labels(answering.message))
    await answering.answer_all([4] * 10, directions=("Yes", "Not sure"), submit=False)
    assert cy("flow.review", lines="")[:6] in answering.message.content
    assert "**Cyfartal**" in answering.message.content
    await answering.click("Submit")
    assert cy("flow.review_submitted", closes="@").split("@")[0] in answering.message.content
    assert "Submitted" not in answering.message.content

    # At night a reminder is refused, with the quiet hours written by Babel.
    night = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    quiet = cy("errors.remind_quiet_hours", quiet_from="21:00", quiet_to="08:00", after="@")
    assert reply_text(night).split("<t:")[0] == quiet.split("@")[0]
    await env.advance_time(10 * 3600)  # 10:00 in London
    # A reminder, with a plural count, to the four who haven't finished.
    reminded = await world.facilitator.slash(world.channel, "checkin remind", project=PROJECT)
    assert reply_text(reminded) == cy("checkin.reminded", count=4, max=MAX_REMINDERS)
    reminder = world.members[1].user.dm_channel.last_message
    expected = cy(
        "dm.reminder", project=PROJECT, phase="", count=1, invited=5, closes="", relative=""
    )
    assert reminder.content.split("\n")[1][:12] == expected.split("\n")[1][:12]
    assert "A gentle reminder" not in reminder.content

    for other in world.members[1:]:
        speaking = Speaking(other.user, other.user.dm_channel.last_message, cy)
        await speaking.click("Start")
        await speaking.answer_all([3] * 10, directions=("No", "Yes"))
    closed = await world.close_checkin()
    assert "Closed the" not in reply_text(closed)

    # The summary, in Welsh, with a Welsh count.
    summary = posted_summary(world, env)
    assert cy("summary.took_part", took_part=5, count=5) in summary.content
    assert "participants took part" not in summary.content
    assert "Cyfartal" in summary.content and "Equal" not in summary.content
    # Its chart: Welsh title, component names, scale and a legend dated by Babel in Welsh.
    [chart] = drawn
    opened = (await current_checkin(env)).opened_at.date()
    assert chart.title == cy("post.chart_title", project=PROJECT)
    assert chart.components[0] == "Cyfartal" and chart.scale[0][1] == "Ddim eto"
    label = f"{cy.phase(Phase.BEGINNING, title=True)} ({cy.short_day(opened)})"
    assert [s.label for s in chart.series] == [label]
    assert "Ion" in label  # Ionawr, January

    # The report: Welsh headings and Welsh dates.
    report = await world.facilitator.slash(world.channel, "project report", name=PROJECT)
    message = report.followups[-1] if report.followups else report.response
    [file] = [a for a in message.attachments if a.filename.endswith(".md")]
    markdown = (await file.read()).decode()
    checkin = await current_checkin(env)
    assert cy.day(checkin.opened_at.date()) in markdown
    assert "Cyfartal" in markdown
    assert en("report.changes_header") not in markdown
    assert cy("report.table_header") in markdown

    # The CSV export's header row is in Welsh; its rows' values stay the same.
    exported = await world.facilitator.slash(
        world.channel, "project export", name=PROJECT, format="csv"
    )
    message = exported.followups[-1] if exported.followups else exported.response
    header, first, *_ = (await message.attachments[0].read()).decode().splitlines()
    assert header.startswith("gwiriad,cyfnod,agorwyd_ar,cymerodd_ran,gwahoddwyd,")
    assert header.endswith(",n_1,n_2,n_3,n_4,n_5")
    assert first.startswith("1,beginning,") and "Cyfartal" in first

    # The audit log, in the server's language, names the phase in Welsh too.
    log = reply_text(await world.facilitator.slash(world.channel, "settings audit"))
    assert cy.phase(Phase.BEGINNING) in log and "beginning" not in log


async def test_a_member_who_prefers_english_in_a_welsh_project(env):
    world = await welsh_server(env)
    cy, en = welsh(env), english(env)
    member = world.members[0]
    chosen = await member.slash(world.channel, "mydata language", code="en")
    assert reply_text(chosen) == en("mydata.language_set", language="English")

    await world.open_checkin()
    theirs = member.user.dm_channel.last_message
    others = world.members[1].user.dm_channel.last_message
    assert "It's time to reflect" in theirs.content
    assert labels(theirs) == ["Start", "Not this time"]
    assert labels(others) == [cy("dm.start"), cy("dm.decline")]

    answering = Speaking(member.user, theirs, en)
    await answering.click("Start")
    assert "## Equal" in answering.message.content  # the framework's English words
    await answering.answer_all([4] * 10)
    assert "Submitted" in answering.message.content
    for other in world.members[1:]:
        speaking = Speaking(other.user, other.user.dm_channel.last_message, cy)
        await speaking.click("Start")
        await speaking.answer_all([2] * 10)
    await world.close_checkin()
    summary = posted_summary(world, env)
    assert cy("summary.took_part", took_part=5, count=5) in summary.content  # still Welsh
    assert "Equal" not in summary.content

    # Back to the project's language.
    back = await member.slash(world.channel, "mydata language", code="project")
    assert reply_text(back) == cy("mydata.language_project")
    show = await member.slash(world.channel, "mydata show")
    assert "Your answers on this server" not in reply_text(show)


async def test_the_summary_is_the_same_whatever_language_members_chose(env):
    """A member's language is no side channel: the summary of the same answers is the same
    text, byte for byte, whether or not someone chose English, and comments' placeholders
    are in the project's language, whoever wrote them."""
    texts = []
    for guild, english_members in (("Un", 0), ("Dau", 2)):
        world = await welsh_server(env, guild=guild)
        for member in world.members[:english_members]:
            await member.slash(world.channel, "mydata language", code="en")
        await world.open_checkin()
        for index, member in enumerate(world.members):
            prompts = english(env) if index < english_members else welsh(env)
            speaking = Speaking(member.user, member.user.dm_channel.last_message, prompts)
            await speaking.click("Start")
            await speaking.answer_all([index % 5 + 1] * 10)
        await world.close_checkin()
        summary = posted_summary(world, env)
        texts.append(summary.content)
        stored = await env.bot.store.get_project(
            (await env.bot.store.find_project(world.guild.id, PROJECT)).id
        )
        assert stored.language is None  # the server's
    assert texts[0] == texts[1]
    # At rest, a language is kept only as a setting: no table of answers has one, and the
    # members' choices sit apart from them, under their Discord ids as any setting does.
    with sqlite3.connect(env.bot.settings.database_path) as raw:
        tables = [
            name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        with_language = sorted(
            table
            for table in tables
            if any(column[1] == "language" for column in raw.execute(f"PRAGMA table_info({table})"))
        )
        chosen = raw.execute("SELECT language FROM member_languages").fetchall()
    assert with_language == ["guild_settings", "member_languages", "projects"]
    assert chosen == [("en",), ("en",)]


async def test_a_name_in_a_comment_is_replaced_in_the_projects_language(env):
    world = await welsh_server(env)
    cy = welsh(env)
    await world.open_checkin()
    for index, member in enumerate(world.members):
        speaking = Speaking(member.user, member.user.dm_channel.last_message, cy)
        await speaking.click("Start")
        words = "Diolch i ben am y croeso" if index == 0 else None
        await speaking.answer_all([3] * 10, last_word=words)
    await world.close_checkin()
    posted = "\n".join(m.content for m in world.posts())
    assert f"Diolch i {cy('redaction.name')} am y croeso" in posted
    assert "[name]" not in posted


async def test_a_language_is_read_only_once_the_bot_is_to_speak_it(env, make_bot):
    # Babel's data for Welsh (a few MB) is not read while no server, project or member
    # speaks it; it is read, off the event loop, before the first answer in it.
    world = arrange(env, "Glan-yr-afon", NAMES[:2])
    await world.create_project()
    listed = await world.facilitator.slash(world.channel, "project list")
    assert reply_text(listed).startswith("**Projects on this server**")
    assert env.bot.prompts.unread("cy") and not env.bot.prompts.unread("en")
    chosen = await world.facilitator.slash(world.channel, "settings language", code="cy")
    assert not env.bot.prompts.unread("cy")
    assert reply_text(chosen) == welsh(env)("settings.language_set", language="Cymraeg")

    # After a restart, the Welsh server's first command reads Welsh again before answering.
    await restart(env, make_bot)
    assert env.bot.prompts.unread("cy")
    listed = await world.facilitator.slash(world.channel, "project list")
    assert not env.bot.prompts.unread("cy")
    assert reply_text(listed).startswith(welsh(env)("project.list_header"))


async def test_bad_language_input_is_refused_and_changes_nothing(env):
    world = arrange(env, "Riverside", NAMES[:2])
    refused = await world.facilitator.slash(world.channel, "settings language", code="klingon")
    assert reply_text(refused).startswith("I can't speak `klingon` yet.")
    assert "Cymraeg (`cy`)" in reply_text(refused)
    assert (await env.bot.store.get_guild_settings(world.guild.id)).language is None

    refused = await world.create_project(language="xx")
    assert reply_text(refused).startswith("I can't speak `xx` yet.")
    assert await env.bot.store.find_project(world.guild.id, PROJECT) is None

    refused = await world.members[0].slash(world.channel, "mydata language", code="de")
    assert reply_text(refused).startswith("I can't speak `de` yet.")
    assert await env.bot.store.member_language(world.guild.id, world.members[0].id) is None


async def test_a_project_can_have_its_own_language_and_change_it(env):
    world = arrange(env, "Riverside", NAMES[:3])
    cy, en = welsh(env), english(env)
    created = await world.create_project(language="cy")
    assert reply_text(created).startswith(en("project.created", project=PROJECT, channel="")[:10])
    assert labels(world.card) == [cy("card.join"), cy("card.leave")]  # the project's language
    edited = await world.facilitator.slash(
        world.channel, "project edit", name=PROJECT, language="en"
    )
    assert en("project.language_switched", language="English") in reply_text(edited)
    assert labels(world.card) == ["Join", "Leave"]  # the card was refreshed
    stored = await env.bot.store.find_project(world.guild.id, PROJECT)
    assert stored.language == "en"
    audit = await world.facilitator.slash(world.channel, "settings audit")
    assert "set the language of **Youth Board** to English" in reply_text(audit)


async def test_a_servers_own_framework_in_both_languages_falls_back_where_words_are_missing(
    env,
):
    """A group imports its own framework with Welsh words for one component only: Welsh
    readers see those, and the framework's own (English) words wherever Welsh is missing."""
    world = arrange(env, "Riverside", NAMES[:3])
    cy = welsh(env)
    data = yaml.safe_load((ROOT / "frameworks" / "ten-components.yaml").read_text("utf-8"))
    data["id"], data["title"] = "ours", "Our version"
    data["translations"] = {
        "cy": {"title": "Ein fersiwn", "components": {"equal": {"name": "Teg"}}}
    }
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    imported = await world.facilitator.slash(
        world.channel, "framework import", file=("ours.yaml", text.encode())
    )
    assert "Imported **Our version**" in reply_text(imported)
    exported = await world.facilitator.slash(world.channel, "framework export", name="ours")
    message = exported.followups[-1] if exported.followups else exported.response
    assert "Ein fersiwn" in (await message.attachments[0].read()).decode()

    await world.create_project(framework="ours", language="cy")
    assert "**Ein fersiwn**" in world.card.content
    for member in world.members:
        await member.click(world.card, label=cy("card.join"))
    await world.open_checkin()
    speaking = Speaking(world.members[0].user, world.members[0].user.dm_channel.last_message, cy)
    await speaking.click("Start")
    assert "## Teg" in speaking.message.content  # its Welsh name
    english_meaning = data["components"][0]["meaning"].split()[0]
    assert english_meaning in speaking.message.content  # no Welsh meaning: its own words
    await speaking.click("Skip")
    assert "## Inclusive" in speaking.message.content  # no Welsh at all for this one


async def test_a_forged_click_learns_nothing_of_the_checkins_language(env):
    """Someone not invited who forges a click on a Welsh project's check-in (from another
    server, in DMs) is refused in their own language: the refusal does not tell them the
    check-in exists in a Welsh project."""
    world = await welsh_server(env)
    await world.open_checkin()
    checkin = await current_checkin(env)
    outsider_world = arrange(env, "Elsewhere", ["zed"], project="Other")
    outsider = outsider_world.members[0]
    await outsider_world.create_project(name="Other")
    await outsider.click(outsider_world.card, label="Join")
    await outsider_world.open_checkin()
    own_dm = outsider.user.dm_channel.last_message  # an English invitation of their own
    forged_id = flow_id(FlowButton(checkin.id, FlowVerb.START))
    forged = await tampered_click(env, outsider.user, own_dm, "Start", forged_id)
    assert reply_text(forged) == english(env)("errors.not_invited")


async def test_the_audit_log_reads_a_languages_name_off_the_event_loop(env, make_bot, monkeypatch):
    world = arrange(env, "Riverside", NAMES[:2])
    await world.facilitator.slash(world.channel, "settings language", code="cy")
    await world.facilitator.slash(world.channel, "settings language", code="en")
    await restart(env, make_bot)  # nobody speaks Welsh now: its data is not read
    assert env.bot.prompts.unread("cy")
    reads: list[str] = []
    parse = prompts_module.Locale.parse

    def spied(code: Any, *args: Any, **kwargs: Any) -> Any:
        if code == "cy":  # reading Welsh's data (not a locale already read, passed back in)
            reads.append(threading.current_thread().name)
        return parse(code, *args, **kwargs)

    monkeypatch.setattr(prompts_module.Locale, "parse", spied)

    shown = await world.facilitator.slash(world.channel, "settings audit")

    assert "Cymraeg" in reply_text(shown)
    assert reads and threading.main_thread().name not in reads  # read in a worker thread
