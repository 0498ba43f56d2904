"""The questionnaire as a list of steps: components, direction checks, a last word, review."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.core.frameworks import Component, DirectionCheck, Framework
from bot.core.models import ANYTHING_ELSE, Response


class StepKind(enum.StrEnum):
    COMPONENT = "component"
    DIRECTION = "direction"
    ANYTHING_ELSE = "anything_else"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    kind: StepKind
    item: str  # the answer's item key; "" for the review
    component: Component | None = None
    direction: DirectionCheck | None = None


def steps(framework: Framework) -> list[Step]:
    """Every step of a check-in on this framework, in order."""
    out = [
        Step(i, StepKind.COMPONENT, c.key, component=c) for i, c in enumerate(framework.components)
    ]
    for check in framework.direction_checks:
        out.append(Step(len(out), StepKind.DIRECTION, check.key, direction=check))
    out.append(Step(len(out), StepKind.ANYTHING_ELSE, ANYTHING_ELSE))
    out.append(Step(len(out), StepKind.REVIEW, ""))
    return out


def step_at(framework: Framework, index: int) -> Step:
    """The step at `index`, clamped into range (a stale button never points nowhere)."""
    all_steps = steps(framework)
    return all_steps[max(0, min(index, len(all_steps) - 1))]


def review_index(framework: Framework) -> int:
    return len(steps(framework)) - 1


def is_answered(step: Step, response: Response) -> bool:
    answer = response.answers.get(step.item)
    if answer is None:
        return False
    if step.kind is StepKind.COMPONENT:
        return answer.rating is not None or answer.skipped
    if step.kind is StepKind.DIRECTION:
        return answer.choice is not None or answer.skipped
    return answer.comment is not None or answer.skipped


def resume_index(framework: Framework, response: Response) -> int:
    """Where a member picks up: the review once submitted, else the first unanswered step."""
    if response.submitted:
        return review_index(framework)
    for step in steps(framework):
        if step.kind is not StepKind.REVIEW and not is_answered(step, response):
            return step.index
    return review_index(framework)


def question_steps(framework: Framework) -> int:
    """How many steps carry a rating (for "3 of 10")."""
    return len(framework.components)
