"""The Discord text of a check-in's group summary, every sentence from prompts.

`render_pages` turns a `CheckinSummary` (the maths, `bot.core.summary`) into messages of at
most 2,000 characters: the results, and the comments on pages of their own (for a thread
under the results). It shows only what the summary holds, so a number the thresholds
withheld cannot appear. Averages are written as shown (`shown_average`: one decimal, halves
up); a trend is an arrow and a signed change per earlier check-in; a distribution is a
one-line bar (`bar_of`) with its counts. A comment is never split between two messages, and
a comment group spilling onto a new page is titled again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.core.frameworks import Framework
from bot.core.models import DirectionChoice
from bot.core.prompts import Prompts
from bot.core.redaction import PLACEHOLDER_KEYS
from bot.core.summary import (
    COMMENTS_HIDDEN,
    Change,
    CheckinSummary,
    ComponentResult,
    Highlight,
    shown_average,
)
from bot.core.text import MESSAGE_LIMIT, clip, pack_lines

MAX_TITLE = 200  # a comment group's title (a long direction-check question is shortened)
BAR_LEVELS = "▁▂▃▄▅▆▇█"


_TOKENS = re.compile("|".join(re.escape(p) for p in PLACEHOLDER_KEYS))


def in_words(comment: str, prompts: Prompts) -> str:
    """A redacted comment with its placeholders ("[name]") in the reader's language."""
    if "[" not in comment:
        return comment
    return _TOKENS.sub(lambda found: prompts(PLACEHOLDER_KEYS[found[0]]), comment)


def _format_average(average: float) -> str:
    return str(shown_average(average))


def _header(prompts: Prompts, project_name: str, phase_label: str) -> str:
    return prompts("summary.title", project=project_name, phase=phase_label)


def _component_block(result: ComponentResult, framework: Framework, prompts: Prompts) -> str:
    if not result.enough or result.average is None:
        return prompts("summary.component_not_enough", name=result.name)
    flag = prompts("summary.views_differ_flag") if result.views_differ else ""
    line = prompts(
        "summary.component",
        name=result.name,
        average=_format_average(result.average),
        trend=_trend(result.changes, prompts),
        count=result.rated_count,
        flag=flag,
    )
    if not result.distribution:
        return line
    counts = [result.distribution.get(v, 0) for v in framework.scale_values]
    points = prompts("summary.distribution_joiner").join(
        prompts("summary.distribution_point", value=value, count=count)
        for value, count in zip(framework.scale_values, counts, strict=True)
    )
    return line + "\n" + prompts("summary.distribution", bar=bar_of(counts), counts=points)


def _trend(changes: Sequence[Change], prompts: Prompts) -> str:
    if not changes:
        return ""
    parts = [
        prompts(
            "summary.change",
            arrow=_arrow(change.delta),
            delta=signed(change.delta),
            phase=prompts.phase(change.since),
        )
        for change in changes
    ]
    return prompts("summary.trend", changes=prompts("summary.list_joiner").join(parts))


def _arrow(delta: Decimal) -> str:
    return "↑" if delta > 0 else "↓" if delta < 0 else "→"


def signed(delta: Decimal) -> str:
    """A change as people read it: "+1.2", "−0.4" with a real minus sign, or "±0.0"."""
    if delta > 0:
        return f"+{delta}"
    if delta < 0:
        return f"−{-delta}"  # a real minus sign
    return "±0.0"


def bar_of(counts: Sequence[int]) -> str:
    """A one-line bar of counts, tallest for the most common rating; "·" for none."""
    top = max(counts, default=0)
    if top == 0:
        return "·" * len(counts)
    return "".join(
        BAR_LEVELS[max(0, -(-count * len(BAR_LEVELS) // top) - 1)] if count else "·"
        for count in counts
    )


def _highlight_blocks(summary: CheckinSummary, prompts: Prompts) -> list[str]:
    joiner = prompts("summary.list_joiner")

    def names(highlights: Sequence[Highlight]) -> str:
        return joiner.join(
            prompts("summary.highlight", name=h.name, average=_format_average(h.average))
            for h in highlights
        )

    blocks = []
    if summary.strongest:
        blocks.append(prompts("summary.strongest", names=names(summary.strongest)))
    if summary.weakest:
        lines = [prompts("summary.weakest", names=names(summary.weakest))]
        lines += [
            prompts("summary.discussion", name=h.name, prompt=h.discussion_prompt)
            for h in summary.weakest
            if h.discussion_prompt
        ]
        blocks.append("\n".join(lines))
    return blocks


def _direction_blocks(summary: CheckinSummary, prompts: Prompts) -> list[str]:
    if not summary.directions:
        return []
    blocks = [prompts("summary.directions_header")]
    for result in summary.directions:
        if result.enough:
            blocks.append(
                prompts(
                    "summary.direction",
                    question=result.question,
                    yes=result.counts.get(DirectionChoice.YES, 0),
                    no=result.counts.get(DirectionChoice.NO, 0),
                    unsure=result.counts.get(DirectionChoice.UNSURE, 0),
                )
            )
        else:
            blocks.append(prompts("summary.direction_not_enough", question=result.question))
    return blocks


def _priority_blocks(summary: CheckinSummary, prompts: Prompts) -> list[str]:
    """What matters most: the counts in a check-in that asked, or how the beginning's top
    priorities moved in a later one."""
    blocks = []
    if summary.priorities_asked:
        if summary.priorities_picked is None or not summary.priorities:
            blocks.append(prompts("summary.priorities_not_enough"))
        else:
            counts = prompts("summary.priorities_joiner").join(
                prompts("summary.priority_count", name=p.name, count=p.count)
                for p in summary.priorities
            )
            blocks.append(prompts("summary.priorities", counts=counts))
    if summary.priority_moves:
        lines = [prompts("summary.priority_moves_header")]
        for move in summary.priority_moves:
            delta = move.delta
            change = ""
            if delta is not None:
                change = prompts(
                    "summary.priority_move_change", arrow=_arrow(delta), delta=signed(delta)
                )
            lines.append(
                prompts(
                    "summary.priority_move",
                    name=move.name,
                    then=_shown_or_dash(move.then, prompts),
                    now=_shown_or_dash(move.now, prompts),
                    change=change,
                )
            )
        blocks.append("\n".join(lines))
    return blocks


def _shown_or_dash(average: float | None, prompts: Prompts) -> str:
    return prompts("summary.priority_not_shown") if average is None else _format_average(average)


def _comment_pages(summary: CheckinSummary, prompts: Prompts) -> list[str]:
    """Comments on pages of their own, each group titled again where it spills over."""
    if not summary.comments:
        return []
    pages: list[str] = []
    current = prompts("summary.comments_header")
    for group in summary.comments:
        title = clip(group.title, MAX_TITLE) if group.title else prompts("summary.anything_else")
        heading = prompts("summary.comment_group", title=title)
        continued = prompts("summary.comment_group_continued", title=title)
        pending_heading = heading
        for comment in group.comments:
            line = prompts("summary.comment", comment=in_words(comment, prompts))
            addition = f"{pending_heading}\n{line}" if pending_heading else line
            candidate = f"{current}\n{addition}" if current else addition
            if len(candidate) > MESSAGE_LIMIT:
                pages.append(current)
                current = f"{pending_heading or continued}\n{line}"
            else:
                current = candidate
            pending_heading = ""
    pages.append(current)
    return pages


@dataclass(frozen=True, slots=True)
class SummaryPages:
    """The summary as Discord messages: the results, and the comments (for a thread)."""

    main: list[str]
    comments: list[str]


def render_summary(
    summary: CheckinSummary,
    framework: Framework,
    prompts: Prompts,
    *,
    project_name: str,
    phase_label: str,
) -> list[str]:
    """The summary as Discord messages of at most 2000 characters each (see render_pages)."""
    pages = render_pages(
        summary, framework, prompts, project_name=project_name, phase_label=phase_label
    )
    return pages.main + pages.comments


def render_pages(
    summary: CheckinSummary,
    framework: Framework,
    prompts: Prompts,
    *,
    project_name: str,
    phase_label: str,
) -> SummaryPages:
    """The summary as Discord messages of at most 2000 characters each.

    Comments are on pages of their own, so they can go in a thread under the results; a
    comment is never split between two messages.
    """
    header = _header(prompts, project_name, phase_label)
    if not summary.enough:
        too_few = prompts(
            "summary.too_few",
            took_part=summary.took_part,
            count=summary.invited,
            scores=summary.thresholds.scores,
        )
        return SummaryPages(pack_lines([f"{header}\n{too_few}"]), [])

    scale = prompts("summary.list_joiner").join(
        prompts("summary.scale_point", value=value, label=framework.label(value))
        for value in framework.scale_values
    )
    blocks = [
        header,
        prompts("summary.took_part", took_part=summary.took_part, count=summary.invited),
        prompts("summary.scale", scale=scale),
        *(_component_block(r, framework, prompts) for r in summary.components),
    ]
    if any(r.views_differ for r in summary.components):
        blocks.append(prompts("summary.views_differ_legend"))
    blocks += _highlight_blocks(summary, prompts)
    blocks += _priority_blocks(summary, prompts)
    blocks += _direction_blocks(summary, prompts)
    if summary.comments is None:
        blocks.append(
            prompts(
                summary.comments_hidden_reason or COMMENTS_HIDDEN,
                comments=summary.thresholds.comments,
            )
        )
    elif not summary.comments:
        blocks.append(prompts("summary.comments_none"))
    return SummaryPages(pack_lines(blocks), _comment_pages(summary, prompts))
