"""Groups own their version of a framework, from Discord: copy, reword, add, remove, the
scale, import and export, delete; history stays honest; other servers never see it."""

from __future__ import annotations

import threading
from typing import Any

import discord
import simcord
import yaml

from bot.core import framework_edit
from tests.bot.world import (
    PROJECT,
    World,
    advance_to,
    answer_invitation,
    dm_answering,
    invitations,
    labels,
    ready,
    reply_text,
    summaries,
    utc,
)

OURS = "our-ten-components"  # the id `/framework copy ... name:"Our ten components"` gives
NEW_MEANING = "Everyone's voice counts the same, in every meeting."
NEW_MIDDLE = "So far, everyone's voice has counted the same in our meetings."
NEW_SCALE = "Not at all, A bit, Halfway, Mostly, Completely"
TRUST = {
    "name": "Trust",
    "meaning": "We can say what we think without worrying.",
    "discussion_prompt": "What would help people speak up?",
}
TRUST_QUESTIONS = {
    "beginning": "We trust each other enough to disagree.",
    "middle": "So far, we trust each other enough to disagree.",
    "end": "By the end, we trusted each other enough to disagree.",
    "extra": "Right now, we trust each other enough to disagree.",
}


async def slash(world: World, command: str, actor: Any = None, **options: Any):
    return await (actor or world.facilitator).slash(world.channel, command, **options)


async def edit_texts(world: World, framework: str, component: str, **texts: str) -> str:
    """Reword a component in its form; what the facilitator is told."""
    shown = await slash(world, "framework edit", name=framework, component=component)
    assert shown.modal is not None
    sent = await world.facilitator.submit_modal(shown, {**_defaults(shown), **texts})
    return reply_text(sent)


def _defaults(shown: simcord.InteractionResult) -> dict[str, str]:
    """What a form shows filled in already, by text input."""
    found: dict[str, str] = {}

    def walk(component: Any) -> None:
        if isinstance(component, dict):
            if component.get("type") == 4:
                found[component["custom_id"]] = component.get("value") or ""
            for child in [component.get("component"), *(component.get("components") or [])]:
                walk(child)

    for row in shown.modal["components"]:
        walk(row)
    return found


async def edit_questions(world: World, message: Any, **questions: str) -> str:
    shown = await world.facilitator.click(message, label="Edit its questions")
    assert shown.modal is not None
    sent = await world.facilitator.submit_modal(shown, {**_defaults(shown), **questions})
    return reply_text(sent)


async def file_text(result: simcord.InteractionResult) -> str:
    """The first file the person was sent (a report, an export)."""
    message = result.followups[-1] if result.followups else result.response
    assert message is not None and message.attachments, reply_text(result)
    return (await message.attachments[0].read()).decode()


def dm_texts(member: simcord.MemberActor) -> str:
    return "\n".join(m.content for m in member.user.dm_channel.history())


async def test_a_group_rewords_adds_removes_and_rescales_and_history_stays_honest(env):
    world = await ready(env, members=4, open_checkin=False, starts="2026-01-05", ends="2026-03-27")
    copied = await slash(
        world, "framework copy", source="ten-components", name="Our ten components"
    )
    assert f"`{OURS}`" in reply_text(copied)
    edited = await slash(world, "project edit", name=PROJECT, framework=OURS)
    shown = "\n".join([edited.response.content, *(f.content for f in edited.followups)])
    assert "will use **Our ten components**" in shown

    # The beginning check-in asks the copy as it was: the shipped wording.
    await advance_to(env, utc(2026, 1, 5, 10, 5))
    for member, rating in zip(world.members[:3], (4, 3, 4), strict=True):
        await answer_invitation(member, [rating] * 10)
    await advance_to(env, utc(2026, 1, 12, 11))
    [beginning] = summaries(world, "beginning")
    before = beginning.content
    assert "**Equal**" in before

    # Between check-ins the group makes it theirs.
    said = await edit_texts(world, OURS, "equal", name="Equal voices", meaning=NEW_MEANING)
    assert "Saved **Equal voices**" in said
    saved = await slash(world, "framework edit", name=OURS, component="equal")
    texts = await world.facilitator.submit_modal(saved, _defaults(saved))
    assert "Edit its questions" in labels(texts.response.message)
    questions = await edit_questions(world, texts.response.message, middle=NEW_MIDDLE)
    assert "Saved the questions of **Equal voices**" in questions

    added = await slash(world, "framework add", name=OURS, component="Trust")
    form = await world.facilitator.submit_modal(added, {**_defaults(added), **TRUST})
    assert "Before a check-in can use it" in reply_text(form)  # Trust has no questions yet
    done = await edit_questions(world, form.response.message, **TRUST_QUESTIONS)
    assert "ready for the next check-in" in done

    removed = await slash(world, "framework remove", name=OURS, component="thorough")
    assert "Took the component out" in reply_text(removed)
    assert "Thorough" not in reply_text(removed)
    scaled = await slash(world, "framework scale", name=OURS, labels=NEW_SCALE)
    assert "Not at all, A bit, Halfway, Mostly, Completely" in reply_text(scaled)

    # The middle check-in's DMs ask the new wording, on the new scale.
    await advance_to(env, utc(2026, 2, 16, 11))
    member = world.members[0]
    [invitation] = invitations(member, "middle")
    assert "10 short questions" in invitation.content  # nine kept, Trust added
    answering = dm_answering(member, invitation)
    await answering.click("Start")
    step = answering.message
    assert "## Equal voices" in step.content
    assert NEW_MEANING in step.content and NEW_MIDDLE in step.content
    assert "1 · Not at all" in labels(step)
    await answering.answer_all([5] * 10)
    for m, rating in zip(world.members[1:3], (4, 5), strict=True):
        await answer_invitation(m, [rating] * 10)
    await advance_to(env, utc(2026, 2, 23, 12))

    # The beginning's summary is as it was; the middle's compares Equal voices with it.
    assert summaries(world, "beginning")[0].content == before
    [middle] = summaries(world, "middle")
    assert "**Equal voices**" in middle.content and "since the beginning" in middle.content
    assert "**Trust**" in middle.content and "**Thorough**" not in middle.content

    text = await file_text(await slash(world, "project report", name=PROJECT))
    assert "Equal voices" in text and "Trust" in text
    assert "Thorough" in text  # removed later, it stays for the check-in that asked it


async def test_import_names_field_and_line_and_export_round_trips(env):
    world = await ready(env, members=1, open_checkin=False)
    exported = await slash(world, "framework export", name="ten-components")
    text = await file_text(exported)
    assert "id: ten-components" in text

    broken = text.replace(
        "  - key: inclusive\n    name: Inclusive\n", "  - key: inclusive\n    name:\n", 1
    )
    refused = await slash(world, "framework import", file=("ours.yaml", broken.encode()))
    said = reply_text(refused)
    assert said.startswith("`ours.yaml`, line ") and "component 2: name" in said
    assert "Nothing was imported" in said

    data = yaml.safe_load(text)
    data["components"][1]["questions"]["middle"] = None
    refused = await slash(
        world, "framework import", file=("ours.yaml", yaml.safe_dump(data).encode())
    )
    said = reply_text(refused)
    assert said.startswith("`ours.yaml`, line ") and "component 2 (Inclusive)" in said
    assert "middle" in said
    assert "this server's own" not in reply_text(await slash(world, "framework list"))

    renamed = text.replace("title: Ten components of co-production", "title: Shared with us", 1)
    imported = await slash(world, "framework import", file=("shared.yaml", renamed.encode()))
    assert "Imported **Shared with us**" in reply_text(imported)
    again = await slash(world, "framework export", name="shared-with-us")
    round_trip = await file_text(again)
    assert (
        round_trip.replace("shared-with-us", "ten-components").replace(
            "Shared with us", "Ten components of co-production"
        )
        == text
    )


async def test_an_import_that_repeats_itself_by_alias_is_refused_and_read_off_the_loop(
    env, monkeypatch
):
    world = await ready(env, members=1, open_checkin=False)
    text = await file_text(await slash(world, "framework export", name="ten-components"))
    data = yaml.safe_load(text)
    del data["translations"]  # the file's own come after, as written below
    ours = yaml.safe_dump({**data, "title": "Ours"}, sort_keys=False, allow_unicode=True)
    # A few kB that stand for millions of parts: each language's words repeat one mapping
    # of 300 components, each the same component. Checked in full, that is 90,000 component
    # texts, and a file of 100 kB could stand for hundreds of millions.
    parts = "".join(f"      k{i}: *part\n" for i in range(300))
    words = "".join(f"  l{i}:\n    components: *parts\n" for i in range(300))
    bomb = (
        ours
        + "translations:\n  cy:\n    components: &parts\n      inclusive: &part\n"
        + "        name: Cynhwysol\n"
        + parts
        + words
    )
    threads: list[bool] = []
    real_import = framework_edit.import_yaml

    def watched(text: str, *, filename: str) -> dict[str, Any]:
        threads.append(threading.current_thread() is threading.main_thread())
        return real_import(text, filename=filename)

    monkeypatch.setattr(framework_edit, "import_yaml", watched)

    refused = await slash(world, "framework import", file=("bomb.yaml", bomb.encode()))
    first_alias = bomb.splitlines().index("      k0: *part") + 1
    assert reply_text(refused) == (
        f"`bomb.yaml`, line {first_alias}: this file repeats another part of itself with an "
        "alias (`*` and a name). Write each part out in full, as `/framework export` does. "
        "Nothing was imported."
    )
    assert await env.bot.store.list_server_frameworks(env.guild.id) == []

    # Without the aliases the same file imports, and an anchor alone (`&name`) is harmless.
    kept = ours + "translations:\n  cy:\n    components:\n      inclusive: &part\n"
    kept += "        name: Cynhwysol\n"
    imported = await slash(world, "framework import", file=("ours.yaml", kept.encode()))
    assert "Imported **Ours**" in reply_text(imported)
    assert [fid for fid, _ in await env.bot.store.list_server_frameworks(env.guild.id)] == ["ours"]
    # Both files were read and checked in a thread, never on the event loop's own.
    assert threads == [False, False]


async def test_delete_is_refused_while_a_project_uses_it(env):
    world = await ready(env, members=1, open_checkin=False)
    await slash(world, "framework copy", source="ten-components", name="Ours")
    await slash(world, "project edit", name=PROJECT, framework="ours")
    refused = await slash(world, "framework delete", name="ours")
    assert f"**{PROJECT}**" in reply_text(refused)
    await slash(world, "project edit", name=PROJECT, framework="ten-components")
    asked = await slash(world, "framework delete", name="ours")
    done = await world.facilitator.click(asked.response.message, label="Delete it")
    assert "Deleted `ours`" in done.response.message.content
    assert "ours" not in reply_text(await slash(world, "framework list"))
    log = reply_text(await slash(world, "settings audit"))
    for line in (
        "made a framework of this server's own (ten-components → ours)",
        f"switched **{PROJECT}** to another framework (ours)",
        "deleted a framework of this server (ours)",
    ):
        assert line in log


async def test_another_server_cannot_see_or_use_it(env):
    world = await ready(env, members=1, open_checkin=False)
    await slash(world, "framework copy", source="ten-components", name="Ours")
    other_guild = env.create_guild(name="Elsewhere")
    channel = other_guild.create_text_channel("board")
    lead = other_guild.create_role("Lead", permissions=discord.Permissions(manage_guild=True))
    other = other_guild.add_member(env.create_user("zoe"), roles=[lead])
    listed = reply_text(await other.slash(channel, "framework list"))
    assert "`ours`" not in listed
    shown = reply_text(await other.slash(channel, "framework show", name="ours"))
    assert shown == env.bot.prompts("errors.unknown_framework", value="ours")
    refused = await other.slash(
        channel,
        "project create",
        name="Theirs",
        channel=channel,
        starts="2026-01-05",
        ends="2026-03-27",
        framework="ours",
    )
    assert "ours" in reply_text(refused) and "Created" not in reply_text(refused)


async def test_a_member_is_refused_every_editing_command(env):
    world = await ready(env, members=1, open_checkin=False)
    await slash(world, "framework copy", source="ten-components", name="Ours")
    member = world.members[0]
    refusal = env.bot.prompts("errors.not_facilitator")
    commands = [
        ("framework copy", {"source": "ten-components", "name": "Mine"}),
        ("framework edit", {"name": "ours", "component": "equal"}),
        ("framework add", {"name": "ours", "component": "Trust"}),
        ("framework remove", {"name": "ours", "component": "equal"}),
        ("framework move", {"name": "ours", "component": "equal", "position": 2}),
        ("framework scale", {"name": "ours", "labels": "No, Yes, Maybe"}),
        ("framework import", {"file": ("x.yaml", b"id: x\n")}),
        ("framework export", {"name": "ours"}),
        ("framework delete", {"name": "ours"}),
    ]
    for command, options in commands:
        result = await member.slash(world.channel, command, **options)
        assert reply_text(result) == refusal, command
    # ...while anyone may look.
    assert "`ours`" in reply_text(await member.slash(world.channel, "framework list"))
