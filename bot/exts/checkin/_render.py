"""What a member sees during a check-in: the invitation, each step, the review."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core.custom_ids import FlowButton, FlowVerb
from bot.core.flow import Step, StepKind, question_steps, step_at, steps
from bot.core.frameworks import Framework
from bot.core.models import Answer, Checkin, DirectionChoice, Project, Response
from bot.core.prompts import Prompts
from bot.core.text import shorten
from bot.exts._shared import stamp
from bot.exts.checkin._items import FlowItem

if TYPE_CHECKING:
    from bot.app import CoreflectBot

Screen = tuple[str, discord.ui.View | None]

REVIEW_COMMENT_CHARS = 120
CURRENT_COMMENT_CHARS = 300


def _view(*items: FlowItem) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def _button(
    checkin: Checkin,
    verb: FlowVerb,
    label: str,
    *,
    step: int = 0,
    value: str = "",
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    row: int | None = None,
) -> FlowItem:
    return FlowItem(FlowButton(checkin.id, verb, step, value), label=label, style=style, row=row)


def invitation(
    bot: CoreflectBot, project: Project, checkin: Checkin, framework: Framework
) -> Screen:
    """The DM that opens a check-in, with Start and Not this time."""
    p = bot.prompts
    content = p(
        "dm.invitation",
        project=project.name,
        phase=p.phase(checkin.phase),
        count=question_steps(framework),
        closes=stamp(checkin.closes_at),
        relative=stamp(checkin.closes_at, "R"),
    )
    view = _view(
        _button(checkin, FlowVerb.START, p("dm.start"), style=discord.ButtonStyle.primary),
        _button(checkin, FlowVerb.DECLINE, p("dm.decline")),
    )
    return content, view


def reminder(
    bot: CoreflectBot, project: Project, checkin: Checkin, answered: int, invited: int
) -> Screen:
    p = bot.prompts
    content = p(
        "dm.reminder",
        project=project.name,
        phase=p.phase(checkin.phase),
        answered=answered,
        invited=invited,
        closes=stamp(checkin.closes_at),
        relative=stamp(checkin.closes_at, "R"),
    )
    view = _view(_button(checkin, FlowVerb.START, p("dm.start"), style=discord.ButtonStyle.primary))
    return content, view


def declined(bot: CoreflectBot, checkin: Checkin) -> Screen:
    p = bot.prompts
    view = _view(_button(checkin, FlowVerb.START, p("dm.start_anyway")))
    return p("dm.declined", closes=stamp(checkin.closes_at)), view


def closed(bot: CoreflectBot) -> Screen:
    return bot.prompts("flow.closed"), None


def _choice_label(prompts: Prompts, choice: DirectionChoice) -> str:
    return prompts(f"flow.choice_{choice.value}")


def _header(
    p: Prompts, project: Project, checkin: Checkin, framework: Framework, step: Step
) -> str:
    if step.kind is StepKind.COMPONENT:
        progress = p(
            "flow.progress_component", number=step.index + 1, total=question_steps(framework)
        )
    elif step.kind is StepKind.DIRECTION:
        number = step.index - question_steps(framework) + 1
        progress = p(
            "flow.progress_direction", number=number, total=len(framework.direction_checks)
        )
    elif step.kind is StepKind.ANYTHING_ELSE:
        progress = p("flow.progress_last")
    else:
        progress = p("flow.progress_review")
    return p("flow.header", project=project.name, phase=p.phase(checkin.phase), progress=progress)


def _current(p: Prompts, framework: Framework, answer: Answer | None) -> list[str]:
    if answer is None:
        return []
    lines = []
    if answer.rating is not None:
        lines.append(p("flow.current_rating", label=framework.label(answer.rating)))
    elif answer.choice is not None:
        lines.append(p("flow.current_choice", label=_choice_label(p, answer.choice)))
    elif answer.skipped:
        lines.append(p("flow.current_skipped"))
    if answer.comment:
        lines.append(
            p("flow.current_comment", comment=shorten(answer.comment, CURRENT_COMMENT_CHARS))
        )
    return lines


def _answer_text(p: Prompts, framework: Framework, answer: Answer | None) -> str:
    if answer is None:
        return p("flow.review_not_answered")
    if answer.rating is not None:
        return f"{answer.rating} · {framework.label(answer.rating)}"
    if answer.choice is not None:
        return _choice_label(p, answer.choice)
    if answer.skipped:
        return p("flow.review_skipped")
    return p("flow.review_not_answered")


def review_lines(p: Prompts, framework: Framework, response: Response) -> list[str]:
    """One line per answer (and its comment), as the member alone sees them."""
    lines = []
    for step in steps(framework):
        if step.kind is StepKind.REVIEW:
            continue
        answer = response.answers.get(step.item)
        if step.kind is StepKind.ANYTHING_ELSE:
            if answer and answer.comment:
                name = p("flow.progress_last").capitalize()
                lines.append(p("flow.review_line", name=name, answer=""))
                lines.append(
                    p("flow.review_comment", comment=shorten(answer.comment, REVIEW_COMMENT_CHARS))
                )
            continue
        name = step.component.name if step.component else step.direction.question  # type: ignore[union-attr]
        lines.append(p("flow.review_line", name=name, answer=_answer_text(p, framework, answer)))
        if answer and answer.comment:
            lines.append(
                p("flow.review_comment", comment=shorten(answer.comment, REVIEW_COMMENT_CHARS))
            )
    return lines


def step_screen(
    bot: CoreflectBot,
    project: Project,
    checkin: Checkin,
    framework: Framework,
    index: int,
    response: Response,
) -> Screen:
    """The message for one step, with its buttons."""
    p = bot.prompts
    step = step_at(framework, index)
    header = _header(p, project, checkin, framework, step)
    answer = response.answers.get(step.item)
    items: list[FlowItem] = []
    comment_label = p("flow.edit_comment") if answer and answer.comment else p("flow.add_comment")
    back = _button(checkin, FlowVerb.BACK, p("flow.back"), step=step.index, row=4)

    if step.kind is StepKind.COMPONENT:
        assert step.component is not None
        body = p(
            "flow.component",
            name=step.component.name,
            meaning=step.component.meaning,
            question=step.component.questions.for_phase(checkin.phase),
        )
        for value in framework.scale_values:
            chosen = answer is not None and answer.rating == value
            items.append(
                _button(
                    checkin,
                    FlowVerb.RATE,
                    f"{value} · {framework.label(value)}",
                    step=step.index,
                    value=str(value),
                    style=discord.ButtonStyle.primary if chosen else discord.ButtonStyle.secondary,
                    row=(value - 1) // 5,
                )
            )
        items.append(_button(checkin, FlowVerb.SKIP, p("flow.skip"), step=step.index, row=3))
        items.append(_button(checkin, FlowVerb.COMMENT, comment_label, step=step.index, row=3))
        if step.index > 0:
            items.append(back)
    elif step.kind is StepKind.DIRECTION:
        assert step.direction is not None
        body = p("flow.direction", question=step.direction.question, hint=step.direction.hint)
        for choice in DirectionChoice:
            chosen = answer is not None and answer.choice is choice
            items.append(
                _button(
                    checkin,
                    FlowVerb.CHOOSE,
                    _choice_label(p, choice),
                    step=step.index,
                    value=choice.value,
                    style=discord.ButtonStyle.primary if chosen else discord.ButtonStyle.secondary,
                    row=0,
                )
            )
        items.append(_button(checkin, FlowVerb.SKIP, p("flow.skip"), step=step.index, row=1))
        items.append(_button(checkin, FlowVerb.COMMENT, comment_label, step=step.index, row=1))
        items.append(back)
    elif step.kind is StepKind.ANYTHING_ELSE:
        body = p("flow.anything_else")
        items.append(
            _button(
                checkin,
                FlowVerb.COMMENT,
                comment_label,
                step=step.index,
                style=discord.ButtonStyle.primary,
            )
        )
        items.append(_button(checkin, FlowVerb.NEXT, p("flow.next"), step=step.index))
        items.append(back)
    else:
        body = p("flow.review", lines="\n".join(review_lines(p, framework, response)))
        if response.submitted:
            body += "\n\n" + p("flow.review_submitted", closes=stamp(checkin.closes_at))
            items.append(_button(checkin, FlowVerb.CHANGE, p("flow.change"), step=step.index))
        else:
            body += "\n\n" + p("flow.review_submit_hint")
            items.append(
                _button(
                    checkin,
                    FlowVerb.SUBMIT,
                    p("flow.submit"),
                    step=step.index,
                    style=discord.ButtonStyle.success,
                )
            )
            items.append(back)
    lines = [header, body, *(_current(p, framework, answer) if step.item else [])]
    return shorten_message("\n".join(lines)), _view(*items)


def shorten_message(content: str, limit: int = 2000) -> str:
    """Keep a screen under Discord's 2000 characters (only a huge custom framework needs it)."""
    return content if len(content) <= limit else content[: limit - 1] + "…"
