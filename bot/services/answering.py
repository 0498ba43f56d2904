"""Answering a check-in: what each click, pick and comment means, for the member who sent it.

The answer is always recorded for the member who clicked or sent a comment box, never for
an id read from the `custom_id`, and only while they are invited to an open check-in. The
step rules are pure (`bot.core.flow`). A click that changes the answers on a check-in the
service has seen costs one write, which checks the member may answer and returns the check-in,
its project and their answers as they now are; any other click costs one read and, if it
changes anything, that write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.custom_ids import FlowButton, FlowVerb, box_id, parse_box
from bot.core.flow import (
    AnswerChange,
    ChangeKind,
    ClickPlan,
    Screen,
    plan_click,
    plan_comment,
    plan_picks,
    resume_index,
    step_at,
)
from bot.core.frameworks import Framework, FrameworkLibrary
from bot.core.models import (
    COMMENT_MAX_CHARS,
    AnsweringView,
    Checkin,
    Phase,
    Project,
    Response,
)
from bot.services.redacting import AheadOfClose
from bot.storage.store import Store


@dataclass(frozen=True, slots=True)
class StepShown:
    """Show the step at `index` of the member's check-in, with their answers so far."""

    project: Project
    checkin: Checkin
    framework: Framework
    index: int
    response: Response


@dataclass(frozen=True, slots=True)
class DeclineShown:
    """The member said "Not this time"."""

    checkin: Checkin


@dataclass(frozen=True, slots=True)
class BoxOpened:
    """Open the comment box `custom_id` (signed for this member), holding `existing`."""

    custom_id: str
    existing: str | None


@dataclass(frozen=True, slots=True)
class ClosedUnderfoot:
    """The check-in closed between the member's screen and their click."""


@dataclass(frozen=True, slots=True)
class Refused:
    """A private refusal: the prompt key and its values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


Outcome = StepShown | DeclineShown | BoxOpened | ClosedUnderfoot | Refused

STALE = Refused("errors.stale_button")

# Check-ins whose framework and phase are kept in memory to plan clicks with (at most this
# many; they are what the check-in opened with, and never change).
PLANNING_CACHE = 10_000

Planner = Callable[[Framework, Phase], ClickPlan | None]


@dataclass(frozen=True, slots=True)
class _Open:
    project: Project
    checkin: Checkin
    framework: Framework
    response: Response


class AnsweringService:
    """The DM flow and `/reflect`: start, click, comment."""

    def __init__(
        self,
        *,
        store: Store,
        frameworks: FrameworkLibrary,
        box_key: bytes,
        ahead: AheadOfClose,
    ) -> None:
        self.store = store
        self.frameworks = frameworks
        self.box_key = box_key
        self.ahead = ahead  # comments redacted as they are sent, for the close
        self._planning: dict[int, tuple[Framework, Phase]] = {}

    async def _open(self, checkin_id: int, user_id: int) -> _Open | Refused:
        """The member's open check-in and their answers (one read), or why they may not
        answer it."""
        view: AnsweringView | None = await self.store.answering_view(checkin_id, user_id)
        if view is None:
            return Refused("errors.not_invited")
        if view.project is None:
            return Refused("errors.project_gone")
        if not view.checkin.is_open:
            return Refused("errors.checkin_closed")
        framework = self.frameworks.for_checkin(view.checkin)
        if view.checkin.framework_snapshot is not None:  # an older one's is read by id
            if len(self._planning) >= PLANNING_CACHE:
                self._planning.clear()
            self._planning[checkin_id] = (framework, view.checkin.phase)
        return _Open(view.project, view.checkin, framework, view.response)

    async def start(self, checkin_id: int, user_id: int) -> Outcome:
        """Where the member left off (Start, Change, `/reflect`); starting undoes a decline."""
        opened = await self._open(checkin_id, user_id)
        if isinstance(opened, Refused):
            return opened
        response = opened.response
        if response.declined:
            undo = AnswerChange(ChangeKind.DECLINED, flag=False)
            from_write = await self.store.change_answer(checkin_id, user_id, undo)
            if from_write is None:
                return ClosedUnderfoot()
            response = from_write
        index = resume_index(opened.framework, opened.checkin.phase, response)
        return StepShown(opened.project, opened.checkin, opened.framework, index, response)

    async def click(self, button: FlowButton | None, user_id: int) -> Outcome:
        """One click of the flow: store what it means, then say what to show."""
        if button is None:
            return STALE
        if button.verb is FlowVerb.START:
            return await self.start(button.checkin_id, user_id)
        return await self._planned(
            button.checkin_id,
            user_id,
            lambda framework, phase: plan_click(
                framework, phase, button.step, button.verb, button.value
            ),
        )

    async def pick(self, menu: FlowButton | None, values: Sequence[str], user_id: int) -> Outcome:
        """The priorities select menu: store the member's picks (the values Discord sent,
        checked against the check-in's framework), then show the review."""
        if menu is None or menu.verb is not FlowVerb.PICK:
            return STALE
        return await self._planned(
            menu.checkin_id,
            user_id,
            lambda framework, phase: plan_picks(framework, phase, menu.step, values),
        )

    async def comment(self, custom_id: str, text: str | None, user_id: int) -> Outcome:
        """A sent comment box: store the comment for the sender, then show the step again.

        The box counts only if its custom_id was signed for `user_id`, so a box can only be
        sent by the member it was opened for.
        """
        box = parse_box(self.box_key, custom_id, user_id)
        if box is None:
            return Refused("errors.box_not_yours")
        if text is None:  # the box came back without its text input
            return STALE
        comment = text.strip()
        if len(comment) > COMMENT_MAX_CHARS:
            return Refused(
                "errors.comment_too_long", {"max": COMMENT_MAX_CHARS, "length": len(comment)}
            )
        outcome = await self._planned(
            box.checkin_id,
            user_id,
            lambda framework, phase: plan_comment(framework, phase, box.step, comment),
        )
        if isinstance(outcome, StepShown):
            self.ahead.written(box.checkin_id, outcome.project.id, comment)
        return outcome

    async def _planned(self, checkin_id: int, user_id: int, plan_for: Planner) -> Outcome:
        """Plan what the member sent (None: it cannot be sent there) and carry it out.

        On a check-in seen before, a plan that changes the answers is written at once (the
        write checks the member may answer); otherwise, or if the write is refused, the
        member's open check-in is read first, which also says why they may not answer."""
        known = self._planning.get(checkin_id)
        if known is not None:
            framework, _ = known
            plan = plan_for(*known)
            if plan is not None and plan.change is not None:
                view = await self.store.change_answer_in_view(checkin_id, user_id, plan.change)
                if view is not None and view.project is not None:
                    return _shown(view.project, view.checkin, framework, plan, view.response)
        opened = await self._open(checkin_id, user_id)
        if isinstance(opened, Refused):
            return opened
        plan = plan_for(opened.framework, opened.checkin.phase)
        if plan is None:
            return STALE
        if plan.screen is Screen.COMMENT_BOX:
            step = step_at(opened.framework, opened.checkin.phase, plan.index)
            existing = opened.response.answers.get(step.item)
            custom_id = box_id(self.box_key, opened.checkin.id, plan.index, user_id)
            return BoxOpened(custom_id, existing.comment if existing else None)
        return await self._carry_out(opened, plan, user_id)

    async def _carry_out(self, opened: _Open, plan: ClickPlan, user_id: int) -> Outcome:
        response = opened.response
        if plan.change is not None:
            changed = await self.store.change_answer(opened.checkin.id, user_id, plan.change)
            if changed is None:
                return ClosedUnderfoot()
            response = changed
        return _shown(opened.project, opened.checkin, opened.framework, plan, response)


def _shown(
    project: Project, checkin: Checkin, framework: Framework, plan: ClickPlan, response: Response
) -> StepShown | DeclineShown:
    """What a carried-out plan shows: the step it leads to, or the decline."""
    if plan.screen is Screen.DECLINED:
        return DeclineShown(checkin)
    return StepShown(project, checkin, framework, plan.index, response)
