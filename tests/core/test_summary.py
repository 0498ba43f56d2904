"""The anonymised group summary: thresholds, maths, comments and Discord-sized rendering."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.frameworks import Framework, parse_framework
from bot.core.models import (
    ANYTHING_ELSE,
    COMMENT_MAX_CHARS,
    Answer,
    DirectionChoice,
    Phase,
    Response,
    Thresholds,
)
from bot.core.prompts import Language, Prompts
from bot.core.summary import (
    COMMENTS_HIDDEN,
    MAX_HIGHLIGHTS,
    CheckinSummary,
    Highlight,
    RedactedAhead,
    comment_redactor,
    scale_bands,
    summarise_checkin,
    views_differ,
    with_trends,
)
from bot.core.summary_text import render_summary
from bot.core.text import MESSAGE_LIMIT

PROMPTS_PATH = Path(__file__).resolve().parents[2] / "prompts" / "en.yaml"
YES, NO, UNSURE = DirectionChoice.YES, DirectionChoice.NO, DirectionChoice.UNSURE


def framework_yaml(component_count: int = 3, scale_points: int = 5) -> str:
    labels = ["Not yet", "A little", "Partly", "Mostly", "Fully", "6", "7", "8", "9", "10"]
    lines = [
        "id: test",
        "title: Test framework",
        "source: Written for the tests",
        "description: A small framework for testing summaries.",
        "scale: [" + ", ".join(f'"{label}"' for label in labels[:scale_points]) + "]",
        "components:",
    ]
    for i in range(component_count):
        lines += [
            f"  - key: c{i}",
            f"    name: Component {i}",
            f"    meaning: What component {i} means.",
            "    questions:",
            f"      beginning: How will we make {i} happen?",
            f"      middle: How much has {i} happened?",
            f"      end: How much did {i} happen?",
            f"      extra: How is {i} going?",
            f"    discussion_prompt: What would help component {i} along?",
        ]
    lines += [
        "direction_checks:",
        "  - key: uncomfortable",
        "    question: Does this feel at least a little uncomfortable?",
        "    hint: If nothing is uncomfortable, power may not be shifting.",
        "  - key: sharing_power",
        "    question: Are we sharing more power than before?",
        "    hint: If unsure, ask the people you work with.",
    ]
    return "\n".join(lines) + "\n"


FRAMEWORK = parse_framework(framework_yaml(), source="test")
THRESHOLDS = Thresholds(scores=3, comments=5)


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    return Prompts.load(PROMPTS_PATH)


def response(
    ratings: dict[str, int | None] | None = None,
    *,
    choices: dict[str, DirectionChoice] | None = None,
    comments: dict[str, str] | None = None,
    submitted: bool = True,
) -> Response:
    answers: dict[str, Answer] = {}
    for key, rating in (ratings or {}).items():
        answers[key] = Answer(key, rating=rating, skipped=rating is None)
    for key, choice in (choices or {}).items():
        answers[key] = Answer(key, choice=choice)
    for key, comment in (comments or {}).items():
        old = answers.get(key, Answer(key))
        answers[key] = Answer(key, old.rating, old.skipped, old.choice, comment)
    return Response(answers=answers, submitted=submitted)


def rated(*ratings: int, key: str = "c0") -> list[Response]:
    return [response({key: r}) for r in ratings]


def summarise(
    responses: list[Response],
    *,
    framework: Framework = FRAMEWORK,
    thresholds: Thresholds = THRESHOLDS,
    names: list[str] | None = None,
    seed: int = 1,
    invited: int | None = None,
) -> CheckinSummary:
    return summarise_checkin(
        framework,
        thresholds,
        Phase.MIDDLE,
        invited=len(responses) if invited is None else invited,
        responses=responses,
        names=names or [],
        rng=random.Random(seed),
    )


def render(
    summary: CheckinSummary, prompts: Prompts, framework: Framework = FRAMEWORK
) -> list[str]:
    return render_summary(
        summary, framework, prompts, project_name="Riverside", phase_label="middle"
    )


def full_response(rating: int, **kwargs: Any) -> Response:
    return response({c.key: rating for c in FRAMEWORK.components}, **kwargs)


# --- who took part ------------------------------------------------------------------------------


@pytest.mark.parametrize("scores", [3, 4, 7])
def test_below_the_scores_threshold_only_too_few_is_said(prompts: Prompts, scores: int) -> None:
    thresholds = Thresholds(scores=scores, comments=scores)
    responses = [
        full_response(
            4, choices={"uncomfortable": YES}, comments={"c0": "secret", ANYTHING_ELSE: "hush"}
        )
        for _ in range(scores - 1)
    ]
    summary = summarise(responses, thresholds=thresholds, invited=9)

    assert not summary.enough
    assert summary.components == [] and summary.directions == []
    assert summary.strongest == () and summary.weakest == ()
    assert summary.comments is None
    header = prompts("summary.title", project="Riverside", phase="middle")
    too_few = prompts("summary.too_few", took_part=scores - 1, count=9, scores=scores)
    assert render(summary, prompts) == [f"{header}\n{too_few}"]


@pytest.mark.parametrize("scores", [3, 4, 7])
def test_at_the_scores_threshold_the_full_summary_appears(prompts: Prompts, scores: int) -> None:
    thresholds = Thresholds(scores=scores, comments=scores)
    responses = [full_response(4, choices={"uncomfortable": YES}) for _ in range(scores)]
    summary = summarise(responses, thresholds=thresholds, invited=9)

    assert summary.enough
    text = "\n".join(render(summary, prompts))
    assert prompts("summary.took_part", took_part=scores, count=9) in text
    for component in FRAMEWORK.components:
        assert (
            prompts(
                "summary.component",
                name=component.name,
                average="4.0",
                trend="",
                count=scores,
                flag="",
            )
            in text
        )
    assert (
        prompts(
            "summary.direction",
            question="Does this feel at least a little uncomfortable?",
            yes=scores,
            no=0,
            unsure=0,
        )
        in text
    )
    assert prompts("summary.too_few", took_part=scores, count=9, scores=scores) not in text


def test_unsubmitted_responses_are_ignored_entirely() -> None:
    # Five submitted (the comments threshold), so the distribution is shown and can be read.
    responses = [*rated(2, 2, 2, 2, 2), *(response({"c0": 5}, submitted=False) for _ in range(5))]
    summary = summarise(responses, invited=12)
    assert summary.took_part == 5
    assert summary.invited == 12
    assert summary.components[0].average == 2.0
    assert summary.components[0].rated_count == 5
    assert summary.components[0].distribution == {1: 0, 2: 5, 3: 0, 4: 0, 5: 0}


def test_only_unsubmitted_responses_means_too_few() -> None:
    summary = summarise([response({"c0": 5}, submitted=False) for _ in range(6)], invited=6)
    assert summary.took_part == 0 and not summary.enough


# --- components --------------------------------------------------------------------------------


def test_average_distribution_and_counts() -> None:
    responses = [*rated(1, 3, 3, 4, 5), response({"c0": None}), response({})]
    result = summarise(responses).components[0]
    assert result.key == "c0" and result.name == "Component 0"
    assert result.rated_count == 5
    assert result.skipped_count == 2
    assert result.average == pytest.approx(3.2)
    assert result.distribution == {1: 1, 2: 0, 3: 2, 4: 1, 5: 1}
    assert result.enough


def test_ratings_outside_the_scale_do_not_count() -> None:
    result = summarise([*rated(3, 3, 3), *rated(0, 6, 99)]).components[0]
    assert result.rated_count == 3 and result.average == 3.0


def test_a_component_below_the_threshold_shows_not_enough(prompts: Prompts) -> None:
    responses = [response({"c0": 5, "c1": 1}), response({"c0": 4, "c1": 2}), response({"c0": 4})]
    summary = summarise(responses)
    c1 = summary.components[1]
    assert not c1.enough
    assert c1.average is None and c1.distribution == {} and not c1.views_differ
    text = "\n".join(render(summary, prompts))
    assert prompts("summary.component_not_enough", name="Component 1") in text
    assert "Component 1**: 1" not in text


def test_averages_render_with_one_decimal_rounding_halves_up(prompts: Prompts) -> None:
    # 4, 4, 4, 5 -> 4.25 -> "4.3"; 1, 2, 2 -> 1.666... -> "1.7"
    responses = [response({"c0": 4, "c1": 1}), response({"c0": 4, "c1": 2})]
    responses += [response({"c0": 4, "c1": 2}), response({"c0": 5})]
    text = "\n".join(render(summarise(responses), prompts))
    assert "4.3" in text and "1.7" in text
    assert "4.25" not in text and "1.66" not in text


def test_distribution_is_compact_and_scale_labels_are_shown_once(prompts: Prompts) -> None:
    summary = summarise(rated(1, 3, 3, 4, 5))
    text = "\n".join(render(summary, prompts))
    counts = "1: 1 · 2: 0 · 3: 2 · 4: 1 · 5: 1"
    assert prompts("summary.distribution", bar="▄·█▄▄", counts=counts) in text
    for label in FRAMEWORK.scale:
        assert text.count(label) == 1


# --- strongest and weakest -------------------------------------------------------------------


def keys(highlights: tuple[Highlight, ...]) -> list[str]:
    return [h.key for h in highlights]


def ratings_per_component(*columns: tuple[int, ...], framework: Framework = FRAMEWORK):
    """One response per row; column i gives component i's ratings."""
    rows = zip(*columns, strict=True)
    return [response({f"c{i}": r for i, r in enumerate(row)}) for row in rows]


def test_strongest_and_weakest_with_the_weak_ones_discussion_prompt(prompts: Prompts) -> None:
    summary = summarise(ratings_per_component((5, 5, 4), (3, 3, 3), (1, 2, 2)))
    assert keys(summary.strongest) == ["c0"]
    assert keys(summary.weakest) == ["c2"]
    assert summary.strongest[0].discussion_prompt is None
    assert summary.weakest[0].discussion_prompt == "What would help component 2 along?"
    text = "\n".join(render(summary, prompts))
    assert (
        prompts(
            "summary.discussion", name="Component 2", prompt="What would help component 2 along?"
        )
        in text
    )
    assert "What would help component 0 along?" not in text


def test_ties_name_every_tied_component() -> None:
    summary = summarise(ratings_per_component((5, 5, 4), (5, 4, 5), (2, 2, 2)))
    assert keys(summary.strongest) == ["c0", "c1"]
    assert keys(summary.weakest) == ["c2"]


def test_ties_are_judged_on_the_average_as_shown() -> None:
    # 14/3 = 4.67 and 33/7 = 4.71 both show as 4.7; 1.25 shows as 1.3, above 1.0.
    framework = parse_framework(framework_yaml(component_count=4), source="test")
    responses = [
        response({"c0": 5, "c1": 5, "c2": 1, "c3": 1}),
        response({"c0": 5, "c1": 5, "c2": 1, "c3": 1}),
        response({"c0": 4, "c1": 5, "c2": 1, "c3": 1}),
        response({"c1": 5, "c2": 2}),
        response({"c1": 5}),
        response({"c1": 4}),
        response({"c1": 4}),
    ]
    summary = summarise(responses, framework=framework)
    assert [round(r.average or 0, 2) for r in summary.components] == [4.67, 4.71, 1.25, 1.0]
    assert keys(summary.strongest) == ["c0", "c1"]
    assert keys(summary.weakest) == ["c3"]


def test_all_equal_averages_name_no_strongest_or_weakest() -> None:
    summary = summarise(ratings_per_component((4, 4, 4), (3, 4, 5), (5, 3, 4)))
    assert summary.strongest == () and summary.weakest == ()


def test_fewer_than_two_eligible_components_name_none() -> None:
    summary = summarise([response({"c0": 5, "c1": 1}) for _ in range(3)] + [response({"c0": 5})])
    assert [r.enough for r in summary.components] == [True, True, False]
    assert keys(summary.strongest) == ["c0"] and keys(summary.weakest) == ["c1"]
    summary = summarise(rated(5, 5, 5))
    assert summary.strongest == () and summary.weakest == ()


def test_too_many_ties_name_none_on_that_side() -> None:
    framework = parse_framework(framework_yaml(component_count=MAX_HIGHLIGHTS + 2), source="t")
    top = {f"c{i}": 5 for i in range(MAX_HIGHLIGHTS + 1)}
    responses = [response({**top, f"c{MAX_HIGHLIGHTS + 1}": 2}) for _ in range(3)]
    summary = summarise(responses, framework=framework)
    assert summary.strongest == ()
    assert keys(summary.weakest) == [f"c{MAX_HIGHLIGHTS + 1}"]


def test_no_component_is_both_strongest_and_weakest() -> None:
    rng = random.Random(7)
    for _ in range(300):
        responses = [
            response({f"c{i}": rng.choice([None, 1, 2, 3, 4, 5]) for i in range(3)})
            for _ in range(rng.randint(3, 8))
        ]
        summary = summarise(responses)
        assert not set(keys(summary.strongest)) & set(keys(summary.weakest))
        assert all(summary.components[int(k[1:])].enough for k in keys(summary.strongest))


# --- views differ ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "bottom", "top"),
    [(2, [1], [2]), (3, [1], [3]), (4, [1], [4]), (5, [1, 2], [4, 5]), (7, [1, 2, 3], [5, 6, 7])],
)
def test_scale_bands(points: int, bottom: list[int], top: list[int]) -> None:
    assert scale_bands(points) == (range(bottom[0], bottom[-1] + 1), range(top[0], top[-1] + 1))


@pytest.mark.parametrize(
    ("ratings", "points", "expected"),
    [
        ([1, 1, 5, 5], 5, True),
        ([2, 2, 4, 4], 5, True),  # standard deviation exactly 1.0
        ([1, 5, 5, 5, 5], 5, True),
        ([1, 3, 3, 3, 5], 5, True),
        ([2, 4, 4, 4, 4, 4, 4, 4, 4, 4], 5, False),  # one low outlier, spread 0.6
        ([2, 3, 3, 4], 5, False),  # no wide split
        ([1, 1, 2, 3], 5, False),  # nobody near the top
        ([3, 3, 3], 5, False),
        ([5], 5, False),
        ([1, 2], 2, True),
        ([1, 4, 4, 4, 4, 4, 4], 4, True),  # one strong dissent counts
        ([1, 3, 3, 3, 3, 3, 3, 3, 4], 4, False),  # extremes, but spread 0.74 < 0.75
        ([1, 1, 4, 4], 4, True),
        ([1, 2, 9, 10], 10, True),
        ([4, 4, 7, 7], 10, False),  # middle of a long scale
    ],
)
def test_views_differ(ratings: list[int], points: int, expected: bool) -> None:
    assert views_differ(ratings, points) is expected


def test_views_differ_is_flagged_and_explained_once(prompts: Prompts) -> None:
    # Five ratings each: the flag needs the comments threshold of ratings, like the spread.
    summary = summarise(ratings_per_component((1, 5, 1, 5, 5), (2, 3, 3, 4, 3), (1, 5, 1, 5, 1)))
    assert [r.views_differ for r in summary.components] == [True, False, True]
    text = "\n".join(render(summary, prompts))
    assert text.count(prompts("summary.views_differ_flag")) == 2
    assert text.count(prompts("summary.views_differ_legend")) == 1
    calm = "\n".join(render(summarise(rated(3, 3, 4, 3, 4)), prompts))
    assert prompts("summary.views_differ_legend") not in calm


# --- direction checks --------------------------------------------------------------------------


def test_direction_counts_need_the_scores_threshold(prompts: Prompts) -> None:
    responses = [
        response({"c0": 3}, choices={"uncomfortable": YES, "sharing_power": UNSURE}),
        response({"c0": 3}, choices={"uncomfortable": NO, "sharing_power": YES}),
        response({"c0": 3}, choices={"uncomfortable": YES}),
    ]
    summary = summarise(responses)
    uncomfortable, sharing = summary.directions
    assert uncomfortable.enough and uncomfortable.answered == 3
    assert uncomfortable.counts == {YES: 2, NO: 1, UNSURE: 0}
    # Below the threshold not even how many answered it is kept (two did).
    assert not sharing.enough and sharing.answered is None and sharing.counts == {}
    text = "\n".join(render(summary, prompts))
    assert prompts("summary.directions_header") in text
    assert (
        prompts("summary.direction_not_enough", question="Are we sharing more power than before?")
        in text
    )
    assert (
        prompts(
            "summary.direction",
            question="Does this feel at least a little uncomfortable?",
            yes=2,
            no=1,
            unsure=0,
        )
        in text
    )


def test_a_framework_without_direction_checks_has_no_direction_section(prompts: Prompts) -> None:
    text = framework_yaml().split("direction_checks:")[0]
    framework = parse_framework(text, source="test")
    summary = summarise(rated(3, 4, 5), framework=framework)
    assert summary.directions == []
    assert prompts("summary.directions_header") not in "\n".join(
        render(summary, prompts, framework)
    )


# --- comments ----------------------------------------------------------------------------------


def commenting(count: int) -> list[Response]:
    return [
        response(
            {"c0": 3},
            choices={"uncomfortable": YES},
            comments={
                "c2": f"third {i}",
                "c0": f"first {i}",
                ANYTHING_ELSE: f"else {i}",
                "uncomfortable": f"edgy {i}",
                "c1": "   " if i % 2 else "",
            },
        )
        for i in range(count)
    ]


def test_comments_are_hidden_below_the_comments_threshold(prompts: Prompts) -> None:
    summary = summarise(commenting(4))
    assert summary.enough
    assert summary.comments is None
    assert summary.comments_hidden_reason == COMMENTS_HIDDEN
    text = "\n".join(render(summary, prompts))
    assert prompts(COMMENTS_HIDDEN, comments=5) in text
    for word in ("first", "third", "else", "edgy"):
        assert word not in text


def test_comments_are_grouped_in_framework_order_with_anything_else_last(
    prompts: Prompts,
) -> None:
    summary = summarise(commenting(5))
    assert summary.comments_hidden_reason is None
    assert summary.comments is not None
    assert [g.item for g in summary.comments] == ["c0", "c2", "uncomfortable", ANYTHING_ELSE]
    assert [g.title for g in summary.comments] == [
        "Component 0",
        "Component 2",
        "Does this feel at least a little uncomfortable?",
        None,
    ]
    assert sorted(summary.comments[0].comments) == [f"first {i}" for i in range(5)]
    pages = render(summary, prompts)
    comments_text = "\n".join(pages[1:])
    assert pages[1].startswith(prompts("summary.comments_header"))
    positions = [
        comments_text.index(prompts("summary.comment_group", title=title))
        for title in ("Component 0", "Component 2", FRAMEWORK.direction_checks[0].question)
    ]
    positions.append(comments_text.index(prompts("summary.anything_else")))
    assert positions == sorted(positions)
    assert "first 0" not in pages[0]


def test_empty_comments_are_dropped(prompts: Prompts) -> None:
    summary = summarise(commenting(5))
    assert summary.comments is not None
    assert "c1" not in [g.item for g in summary.comments]
    summary = summarise([response({"c0": 3}, comments={"c0": " \n "}) for _ in range(5)])
    assert summary.comments == []
    assert prompts("summary.comments_none") in "\n".join(render(summary, prompts))


def test_comments_are_shuffled_with_the_given_rng() -> None:
    responses = [response({"c0": 3}, comments={"c0": f"comment {i}"}) for i in range(20)]

    def order(seed: int) -> tuple[str, ...]:
        comments = summarise(responses, seed=seed).comments
        assert comments is not None
        return comments[0].comments

    assert order(1) == order(1)
    assert sorted(order(1)) == sorted(f"comment {i}" for i in range(20))
    assert order(1) != tuple(f"comment {i}" for i in range(20))
    assert len({order(seed) for seed in range(5)}) > 1


def test_comments_are_redacted(prompts: Prompts) -> None:
    secret = (
        "Ana Lopez told bob@example.org and @everyone <@123456> <@!9> <@&5> <#77> "
        "to ring +44 20 7946 0958, ANA agreed"
    )
    responses = [
        response({"c0": 3}, comments={"c0": secret, ANYTHING_ELSE: f"Bob says hi to {i}"})
        for i in range(5)
    ]
    summary = summarise(responses, names=["Ana Lopez", "Ana", "Bob"])
    text = "\n".join(render(summary, prompts))
    for leak in ("Ana", "ANA", "Bob", "bob@", "example.org", "@everyone", "123456", "<@", "<#"):
        assert leak not in text
    assert "7946" not in text
    assert "[name] says hi to 3" in text


def test_comments_redacted_ahead_are_shown_as_given_and_the_rest_redacted_here() -> None:
    names = ["Ana Lopez", "Bob"]
    texts = [f"  Bob asked Ana Lopez about {i}, bob@example.org " for i in range(5)]
    responses = [response({"c0": 3}, comments={"c0": text}) for text in texts]
    redactor = comment_redactor(tuple(names))
    copies = {text.strip(): redactor.redact(text.strip()) for text in texts[:3]}

    def given(ahead: RedactedAhead) -> CheckinSummary:
        return summarise_checkin(
            FRAMEWORK,
            THRESHOLDS,
            Phase.MIDDLE,
            invited=5,
            responses=responses,
            names=names,
            rng=random.Random(1),
            ahead=ahead,
        )

    summary = given(RedactedAhead(tuple(names), copies))
    assert summary == summarise(responses, names=names)  # the same as redacting them all here
    assert summary.comments is not None
    for comment in summary.comments[0].comments:
        assert "Bob" not in comment and "Ana" not in comment and "@" not in comment
    # What was redacted ahead is what is shown (the close does not redact it again) ...
    marked = dict(copies, **{texts[0].strip(): "kept copy"})
    shown = given(RedactedAhead(tuple(names), marked))
    assert shown.comments is not None and "kept copy" in shown.comments[0].comments
    # ... but only under exactly the summary's names: copies made before "Ana Lopez" was a
    # name to hide would show her name.
    stale = {text.strip(): comment_redactor(("Bob",)).redact(text.strip()) for text in texts}
    assert any("Ana Lopez" in copy for copy in stale.values())
    redone = given(RedactedAhead(("Bob",), stale))
    assert redone == summary
    assert redone.comments is not None
    assert not any("Ana" in comment for comment in redone.comments[0].comments)


# --- rendering limits --------------------------------------------------------------------------


def test_every_message_fits_and_no_comment_is_cut(prompts: Prompts) -> None:
    framework = parse_framework(framework_yaml(component_count=12), source="test")
    rng = random.Random(3)
    words = ["together", "power", "listen", "meeting", "we", "really", "felt", "heard", "time"]
    comment_texts = []
    responses = []
    for i in range(50):
        body = f"#{i:02d} " + " ".join(rng.choice(words) for _ in range(200))
        body = body[: COMMENT_MAX_CHARS - 4] + " end"
        comment_texts.append(body)
        responses.append(
            response(
                {c.key: rng.randint(1, 5) for c in framework.components},
                choices={"uncomfortable": rng.choice(list(DirectionChoice))},
                comments={framework.components[i % 12].key: body},
            )
        )
    summary = summarise(responses, framework=framework)
    pages = render(summary, prompts, framework)
    assert len(pages) > 2
    assert all(0 < len(page) <= MESSAGE_LIMIT for page in pages)
    for body in comment_texts:
        assert sum(body in page for page in pages) == 1


def test_a_group_spilling_over_is_titled_again(prompts: Prompts) -> None:
    responses = [
        response({"c0": 3}, comments={"c0": "abc"[i] * 1000, "c1": "xyz"[i] * 1000})
        for i in range(3)
    ]
    summary = summarise(responses, thresholds=Thresholds(scores=3, comments=3))
    pages = render(summary, prompts)[1:]
    first, second = (prompts("summary.comment_group", title=f"Component {i}") for i in (0, 1))
    again = [prompts("summary.comment_group_continued", title=f"Component {i}") for i in (0, 1)]
    # Two 1000-character comments never share a message, so each comment has its own.
    assert len(pages) == 6
    assert pages[0].startswith(prompts("summary.comments_header") + "\n" + first + "\n")
    assert pages[1].startswith(again[0]) and pages[2].startswith(again[0])
    assert pages[3].startswith(second + "\n")
    assert pages[4].startswith(again[1]) and pages[5].startswith(again[1])


def test_a_comment_made_longer_by_redaction_still_fits(prompts: Prompts) -> None:
    worst = "@x`" * (COMMENT_MAX_CHARS // 3)  # every character escaped or spaced
    summary = summarise([response({"c0": 3}, comments={"c0": worst}) for _ in range(5)])
    pages = render(summary, prompts)
    assert all(len(page) <= MESSAGE_LIMIT for page in pages)


def test_a_long_summary_without_comments_is_split_between_blocks(prompts: Prompts) -> None:
    framework = parse_framework(framework_yaml(component_count=25), source="test")
    responses = [
        response({c.key: 1 + (i + j) % 5 for j, c in enumerate(framework.components)})
        for i in range(5)
    ]
    pages = render(summarise(responses, framework=framework), prompts, framework)
    assert len(pages) > 1
    assert all(len(page) <= MESSAGE_LIMIT for page in pages)
    for component in framework.components:
        # A component's line and its distribution stay in the same message.
        line = next(p for p in pages if f"**{component.name}**:" in p)
        after = line.split(f"**{component.name}**:", 1)[1]
        assert "\n" in after and "1: 1 · 2: 1" in after.split("\n")[1]


# --- prompts -----------------------------------------------------------------------------------


class RecordingPrompts(Prompts):
    """Prompts that check every call passes exactly the placeholders the sentence expects."""

    def __init__(self, inner: Prompts) -> None:
        texts = dict(inner.raw(inner.language))
        super().__init__({inner.language: Language(inner.language, texts, inner.source)})
        self.used: set[str] = set()

    def __call__(self, key: str, /, **values: Any) -> str:
        assert key in self, f"missing prompt {key}"
        assert self.placeholders(key) == set(values), key
        self.used.add(key)
        return super().__call__(key, **values)


def test_every_summary_prompt_exists_is_used_and_gets_its_placeholders(prompts: Prompts) -> None:
    recording = RecordingPrompts(prompts)
    scenarios = [
        summarise(rated(4, 4)),  # too few
        summarise(commenting(4)),  # comments hidden
        summarise(ratings_per_component((1, 5, 1, 5, 3), (3, 3, 3, 3, 3), (1, 1, 2, 2, 2))),
        summarise([response({"c0": 3}) for _ in range(5)]),  # no comments
        summarise(commenting(5)),
    ]
    many = [*commenting(5), *commenting(5), *commenting(5)]
    many = [
        response({"c0": 3}, comments={"c0": "x" * COMMENT_MAX_CHARS, ANYTHING_ELSE: "y" * 900})
        for _ in range(10)
    ] + many
    scenarios.append(summarise(many))
    earlier = summarise([full_response(2) for _ in range(4)])
    scenarios.append(with_trends(summarise(commenting(5)), previous=earlier, beginning=earlier))
    for summary in scenarios:
        render_summary(summary, FRAMEWORK, recording, project_name="P", phase_label="end")
    # What matters most: shown, withheld, nobody picked, and how the top ones moved.
    asking = parse_framework(framework_yaml() + "priorities: 2\n", source="test")

    def beginning(picks: list[tuple[str, ...]]) -> CheckinSummary:
        responses = [
            Response(full_response(3).answers, submitted=True, priorities=p) for p in picks
        ]
        return summarise_checkin(
            asking,
            THRESHOLDS,
            Phase.BEGINNING,
            invited=len(picks),
            responses=responses,
            names=[],
            rng=random.Random(1),
        )

    shown = beginning([("c0",), ("c0", "c1"), ("c1",)])
    for summary in (
        shown,
        beginning([("c0",), (), ()]),
        with_trends(summarise(commenting(5)), previous=shown, beginning=shown),
    ):
        render_summary(summary, asking, recording, project_name="P", phase_label="end")
    every_key = prompts.keys()  # a list: Prompts itself is not iterable
    summary_keys = {key for key in every_key if key.startswith("summary.")}
    assert summary_keys - recording.used == set()


def test_summary_prompts_have_no_stray_braces(prompts: Prompts) -> None:
    every_key = prompts.keys()
    for key in every_key:
        if key.startswith("summary.") and not prompts.placeholders(key):
            assert "{" not in prompts(key) and "}" not in prompts(key), key


# --- anonymity property ------------------------------------------------------------------------

rating_or_skip = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
random_response = st.builds(
    lambda ratings, choice, comment, submitted: response(
        {f"c{i}": r for i, r in enumerate(ratings) if r != 0},
        choices={"uncomfortable": choice} if choice else None,
        comments={ANYTHING_ELSE: comment} if comment else None,
        submitted=submitted,
    ),
    st.lists(st.one_of(st.just(0), rating_or_skip), min_size=3, max_size=3),
    st.one_of(st.none(), st.sampled_from(list(DirectionChoice))),
    st.one_of(st.none(), st.text(max_size=30)),
    st.booleans(),
)
thresholds = st.integers(min_value=3, max_value=8).flatmap(
    lambda scores: st.builds(
        Thresholds, st.just(scores), st.integers(min_value=scores, max_value=10)
    )
)


@given(st.lists(random_response, max_size=12), thresholds)
def test_nothing_is_shown_below_any_threshold(
    responses: list[Response], thresholds: Thresholds
) -> None:
    summary = summarise(responses, thresholds=thresholds)
    took_part = sum(r.submitted for r in responses)
    assert summary.took_part == took_part
    if took_part < thresholds.scores:
        assert not summary.enough and not summary.components and not summary.directions
    submitted = [r for r in responses if r.submitted]
    for result in summary.components:
        rated_count = sum(
            (a := r.answers.get(result.key)) is not None and a.rating is not None for r in submitted
        )
        assert result.enough == (rated_count >= thresholds.scores)
        if not result.enough:
            assert result.average is None and result.distribution == {}
            assert result.rated_count is None and result.skipped_count is None
            assert not result.views_differ
        else:
            assert result.rated_count == rated_count
            assert result.skipped_count == took_part - rated_count
        if rated_count >= thresholds.comments:
            assert sum(result.distribution.values()) == rated_count
        else:
            assert result.distribution == {} and not result.views_differ
    for direction in summary.directions:
        answered = sum(
            (a := r.answers.get(direction.key)) is not None and a.choice is not None
            for r in submitted
        )
        assert direction.enough == (answered >= thresholds.scores)
        if not direction.enough:
            assert direction.counts == {} and direction.answered is None
        else:
            assert direction.answered == answered
    if took_part < thresholds.comments:
        assert summary.comments is None
    highlighted = {h.key for h in (*summary.strongest, *summary.weakest)}
    assert highlighted <= {r.key for r in summary.components if r.enough}


def test_no_respondent_identity_reaches_the_summary() -> None:
    summary = summarise(commenting(6))
    text = repr(summary)
    assert "user" not in text.lower() and "hash" not in text.lower()
    assert not re.search(r"\d{7,}", text)
