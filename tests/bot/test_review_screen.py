"""The review and step screens stay whole under Discord's 2,000 characters (issue 11):
every answer, the Submit hint or the thank-you, and the buttons, however much was written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from bot.core.flow import review_index
from bot.core.frameworks import Framework
from bot.core.models import (
    ANYTHING_ELSE,
    COMMENT_MAX_CHARS,
    Answer,
    Checkin,
    DirectionChoice,
    Phase,
    Project,
    Response,
    Thresholds,
)
from bot.core.prompts import Prompts
from bot.core.text import MESSAGE_LIMIT
from bot.exts.answering._screens import step_screen
from tests.bot.world import labels, ready, start_answering

PROMPTS = Prompts.load(Path(__file__).resolve().parents[2] / "prompts" / "en.yaml")
RATINGS = [4, 3, 2, 5, 4, 3, 2, 1, 5, None]
LABELS = ["Not yet", "A little", "Partly", "Mostly", "Fully"]


def _long_comment(seed: str) -> str:
    text = " ".join(f"{seed}{i}" for i in range(400))
    return text[:COMMENT_MAX_CHARS]


# --- Through the real bot ------------------------------------------------------------------


async def test_review_keeps_every_answer_and_submit_when_every_comment_is_full(env):
    world = await ready(env)
    framework = env.bot.frameworks.by_id("ten-components")
    answering = await start_answering(world.members[0])
    comments = {i: _long_comment("word") for i in range(len(RATINGS))}
    await answering.answer_all(RATINGS, submit=False, comments=comments)
    # The direction checks were answered without comments above: go back (past the
    # priorities and the last word) and add them.
    for _ in range(4):
        await answering.click("Back")
    assert "direction check 1 of 2" in answering.message.content
    await answering.comment(_long_comment("idea"))
    await answering.click("Yes")
    await answering.comment(_long_comment("thought"))
    await answering.click("Not sure")
    await answering.comment(_long_comment("last"))  # a last word leads on to the priorities
    await answering.pick(["Equal", "Open", "Human"])

    review = answering.message.content
    assert len(review) <= MESSAGE_LIMIT
    for component, rating in zip(framework.components, RATINGS, strict=True):
        answer = "skipped" if rating is None else f"{rating} · {LABELS[rating - 1]}"
        assert f"**{component.name}**: {answer}" in review
    first, second = framework.direction_checks
    assert f"**{first.question}**: Yes" in review
    assert f"**{second.question}**: Not sure" in review
    assert "**One last thing**" in review
    assert "**What matters most**: Equal, Open, Human" in review
    assert review.count("↳") == 13  # every comment still previewed, only shorter
    assert review.endswith(PROMPTS("flow.review_submit_hint"))
    assert "Submit" in labels(answering.message)

    await answering.click("Submit")
    submitted = answering.message.content
    assert len(submitted) <= MESSAGE_LIMIT
    assert "✅ **Submitted. Thank you!**" in submitted
    assert "until the check-in closes" in submitted
    assert f"**{framework.components[-1].name}**: skipped" in submitted
    assert labels(answering.message) == ["Change my answers"]


async def test_a_full_comment_on_its_step_leaves_question_and_buttons(env):
    world = await ready(env)
    framework = env.bot.frameworks.by_id("ten-components")
    answering = await start_answering(world.members[0])
    await answering.comment(_long_comment("word"))
    screen = answering.message.content
    assert len(screen) <= MESSAGE_LIMIT
    assert framework.components[0].questions.beginning in screen
    assert "Your comment: word0" in screen
    assert "Edit comment" in labels(answering.message)


# --- Pure: the screens of synthetic frameworks, no Discord ---------------------------------


def _framework(
    components: int,
    name_chars: int = 80,
    meaning: str = "What it means.",
    scale: list[str] = LABELS,
) -> Framework:
    return Framework.model_validate(
        {
            "id": "huge",
            "title": "Huge",
            "source": "Tests",
            "description": "A framework as long as the rules allow.",
            "scale": scale,
            "components": [
                {
                    "key": f"c{i}",
                    "name": (f"Component {i} " + "x" * name_chars)[:name_chars],
                    "meaning": meaning,
                    "questions": {p.value: f"Question {i} for the {p.value}?" for p in Phase},
                    "discussion_prompt": "Talk.",
                }
                for i in range(components)
            ],
            "direction_checks": [
                {"key": "d1", "question": "Are we heading the right way? " * 2, "hint": "Hint."},
                {"key": "d2", "question": "Is the group still together? " * 2, "hint": "Hint."},
            ],
        }
    )


def _response(framework: Framework, *, submitted: bool = False, comment: bool = True) -> Response:
    answers: dict[str, Answer] = {}
    for i, component in enumerate(framework.components):
        text = _long_comment(f"c{i}w") if comment else None
        rating = i % min(5, len(framework.scale)) + 1
        answers[component.key] = Answer(component.key, rating=rating, comment=text)
    for check in framework.direction_checks:
        text = _long_comment("d") if comment else None
        answers[check.key] = Answer(check.key, choice=DirectionChoice.YES, comment=text)
    answers[ANYTHING_ELSE] = Answer(ANYTHING_ELSE, comment=_long_comment("last"))
    return Response(answers, submitted=submitted)


def _screen(framework: Framework, index: int, response: Response) -> tuple[str, Any]:
    project = Project(
        guild_id=1,
        name="Youth Board",
        channel_id=2,
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 6, 26),
        framework_id=framework.id,
        timezone="UTC",
        checkin_time=time(10),
        window_days=7,
        id=3,
    )
    opened = datetime(2026, 1, 5, 10, tzinfo=UTC)
    checkin = Checkin(
        id=4,
        project_id=3,
        phase=Phase.BEGINNING,
        framework_id=framework.id,
        opened_at=opened,
        closes_at=datetime(2026, 1, 12, 10, tzinfo=UTC),
        thresholds=Thresholds(),
    )
    return step_screen(PROMPTS, project, checkin, framework, index, response)


def _button_labels(buttons: Any) -> list[str]:
    return [button.label for button in buttons]


def _names_and_answers(framework: Framework, text: str) -> None:
    for i, component in enumerate(framework.components):
        assert f"**{component.name}**: {i % 5 + 1} · {LABELS[i % 5]}" in text
    for check in framework.direction_checks:
        assert f"**{check.question.strip()}**: Yes" in text


def test_review_of_twelve_components_shortens_every_preview_to_fit():
    framework = _framework(12, name_chars=30)
    text, view = _screen(framework, review_index(framework, Phase.BEGINNING), _response(framework))
    assert len(text) <= MESSAGE_LIMIT
    _names_and_answers(framework, text)
    assert text.count("↳") == 15  # 12 components, 2 direction checks, the last word
    assert text.endswith(PROMPTS("flow.review_submit_hint"))
    assert "Submit" in _button_labels(view)


def test_review_of_twelve_long_named_components_fits_with_its_end():
    framework = _framework(12)
    text, view = _screen(framework, review_index(framework, Phase.BEGINNING), _response(framework))
    assert len(text) <= MESSAGE_LIMIT
    _names_and_answers(framework, text)
    assert "↳" not in text  # no room for a sensible preview: the comments are counted
    assert PROMPTS("flow.review_comments_hidden", count=15) in text
    assert text.endswith(PROMPTS("flow.review_submit_hint"))
    assert "Submit" in _button_labels(view)

    submitted = _response(framework, submitted=True)
    text, view = _screen(framework, review_index(framework, Phase.BEGINNING), submitted)
    assert len(text) <= MESSAGE_LIMIT
    _names_and_answers(framework, text)
    assert "✅ **Submitted. Thank you!**" in text
    assert _button_labels(view) == ["Change my answers"]


def test_review_of_the_largest_framework_shortens_names_to_show_every_answer():
    framework = _framework(25)
    text, view = _screen(framework, review_index(framework, Phase.BEGINNING), _response(framework))
    assert len(text) <= MESSAGE_LIMIT
    for i in range(25):
        assert f"• **Component {i} " in text
    assert text.count("**: Yes") == 2
    assert PROMPTS("flow.review_comments_hidden", count=28) in text
    assert text.endswith(PROMPTS("flow.review_submit_hint"))
    assert "Submit" in _button_labels(view)


def test_review_beyond_any_message_drops_whole_lines_but_never_the_end():
    scale = [f"{n} " + "label " * 15 for n in range(1, 11)]  # ten 80-character labels
    framework = _framework(25, scale=[label[:80].strip() for label in scale])
    response = _response(framework, submitted=True)
    text, view = _screen(framework, review_index(framework, Phase.BEGINNING), response)
    assert len(text) <= MESSAGE_LIMIT
    assert "• **Component 0 " in text
    assert "\n…\n\n" in text  # whole answer lines left out, none cut in half
    assert "✅ **Submitted. Thank you!**" in text
    assert _button_labels(view) == ["Change my answers"]


def test_step_with_a_huge_meaning_keeps_question_and_current_answer():
    framework = _framework(3, meaning="A very long explanation. " * 200)
    response = _response(framework)
    text, view = _screen(framework, 1, response)
    assert len(text) <= MESSAGE_LIMIT
    assert "## Component 1" in text
    assert "Question 1 for the beginning?" in text
    assert "Your answer: **A little**" in text
    assert "Your comment: c1w0" in text
    assert "Edit comment" in _button_labels(view)


def test_step_comment_gives_way_before_anything_else():
    framework = _framework(3, meaning="A long explanation. " * 80)  # ~1,600 characters
    text, _ = _screen(framework, 0, _response(framework))
    assert len(text) <= MESSAGE_LIMIT
    assert ("A long explanation. " * 80).strip() in text  # the meaning is whole
    assert "Your comment: c0w0" in text
    assert "Question 0 for the beginning?" in text
