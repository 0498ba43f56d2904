"""Trends across a project's check-ins, the chart's data, and the compact distribution."""

from __future__ import annotations

import random
from decimal import Decimal

from bot.core.models import Phase, Response, Thresholds
from bot.core.prompts import Prompts
from bot.core.summary import Change, CheckinSummary, chart_data, summarise_checkin, with_trends
from bot.core.summary_text import bar_of, render_pages
from tests.core.test_summary import FRAMEWORK, PROMPTS_PATH, response

THRESHOLDS = Thresholds(scores=3, comments=5)
PROMPTS = Prompts.load(PROMPTS_PATH)


def checkin(phase: Phase, responses: list[Response]) -> CheckinSummary:
    return summarise_checkin(
        FRAMEWORK, THRESHOLDS, phase, invited=5, responses=responses, names=[], rng=random.Random(1)
    )


def ratings(c0: int | None, c1: int | None, c2: int | None) -> Response:
    return response({"c0": c0, "c1": c1, "c2": c2})


# Beginning: c0 2.0, c1 3.0, c2 4.0 (four people).
BEGINNING = checkin(Phase.BEGINNING, [ratings(2, 3, 4)] * 4)
# Middle: c0 3.0, c1 skipped by everyone, c2 4.5.
MIDDLE = checkin(Phase.MIDDLE, [ratings(3, None, 4), ratings(3, None, 5)] * 2)
# End: c0 4.3 (from 4, 4, 5), c1 2.7, c2 4.0.
END = checkin(Phase.END, [ratings(4, 3, 4), ratings(4, 2, 4), ratings(5, 3, 4)])
TOO_FEW = checkin(Phase.MIDDLE, [ratings(1, 1, 1)] * 2)


def changes(summary: CheckinSummary) -> dict[str, tuple[Change, ...]]:
    return {c.key: c.changes for c in summary.components}


def test_the_middle_is_compared_with_the_beginning_once() -> None:
    middle = with_trends(MIDDLE, previous=BEGINNING, beginning=BEGINNING)
    assert changes(middle) == {
        "c0": (Change(Phase.BEGINNING, Decimal("1.0")),),
        "c1": (),  # everyone skipped it in the middle: nothing to compare
        "c2": (Change(Phase.BEGINNING, Decimal("0.5")),),
    }


def test_the_end_is_compared_with_the_previous_and_the_beginning() -> None:
    end = with_trends(END, previous=MIDDLE, beginning=BEGINNING)
    assert changes(end) == {
        "c0": (
            Change(Phase.MIDDLE, Decimal("1.3")),
            Change(Phase.BEGINNING, Decimal("2.3")),
        ),
        "c1": (Change(Phase.BEGINNING, Decimal("-0.3")),),  # no middle figure to compare
        "c2": (
            Change(Phase.MIDDLE, Decimal("-0.5")),
            Change(Phase.BEGINNING, Decimal("0.0")),
        ),
    }


def test_no_trend_is_drawn_through_a_checkin_below_the_threshold() -> None:
    end = with_trends(END, previous=TOO_FEW, beginning=BEGINNING)
    assert all(len(c) == 1 and c[0].since is Phase.BEGINNING for c in changes(end).values())
    assert with_trends(END, previous=TOO_FEW, beginning=None) == END
    # And a check-in below the threshold gets no trend itself.
    assert with_trends(TOO_FEW, previous=END, beginning=BEGINNING) == TOO_FEW


def test_trends_are_shown_with_arrows_and_signed_deltas() -> None:
    end = with_trends(END, previous=MIDDLE, beginning=BEGINNING)
    text = "\n".join(
        render_pages(end, FRAMEWORK, PROMPTS, project_name="P", phase_label="end").main
    )
    assert (
        "**Component 0**: 4.3 on average (↑ +1.3 since the middle, ↑ +2.3 since the beginning)"
        in text
    )
    assert "**Component 1**: 2.7 on average (↓ −0.3 since the beginning)" in text
    assert "(↓ −0.5 since the middle, → ±0.0 since the beginning)" in text


def test_the_chart_has_one_series_per_checkin_that_met_the_threshold() -> None:
    data = chart_data(
        FRAMEWORK,
        "Riverside",
        [("Beginning", BEGINNING), ("Middle", TOO_FEW), ("End", END)],
    )
    assert data is not None
    assert [s.label for s in data.series] == ["Beginning", "End"]
    assert data.series[0].values == (2.0, 3.0, 4.0)
    assert data.series[1].values[1] == 8 / 3
    assert data.components == ("Component 0", "Component 1", "Component 2")
    assert data.scale[0] == (1, "Not yet") and data.scale[-1] == (5, "Fully")
    middle = chart_data(FRAMEWORK, "Riverside", [("Middle", MIDDLE)])
    assert middle is not None and middle.series[0].values[1] is None  # skipped by everyone
    assert chart_data(FRAMEWORK, "Riverside", [("Middle", TOO_FEW)]) is None


def test_the_distribution_is_a_short_bar_and_the_counts() -> None:
    assert bar_of([0, 1, 3, 2, 1]) == "·▃█▆▃"
    assert bar_of([0, 0, 0]) == "···"
    assert bar_of([5]) == "█"
    # The end check-in's answers twice over: six ratings, at least the comments threshold,
    # so the distribution is shown (with three, only the average is: see the last lines).
    six = summarise_checkin(
        FRAMEWORK,
        THRESHOLDS,
        Phase.END,
        invited=6,
        responses=[ratings(4, 3, 4), ratings(4, 2, 4), ratings(5, 3, 4)] * 2,
        names=[],
        rng=random.Random(1),
    )
    text = "\n".join(
        render_pages(six, FRAMEWORK, PROMPTS, project_name="P", phase_label="end").main
    )
    assert "-# ···█▄  1: 0 · 2: 0 · 3: 0 · 4: 4 · 5: 2" in text
    three = "\n".join(
        render_pages(END, FRAMEWORK, PROMPTS, project_name="P", phase_label="end").main
    )
    assert "**Component 0**: 4.3 on average" in three
    assert "1: 0 · 2: 0" not in three and "█" not in three
