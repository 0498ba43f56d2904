"""The questionnaire as a list of steps: components, direction checks, a last word, in a
beginning check-in whose framework asks for them the priorities, then the review."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.custom_ids import FlowVerb
from bot.core.frameworks import Component, DirectionCheck, Framework
from bot.core.models import ANYTHING_ELSE, PRIORITIES, DirectionChoice, Phase, Response


class StepKind(enum.StrEnum):
    COMPONENT = "component"
    DIRECTION = "direction"
    ANYTHING_ELSE = "anything_else"
    PRIORITIES = "priorities"  # what matters most: beginning check-ins only, if asked
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    kind: StepKind
    item: str  # the answer's item key; "" for the review
    component: Component | None = None
    direction: DirectionCheck | None = None


def asks_priorities(framework: Framework, phase: Phase) -> bool:
    """Whether a check-in of this phase on this framework asks what matters most."""
    return phase is Phase.BEGINNING and framework.priorities > 0


def steps(framework: Framework, phase: Phase) -> list[Step]:
    """Every step of a check-in of `phase` on this framework, in order."""
    out = [
        Step(i, StepKind.COMPONENT, c.key, component=c) for i, c in enumerate(framework.components)
    ]
    for check in framework.direction_checks:
        out.append(Step(len(out), StepKind.DIRECTION, check.key, direction=check))
    out.append(Step(len(out), StepKind.ANYTHING_ELSE, ANYTHING_ELSE))
    if asks_priorities(framework, phase):
        out.append(Step(len(out), StepKind.PRIORITIES, PRIORITIES))
    out.append(Step(len(out), StepKind.REVIEW, ""))
    return out


def step_at(framework: Framework, phase: Phase, index: int) -> Step:
    """The step at `index`, clamped into range (a stale button never points nowhere)."""
    all_steps = steps(framework, phase)
    return all_steps[max(0, min(index, len(all_steps) - 1))]


def review_index(framework: Framework, phase: Phase) -> int:
    return len(steps(framework, phase)) - 1


def is_answered(step: Step, response: Response) -> bool:
    if step.kind is StepKind.PRIORITIES:
        return bool(response.priorities)
    answer = response.answers.get(step.item)
    if answer is None:
        return False
    if step.kind is StepKind.COMPONENT:
        return answer.rating is not None or answer.skipped
    if step.kind is StepKind.DIRECTION:
        return answer.choice is not None or answer.skipped
    return answer.comment is not None or answer.skipped


def resume_index(framework: Framework, phase: Phase, response: Response) -> int:
    """Where a member picks up: the review once submitted, else the first unanswered step."""
    if response.submitted:
        return review_index(framework, phase)
    for step in steps(framework, phase):
        if step.kind is not StepKind.REVIEW and not is_answered(step, response):
            return step.index
    return review_index(framework, phase)


def question_steps(framework: Framework) -> int:
    """How many steps carry a rating (for "3 of 10")."""
    return len(framework.components)


class ChangeKind(enum.StrEnum):
    """What one answering action changes in the member's keyed response."""

    RATING = "rating"  # a rating, or Skip (rating None)
    CHOICE = "choice"  # a direction-check choice, or Skip (choice None)
    COMMENT = "comment"  # a comment set, or cleared (comment None)
    PRIORITIES = "priorities"  # the components picked as mattering most (none: cleared)
    SUBMITTED = "submitted"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One change to a member's answers; `item` for ratings, choices and comments, `keys`
    (component keys, in framework order) for priorities."""

    kind: ChangeKind
    item: str = ""
    rating: int | None = None
    choice: DirectionChoice | None = None
    comment: str | None = None
    flag: bool = False  # SUBMITTED, DECLINED
    keys: tuple[str, ...] = ()  # PRIORITIES


class Screen(enum.StrEnum):
    """What the member sees after an action."""

    STEP = "step"  # the step at `ClickPlan.index`
    DECLINED = "declined"  # the "Not this time" screen
    COMMENT_BOX = "comment_box"  # the comment box of the step at `ClickPlan.index`


@dataclass(frozen=True, slots=True)
class ClickPlan:
    """What a click means: the change to store (None: nothing) and what to show next."""

    index: int
    change: AnswerChange | None = None
    screen: Screen = Screen.STEP


def plan_click(
    framework: Framework, phase: Phase, index: int, verb: FlowVerb, value: str = ""
) -> ClickPlan | None:
    """What a button of the step at `index` means, or None if
    the button cannot be on that step (a stale or forged one). Start is not a click on a
    step: the caller resumes where the member left off."""
    step = step_at(framework, phase, index)
    if step.index != index:
        return None
    review = review_index(framework, phase)
    after = min(index + 1, review)
    kind = step.kind
    if verb is FlowVerb.DECLINE:
        return ClickPlan(index, AnswerChange(ChangeKind.DECLINED, flag=True), Screen.DECLINED)
    if verb is FlowVerb.BACK:
        return ClickPlan(max(index - 1, 0))
    if verb is FlowVerb.CHANGE:
        return ClickPlan(0)
    if verb is FlowVerb.COMMENT:
        if kind in (StepKind.REVIEW, StepKind.PRIORITIES):
            return None
        return ClickPlan(index, screen=Screen.COMMENT_BOX)
    if verb is FlowVerb.NEXT:
        return ClickPlan(index + 1) if kind is StepKind.ANYTHING_ELSE else None
    if verb is FlowVerb.SUBMIT:
        if kind is not StepKind.REVIEW:
            return None
        return ClickPlan(index, AnswerChange(ChangeKind.SUBMITTED, flag=True))
    if verb is FlowVerb.RATE:
        if kind is not StepKind.COMPONENT or not value.isdigit():
            return None
        if int(value) not in framework.scale_values:
            return None
        return ClickPlan(after, AnswerChange(ChangeKind.RATING, step.item, rating=int(value)))
    if verb is FlowVerb.CHOOSE:
        if kind is not StepKind.DIRECTION:
            return None
        try:
            choice = DirectionChoice(value)
        except ValueError:
            return None
        return ClickPlan(after, AnswerChange(ChangeKind.CHOICE, step.item, choice=choice))
    if verb is FlowVerb.SKIP:
        if kind is StepKind.COMPONENT:
            return ClickPlan(after, AnswerChange(ChangeKind.RATING, step.item))
        if kind is StepKind.DIRECTION:
            return ClickPlan(after, AnswerChange(ChangeKind.CHOICE, step.item))
        if kind is StepKind.PRIORITIES:  # skipping clears any earlier picks
            return ClickPlan(after, AnswerChange(ChangeKind.PRIORITIES))
    return None  # PICK is a select menu's, never a button's: see plan_picks


def plan_picks(
    framework: Framework, phase: Phase, index: int, values: Sequence[str]
) -> ClickPlan | None:
    """What the priorities select menu of the step at `index` means: the picked component
    keys (none clears them), then the review. None if that step is not the priorities step
    or the values are not distinct component keys of the framework, at most
    `framework.priorities` of them (a stale or forged menu)."""
    step = step_at(framework, phase, index)
    if step.index != index or step.kind is not StepKind.PRIORITIES:
        return None
    picked = set(values)
    if len(picked) != len(values) or len(picked) > framework.priorities:
        return None
    order = [c.key for c in framework.components]
    if not picked.issubset(order):
        return None
    keys = tuple(key for key in order if key in picked)
    return ClickPlan(index + 1, AnswerChange(ChangeKind.PRIORITIES, keys=keys))


def plan_comment(framework: Framework, phase: Phase, index: int, comment: str) -> ClickPlan | None:
    """A comment sent from the box of the step at `index` (blank clears it); None if that
    step takes no comment. A last word takes the member on to the next step (the
    priorities, or the review)."""
    step = step_at(framework, phase, index)
    if step.index != index or step.kind in (StepKind.REVIEW, StepKind.PRIORITIES):
        return None
    change = AnswerChange(ChangeKind.COMMENT, step.item, comment=comment.strip() or None)
    shown = index + 1 if step.kind is StepKind.ANYTHING_ELSE and comment else index
    return ClickPlan(shown, change)
