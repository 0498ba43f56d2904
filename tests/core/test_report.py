"""The end-of-project report and the exports: aggregates only, never a comment."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.export import CSV_COLUMNS, csv_columns, export_csv, export_json
from bot.core.frameworks import Component, DirectionCheck, Framework, Questions
from bot.core.models import ANYTHING_ELSE, Answer, DirectionChoice, Phase, Response, Thresholds
from bot.core.prompts import Prompts
from bot.core.report import (
    CheckinRecord,
    ComponentChange,
    biggest_changes,
    component_changes,
    render_report,
    stayed_weak,
)
from bot.core.summary import summarise_checkin

ROOT = Path(__file__).resolve().parents[2]
PROMPTS_PATH = ROOT / "prompts" / "en.yaml"
YES, NO, UNSURE = DirectionChoice.YES, DirectionChoice.NO, DirectionChoice.UNSURE


def make_framework(count: int, *, name: str = "Component {i}", checks: bool = True) -> Framework:
    """A framework built with the model, shaped like the one in test_summary.py."""
    components = [
        Component(
            key=f"c{i}",
            name=name.format(i=i),
            meaning=f"What component {i} means.",
            questions=Questions(
                beginning=f"How will we make {i} happen?",
                middle=f"How much has {i} happened?",
                end=f"How much did {i} happen?",
                extra=f"How is {i} going?",
            ),
            discussion_prompt=f"What would help component {i} along?",
        )
        for i in range(count)
    ]
    directions = [
        DirectionCheck(
            key="uncomfortable",
            question="Does this feel at least a little uncomfortable?",
            hint="If nothing is uncomfortable, power may not be shifting.",
        ),
        DirectionCheck(
            key="sharing_power",
            question="Are we sharing more power than before?",
            hint="If unsure, ask the people you work with.",
        ),
    ]
    return Framework(
        id="test",
        title="Test framework",
        source="Written for the tests",
        description="A small framework for testing the report.",
        scale=["Not yet", "A little", "Partly", "Mostly", "Fully"],
        components=components,
        direction_checks=directions if checks else [],
    )


FRAMEWORK = make_framework(4)
THRESHOLDS = Thresholds(scores=3, comments=5)
TIMEZONE = "Asia/Tokyo"  # 23:30 UTC is already the next day there
NAMES = ["Ana Lima", "Ben"]
DASH = "–"

COMMENTS = [
    "Ana Lima said this felt rushed",
    "Ring Ben on 07700 900123 about the venue",
    "I am the only wheelchair user here",
    "middle secret: the budget was cut",
    "ben@example.org knows the real story",
    "too few of us to say this aloud",
]


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    return Prompts.load(PROMPTS_PATH)


def response(
    ratings: dict[str, int | None],
    choices: dict[str, DirectionChoice] | None = None,
    comments: dict[str, str] | None = None,
) -> Response:
    answers = {key: Answer(key, rating=r, skipped=r is None) for key, r in ratings.items()}
    answers |= {key: Answer(key, choice=c) for key, c in (choices or {}).items()}
    for key, comment in (comments or {}).items():
        old = answers.get(key, Answer(key))
        answers[key] = Answer(key, old.rating, old.skipped, old.choice, comment)
    return Response(answers=answers, submitted=True)


def record(
    phase: Phase,
    opened: datetime,
    responses: list[Response],
    *,
    invited: int = 8,
    framework: Framework = FRAMEWORK,
    names: list[str] = NAMES,
    seed: int = 7,
) -> CheckinRecord:
    """A check-in summarised as the bot does at the close, ready for the report."""
    summary = summarise_checkin(
        framework,
        THRESHOLDS,
        phase,
        invited=invited,
        responses=responses,
        names=names,
        rng=random.Random(seed),
    )
    return CheckinRecord(phase, opened, None, summary)


def beginning() -> CheckinRecord:
    # c0 2.0, c1 2.0, c2 4.0, c3 3.0; uncomfortable 3 yes / 2 no; sharing_power only 2 answers
    rows = [(2, 1, 4, 3), (2, 2, 4, 3), (2, 2, 4, 3), (2, 3, 4, 3), (2, 2, 4, 3)]
    choices = [YES, YES, YES, NO, NO]
    responses = [
        response({f"c{i}": r for i, r in enumerate(row)}, {"uncomfortable": choice})
        for row, choice in zip(rows, choices, strict=True)
    ]
    responses[0] = response(
        {f"c{i}": r for i, r in enumerate(rows[0])},
        {"uncomfortable": YES, "sharing_power": YES},
        {"c0": COMMENTS[0], ANYTHING_ELSE: COMMENTS[1], "uncomfortable": COMMENTS[2]},
    )
    responses[1] = response(
        {f"c{i}": r for i, r in enumerate(rows[1])},
        {"uncomfortable": YES, "sharing_power": NO},
        {"c2": COMMENTS[4]},
    )
    return record(Phase.BEGINNING, datetime(2026, 3, 1, 23, 30, tzinfo=UTC), responses)


def middle() -> CheckinRecord:
    responses = [
        response({"c0": 5, "c1": 5, "c2": 5, "c3": 5}, {"uncomfortable": YES}, {"c1": COMMENTS[3]}),
        response({"c0": 1, "c1": 1, "c2": 1, "c3": 1}, {"uncomfortable": NO}, {"c0": COMMENTS[5]}),
    ]
    return record(Phase.MIDDLE, datetime(2026, 4, 15, 1, 0, tzinfo=UTC), responses)


def end() -> CheckinRecord:
    # c0 4.0, c1 2.3, c2 3.0, c3 rated by two only (not enough)
    rows = [(4, 2, 3, 5), (4, 2, 3, 4), (4, 3, 3, None), (4, 2, 3, None), (4, 2, 3, None)]
    rows.append((4, 3, 3, None))
    choices = [
        {"uncomfortable": YES, "sharing_power": YES},
        {"uncomfortable": YES, "sharing_power": UNSURE},
        {"uncomfortable": YES, "sharing_power": YES},
        {"uncomfortable": YES, "sharing_power": UNSURE},
        {"uncomfortable": NO, "sharing_power": YES},
        {"uncomfortable": UNSURE, "sharing_power": UNSURE},
    ]
    responses = [
        response(
            {f"c{i}": r for i, r in enumerate(row)},
            choice,
            {ANYTHING_ELSE: COMMENTS[n % len(COMMENTS)], "c1": COMMENTS[(n + 2) % len(COMMENTS)]},
        )
        for n, (row, choice) in enumerate(zip(rows, choices, strict=True))
    ]
    return record(Phase.END, datetime(2026, 5, 31, 22, 0, tzinfo=UTC), responses)


RECORDS = [beginning(), middle(), end()]
COLUMNS = ["Beginning, 2 March 2026", "Middle, 15 April 2026", "End, 1 June 2026"]


def report(prompts: Prompts, records: list[CheckinRecord] = RECORDS) -> str:
    return render_report("Riverside", FRAMEWORK, records, prompts, timezone=TIMEZONE)


def table(text: str) -> list[list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def section(text: str, header: str) -> str:
    start = text.index(header)
    rest = text[start + len(header) :]
    following = re.search(r"^## ", rest, flags=re.MULTILINE)
    return rest[: following.start()] if following else rest


def comment_fragments() -> list[str]:
    """Every comment as written and as the summaries show it, plus telling pieces of them."""
    shown = [
        comment for r in RECORDS for group in r.summary.comments or [] for comment in group.comments
    ]
    pieces = ["rushed", "07700", "wheelchair", "budget", "example.org", "aloud", "Ana", "Ben"]
    return [*COMMENTS, *shown, *pieces, "[name]", "[phone]", "[email]"]


# --- the fixture is what the test means it to be --------------------------------------------------


def test_the_three_checkins_are_enough_too_few_enough_and_comments_exist() -> None:
    first, second, third = (r.summary for r in RECORDS)
    assert first.enough and third.enough and not second.enough
    assert first.comments and third.comments  # comments were there to leak
    assert [c.average for c in second.components] == []


# --- the report -----------------------------------------------------------------------------------


def test_the_table_shows_every_checkin_side_by_side(prompts: Prompts) -> None:
    rows = table(report(prompts))
    assert rows[0] == ["Part", *COLUMNS]
    assert rows[1] == ["---"] * 4
    assert rows[2:] == [
        ["Component 0", "2.0", DASH, "4.0"],
        ["Component 1", "2.0", DASH, "2.3"],
        ["Component 2", "4.0", DASH, "3.0"],
        ["Component 3", "3.0", DASH, DASH],
        ["Took part", "5 of 8", "2 of 8", "6 of 8"],
    ]


def test_the_middle_column_shows_no_numbers(prompts: Prompts) -> None:
    text = report(prompts)
    rows = table(text)
    middle_cells = [row[2] for row in rows[2:-1]]
    assert middle_cells == [DASH] * len(FRAMEWORK.components)
    # the middle check-in appears nowhere else but its own column and its turnout
    assert "Middle" not in text.replace(COLUMNS[1], "", 1)
    assert not any(str(n) in " ".join(middle_cells) for n in range(10))


def test_the_biggest_changes_run_from_beginning_to_end(prompts: Prompts) -> None:
    changes = section(report(prompts), "## What changed most")
    lines = [line for line in changes.splitlines() if line.startswith("- ")]
    assert lines == [
        f"- **Component 0** ↑ +2.0: from 2.0 ({COLUMNS[0]}) to 4.0 ({COLUMNS[2]})",
        f"- **Component 2** ↓ −1.0: from 4.0 ({COLUMNS[0]}) to 3.0 ({COLUMNS[2]})",
        f"- **Component 1** ↑ +0.3: from 2.0 ({COLUMNS[0]}) to 2.3 ({COLUMNS[2]})",
    ]
    assert "Component 3" not in changes  # shown only once, so nothing to compare


def test_stayed_weak_components_carry_their_discussion_prompts(prompts: Prompts) -> None:
    weak = section(report(prompts), "## Still room to grow")
    assert prompts("report.weak_intro") in weak
    assert "- **Component 1**: 2.0 → 2.3" in weak
    assert "  > 💬 What would help component 1 along?" in weak
    # component 0 was weak at the beginning only; component 3 was shown once
    assert "Component 0" not in weak and "Component 3" not in weak
    assert [w.key for w in stayed_weak(FRAMEWORK, RECORDS)] == ["c1"]


def test_named_weakest_counts_as_weak_even_above_the_midpoint() -> None:
    # Both check-ins: c0 at 4.0 is the lowest of the four, so it is "room to grow" each time.
    def strong(phase: Phase) -> CheckinRecord:
        rows = [{"c0": 4, "c1": 5, "c2": 5, "c3": 5}] * 3
        return record(phase, datetime(2026, 3, 1, tzinfo=UTC), [response(r) for r in rows])

    records = [strong(Phase.BEGINNING), strong(Phase.END)]
    assert [w.key for w in stayed_weak(FRAMEWORK, records)] == ["c0"]


def test_direction_checks_show_counts_only_where_shared(prompts: Prompts) -> None:
    text = report(prompts)
    directions = section(text, "## Are we heading in the right direction?")
    directions = directions[: directions.index(prompts("report.comments"))]
    assert directions.splitlines()[2:] == [
        "**Does this feel at least a little uncomfortable?**",
        f"- {COLUMNS[0]}: Yes 3 · No 2 · Not sure 0",
        f"- {COLUMNS[2]}: Yes 4 · No 1 · Not sure 1",
        "",
        "**Are we sharing more power than before?**",
        f"- {COLUMNS[2]}: Yes 3 · No 0 · Not sure 3",
        "",
    ]


def test_the_report_holds_no_comment_text_and_says_where_comments_are(prompts: Prompts) -> None:
    text = report(prompts)
    for fragment in comment_fragments():
        assert fragment not in text
    assert prompts("report.comments") in text
    assert text.startswith("# 🌱 Riverside: looking back together\n")
    assert text.rstrip().endswith(prompts("report.closing"))


def test_with_fewer_than_two_comparable_checkins_it_says_so(prompts: Prompts) -> None:
    text = report(prompts, [RECORDS[0], RECORDS[1]])
    assert prompts("report.changes_not_comparable") in text
    assert prompts("report.weak_not_comparable") in text
    assert "↑" not in text and "↓" not in text


def test_with_no_moves_it_says_nothing_changed(prompts: Prompts) -> None:
    same = [response({"c0": 2, "c1": 2, "c2": 4, "c3": 3}) for _ in range(3)]
    text = report(prompts, [RECORDS[0], record(Phase.END, datetime(2026, 6, 1, tzinfo=UTC), same)])
    assert prompts("report.changes_none") in text
    assert "↑" not in text and "↓" not in text


def test_no_checkins_at_all_is_said_plainly(prompts: Prompts) -> None:
    text = report(prompts, [])
    assert prompts("report.no_checkins") in text
    assert "|" not in text


def test_a_twelve_component_framework_renders(prompts: Prompts) -> None:
    framework = twelve_components()
    rng = random.Random(3)
    records = []
    for phase, day in [(Phase.BEGINNING, 1), (Phase.MIDDLE, 15), (Phase.END, 28)]:
        responses = [
            response({c.key: rng.randint(1, 5) for c in framework.components}) for _ in range(4)
        ]
        opened = datetime(2026, 2, day, 9, tzinfo=UTC)
        records.append(
            record(phase, opened, responses, invited=6, framework=framework, names=[], seed=1)
        )
    text = render_report("Big group", framework, records, prompts, timezone="Europe/London")
    rows = table(text)
    assert len(rows) == 2 + 12 + 1
    assert [row[0] for row in rows[2:-1]] == [f"Part {i}" for i in range(12)]
    assert all(re.fullmatch(r"\d\.\d", cell) for row in rows[2:-1] for cell in row[1:])
    assert "## What changed most" in text
    data = json.loads(export_json(framework, records, timezone="Europe/London"))
    assert [len(c["components"]) for c in data["checkins"]] == [12, 12, 12]
    assert data["checkins"][0]["directions"] == []


def test_a_pipe_in_a_part_name_cannot_break_the_table(prompts: Prompts) -> None:
    framework = make_framework(2, name="Us | them {i}")
    responses = [response({"c0": 3, "c1": 4}) for _ in range(3)]
    opened = datetime(2026, 1, 5, tzinfo=UTC)
    records = [
        record(Phase.BEGINNING, opened, responses, invited=3, framework=framework, names=[], seed=1)
    ]
    text = render_report("Riverside", framework, records, prompts, timezone="UTC")
    assert "| Us \\| them 0 | 3.0 |" in text
    assert "| Us \\| them 1 | 4.0 |" in text


def twelve_components() -> Framework:
    return make_framework(12, name="Part {i}", checks=False).model_copy(
        update={"id": "twelve", "title": "Twelve parts"}
    )


def test_every_report_prompt_is_used_by_the_code(prompts: Prompts) -> None:
    code = (ROOT / "bot" / "core" / "report.py").read_text(encoding="utf-8")
    keys = prompts.keys()
    report_keys = [k for k in keys if k.startswith("report.")]
    unused = [k for k in report_keys if f'"{k}"' not in code and f"'{k}'" not in code]
    assert unused == []


# --- the biggest-change rule ----------------------------------------------------------------------


def change(key: str, before: str, after: str) -> ComponentChange:
    return ComponentChange(key, key, 0, 1, Decimal(before), Decimal(after))


def test_biggest_changes_keep_ties_at_the_cut_off_and_drop_no_change() -> None:
    changes = [
        change("a", "3.0", "3.0"),
        change("b", "2.0", "2.5"),
        change("c", "2.0", "4.0"),
        change("d", "3.0", "2.5"),
        change("e", "3.0", "3.5"),
        change("f", "3.0", "3.1"),
    ]
    assert [c.key for c in biggest_changes(changes)] == ["c", "b", "d", "e"]
    assert [c.key for c in biggest_changes(changes[:2])] == ["b"]


def test_changes_compare_the_first_and_last_checkin_where_the_part_was_shown() -> None:
    result = {c.key: (c.first, c.last, str(c.delta)) for c in component_changes(FRAMEWORK, RECORDS)}
    assert result == {"c0": (0, 2, "2.0"), "c1": (0, 2, "0.3"), "c2": (0, 2, "-1.0")}


# --- CSV ------------------------------------------------------------------------------------------


def csv_rows() -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(export_csv(FRAMEWORK, RECORDS, timezone=TIMEZONE)))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_csv_has_a_header_and_one_row_per_component_per_eligible_checkin() -> None:
    header, rows = csv_rows()
    assert header == [*CSV_COLUMNS, "n_1", "n_2", "n_3", "n_4", "n_5"] == csv_columns(FRAMEWORK)
    assert [(r["checkin"], r["phase"], r["component_key"]) for r in rows] == [
        *(("1", "beginning", f"c{i}") for i in range(4)),
        ("2", "middle", ""),
        *(("3", "end", f"c{i}") for i in range(4)),
    ]
    assert [r["opened_on"] for r in rows] == ["2026-03-02"] * 4 + ["2026-04-15"] + [
        "2026-06-01"
    ] * 4


def test_csv_middle_row_has_turnout_and_nothing_else() -> None:
    _, rows = csv_rows()
    middle_row = rows[4]
    assert (middle_row["took_part"], middle_row["invited"]) == ("2", "8")
    empty = [
        c for c in middle_row if c not in {"checkin", "phase", "opened_on", "took_part", "invited"}
    ]
    assert all(middle_row[c] == "" for c in empty)


def test_csv_averages_and_counts_match_the_summaries() -> None:
    _, rows = csv_rows()
    averages = {
        (r["checkin"], r["component_key"]): r["average"] for r in rows if r["component_key"]
    }
    assert averages == {
        ("1", "c0"): "2.0",
        ("1", "c1"): "2.0",
        ("1", "c2"): "4.0",
        ("1", "c3"): "3.0",
        ("3", "c0"): "4.0",
        ("3", "c1"): "2.3",
        ("3", "c2"): "3.0",
        ("3", "c3"): "",
    }
    for row in rows:
        counts = [row[f"n_{v}"] for v in FRAMEWORK.scale_values]
        if row["average"]:
            assert sum(int(n) for n in counts) == int(row["rated"])
        else:
            assert counts == [""] * 5
    # Rated by two only: below the threshold not even that count is exported.
    not_enough = next(r for r in rows if r["checkin"] == "3" and r["component_key"] == "c3")
    assert not_enough["rated"] == ""
    assert rows[1]["n_1"] == "1" and rows[1]["n_2"] == "3" and rows[1]["n_3"] == "1"


# --- JSON -----------------------------------------------------------------------------------------


def test_json_loads_and_matches_the_summaries() -> None:
    data = json.loads(export_json(FRAMEWORK, RECORDS, timezone=TIMEZONE))
    assert data["framework"] == {
        "id": "test",
        "title": "Test framework",
        "scale": [
            {"value": 1, "label": "Not yet"},
            {"value": 2, "label": "A little"},
            {"value": 3, "label": "Partly"},
            {"value": 4, "label": "Mostly"},
            {"value": 5, "label": "Fully"},
        ],
    }
    first, second, third = data["checkins"]
    assert [
        (c["phase"], c["opened_on"], c["took_part"], c["invited"], c["enough"])
        for c in data["checkins"]
    ] == [
        ("beginning", "2026-03-02", 5, 8, True),
        ("middle", "2026-04-15", 2, 8, False),
        ("end", "2026-06-01", 6, 8, True),
    ]
    assert second["components"] == [] and second["directions"] == []
    assert first["components"][1] == {
        "key": "c1",
        "name": "Component 1",
        "rated": 5,
        "average": 2.0,
        "distribution": {"1": 1, "2": 3, "3": 1, "4": 0, "5": 0},
    }
    assert [c["average"] for c in third["components"]] == [4.0, 2.3, 3.0, None]
    assert third["components"][3]["distribution"] is None
    assert third["components"][3]["rated"] is None
    assert first["directions"] == [
        {"key": "uncomfortable", "counts": {"yes": 3, "no": 2, "unsure": 0}},
        {"key": "sharing_power", "counts": None},
    ]
    assert third["directions"][1]["counts"] == {"yes": 3, "no": 0, "unsure": 3}


def test_json_and_csv_agree() -> None:
    data = json.loads(export_json(FRAMEWORK, RECORDS, timezone=TIMEZONE))
    _, rows = csv_rows()
    from_json = [
        (str(c["checkin"]), k["key"], "" if k["average"] is None else f"{k['average']:.1f}")
        for c in data["checkins"]
        for k in c["components"]
    ]
    from_csv = [
        (r["checkin"], r["component_key"], r["average"]) for r in rows if r["component_key"]
    ]
    assert from_json == from_csv


def test_neither_export_holds_comment_text() -> None:
    for text in (
        export_csv(FRAMEWORK, RECORDS, timezone=TIMEZONE),
        export_json(FRAMEWORK, RECORDS, timezone=TIMEZONE),
    ):
        for fragment in comment_fragments():
            assert fragment not in text


# --- anonymity, whatever the answers --------------------------------------------------------------

SENTINEL = "Zebracorn"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(st.integers(1, 5) | st.none(), min_size=4, max_size=4), max_size=6),
        min_size=1,
        max_size=4,
    )
)
def test_nothing_below_a_threshold_and_no_comment_ever_shows(checkins: list) -> None:
    prompts = Prompts.load(PROMPTS_PATH)
    records = []
    for n, rows in enumerate(checkins):
        responses = [
            response(
                {f"c{i}": r for i, r in enumerate(row)},
                {"uncomfortable": YES},
                {"c0": f"{SENTINEL} {n}", ANYTHING_ELSE: SENTINEL},
            )
            for row in rows
        ]
        records.append(record(Phase.EXTRA, datetime(2026, 1, 1 + n, tzinfo=UTC), responses))
    outputs = [
        render_report("Riverside", FRAMEWORK, records, prompts, timezone="UTC"),
        export_csv(FRAMEWORK, records, timezone="UTC"),
        export_json(FRAMEWORK, records, timezone="UTC"),
    ]
    assert all(SENTINEL not in text for text in outputs)
    data = json.loads(outputs[2])
    for checkin, rows in zip(data["checkins"], checkins, strict=True):
        for component in checkin["components"]:
            column = [row[int(component["key"][1:])] for row in rows]
            rated = sum(r is not None for r in column)
            assert (component["average"] is None) == (rated < THRESHOLDS.scores)
        if len(rows) < THRESHOLDS.scores:
            assert checkin["components"] == [] and checkin["directions"] == []
    table_rows = table(outputs[0])
    for position, rows in enumerate(checkins, start=1):
        if len(rows) < THRESHOLDS.scores:
            assert all(row[position] == DASH for row in table_rows[2:-1])
