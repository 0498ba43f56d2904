"""What matters most: the framework field, the priorities step, the counts and their moves."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.custom_ids import (
    PICK_TEMPLATE,
    FlowVerb,
    is_component_id,
    matches,
    parse_pick,
    pick_id,
)
from bot.core.export import export_csv, export_json
from bot.core.flow import (
    AnswerChange,
    ChangeKind,
    StepKind,
    plan_click,
    plan_comment,
    plan_picks,
    resume_index,
    review_index,
    steps,
)
from bot.core.frameworks import (
    FrameworkError,
    FrameworkLibrary,
    framework_from_snapshot,
    parse_framework,
)
from bot.core.frozen import freeze, thaw
from bot.core.models import Answer, Phase, Response, Thresholds
from bot.core.prompts import Prompts
from bot.core.report import CheckinRecord, render_report
from bot.core.summary import (
    CheckinSummary,
    PriorityCount,
    summarise_checkin,
    top_priorities,
    with_trends,
)
from bot.core.summary_text import render_summary

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = Prompts.load(ROOT / "prompts" / "en.yaml")
SHIPPED = FrameworkLibrary.from_directory(ROOT / "frameworks")["ten-components"]
THRESHOLDS = Thresholds(scores=3, comments=5)


def framework_yaml(components: int = 4, priorities: int | None = 2) -> str:
    lines = [
        "id: test",
        "title: Test framework",
        "source: Written for the tests",
        "description: A small framework.",
        "scale: [Not yet, A little, Partly, Mostly, Fully]",
    ]
    if priorities is not None:
        lines.append(f"priorities: {priorities}")
    lines.append("components:")
    for i in range(components):
        lines += [
            f"  - key: c{i}",
            f"    name: Part {i}",
            f"    meaning: What part {i} means.",
            "    questions:",
            f"      beginning: Begin {i}?",
            f"      middle: Middle {i}?",
            f"      end: End {i}?",
            f"      extra: Extra {i}?",
            f"    discussion_prompt: Talk about {i}.",
        ]
    return "\n".join(lines) + "\n"


FRAMEWORK = parse_framework(framework_yaml(), source="test")


def responses(picks: list[tuple[str, ...]], rating: int = 3) -> list[Response]:
    answers = {c.key: Answer(c.key, rating=rating) for c in FRAMEWORK.components}
    return [Response(answers, submitted=True, priorities=p) for p in picks]


def summarise(
    picks: list[tuple[str, ...]], phase: Phase = Phase.BEGINNING, rating: int = 3
) -> CheckinSummary:
    return summarise_checkin(
        FRAMEWORK,
        THRESHOLDS,
        phase,
        invited=len(picks),
        responses=responses(picks, rating),
        names=[],
        rng=random.Random(1),
    )


# --- the framework --------------------------------------------------------------------------


def test_the_shipped_ten_components_ask_for_three_priorities():
    assert SHIPPED.priorities == 3


def test_priorities_default_to_not_asked():
    assert parse_framework(framework_yaml(priorities=None), source="t").priorities == 0


@pytest.mark.parametrize("priorities", [5, 26, -1])
def test_priorities_above_the_components_or_the_menu_limit_are_refused(priorities):
    with pytest.raises(FrameworkError, match="priorities"):
        parse_framework(framework_yaml(components=4, priorities=priorities), source="t")


def test_priorities_survive_the_snapshot():
    assert framework_from_snapshot(FRAMEWORK.snapshot()).priorities == 2


# --- the steps ------------------------------------------------------------------------------


def test_the_priorities_step_comes_before_the_review_in_a_beginning_check_in_only():
    kinds = [s.kind for s in steps(FRAMEWORK, Phase.BEGINNING)]
    assert kinds[-3:] == [StepKind.ANYTHING_ELSE, StepKind.PRIORITIES, StepKind.REVIEW]
    for phase in (Phase.MIDDLE, Phase.END, Phase.EXTRA):
        assert StepKind.PRIORITIES not in [s.kind for s in steps(FRAMEWORK, phase)]
    unasked = parse_framework(framework_yaml(priorities=0), source="t")
    assert StepKind.PRIORITIES not in [s.kind for s in steps(unasked, Phase.BEGINNING)]


def test_a_member_resumes_at_the_priorities_until_they_pick():
    answers = {c.key: Answer(c.key, rating=3) for c in FRAMEWORK.components}
    answers["_anything_else"] = Answer("_anything_else", skipped=True)
    priorities_step = review_index(FRAMEWORK, Phase.BEGINNING) - 1
    assert resume_index(FRAMEWORK, Phase.BEGINNING, Response(answers)) == priorities_step
    picked = Response(answers, priorities=("c1",))
    assert resume_index(FRAMEWORK, Phase.BEGINNING, picked) == priorities_step + 1


def test_a_last_word_and_next_lead_to_the_priorities():
    last = priorities = review_index(FRAMEWORK, Phase.BEGINNING) - 1
    last -= 1
    assert plan_click(FRAMEWORK, Phase.BEGINNING, last, FlowVerb.NEXT).index == priorities  # type: ignore[union-attr]
    plan = plan_comment(FRAMEWORK, Phase.BEGINNING, last, "hello")
    assert plan is not None and plan.index == priorities


def test_picks_are_stored_in_framework_order_and_lead_to_the_review():
    index = review_index(FRAMEWORK, Phase.BEGINNING) - 1
    plan = plan_picks(FRAMEWORK, Phase.BEGINNING, index, ["c3", "c0"])
    assert plan is not None
    assert plan.index == index + 1
    assert plan.change == AnswerChange(ChangeKind.PRIORITIES, keys=("c0", "c3"))


def test_skip_and_an_empty_pick_clear_the_picks():
    index = review_index(FRAMEWORK, Phase.BEGINNING) - 1
    cleared = AnswerChange(ChangeKind.PRIORITIES)
    assert plan_picks(FRAMEWORK, Phase.BEGINNING, index, []).change == cleared  # type: ignore[union-attr]
    assert plan_click(FRAMEWORK, Phase.BEGINNING, index, FlowVerb.SKIP).change == cleared  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "values",
    [
        ["c0", "c1", "c2"],  # more than the framework's 2
        ["c0", "c0"],  # the same twice
        ["nope"],  # not a component of the framework
        ["_anything_else"],
        ["c0", "uncomfortable"],
    ],
)
def test_a_forged_pick_is_refused(values):
    index = review_index(FRAMEWORK, Phase.BEGINNING) - 1
    assert plan_picks(FRAMEWORK, Phase.BEGINNING, index, values) is None


def test_a_pick_on_another_step_or_phase_is_refused():
    index = review_index(FRAMEWORK, Phase.BEGINNING) - 1
    assert plan_picks(FRAMEWORK, Phase.BEGINNING, 0, ["c0"]) is None
    assert plan_picks(FRAMEWORK, Phase.BEGINNING, index + 1, ["c0"]) is None
    assert plan_picks(FRAMEWORK, Phase.MIDDLE, index, ["c0"]) is None


def test_the_priorities_step_takes_no_comment_and_no_button_pick():
    index = review_index(FRAMEWORK, Phase.BEGINNING) - 1
    assert plan_click(FRAMEWORK, Phase.BEGINNING, index, FlowVerb.COMMENT) is None
    assert plan_click(FRAMEWORK, Phase.BEGINNING, index, FlowVerb.PICK, "c0") is None
    assert plan_click(FRAMEWORK, Phase.BEGINNING, index, FlowVerb.RATE, "3") is None
    assert plan_comment(FRAMEWORK, Phase.BEGINNING, index, "hi") is None


def test_the_select_menu_id_is_a_known_component_id():
    custom_id = pick_id(12, 14)
    assert is_component_id(custom_id)
    match = matches(PICK_TEMPLATE, custom_id)
    assert match is not None
    button = parse_pick(match.groupdict())
    assert button is not None and (button.checkin_id, button.verb, button.step) == (
        12,
        FlowVerb.PICK,
        14,
    )
    assert not is_component_id("cr1:pick:0:14") and not is_component_id("cr1:pick:12:x")


# --- the counts -----------------------------------------------------------------------------


def test_the_beginning_counts_each_component_most_picked_first():
    summary = summarise([("c2",), ("c2", "c0"), ("c0", "c2"), ("c1",), ()])
    assert summary.priorities_asked and summary.priorities_picked == 4
    assert summary.priorities == (
        PriorityCount("c2", "Part 2", 3),
        PriorityCount("c0", "Part 0", 2),
        PriorityCount("c1", "Part 1", 1),
    )
    text = "\n".join(render_summary(summary, FRAMEWORK, PROMPTS, project_name="P", phase_label="b"))
    assert "What matters most to us:** Part 2 3 · Part 0 2 · Part 1 1" in text


def test_fewer_pickers_than_the_scores_threshold_show_no_counts():
    summary = summarise([("c2",), ("c2", "c0"), (), (), ()])
    assert summary.priorities_asked and summary.priorities_picked is None
    assert summary.priorities == ()
    text = "\n".join(render_summary(summary, FRAMEWORK, PROMPTS, project_name="P", phase_label="b"))
    assert "not enough people picked" in text and "Part 2 2" not in text
    figures, _ = freeze(summary)
    assert json.loads(figures)["priorities"] == {"picked": None, "counts": []}


def test_below_the_scores_threshold_nothing_of_the_priorities_is_there():
    summary = summarise([("c2",), ("c2",)])
    assert not summary.enough and summary.priorities == () and summary.priorities_picked is None
    figures, _ = freeze(summary)
    assert "priorit" not in figures


def test_unsubmitted_picks_and_picks_beyond_the_framework_do_not_count():
    picks = responses([("c0",), ("c0",), ("c0",)])
    picks.append(Response({}, submitted=False, priorities=("c1",)))
    picks.append(Response({}, submitted=True, priorities=("gone", "c1", "c2", "c3")))
    summary = summarise_checkin(
        FRAMEWORK,
        THRESHOLDS,
        Phase.BEGINNING,
        invited=5,
        responses=picks,
        names=[],
        rng=random.Random(1),
    )
    counts = {p.key: p.count for p in summary.priorities}
    assert counts == {"c0": 3, "c1": 1, "c2": 1}  # at most two picks each, known keys only


def test_a_middle_check_in_asks_no_priorities():
    summary = summarise([("c0",)] * 3, Phase.MIDDLE)
    assert not summary.priorities_asked and summary.priorities == ()


def test_the_counts_are_frozen_and_thawed():
    summary = summarise([("c2",), ("c2", "c0"), ("c0", "c2")])
    back = thaw(*freeze(summary))
    assert back.priorities_asked and back.priorities_picked == 3
    assert back.priorities == summary.priorities


def test_results_frozen_without_priorities_read_back_as_not_asked():
    figures, comments = freeze(summarise([("c0",)] * 3, Phase.MIDDLE))
    assert "priorities" not in json.loads(figures)
    back = thaw(figures, comments)
    assert not back.priorities_asked and back.priorities == ()


@pytest.mark.parametrize(
    ("counts", "top"),
    [
        ([5, 4, 2, 1], ["c0", "c1", "c2"]),
        ([5, 4, 2, 2], ["c0", "c1", "c2", "c3"]),  # a tie at the cut is kept
        ([3, 3], ["c0", "c1"]),
    ],
)
def test_the_top_priorities(counts, top):
    ranked = tuple(PriorityCount(f"c{i}", f"Part {i}", n) for i, n in enumerate(counts))
    summary = summarise([("c0",)] * 3)
    assert [p.key for p in top_priorities(replace(summary, priorities=ranked))] == top


def test_many_tied_at_the_cut_name_only_those_above_it():
    ties = [PriorityCount(f"c{i}", f"Part {i}", 1) for i in range(1, 8)]
    ranked = (PriorityCount("c0", "Part 0", 5), *ties)

    summary = replace(summarise([("c0",)] * 3), priorities=ranked)
    assert [p.key for p in top_priorities(summary)] == ["c0"]


def test_a_later_summary_shows_how_the_top_priorities_moved():
    beginning = summarise([("c2",), ("c2", "c0"), ("c0", "c2"), ("c1",)], rating=2)
    middle = with_trends(
        summarise([()] * 3, Phase.MIDDLE, rating=4), previous=beginning, beginning=beginning
    )
    assert [(m.key, m.count) for m in middle.priority_moves] == [("c2", 3), ("c0", 2), ("c1", 1)]
    assert all(m.then == 2 and m.now == 4 for m in middle.priority_moves)
    text = "\n".join(render_summary(middle, FRAMEWORK, PROMPTS, project_name="P", phase_label="m"))
    assert "top priorities from the beginning" in text
    assert "**Part 2**: 2.0 then, 4.0 now (↑ +2.0)" in text


def test_no_moves_when_the_beginning_withheld_its_priorities():
    beginning = summarise([("c2",), (), ()])
    middle = with_trends(summarise([()] * 3, Phase.MIDDLE), previous=beginning, beginning=beginning)
    assert middle.priority_moves == ()


# --- the report and the exports -------------------------------------------------------------


def _records(beginning: CheckinSummary) -> list[CheckinRecord]:
    middle = summarise([()] * 3, Phase.MIDDLE, rating=4)
    day = datetime(2026, 1, 5, 10, tzinfo=UTC)
    return [
        CheckinRecord(Phase.BEGINNING, day, day, beginning),
        CheckinRecord(Phase.MIDDLE, day.replace(month=2), day.replace(month=2), middle),
    ]


def test_the_report_has_a_section_on_priorities():
    records = _records(summarise([("c2",), ("c2", "c0"), ("c0", "c2")], rating=2))
    report = render_report("P", FRAMEWORK, records, PROMPTS, timezone="UTC")
    assert "## What mattered most to us" in report
    assert "- **Part 2**: picked by 3" in report and "- **Part 0**: picked by 2" in report
    assert "- **Part 2**: 2.0 → 4.0" in report


def test_the_report_withholds_priorities_the_summary_withheld():
    records = _records(summarise([("c2",), (), ()]))
    report = render_report("P", FRAMEWORK, records, PROMPTS, timezone="UTC")
    assert "Too few people picked priorities" in report and "picked by" not in report


def test_the_exports_carry_the_counts_only_where_shown():
    shown = _records(summarise([("c2",), ("c2", "c0"), ("c0", "c2")]))
    csv_text = export_csv(FRAMEWORK, shown, timezone="UTC")
    rows = [line.split(",") for line in csv_text.strip().splitlines()]
    column = rows[0].index("priority_picks")
    assert [r[column] for r in rows[1:5]] == ["2", "0", "3", "0"]  # the beginning's rows
    assert all(r[column] == "" for r in rows[5:])  # the middle asked none
    data = json.loads(export_json(FRAMEWORK, shown, timezone="UTC"))
    assert data["checkins"][0]["priorities"] == {
        "picked": 3,
        "counts": {"c0": 2, "c1": 0, "c2": 3, "c3": 0},
    }
    assert "priorities" not in data["checkins"][1]
    withheld = _records(summarise([("c2",), (), ()]))
    assert data_of(withheld)["checkins"][0]["priorities"] is None
    csv_withheld = export_csv(FRAMEWORK, withheld, timezone="UTC").strip().splitlines()
    assert all(line.split(",")[column] == "" for line in csv_withheld[1:])


def data_of(records: list[CheckinRecord]) -> dict:  # type: ignore[type-arg]
    return json.loads(export_json(FRAMEWORK, records, timezone="UTC"))  # type: ignore[no-any-return]
