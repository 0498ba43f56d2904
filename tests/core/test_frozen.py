"""Frozen results: the stored text of a summary, and the summary read back from it."""

from __future__ import annotations

import pytest

from bot.core.frozen import FrozenResultsError, freeze, thaw
from bot.core.models import DirectionChoice, Phase, Thresholds
from bot.core.summary import (
    CheckinSummary,
    CommentGroup,
    ComponentResult,
    DirectionResult,
    Highlight,
)

SUMMARY = CheckinSummary(
    phase=Phase.MIDDLE,
    thresholds=Thresholds(3, 5),
    took_part=6,
    invited=9,
    enough=True,
    components=[
        ComponentResult("a", "Ä", 5, 1, 3.4, {1: 0, 2: 1, 3: 2, 4: 1, 5: 1}, True, False),
        ComponentResult("b", "B", None, None, None, {}, False, False),
    ],
    strongest=(Highlight("a", "Ä", 3.4, None),),
    weakest=(Highlight("b", "B", 2.0, "Why?"),),
    directions=[
        DirectionResult(
            "d",
            "Q?",
            6,
            {DirectionChoice.YES: 3, DirectionChoice.NO: 2, DirectionChoice.UNSURE: 1},
            True,
        ),
        DirectionResult("e", "Q2", None, {}, False),
    ],
    comments=[CommentGroup("a", "Ä", ("one", "twö"))],
    comments_hidden_reason=None,
)

# The stored shape of format 1: results frozen by earlier versions must read back the same.
FIGURES = (
    '{"format":1,"phase":"middle","thresholds":[3,5],"took_part":6,"invited":9,"enough":true,'
    '"components":['
    '{"key":"a","name":"Ä","rated":5,"skipped":1,"average":3.4,'
    '"distribution":[[1,0],[2,1],[3,2],[4,1],[5,1]],"enough":true,"views_differ":false},'
    '{"key":"b","name":"B","rated":null,"skipped":null,"average":null,'
    '"distribution":[],"enough":false,"views_differ":false}],'
    '"strongest":[{"key":"a","name":"Ä","average":3.4,"discussion_prompt":null}],'
    '"weakest":[{"key":"b","name":"B","average":2.0,"discussion_prompt":"Why?"}],'
    '"directions":['
    '{"key":"d","question":"Q?","answered":6,"counts":{"yes":3,"no":2,"unsure":1},"enough":true},'
    '{"key":"e","question":"Q2","answered":null,"counts":{},"enough":false}],'
    '"comments_hidden_reason":null}'
)
COMMENTS = '[{"item": "a", "title": "Ä", "comments": ["one", "twö"]}]'


def test_a_summary_is_stored_in_the_format_1_shape() -> None:
    assert freeze(SUMMARY) == (FIGURES, COMMENTS)


def test_stored_results_read_back_as_the_summary() -> None:
    assert thaw(FIGURES, COMMENTS) == SUMMARY


def test_without_the_comments_the_summary_reads_back_with_comments_hidden() -> None:
    thawed = thaw(FIGURES)
    assert thawed.comments is None
    assert thawed.components == SUMMARY.components


@pytest.mark.parametrize(
    "figures",
    [
        FIGURES.replace('"format":1', '"format":2'),
        FIGURES.replace('"rated":', '"rated_count":'),
        FIGURES.replace('"yes":3', '"maybe":3'),
        '{"format":1}',
    ],
)
def test_results_of_another_format_or_damaged_are_refused(figures: str) -> None:
    with pytest.raises(FrozenResultsError):
        thaw(figures)
