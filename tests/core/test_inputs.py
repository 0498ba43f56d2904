"""Pure checks of what facilitators type, of thresholds, of custom_ids and of the steps."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.core.custom_ids import (
    CARD_TEMPLATE,
    FLOW_TEMPLATE,
    MAX_ID,
    MYDATA_DELETE,
    MYDATA_DELETE_TEMPLATE,
    PROJECT_DELETE,
    PROJECT_DELETE_TEMPLATE,
    CardAction,
    CardButton,
    CommentBox,
    ConfirmButton,
    FlowButton,
    FlowVerb,
    box_id,
    card_id,
    confirm_id,
    flow_id,
    is_box_id,
    is_component_id,
    matches,
    parse_box,
    parse_card,
    parse_confirm,
    parse_flow,
    parse_id,
)
from bot.core.flow import StepKind, resume_index, review_index, steps
from bot.core.frameworks import FrameworkLibrary
from bot.core.models import Answer, Phase, Response, Thresholds
from bot.core.projects import InvalidInput, parse_project
from bot.core.text import pack_lines

ROOT = Path(__file__).resolve().parents[2]


def _project(**changes: object):
    values = {
        "name": "Youth Board",
        "starts": "2026-01-05",
        "ends": "2026-06-26",
        "timezone": None,
        "checkin_time": None,
        "window_days": None,
        **changes,
    }
    return parse_project(**values)  # type: ignore[arg-type]


def test_a_project_with_defaults():
    parsed = _project()
    assert parsed.starts_on == date(2026, 1, 5) and parsed.ends_on == date(2026, 6, 26)
    assert parsed.timezone == "Europe/London"
    assert parsed.checkin_time == time(10, 0)
    assert parsed.window_days == 7


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"starts": "2026-07-01"}, "errors.end_before_start"),
        ({"ends": "2026-01-05"}, "errors.end_before_start"),
        ({"starts": "05/01/2026"}, "errors.bad_date"),
        ({"starts": "2026-13-01"}, "errors.bad_date"),
        ({"ends": "2026-02-30"}, "errors.bad_date"),
        ({"ends": "soon"}, "errors.bad_date"),
        ({"timezone": "Mars/Olympus"}, "errors.bad_timezone"),
        ({"timezone": "../../etc/passwd"}, "errors.bad_timezone"),
        ({"checkin_time": "25:00"}, "errors.bad_time"),
        ({"checkin_time": "10am"}, "errors.bad_time"),
        ({"window_days": 0}, "errors.bad_window"),
        ({"window_days": 61}, "errors.bad_window"),
        ({"name": "   "}, "errors.bad_name"),
        ({"name": "x" * 61}, "errors.bad_name"),
        ({"name": "<@123> ping"}, "errors.bad_name"),
        ({"name": "__Secret__ Board"}, "errors.bad_name"),
        ({"name": "_Quiet_ Group"}, "errors.bad_name"),
        ({"ends": "2036-01-01"}, "errors.project_too_long"),
    ],
)
def test_bad_project_input_names_the_problem(changes, key):
    with pytest.raises(InvalidInput) as caught:
        _project(**changes)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("scores", "comments", "problem"),
    [
        (3, 5, None),
        (3, 3, None),
        (2, 5, "errors.threshold_scores_too_low"),
        (0, 0, "errors.threshold_scores_too_low"),
        (5, 4, "errors.threshold_comments_below_scores"),
        (50, 101, "errors.threshold_too_high"),
    ],
)
def test_thresholds(scores, comments, problem):
    assert Thresholds(scores, comments).problem() == problem


def test_flow_custom_ids_round_trip_and_stay_short():
    button = FlowButton(10**18, FlowVerb.CHOOSE, 12, "unsure")
    custom_id = flow_id(button)
    assert len(custom_id) <= 100
    match = matches(FLOW_TEMPLATE, custom_id)
    assert match is not None and parse_flow(match.groupdict()) == button
    assert matches(FLOW_TEMPLATE, "cr1:q:1:rate:0:5;drop") is None
    assert parse_flow({"checkin": "1", "verb": "zap", "step": "0", "value": ""}) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1),
        ("10", 10),
        ("999999999999999999", 10**18 - 1),
        ("1000000000000000000", 10**18),
        ("8999999999999999999", 8999999999999999999),
        ("9223372036854775799", 9223372036854775799),
        ("9223372036854775806", MAX_ID - 1),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9223372036854775810", None),
        ("9300000000000000000", None),
        ("9999999999999999999", None),
        ("99999999999999999999", None),  # 20 digits
        ("0", None),
        ("00", None),
        ("01", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1_000", None),
        ("", None),
    ],
)
def test_an_id_in_a_custom_id_is_canonical_and_fits_sqlite(text, value):
    assert MAX_ID == 2**63 - 1
    assert parse_id(text) == value
    groups = {"checkin": text, "verb": "start", "step": "0", "value": ""}
    assert parse_flow(groups) == (None if value is None else FlowButton(value, FlowVerb.START))
    card = parse_card({"action": "join", "project": text})
    assert card == (None if value is None else CardButton(CardAction.JOIN, value))
    confirm = parse_confirm({"answer": "no", "target": text})
    assert confirm == (None if value is None else ConfirmButton(value, False))
    # The templates match exactly the ids the parse functions accept.
    for custom_id, template in (
        (f"cr1:q:{text}:start:0:", FLOW_TEMPLATE),
        (f"cr1:card:leave:{text}", CARD_TEMPLATE),
        (f"cr1:pdel:yes:{text}", PROJECT_DELETE_TEMPLATE),
        (f"cr1:mdel:no:{text}", MYDATA_DELETE_TEMPLATE),
    ):
        assert (matches(template, custom_id) is not None) is (value is not None), custom_id
        assert is_component_id(custom_id) is (value is not None), custom_id


def test_every_button_the_bot_builds_is_one_it_recognises():
    for custom_id, template, parse, expected in (
        (
            card_id(CardAction.LEAVE, MAX_ID),
            CARD_TEMPLATE,
            parse_card,
            CardButton(CardAction.LEAVE, MAX_ID),
        ),
        (
            confirm_id(PROJECT_DELETE, MAX_ID, confirm=True),
            PROJECT_DELETE_TEMPLATE,
            parse_confirm,
            ConfirmButton(MAX_ID, True),
        ),
        (
            confirm_id(MYDATA_DELETE, 1, confirm=False),
            MYDATA_DELETE_TEMPLATE,
            parse_confirm,
            ConfirmButton(1, False),
        ),
    ):
        match = matches(template, custom_id)
        assert match is not None and parse(match.groupdict()) == expected
        assert is_component_id(custom_id)


@pytest.mark.parametrize(
    "custom_id",
    [
        "garbage",
        "",
        "cr1:",
        "cr0:q:1:start:0:",
        "cr2:q:1:start:0:",
        "cr0:card:join:1",
        "cr2:pdel:yes:1",
        "cr1:card:wave:1",
        "cr1:zap:yes:1",
        "cr1:card:join:1\n",
        "CR1:card:join:1",
        "cr1:box:1:0:" + "0" * 16 + ":" + "0" * 32,  # a modal's id, never a button's
    ],
)
def test_ids_of_no_button_are_not_recognised(custom_id):
    assert not is_component_id(custom_id)


BOX_KEY = b"k" * 32
BIGGEST_ID = 2**63 - 1  # Discord snowflakes and SQLite row ids fit in 19 digits


def test_a_comment_box_id_is_short_unique_and_only_for_its_opener():
    custom_id = box_id(BOX_KEY, BIGGEST_ID, 999, BIGGEST_ID)
    assert len(custom_id) <= 100 and is_box_id(custom_id)
    assert parse_box(BOX_KEY, custom_id, BIGGEST_ID) == CommentBox(BIGGEST_ID, 999)
    assert parse_box(BOX_KEY, custom_id, BIGGEST_ID - 1) is None  # someone else sent it
    assert parse_box(b"j" * 32, custom_id, BIGGEST_ID) is None  # another bot's key
    assert box_id(BOX_KEY, 1, 2, 3) != box_id(BOX_KEY, 1, 2, 3)  # a new nonce per opening


def test_a_signed_comment_box_for_an_id_sqlite_cannot_hold_is_refused():
    custom_id = box_id(BOX_KEY, MAX_ID + 1, 0, 42)
    assert parse_box(BOX_KEY, custom_id, 42) is None


def _tampered_boxes() -> list[str]:
    good = box_id(BOX_KEY, 12, 3, 42, nonce="00" * 8)
    head, checkin, step, nonce, mac = good.rsplit(":", 4)
    other_mac = "0" * len(mac) if mac != "0" * len(mac) else "1" * len(mac)
    return [
        f"{head}:13:{step}:{nonce}:{mac}",  # another check-in
        f"{head}:{checkin}:4:{nonce}:{mac}",  # another step
        f"{head}:{checkin}:{step}:{'11' * 8}:{mac}",  # another nonce
        f"{head}:{checkin}:{step}:{nonce}:{other_mac}",  # a made-up MAC
        f"{head}:{checkin}:{step}:{nonce}:{mac[:-2]}",  # a shortened MAC
        f"{head}:{checkin}:{step}:{nonce}:{mac.upper()}",
        f"{head}:012:{step}:{nonce}:{mac}",  # the same number, spelled differently
        f"{head}:{'9' * 20}:{step}:{nonce}:{mac}",  # an id no table can hold
        f"{head}:-12:{step}:{nonce}:{mac}",
        f"{good}:extra",
        f"{good}\n",
        "cr1:comment:12:3",  # the unsigned box of earlier versions
        "cr1:box:",
        "",
    ]


@pytest.mark.parametrize("custom_id", _tampered_boxes())
def test_a_tampered_comment_box_id_is_refused(custom_id):
    assert parse_box(BOX_KEY, custom_id, 42) is None


def test_the_untampered_box_of_the_tamper_cases_is_accepted():
    good = box_id(BOX_KEY, 12, 3, 42, nonce="00" * 8)
    assert parse_box(BOX_KEY, good, 42) == CommentBox(12, 3)
    assert is_box_id("cr1:comment:12:3") and not is_box_id("cr1:q:1:rate:0:5")


def test_steps_and_where_a_member_resumes():
    framework = FrameworkLibrary.from_directory(ROOT / "frameworks")["ten-components"]
    middle = Phase.MIDDLE
    all_steps = steps(framework, middle)
    assert [s.kind for s in all_steps[-4:]] == [
        StepKind.DIRECTION,
        StepKind.DIRECTION,
        StepKind.ANYTHING_ELSE,
        StepKind.REVIEW,
    ]
    assert resume_index(framework, middle, Response({})) == 0
    two = Response(
        {"equal": Answer("equal", rating=3), "inclusive": Answer("inclusive", skipped=True)}
    )
    assert resume_index(framework, middle, two) == 2
    submitted = Response({}, submitted=True)
    assert resume_index(framework, middle, submitted) == review_index(framework, middle)


def test_pack_lines_never_exceeds_the_limit_and_keeps_lines_whole():
    lines = [f"line {i} " + "x" * 150 for i in range(40)]
    pages = pack_lines(lines, limit=2000)
    assert all(len(page) <= 2000 for page in pages)
    assert "\n".join(pages).split("\n") == lines
    assert pack_lines(["y" * 4500]) == ["y" * 2000, "y" * 2000, "y" * 500]
