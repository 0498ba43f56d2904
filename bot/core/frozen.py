"""A closed check-in's results as stored text: frozen once at the close, read ever after.

`freeze` turns a `CheckinSummary` into two JSON texts, the figures and the comments, and
`thaw` turns them back. The figures hold only what the summary itself may show (the
summary maths already leaves out what a threshold withholds), so nothing read from them
later (trends, the chart, the report, the exports) can show more than the posted summary.
The comments are kept apart so they can be dropped once the summary is posted.

A check-in that asked what matters most adds "priorities": how many picked any (null when
withheld) and the counts ({key, name, count}), most picked first (empty when withheld).
Results without it (every other check-in, and those frozen before priorities existed) read
back as not asked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.core.models import DirectionChoice, Phase, Thresholds
from bot.core.summary import (
    CheckinSummary,
    CommentGroup,
    ComponentResult,
    DirectionResult,
    Highlight,
    PriorityCount,
)

FORMAT = 1  # bumped if the stored shape ever changes


class FrozenResultsError(ValueError):
    """Stored results that cannot be read back (a newer format, or damaged text)."""


def freeze(summary: CheckinSummary) -> tuple[str, str | None]:
    """The summary's figures, and its comments (None when hidden), as JSON texts."""
    figures: dict[str, Any] = {
        "format": FORMAT,
        "phase": summary.phase.value,
        "thresholds": [summary.thresholds.scores, summary.thresholds.comments],
        "took_part": summary.took_part,
        "invited": summary.invited,
        "enough": summary.enough,
        "components": [_COMPONENT.freeze(r) for r in summary.components],
        "strongest": [_HIGHLIGHT.freeze(h) for h in summary.strongest],
        "weakest": [_HIGHLIGHT.freeze(h) for h in summary.weakest],
        "directions": [_DIRECTION.freeze(d) for d in summary.directions],
        "comments_hidden_reason": summary.comments_hidden_reason,
    }
    if summary.priorities_asked:
        figures["priorities"] = {
            "picked": summary.priorities_picked,
            "counts": [_PRIORITY.freeze(p) for p in summary.priorities],
        }
    comments = None
    if summary.comments is not None:
        comments = json.dumps(
            [_COMMENT_GROUP.freeze(g) for g in summary.comments], ensure_ascii=False
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
            groups = [_COMMENT_GROUP.thaw(g) for g in json.loads(comments)]
        scores, comment_threshold = data["thresholds"]
        priorities = data.get("priorities")
        return CheckinSummary(
            phase=Phase(data["phase"]),
            thresholds=Thresholds(scores, comment_threshold),
            took_part=data["took_part"],
            invited=data["invited"],
            enough=data["enough"],
            components=[_COMPONENT.thaw(c) for c in data["components"]],
            strongest=tuple(_HIGHLIGHT.thaw(h) for h in data["strongest"]),
            weakest=tuple(_HIGHLIGHT.thaw(h) for h in data["weakest"]),
            directions=[_DIRECTION.thaw(d) for d in data["directions"]],
            comments=groups,
            comments_hidden_reason=data["comments_hidden_reason"],
            priorities_asked=priorities is not None,
            priorities_picked=None if priorities is None else priorities["picked"],
            priorities=()
            if priorities is None
            else tuple(_PRIORITY.thaw(p) for p in priorities["counts"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, FrozenResultsError):
            raise
        raise FrozenResultsError(f"stored results cannot be read: {error}") from error


_Record = TypeVar("_Record")


@dataclass(frozen=True, slots=True)
class _Stored(Generic[_Record]):
    """How one kind of record is stored, for freezing and thawing alike: the attributes
    kept (in stored order), the stored keys of those renamed, and how values whose JSON
    form differs are written and read back."""

    make: Callable[..., _Record]
    attributes: tuple[str, ...]
    renamed: Mapping[str, str] = field(default_factory=dict)  # attribute -> stored key
    write: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    read: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)

    def freeze(self, record: _Record) -> dict[str, Any]:
        return {
            self.renamed.get(name, name): self.write.get(name, _as_is)(getattr(record, name))
            for name in self.attributes
        }

    def thaw(self, data: dict[str, Any]) -> _Record:
        return self.make(
            **{
                name: self.read.get(name, _as_is)(data[self.renamed.get(name, name)])
                for name in self.attributes
            }
        )


def _as_is(value: Any) -> Any:
    return value


_COMPONENT = _Stored(
    ComponentResult,
    (
        "key",
        "name",
        "rated_count",
        "skipped_count",
        "average",
        "distribution",
        "enough",
        "views_differ",
    ),
    renamed={"rated_count": "rated", "skipped_count": "skipped"},
    write={"distribution": lambda counts: [[value, n] for value, n in counts.items()]},
    read={"distribution": lambda pairs: {int(value): int(n) for value, n in pairs}},
)
_HIGHLIGHT = _Stored(Highlight, ("key", "name", "average", "discussion_prompt"))
_DIRECTION = _Stored(
    DirectionResult,
    ("key", "question", "answered", "counts", "enough"),
    write={"counts": lambda counts: {choice.value: n for choice, n in counts.items()}},
    read={"counts": lambda counts: {DirectionChoice(choice): n for choice, n in counts.items()}},
)
_COMMENT_GROUP = _Stored(
    CommentGroup, ("item", "title", "comments"), write={"comments": list}, read={"comments": tuple}
)
_PRIORITY = _Stored(PriorityCount, ("key", "name", "count"))
