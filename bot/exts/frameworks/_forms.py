"""The framework editor's modals and buttons, answered from their `custom_id` alone.

Like the comment box, a modal sent here does nothing on submit: every submission is answered
by `FrameworkForms.on_modal_interaction`, from its `custom_id` (which framework, which component,
which form) and the text sent, before and after a restart. The framework is always one of
the server the interaction comes from, and only a facilitator may change it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord
from discord.ext import commands

from bot.core.custom_ids import (
    FRAMEWORK_DELETE_TEMPLATE,
    FRAMEWORK_MODAL_PREFIX,
    FRAMEWORK_MODAL_TEMPLATE,
    FRAMEWORK_QUESTIONS_TEMPLATE,
    framework_delete_id,
    framework_modal_id,
    framework_questions_id,
)
from bot.core.framework_edit import (
    FrameworkEditError,
    add_component,
    edit_component,
    find_component,
    missing,
    set_questions,
)
from bot.core.prompts import Prompts
from bot.exts._access import is_facilitator
from bot.exts._audit import audit
from bot.exts._context import services
from bot.exts._language import speak_server
from bot.exts._modal_text import modal_submission, text_input_value
from bot.exts._replies import refuse, reply

log = logging.getLogger(__name__)

# Discord's limits: a modal title and a text input's label 45 characters, a value 4,000.
TITLE_CHARS = 45
LABEL_CHARS = 45
NAME_CHARS = 80
TEXT_CHARS = 1000  # a meaning, a question, a prompt: one message shows a question and meaning
PHASES = ("beginning", "middle", "end", "extra")
FORM_SECONDS = 3600  # an abandoned form leaves discord.py's memory after an hour


def _input(
    label: str, custom_id: str, value: str, *, max_length: int, long: bool = True
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        label=label[:LABEL_CHARS],
        custom_id=custom_id,
        default=value or None,
        style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
        max_length=max_length,
        required=True,
    )


class _Form(discord.ui.Modal):
    """A form as shown; what is sent back is answered by `FrameworkForms`."""

    def __init__(self, title: str, custom_id: str) -> None:
        super().__init__(title=title[:TITLE_CHARS], custom_id=custom_id, timeout=FORM_SECONDS)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Nothing: `FrameworkForms` answers every submission, so none is answered twice."""

    async def on_error(  # type: ignore[override]  # the same as Modal.on_error
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        log.debug("the in-memory copy of a framework form could not be updated", exc_info=error)


def component_form(
    p: Prompts, framework_id: str, component: Mapping[str, Any] | None, name: str = ""
) -> discord.ui.Modal:
    """The name, meaning and discussion prompt of a component (None: a new one)."""
    key = component["key"] if component else None
    part = "c" if component else "n"
    title = p("framework.form_component", name=(component or {}).get("name") or name)
    form = _Form(title, framework_modal_id(part, framework_id, key))
    source = component or {}
    form.add_item(
        _input(
            p("framework.field_name"),
            "name",
            source.get("name", name),
            max_length=NAME_CHARS,
            long=False,
        )
    )
    form.add_item(
        _input(
            p("framework.field_meaning"),
            "meaning",
            source.get("meaning", ""),
            max_length=TEXT_CHARS,
        )
    )
    form.add_item(
        _input(
            p("framework.field_prompt"),
            "discussion_prompt",
            source.get("discussion_prompt", ""),
            max_length=TEXT_CHARS,
        )
    )
    return form


def questions_form(p: Prompts, framework_id: str, component: Mapping[str, Any]) -> discord.ui.Modal:
    """A component's four questions, one for each check-in."""
    title = p("framework.form_questions", name=component["name"])
    form = _Form(title, framework_modal_id("q", framework_id, component["key"]))
    questions = component.get("questions") or {}
    for phase in PHASES:
        label = p(f"framework.field_{phase}")
        form.add_item(_input(label, phase, questions.get(phase, ""), max_length=TEXT_CHARS))
    return form


class QuestionsButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=FRAMEWORK_QUESTIONS_TEMPLATE
):
    """Opens the questions form of one component of one of this server's frameworks."""

    def __init__(self, framework_id: str, component_key: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=framework_questions_id(framework_id, component_key),
            )
        )
        self.framework_id = framework_id
        self.component_key = component_key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QuestionsButton:
        return cls(match["framework"], match["component"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await speak_server(interaction)
        found = await _editable(interaction, self.framework_id)
        if found is None:
            return
        try:
            index = find_component(found, self.component_key)
        except FrameworkEditError as error:
            await refuse(interaction, error.key, **error.values)
            return
        p = services(interaction).prompts
        component = found["components"][index]
        await interaction.response.send_modal(questions_form(p, self.framework_id, component))


class DeleteFrameworkButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=FRAMEWORK_DELETE_TEMPLATE
):
    """Confirm or cancel `/framework delete`."""

    def __init__(self, framework_id: str, confirm: bool, label: str | None = None) -> None:
        style = discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=framework_delete_id(framework_id, confirm=confirm),
            )
        )
        self.framework_id = framework_id
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DeleteFrameworkButton:
        return cls(match["framework"], match["answer"] == "yes")

    async def callback(self, interaction: discord.Interaction) -> None:
        await speak_server(interaction)
        p = services(interaction).prompts
        if not await is_facilitator(interaction):
            await refuse(interaction, "errors.not_facilitator")
            return
        assert interaction.guild is not None
        if not self.confirm:
            await interaction.response.edit_message(
                content=p("framework.delete_cancelled"), view=None
            )
            return
        frameworks = services(interaction).server_frameworks
        if await frameworks.draft(interaction.guild.id, self.framework_id) is None:
            await interaction.response.edit_message(
                content=p("framework.unknown_server", value=self.framework_id), view=None
            )
            return
        using = await frameworks.delete(interaction.guild.id, self.framework_id)
        if using:
            await interaction.response.edit_message(
                content=p(
                    "framework_edit.in_use", framework=self.framework_id, projects=_names(using)
                ),
                view=None,
            )
            return
        await audit(interaction, "framework_delete", detail=self.framework_id)
        await interaction.response.edit_message(
            content=p("framework.deleted", framework=self.framework_id), view=None
        )


def delete_view(p: Prompts, framework_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteFrameworkButton(framework_id, True, p("framework.delete_yes")))
    view.add_item(DeleteFrameworkButton(framework_id, False, p("framework.delete_no")))
    return view


def _names(projects: list[str]) -> str:
    return ", ".join(f"**{name}**" for name in projects)


async def _editable(interaction: discord.Interaction, framework_id: str) -> dict[str, Any] | None:
    """This server's framework, if the person may change it; otherwise say why, and None."""
    if interaction.guild is None:
        await refuse(interaction, "errors.guild_only")
        return None
    if not await is_facilitator(interaction):
        await refuse(interaction, "errors.not_facilitator")
        return None
    found = services(interaction).server_frameworks
    draft = await found.draft(interaction.guild.id, framework_id)
    if draft is None:
        await refuse(interaction, "framework.unknown_server", value=framework_id[:40])
    return draft


def missing_line(p: Prompts, draft: Mapping[str, Any]) -> str:
    """What the framework still needs before a check-in can use it ("" if nothing)."""
    gaps = missing(dict(draft))
    if not gaps:
        return p("framework.complete")
    return p("framework.incomplete", items="; ".join(gap.describe() for gap in gaps))


def questions_view(p: Prompts, framework_id: str, component_key: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(QuestionsButton(framework_id, component_key, p("framework.edit_questions")))
    return view


class FrameworkForms(commands.Cog):
    """Answers every framework form submission, from any opening, before or after a restart."""

    @commands.Cog.listener()
    async def on_modal_interaction(self, interaction: discord.Interaction) -> None:
        submission = modal_submission(
            interaction, lambda custom_id: custom_id.startswith(FRAMEWORK_MODAL_PREFIX)
        )
        if submission is None:
            return
        await speak_server(interaction)
        try:
            await self._answer(interaction, *submission)
        except Exception:
            log.exception("a framework form could not be saved")
            await refuse(interaction, "errors.generic")

    async def _answer(self, interaction: discord.Interaction, custom_id: str, sent: Any) -> None:
        match = re.fullmatch(FRAMEWORK_MODAL_TEMPLATE, custom_id)
        if match is None:
            await refuse(interaction, "errors.stale_button")
            return
        framework_id, part, key = match["framework"], match["part"], match["component"]
        draft = await _editable(interaction, framework_id)
        if draft is None:
            return
        assert interaction.guild is not None
        p = services(interaction).prompts
        fields = {
            name: text_input_value(sent, name)
            for name in ("name", "meaning", "discussion_prompt", *PHASES)
        }
        try:
            if part == "q":
                values = [fields[phase] for phase in PHASES]
                if any(value is None for value in values):
                    await refuse(interaction, "errors.stale_button")
                    return
                changed = set_questions(
                    draft, key, **{phase: fields[phase] or "" for phase in PHASES}
                )
                shown = changed["components"][find_component(changed, key)]
            else:
                texts = [fields["name"], fields["meaning"], fields["discussion_prompt"]]
                if any(value is None for value in texts):
                    await refuse(interaction, "errors.stale_button")
                    return
                name, meaning, prompt = (value or "" for value in texts)
                if part == "c":
                    changed = edit_component(
                        draft, key, name=name, meaning=meaning, discussion_prompt=prompt
                    )
                    shown = changed["components"][find_component(changed, key)]
                else:
                    changed = add_component(
                        draft, name=name, meaning=meaning, discussion_prompt=prompt
                    )
                    shown = changed["components"][find_component(changed, name)]
        except FrameworkEditError as error:
            await refuse(interaction, error.key, **error.values)
            return
        await services(interaction).server_frameworks.save(interaction.guild.id, changed)
        action = {"q": "framework_questions", "c": "framework_edit", "n": "framework_add"}[part]
        await audit(interaction, action, detail=f"{framework_id}: {shown['name']}")
        saved = p(f"framework.saved_{part}", name=shown["name"], framework=changed["title"])
        text = "\n".join([saved, missing_line(p, changed)])
        if part == "q":
            await reply(interaction, text)
        else:
            await reply(interaction, text, view=questions_view(p, framework_id, shown["key"]))
