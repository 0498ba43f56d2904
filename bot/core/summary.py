"""The anonymised group summary of a closed check-in: the maths.

`summarise_checkin` turns submitted responses into a `CheckinSummary` that holds only what
the group may see: below the thresholds the numbers are simply not there, so no renderer can
leak them. `bot.core.summary_text` turns it into Discord messages, every sentence from
prompts. This module writes no text and never imports prompts or matplotlib.

Rules (DESIGN.md §5):
- Fewer submitted responses than `thresholds.scores`: nothing but "too few took part".
- A component with fewer ratings than `thresholds.scores`: "not enough answers", and no
  count of its ratings anywhere (the report and the exports read the same result).
- A component with at least `thresholds.scores` but fewer than `thresholds.comments` ratings
  shows its average alone: no distribution and no "views differ" flag, so two people who
  pool their own answers cannot read a third's rating off the counts.
- A direction check with fewer answers than `thresholds.scores`: no counts.
- Fewer submitted responses than `thresholds.comments`: no comment text. Otherwise comments
  are redacted, shuffled within their item, and grouped in framework order (anything else
  last).
- Strongest and weakest compare averages as shown (one decimal, half up). Every component
  tied for the top is named, and likewise for the bottom, but a side with more than
  `MAX_HIGHLIGHTS` ties names none (nothing stands out). With fewer than two eligible
  components, or when all eligible averages are equal, neither side is named, so no
  component is ever both.
- Views differ (a wide split): at least one rating in the bottom band and one in the top band
  of the scale, and a population standard deviation of at least a quarter of the scale's
  span (1.0 on a 1-5 scale). The bands are the lower and upper `(points - 1) // 2` points,
  at least one each: {1, 2} and {4, 5} on a 1-5 scale, {1} and {4} on a 1-4 scale.

- Trends (`with_trends`): a component's average is compared with the project's previous
  check-in and with its beginning, on the averages as shown, only where both check-ins met
  the scores threshold and the component had enough answers in both. A check-in below the
  threshold breaks the comparison: no trend is drawn through it.
- The chart (`chart_data`) has one series per check-in that met the threshold.

- Priorities (what matters most; beginning check-ins whose framework asks for them): how
  many submitted responses picked each component, shown only when at least
  `thresholds.scores` of them picked any (like a direction check's counts), most picked
  first (framework order within a tie), components nobody picked left out. The top
  priorities are the most picked, up to `MAX_TOP_PRIORITIES` and any tied with the last of
  them; with more than `MAX_TOP_PRIORITIES + 2` tied at the cut, only those above it.
  Later check-ins show how the beginning's top priorities moved (`with_trends`): their
  averages then and now, each only where shown.
"""

from __future__ import annotations

import functools
import random
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from bot.core.chart_data import ChartData, ChartSeries
from bot.core.frameworks import Framework
from bot.core.models import (
    ANYTHING_ELSE,
    Answer,
    DirectionChoice,
    Phase,
    Response,
    Thresholds,
)
from bot.core.redaction import Redactor
from bot.core.text import clip

MAX_HIGHLIGHTS = 3
MAX_TOP_PRIORITIES = 3
# Redaction can lengthen a comment (placeholders, escapes); this keeps any comment, with its
# bullet and group title, inside one message, so a comment is never split between two.
MAX_RENDERED_COMMENT = 1500

COMMENTS_HIDDEN = "summary.comments_hidden"  # the prompt key of `comments_hidden_reason`


@dataclass(frozen=True, slots=True)
class Change:
    """How a component's shown average moved since an earlier check-in of the project."""

    since: Phase  # the earlier check-in's phase
    delta: Decimal  # shown average now minus shown average then


@dataclass(frozen=True, slots=True)
class ComponentResult:
    """One component's combined ratings; average and distribution only when enough rated."""

    key: str
    name: str
    rated_count: int | None  # None when too few rated it to show anything
    skipped_count: int | None  # submitted responses that did not rate it; None likewise
    average: float | None
    distribution: dict[int, int]  # rating -> count over the scale; empty below `comments`
    enough: bool
    views_differ: bool
    changes: tuple[Change, ...] = ()  # since the previous check-in, then since the beginning


@dataclass(frozen=True, slots=True)
class Highlight:
    """A strongest or weakest component; weak ones carry the framework's discussion prompt."""

    key: str
    name: str
    average: float
    discussion_prompt: str | None = None


@dataclass(frozen=True, slots=True)
class DirectionResult:
    """One direction check's answer counts; empty when too few answered it."""

    key: str
    question: str
    answered: int | None  # None when too few answered it to show anything
    counts: dict[DirectionChoice, int]
    enough: bool


@dataclass(frozen=True, slots=True)
class CommentGroup:
    """The redacted, shuffled comments on one item (a component, check, or ANYTHING_ELSE)."""

    item: str
    title: str | None  # None for ANYTHING_ELSE, whose title comes from prompts
    comments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PriorityCount:
    """How many picked one component as mattering most to the group."""

    key: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class PriorityMove:
    """One of the beginning's top priorities: its shown averages then and now (None where
    not shown)."""

    key: str
    name: str
    count: int  # how many picked it at the beginning
    then: float | None
    now: float | None

    @property
    def delta(self) -> Decimal | None:
        if self.then is None or self.now is None:
            return None
        return shown_average(self.now) - shown_average(self.then)


@dataclass(frozen=True, slots=True)
class CheckinSummary:
    """What the group may see of a closed check-in, and nothing more."""

    phase: Phase
    thresholds: Thresholds
    took_part: int
    invited: int
    enough: bool
    components: list[ComponentResult]
    strongest: tuple[Highlight, ...]
    weakest: tuple[Highlight, ...]
    directions: list[DirectionResult]
    comments: list[CommentGroup] | None  # None when hidden
    comments_hidden_reason: str | None  # a prompt key when comments are hidden
    # What matters most (beginning check-ins that asked): whether the check-in asked, how
    # many picked any (None when fewer than the scores threshold, or not asked), and the
    # counts, most picked first (empty when withheld).
    priorities_asked: bool = False
    priorities_picked: int | None = None
    priorities: tuple[PriorityCount, ...] = ()
    # How the beginning's top priorities moved (set by `with_trends`; never frozen).
    priority_moves: tuple[PriorityMove, ...] = ()


def shown_average(average: float) -> Decimal:
    """An average as the group sees it: one decimal, halves rounded up."""
    return Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def scale_bands(points: int) -> tuple[range, range]:
    """The bottom and top bands of a 1..points scale used by the "views differ" rule."""
    width = max(1, (points - 1) // 2)
    return range(1, width + 1), range(points - width + 1, points + 1)


def views_differ(ratings: Sequence[int], points: int) -> bool:
    """Whether ratings on a 1..points scale split widely (see the module docstring)."""
    if len(ratings) < 2:
        return False
    bottom, top = scale_bands(points)
    if not (any(r in bottom for r in ratings) and any(r in top for r in ratings)):
        return False
    return statistics.pstdev(ratings) >= (points - 1) / 4 - 1e-9


def _answers_to(item: str, responses: Sequence[Response]) -> list[Answer]:
    """The answers the responses hold to one item (a component, check or ANYTHING_ELSE)."""
    return [answer for response in responses if (answer := response.answers.get(item)) is not None]


def _component_results(
    framework: Framework, responses: Sequence[Response], thresholds: Thresholds
) -> list[ComponentResult]:
    results = []
    scale = framework.scale_values
    for component in framework.components:
        ratings = [
            answer.rating
            for answer in _answers_to(component.key, responses)
            if answer.rating is not None and answer.rating in scale
        ]
        enough = len(ratings) >= thresholds.scores
        spread = len(ratings) >= thresholds.comments
        counts = Counter(ratings)
        results.append(
            ComponentResult(
                key=component.key,
                name=component.name,
                rated_count=len(ratings) if enough else None,
                skipped_count=len(responses) - len(ratings) if enough else None,
                average=statistics.fmean(ratings) if enough else None,
                distribution={value: counts[value] for value in scale} if spread else {},
                enough=enough,
                views_differ=spread and views_differ(ratings, len(scale)),
            )
        )
    return results


def _highlights(
    framework: Framework, results: Sequence[ComponentResult]
) -> tuple[tuple[Highlight, ...], tuple[Highlight, ...]]:
    eligible = [(r, r.average) for r in results if r.average is not None]
    if len(eligible) < 2:
        return (), ()
    shown = [shown_average(average) for _, average in eligible]
    best, worst = max(shown), min(shown)
    if best == worst:
        return (), ()

    def pick(target: Decimal, *, weak: bool) -> tuple[Highlight, ...]:
        tied = [
            (r, avg) for (r, avg), value in zip(eligible, shown, strict=True) if value == target
        ]
        if len(tied) > MAX_HIGHLIGHTS:
            return ()
        return tuple(
            Highlight(
                key=r.key,
                name=r.name,
                average=avg,
                discussion_prompt=_discussion_prompt(framework, r.key) if weak else None,
            )
            for r, avg in tied
        )

    return pick(best, weak=False), pick(worst, weak=True)


def _discussion_prompt(framework: Framework, key: str) -> str | None:
    component = framework.component(key)
    return component.discussion_prompt if component else None


def _direction_results(
    framework: Framework, responses: Sequence[Response], threshold: int
) -> list[DirectionResult]:
    results = []
    for check in framework.direction_checks:
        choices = [answer.choice for answer in _answers_to(check.key, responses) if answer.choice]
        enough = len(choices) >= threshold
        counts = Counter(choices)
        results.append(
            DirectionResult(
                key=check.key,
                question=check.question,
                answered=len(choices) if enough else None,
                counts={choice: counts[choice] for choice in DirectionChoice} if enough else {},
                enough=enough,
            )
        )
    return results


@functools.lru_cache(maxsize=16)
def comment_redactor(names: tuple[str, ...]) -> Redactor:
    """The redaction of these names, built once and kept for the project's next close (a
    `Redactor` never changes once built; a large group's takes milliseconds to build)."""
    return Redactor(names)


@dataclass(frozen=True, slots=True)
class RedactedAhead:
    """Comments already redacted under `names` (each by `comment_redactor(names).redact`,
    keyed by the comment without the spaces around it): a summary uses them only if its
    own names are exactly these."""

    names: tuple[str, ...]
    comments: Mapping[str, str]


def _comment_groups(
    framework: Framework,
    responses: Sequence[Response],
    names: Sequence[str],
    rng: random.Random,
    ahead: RedactedAhead | None,
) -> list[CommentGroup]:
    titles: list[tuple[str, str | None]] = [(c.key, c.name) for c in framework.components]
    titles += [(d.key, d.question) for d in framework.direction_checks]
    titles.append((ANYTHING_ELSE, None))
    groups = []
    hidden = tuple(names)
    known = ahead.comments if ahead is not None and ahead.names == hidden else {}
    redactor: Redactor | None = None  # built once, for the first comment not redacted ahead

    def shown(comment: str) -> str:
        nonlocal redactor
        text = known.get(comment)
        if text is None:
            redactor = redactor or comment_redactor(hidden)
            text = redactor.redact(comment)
        return clip(text, MAX_RENDERED_COMMENT)

    for item, title in titles:
        comments = [
            shown(answer.comment.strip())
            for answer in _answers_to(item, responses)
            if answer.comment and answer.comment.strip()
        ]
        if comments:
            rng.shuffle(comments)
            groups.append(CommentGroup(item=item, title=title, comments=tuple(comments)))
    return groups


def _priority_counts(
    framework: Framework, responses: Sequence[Response], threshold: int
) -> tuple[int | None, tuple[PriorityCount, ...]]:
    order = [c.key for c in framework.components]
    pickers = 0
    counts: Counter[str] = Counter()
    for response in responses:
        picked = [key for key in order if key in response.priorities][: framework.priorities]
        if picked:
            pickers += 1
            counts.update(picked)
    if pickers < threshold:
        return None, ()
    ranked = sorted(
        (c for c in framework.components if counts[c.key]),
        key=lambda c: (-counts[c.key], order.index(c.key)),
    )
    return pickers, tuple(PriorityCount(c.key, c.name, counts[c.key]) for c in ranked)


def top_priorities(summary: CheckinSummary) -> tuple[PriorityCount, ...]:
    """The group's top priorities in a summary (the module docstring); none if not shown."""
    ranked = summary.priorities
    if len(ranked) <= MAX_TOP_PRIORITIES:
        return ranked
    cutoff = ranked[MAX_TOP_PRIORITIES - 1].count
    top = tuple(p for p in ranked if p.count >= cutoff)
    if len(top) > MAX_TOP_PRIORITIES + 2:
        top = tuple(p for p in ranked if p.count > cutoff)
    return top


def summarise_checkin(
    framework: Framework,
    thresholds: Thresholds,
    phase: Phase,
    *,
    invited: int,
    responses: Iterable[Response],
    names: Iterable[str],
    rng: random.Random,
    ahead: RedactedAhead | None = None,
) -> CheckinSummary:
    """The anonymised summary of a check-in; only submitted responses count.

    `invited` is raised to the number who took part if it is lower, so the header never
    says "5 of 3". `ahead`: comments already redacted, used only if under exactly these
    `names`; any other comment is redacted here.
    """
    submitted = [r for r in responses if r.submitted]
    took_part = len(submitted)
    invited = max(invited, took_part)
    if took_part < thresholds.scores:
        return CheckinSummary(
            phase=phase,
            thresholds=thresholds,
            took_part=took_part,
            invited=invited,
            enough=False,
            components=[],
            strongest=(),
            weakest=(),
            directions=[],
            comments=None,
            comments_hidden_reason=COMMENTS_HIDDEN,
        )
    components = _component_results(framework, submitted, thresholds)
    strongest, weakest = _highlights(framework, components)
    show_comments = took_part >= thresholds.comments
    asked = phase is Phase.BEGINNING and framework.priorities > 0
    picked, priorities = (
        _priority_counts(framework, submitted, thresholds.scores) if asked else (None, ())
    )
    return CheckinSummary(
        phase=phase,
        thresholds=thresholds,
        took_part=took_part,
        invited=invited,
        enough=True,
        components=components,
        strongest=strongest,
        weakest=weakest,
        directions=_direction_results(framework, submitted, thresholds.scores),
        comments=(
            _comment_groups(framework, submitted, list(names), rng, ahead)
            if show_comments
            else None
        ),
        comments_hidden_reason=None if show_comments else COMMENTS_HIDDEN,
        priorities_asked=asked,
        priorities_picked=picked,
        priorities=priorities,
    )


# Trends and the chart -------------------------------------------------------------------------


def with_trends(
    summary: CheckinSummary,
    *,
    previous: CheckinSummary | None,
    beginning: CheckinSummary | None,
) -> CheckinSummary:
    """The summary with each component's change since the previous check-in and the beginning.

    A comparison is made only where both check-ins met the scores threshold and the component
    had enough answers in both; when the previous check-in is the beginning, once.
    """
    earlier = [e for e in (previous, beginning) if e is not None and e.enough]
    if not summary.enough or not earlier:
        return summary
    moves: tuple[PriorityMove, ...] = ()
    if beginning is not None and beginning is not summary and beginning.enough:
        moves = tuple(
            PriorityMove(
                key=top.key,
                name=_name_of(summary, top.key) or top.name,
                count=top.count,
                then=_average_of(beginning, top.key),
                now=_average_of(summary, top.key),
            )
            for top in top_priorities(beginning)
        )
    if len(earlier) == 2 and earlier[0] is earlier[1]:
        earlier = earlier[:1]
    components = []
    for result in summary.components:
        changes = []
        for other in earlier:
            then = _average_of(other, result.key)
            if result.average is not None and then is not None:
                delta = shown_average(result.average) - shown_average(then)
                changes.append(Change(since=other.phase, delta=delta))
        components.append(replace(result, changes=tuple(changes)))
    return replace(summary, components=components, priority_moves=moves)


def _name_of(summary: CheckinSummary, key: str) -> str | None:
    return next((r.name for r in summary.components if r.key == key), None)


def _average_of(summary: CheckinSummary, key: str) -> float | None:
    for result in summary.components:
        if result.key == key:
            return result.average
    return None


def chart_data(
    framework: Framework, title: str, history: Sequence[tuple[str, CheckinSummary]]
) -> ChartData | None:
    """What the chart shows: one series per check-in (label, summary) that met the threshold.

    None when none did: below the threshold there is no chart.
    """
    series = tuple(
        ChartSeries(
            label=label,
            values=tuple(_average_of(summary, c.key) for c in framework.components),
        )
        for label, summary in history
        if summary.enough
    )
    if not series:
        return None
    return ChartData(
        title=title,
        components=tuple(c.name for c in framework.components),
        scale=tuple((value, framework.label(value)) for value in framework.scale_values),
        series=series,
    )
