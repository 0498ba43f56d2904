"""What a member sees during a check-in: the invitation, each step, the review.

A screen is its text and the buttons (and, on the priorities step, the select menu) under
it, as data (`Button`, `Menu`); `_items.view_of` turns them into the flow's DynamicItems,
so this module needs nothing from the items that handle the clicks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import discord

from bot.core.custom_ids import FlowButton, FlowVerb
from bot.core.flow import Step, StepKind, question_steps, step_at, steps
from bot.core.frameworks import Framework
from bot.core.models import Answer, Checkin, DirectionChoice, Phase, Project, Response
from bot.core.prompts import Prompts
from bot.core.text import MESSAGE_LIMIT, shorten
from bot.exts._replies import stamp


@dataclass(frozen=True, slots=True)
class Button:
    """One button of the check-in flow: what it does (its custom_id) and how it looks."""

    state: FlowButton
    label: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Menu:
    """The priorities select menu: which step it is on (its custom_id), the components it
    offers (key, name), how many may be picked, and those picked so far."""

    state: FlowButton
    placeholder: str
    options: tuple[tuple[str, str], ...]
    max_values: int
    chosen: frozenset[str] = frozenset()
    row: int = 0


Control = Button | Menu
Screen = tuple[str, tuple[Control, ...]]  # no controls: the screen ends the flow

REVIEW_COMMENT_CHARS = 120
CURRENT_COMMENT_CHARS = 300
# A comment preview shorter than this says nothing; below it the review lists answers only.
MIN_COMMENT_CHARS = 40
# Names (direction questions are free text) shortened on a crowded review, never below this.
MAX_NAME_CHARS = 80
MIN_NAME_CHARS = 20


def _button(
    checkin: Checkin,
    verb: FlowVerb,
    label: str,
    *,
    step: int = 0,
    value: str = "",
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    row: int | None = None,
) -> Button:
    return Button(FlowButton(checkin.id, verb, step, value), label, style, row)


def invitation(p: Prompts, project: Project, checkin: Checkin, framework: Framework) -> Screen:
    """The DM that opens a check-in, with Start and Not this time."""
    content = p(
        "dm.invitation",
        project=project.name,
        phase=p.phase(checkin.phase),
        count=question_steps(framework),
        closes=stamp(checkin.closes_at),
        relative=stamp(checkin.closes_at, "R"),
    )
    buttons = (
        _button(checkin, FlowVerb.START, p("dm.start"), style=discord.ButtonStyle.primary),
        _button(checkin, FlowVerb.DECLINE, p("dm.decline")),
    )
    return content, buttons


def reminder(p: Prompts, project: Project, checkin: Checkin, answered: int, invited: int) -> Screen:
    content = p(
        "dm.reminder",
        project=project.name,
        phase=p.phase(checkin.phase),
        count=answered,
        invited=invited,
        closes=stamp(checkin.closes_at),
        relative=stamp(checkin.closes_at, "R"),
    )
    start = _button(checkin, FlowVerb.START, p("dm.start"), style=discord.ButtonStyle.primary)
    return content, (start,)


def declined(p: Prompts, checkin: Checkin) -> Screen:
    start = _button(checkin, FlowVerb.START, p("dm.start_anyway"))
    return p("dm.declined", closes=stamp(checkin.closes_at)), (start,)


def closed(p: Prompts) -> Screen:
    return p("flow.closed"), ()


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
    elif step.kind is StepKind.PRIORITIES:
        progress = p("flow.progress_priorities")
    else:
        progress = p("flow.progress_review")
    return p("flow.header", project=project.name, phase=p.phase(checkin.phase), progress=progress)


def _current(
    p: Prompts,
    framework: Framework,
    answer: Answer | None,
    comment_chars: int | None = CURRENT_COMMENT_CHARS,
) -> list[str]:
    """The member's answer on this step; its comment cut to `comment_chars` (None: left out)."""
    if answer is None:
        return []
    lines = []
    if answer.rating is not None:
        lines.append(p("flow.current_rating", label=framework.label(answer.rating)))
    elif answer.choice is not None:
        lines.append(p("flow.current_choice", label=_choice_label(p, answer.choice)))
    elif answer.skipped:
        lines.append(p("flow.current_skipped"))
    if answer.comment and comment_chars is not None:
        lines.append(p("flow.current_comment", comment=shorten(answer.comment, comment_chars)))
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


def _picks_text(p: Prompts, framework: Framework, response: Response) -> str:
    """The member's priorities by name, in framework order; "skipped" if none."""
    names = [c.name for c in framework.components if c.key in response.priorities]
    return p("flow.priorities_joiner").join(names) if names else p("flow.review_skipped")


def review_lines(
    p: Prompts,
    framework: Framework,
    phase: Phase,
    response: Response,
    comment_chars: int | None = REVIEW_COMMENT_CHARS,
    name_chars: int | None = None,
) -> list[str]:
    """One line per answer (and its comment cut to `comment_chars`, or left out if None),
    as the member alone sees them; names cut to `name_chars` if given."""
    lines = []
    for step in steps(framework, phase):
        if step.kind is StepKind.REVIEW:
            continue
        if step.kind is StepKind.PRIORITIES:
            lines.append(
                p(
                    "flow.review_line",
                    name=p("flow.review_priorities"),
                    answer=_picks_text(p, framework, response),
                )
            )
            continue
        answer = response.answers.get(step.item)
        if step.kind is StepKind.ANYTHING_ELSE:
            if answer and answer.comment:
                name = p("flow.progress_last").capitalize()
                lines.append(p("flow.review_line", name=name, answer=""))
                if comment_chars is not None:
                    comment = shorten(answer.comment, comment_chars)
                    lines.append(p("flow.review_comment", comment=comment))
            continue
        name = step.component.name if step.component else step.direction.question  # type: ignore[union-attr]
        if name_chars is not None:
            name = shorten(name, name_chars)
        lines.append(p("flow.review_line", name=name, answer=_answer_text(p, framework, answer)))
        if answer and answer.comment and comment_chars is not None:
            lines.append(p("flow.review_comment", comment=shorten(answer.comment, comment_chars)))
    return lines


def _comment_count(response: Response) -> int:
    return sum(1 for answer in response.answers.values() if answer.comment)


def review_content(
    p: Prompts,
    header: str,
    framework: Framework,
    phase: Phase,
    response: Response,
    end: str,
    limit: int = MESSAGE_LIMIT,
) -> str:
    """The review screen: every answer and the closing line (`end`, the Submit hint or the
    thank-you) always whole, comment previews as long as fit in `limit`."""

    def join(lines: list[str]) -> str:
        return "\n".join([header, p("flow.review", lines="\n".join(lines)) + "\n\n" + end])

    def compose(comment_chars: int | None) -> str:
        return join(review_lines(p, framework, phase, response, comment_chars))

    content = compose(REVIEW_COMMENT_CHARS)
    if len(content) <= limit:
        return content
    # The longest preview that fits: the length only grows with the preview, so bisect.
    low, high = MIN_COMMENT_CHARS, REVIEW_COMMENT_CHARS - 1
    best: str | None = None
    while low <= high:
        middle = (low + high) // 2
        candidate = compose(middle)
        if len(candidate) <= limit:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if best is not None:
        return best
    # No room for previews: the answers alone, saying how many comments there are; names
    # shortened if even that is too long (only a huge custom framework).
    hidden = [p("flow.review_comments_hidden", count=n)] if (n := _comment_count(response)) else []
    lines = [*review_lines(p, framework, phase, response, None), *hidden]
    if len(join(lines)) <= limit:
        return join(lines)
    for name_chars in range(MAX_NAME_CHARS, MIN_NAME_CHARS - 1, -5):
        lines = [*review_lines(p, framework, phase, response, None, name_chars), *hidden]
        if len(join(lines)) <= limit:
            return join(lines)
    # Only a huge custom framework: drop whole answer lines from the end, never the end.
    while lines and len(join([*lines, "…"])) > limit:
        lines.pop()
    return shorten_message(join([*lines, "…"]), limit, keep_end=len(end))


def step_screen(
    p: Prompts,
    project: Project,
    checkin: Checkin,
    framework: Framework,
    index: int,
    response: Response,
) -> Screen:
    """The message for one step, with its buttons."""
    step = step_at(framework, checkin.phase, index)
    header = _header(p, project, checkin, framework, step)
    answer = response.answers.get(step.item)
    items: list[Control] = []
    comment_label = p("flow.edit_comment") if answer and answer.comment else p("flow.add_comment")
    back = _button(checkin, FlowVerb.BACK, p("flow.back"), step=step.index, row=4)

    if step.kind is StepKind.COMPONENT:
        assert step.component is not None
        component = step.component

        def body(explanation: int | None) -> str:
            meaning = component.meaning
            return p(
                "flow.component",
                name=component.name,
                meaning=meaning if explanation is None else shorten(meaning, explanation),
                question=component.questions.for_phase(checkin.phase),
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
        direction = step.direction

        def body(explanation: int | None) -> str:
            hint = direction.hint if explanation is None else shorten(direction.hint, explanation)
            return p("flow.direction", question=direction.question, hint=hint)

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

        def body(explanation: int | None) -> str:
            return p("flow.anything_else")

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
    elif step.kind is StepKind.PRIORITIES:
        count = framework.priorities
        picked = [c.name for c in framework.components if c.key in response.priorities]

        def body(explanation: int | None) -> str:
            text = p("flow.priorities", count=count)
            if picked:
                names = p("flow.priorities_joiner").join(picked)
                text += "\n" + p("flow.priorities_current", names=names)
            return text

        items.append(
            Menu(
                FlowButton(checkin.id, FlowVerb.PICK, step.index),
                p("flow.priorities_placeholder", count=count),
                tuple((c.key, c.name) for c in framework.components),
                count,
                frozenset(response.priorities),
            )
        )
        items.append(_button(checkin, FlowVerb.SKIP, p("flow.skip"), step=step.index, row=1))
        items.append(_button(checkin, FlowVerb.BACK, p("flow.back"), step=step.index, row=1))
    else:
        if response.submitted:
            end = p("flow.review_submitted", closes=stamp(checkin.closes_at))
            items.append(_button(checkin, FlowVerb.CHANGE, p("flow.change"), step=step.index))
        else:
            end = p("flow.review_submit_hint")
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
    if step.kind is StepKind.REVIEW:
        return review_content(p, header, framework, checkin.phase, response, end), tuple(items)
    return _fit_step(p, framework, header, body, answer if step.item else None), tuple(items)


def _fit_step(
    p: Prompts,
    framework: Framework,
    header: str,
    body: Callable[[int | None], str],
    answer: Answer | None,
    limit: int = MESSAGE_LIMIT,
) -> str:
    """A step's text within `limit`. `body(n)` is the step's text with its explanation (a
    component's meaning, a direction check's hint) cut to n characters, None: whole. The
    comment preview gives way first, then the explanation; the name, the question and the
    current answer stay whole."""

    def compose(comment_chars: int | None, explanation: int | None = None) -> str:
        current = _current(p, framework, answer, comment_chars)
        return "\n".join([header, body(explanation), *current])

    content = compose(CURRENT_COMMENT_CHARS)
    if len(content) <= limit:
        return content
    if answer is not None and answer.comment:
        spare = limit - len(compose(1)) + 1  # compose(1) holds a one-character "…"
        if spare >= MIN_COMMENT_CHARS:
            return compose(min(spare, CURRENT_COMMENT_CHARS))
    for comment_chars in (MIN_COMMENT_CHARS, None):
        if comment_chars is not None and not (answer is not None and answer.comment):
            continue
        spare = limit - len(compose(comment_chars, 1)) + 1
        if spare >= MIN_COMMENT_CHARS:
            return compose(comment_chars, spare)
    # A question longer than a message (a huge custom framework): cut it, keep the answer.
    current = "\n".join(_current(p, framework, answer, None))
    return shorten_message(compose(None, 1), limit, keep_end=len(current) + 1 if current else 0)


def shorten_message(content: str, limit: int = MESSAGE_LIMIT, *, keep_end: int = 0) -> str:
    """Keep a screen under Discord's 2000 characters (only a huge custom framework needs it),
    cutting before the last `keep_end` characters so that they stay whole."""
    if len(content) <= limit:
        return content
    keep_end = min(keep_end, limit - 1)
    head = content[: len(content) - keep_end]
    tail = content[len(content) - keep_end :]
    return head[: limit - keep_end - 1] + "…" + tail
