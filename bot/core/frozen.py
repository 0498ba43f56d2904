"""A closed check-in's results as stored text: frozen once at the close, read ever after.

`freeze` turns a `CheckinSummary` into two JSON texts, the figures and the comments, and
`thaw` turns them back. The figures hold only what the summary itself may show (the
summary maths already leaves out what a threshold withholds), so nothing read from them
later (trends, the chart, the report, the exports) can show more than the posted summary.
The comments are kept apart so they can be dropped once the summary is posted.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.models import DirectionChoice, Phase, Thresholds
from bot.core.summary import (
    CheckinSummary,
    CommentGroup,
    ComponentResult,
    DirectionResult,
    Highlight,
)

FORMAT = 1  # bumped if the stored shape ever changes


class FrozenResultsError(ValueError):
    """Stored results that cannot be read back (a newer format, or damaged text)."""


def freeze(summary: CheckinSummary) -> tuple[str, str | None]:
    """The summary's figures, and its comments (None when hidden), as JSON texts."""
    figures = {
        "format": FORMAT,
        "phase": summary.phase.value,
        "thresholds": [summary.thresholds.scores, summary.thresholds.comments],
        "took_part": summary.took_part,
        "invited": summary.invited,
        "enough": summary.enough,
        "components": [_component(r) for r in summary.components],
        "strongest": [_highlight(h) for h in summary.strongest],
        "weakest": [_highlight(h) for h in summary.weakest],
        "directions": [_direction(d) for d in summary.directions],
        "comments_hidden_reason": summary.comments_hidden_reason,
    }
    comments = None
    if summary.comments is not None:
        comments = json.dumps(
            [
                {"item": g.item, "title": g.title, "comments": list(g.comments)}
                for g in summary.comments
            ],
            ensure_ascii=False,
        )
    return json.dumps(figures, ensure_ascii=False, separators=(",", ":")), comments


def thaw(figures: str, comments: str | None = None) -> CheckinSummary:
    """The summary as frozen; without `comments`, as if its comments were hidden."""
    try:
        data = json.loads(figures)
        if data.get("format") != FORMAT:
            raise FrozenResultsError(f"stored results have format {data.get('format')!r}")
        groups = None
        if comments is not None:
            groups = [
                CommentGroup(g["item"], g["title"], tuple(g["comments"]))
                for g in json.loads(comments)
            ]
        scores, comment_threshold = data["thresholds"]
        return CheckinSummary(
            phase=Phase(data["phase"]),
            thresholds=Thresholds(scores, comment_threshold),
            took_part=data["took_part"],
            invited=data["invited"],
            enough=data["enough"],
            components=[_thaw_component(c) for c in data["components"]],
            strongest=tuple(_thaw_highlight(h) for h in data["strongest"]),
            weakest=tuple(_thaw_highlight(h) for h in data["weakest"]),
            directions=[_thaw_direction(d) for d in data["directions"]],
            comments=groups,
            comments_hidden_reason=data["comments_hidden_reason"],
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, FrozenResultsError):
            raise
        raise FrozenResultsError(f"stored results cannot be read: {error}") from error


def _component(result: ComponentResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "name": result.name,
        "rated": result.rated_count,
        "skipped": result.skipped_count,
        "average": result.average,
        "distribution": [[value, count] for value, count in result.distribution.items()],
        "enough": result.enough,
        "views_differ": result.views_differ,
    }


def _thaw_component(data: dict[str, Any]) -> ComponentResult:
    return ComponentResult(
        key=data["key"],
        name=data["name"],
        rated_count=data["rated"],
        skipped_count=data["skipped"],
        average=data["average"],
        distribution={int(value): int(count) for value, count in data["distribution"]},
        enough=data["enough"],
        views_differ=data["views_differ"],
    )


def _highlight(highlight: Highlight) -> dict[str, Any]:
    return {
        "key": highlight.key,
        "name": highlight.name,
        "average": highlight.average,
        "discussion_prompt": highlight.discussion_prompt,
    }


def _thaw_highlight(data: dict[str, Any]) -> Highlight:
    return Highlight(data["key"], data["name"], data["average"], data["discussion_prompt"])


def _direction(result: DirectionResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "question": result.question,
        "answered": result.answered,
        "counts": {choice.value: count for choice, count in result.counts.items()},
        "enough": result.enough,
    }


def _thaw_direction(data: dict[str, Any]) -> DirectionResult:
    return DirectionResult(
        key=data["key"],
        question=data["question"],
        answered=data["answered"],
        counts={DirectionChoice(choice): count for choice, count in data["counts"].items()},
        enough=data["enough"],
    )
