"""Languages (issue 14): plural forms by CLDR rules, dates by Babel, every key in every
language, and frameworks worded in another language with a fallback to their own."""

from __future__ import annotations

import ast
import string
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import yaml

from bot.check import code_uses
from bot.core.frameworks import (
    FrameworkError,
    FrameworkLibrary,
    load_framework,
    parse_framework,
)
from bot.core.models import Phase
from bot.core.prompts import PromptError, Prompts, parse_prompts
from bot.core.redaction import PLACEHOLDER_KEYS
from bot.core.schedule import in_zone
from bot.data import load_prompts

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ROOT / "frameworks"
LANGUAGES = sorted(p.stem for p in (ROOT / "prompts").glob("*.yaml"))

# Keys the code builds from parts (so the source scan cannot see them), by prefix.
BUILT_KEYS = (
    "common.phase_",  # Prompts.phase
    "permissions.",  # permission_list: one per Discord permission
    "audit.",  # the audit log: one per action name
    "flow.choice_",  # the direction check's choices
    "framework.saved_",  # one per form: component, new component, questions
    "framework.changed_",  # one per edit
    "framework.field_",  # the form's fields
    "export.column_",  # the CSV header: one per column
)


def _literals() -> set[str]:
    """Every string constant in the bot's source: keys handed around as values count."""
    found = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    return load_prompts()


def test_welsh_ships_beside_english(prompts: Prompts) -> None:
    assert LANGUAGES == ["cy", "en"]
    assert prompts.languages() == ["en", "cy"]
    assert prompts.name_of("cy") == "Cymraeg"
    assert prompts.name_of("en") == "English"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_key_is_missing_or_unused(prompts: Prompts, language: str) -> None:
    texts = prompts.raw(language)
    english = prompts.raw("en")
    assert sorted(english.keys() - texts.keys()) == []  # missing
    assert sorted(texts.keys() - english.keys()) == []  # not English's
    used = code_uses().keys() | set(PLACEHOLDER_KEYS.values()) | _literals()
    unused = [k for k in texts if k not in used and not k.startswith(BUILT_KEYS)]
    assert unused == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sentence_fills_in_only_what_the_code_gives(prompts: Prompts, language: str) -> None:
    def names(text: str | dict[str, str]) -> set[str]:
        texts = text.values() if isinstance(text, dict) else [text]
        return {n for t in texts for _, n, _, _ in string.Formatter().parse(t) if n}

    english = prompts.raw("en")
    for key, text in prompts.raw(language).items():
        assert names(text) <= names(english[key]), key


# The counts issue 14 names: 0, 1, 2, 3, 6 and 10, which cover every Welsh plural category
# (zero, one, two, few, many, other) and both English ones.
COUNTS = (0, 1, 2, 3, 6, 10)


def test_english_plurals(prompts: Prompts) -> None:
    en = prompts.lang("en")
    sent = [en("checkin.reminded", count=n, max=2) for n in COUNTS]
    assert sent[1].startswith("Sent a reminder to 1 participant who hasn't")
    for n, text in zip(COUNTS, sent, strict=True):
        if n != 1:
            assert text.startswith(f"Sent a reminder to {n} participants who haven't")
    assert en("common.days", count=1) == "1 day"
    assert [en("common.days", count=n) for n in (0, 2, 10)] == ["0 days", "2 days", "10 days"]
    assert en("summary.took_part", took_part=1, count=1).startswith("**1 of 1** participant took")
    assert "**2 of 3** participants took part" in en("summary.took_part", took_part=2, count=3)


def test_welsh_plurals_follow_the_six_cldr_categories(prompts: Prompts) -> None:
    cy = prompts.lang("cy")
    raw = prompts.raw("cy")["common.days"]
    assert isinstance(raw, dict)
    assert set(raw) == {"zero", "one", "two", "few", "many", "other"}
    forms = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 10}
    for form, n in forms.items():
        assert cy("common.days", count=n) == raw[form].format(count=n)
    # Each of the counts issue 14 names reads its own category's sentence.
    reminded = prompts.raw("cy")["checkin.reminded"]
    assert isinstance(reminded, dict)
    for form, n in forms.items():
        expected = reminded.get(form, reminded["other"]).format(count=n, max=2)
        assert cy("checkin.reminded", count=n, max=2) == expected
    assert len({cy("checkin.reminded", count=n, max=2).replace(str(n), "#") for n in COUNTS}) > 2


def test_a_plural_sentence_needs_a_count_and_falls_back_to_other() -> None:
    p = Prompts.of(parse_prompts('a:\n  b:\n    other: "{count} o bobl"\n', source="cy.yaml"))
    with pytest.raises(PromptError, match=r"a\.b: a plural sentence needs `count`"):
        p("a.b")
    assert p("a.b", count=1) == "1 o bobl"


def test_dates_and_times_in_each_language(prompts: Prompts) -> None:
    moment = in_zone(datetime(2026, 1, 5, 10, 0, tzinfo=UTC), "Europe/London")
    assert prompts.lang("en").moment(moment) == "Monday 5 January 2026, 10:00"
    assert prompts.lang("cy").moment(moment) == "Dydd Llun 5 Ionawr 2026, 10:00"
    assert prompts.lang("en").day(date(2026, 3, 1)) == "1 March 2026"
    assert prompts.lang("cy").day(date(2026, 3, 1)) == "1 Mawrth 2026"
    assert prompts.lang("cy").clock(time(21, 0)) == "21:00"


def test_a_languages_babel_data_is_read_only_when_warmed_or_first_needed() -> None:
    moment = in_zone(datetime(2026, 1, 5, 10, 0, tzinfo=UTC), "Europe/London")
    fresh = load_prompts()
    assert fresh.unread("en") and fresh.unread("cy")
    assert not fresh.unread("xx") and not fresh.unread(None)  # no prompts for those
    fresh.warm()  # the default language only, as the bot does at start
    assert not fresh.unread("en") and fresh.unread("cy")
    fresh.warm("cy")
    assert not fresh.unread("cy")
    # Everything reads as it did with every language's data read ahead.
    assert fresh.lang("cy").moment(moment) == "Dydd Llun 5 Ionawr 2026, 10:00"
    assert fresh.lang("en").day(date(2026, 3, 1)) == "1 March 2026"
    assert fresh.lang("cy")("common.days", count=2) == fresh.raw("cy")["common.days"]["two"].format(
        count=2
    )
    assert fresh.name_of("cy") == "Cymraeg"
    # A language nobody warmed is read when it is first needed.
    lazy = load_prompts()
    assert lazy.lang("cy").day(date(2026, 3, 1)) == "1 Mawrth 2026"
    assert not lazy.unread("cy") and lazy.unread("en")
    assert lazy.name_of("en") == "English"


def test_the_language_in_use_is_per_task_and_a_block_gives_it_back(prompts: Prompts) -> None:
    assert prompts.language == "en"
    with prompts.using("cy"):
        assert prompts("flow.skip") == prompts.raw("cy")["flow.skip"]
        assert prompts.lang("en")("flow.skip") == "Skip"  # a fixed view ignores it
    assert prompts("flow.skip") == "Skip"
    with prompts.using("xx"):  # an unknown language: the default
        assert prompts("flow.skip") == "Skip"


def test_phases_are_worded_in_each_language(prompts: Prompts) -> None:
    assert prompts.lang("en").phase(Phase.MIDDLE) == "middle"
    assert prompts.lang("cy").phase(Phase.MIDDLE) == prompts.raw("cy")["common.phase_middle"]


# -- frameworks in another language ------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> FrameworkLibrary:
    return FrameworkLibrary.from_directory(FRAMEWORKS)


@pytest.mark.parametrize(
    "framework_id", ["ten-components", "ten-components-easy-read", "six-principles"]
)
def test_every_shipped_framework_has_welsh_for_every_text(
    library: FrameworkLibrary, framework_id: str
) -> None:
    english = library[framework_id]
    welsh = english.in_language("cy")
    assert english.languages() == ["en", "cy"]
    assert [c.key for c in welsh.components] == [c.key for c in english.components]
    assert len(welsh.scale) == len(english.scale)
    for mine, theirs in zip(welsh.components, english.components, strict=True):
        assert mine.name != theirs.name or mine.meaning != theirs.meaning
        for phase in Phase:
            assert mine.questions.for_phase(phase) != theirs.questions.for_phase(phase)
        assert mine.discussion_prompt != theirs.discussion_prompt
    for mine, theirs in zip(welsh.direction_checks, english.direction_checks, strict=True):
        assert mine.question != theirs.question
    assert welsh.title != english.title and welsh.scale != english.scale
    assert english.in_language("en") is english
    assert english.in_language("fr") is english  # no such translation: its own words


def test_a_missing_translation_falls_back_to_the_frameworks_own_words(tmp_path: Path) -> None:
    data = yaml.safe_load((FRAMEWORKS / "ten-components.yaml").read_text(encoding="utf-8"))
    data["translations"] = {
        "cy": {"title": "Deg elfen", "components": {"equal": {"name": "Cyfartal"}}}
    }
    framework = parse_framework(yaml.safe_dump(data), source="ours.yaml")
    welsh = framework.in_language("cy")
    assert welsh.title == "Deg elfen"
    assert welsh.components[0].name == "Cyfartal"
    assert welsh.components[0].meaning == framework.components[0].meaning  # English
    assert welsh.components[1] == framework.components[1]
    assert welsh.scale == framework.scale
    assert welsh.snapshot() != framework.snapshot()  # a check-in keeps both languages
    assert "Deg elfen" in framework.snapshot()


def test_a_translation_of_an_unknown_component_or_a_wrong_scale_is_refused() -> None:
    data = yaml.safe_load((FRAMEWORKS / "ten-components.yaml").read_text(encoding="utf-8"))
    data["translations"] = {"cy": {"components": {"nope": {"name": "Dim"}}}}
    with pytest.raises(FrameworkError, match=r"translations\.cy: no component with key nope"):
        parse_framework(yaml.safe_dump(data), source="ours.yaml")
    data["translations"] = {"cy": {"scale": ["Un", "Dau"]}}
    with pytest.raises(
        FrameworkError, match=r"translations\.cy\.scale: 2 points, but the scale has 5"
    ):
        parse_framework(yaml.safe_dump(data), source="ours.yaml")


def test_a_translation_file_names_its_language(tmp_path: Path) -> None:
    (tmp_path / "ten-components.yaml").write_text(
        (FRAMEWORKS / "ten-components.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    sibling = tmp_path / "ten-components.cy.yaml"
    sibling.write_text("language: fr\ntitle: Dix\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"language: must match the file name \('cy'\)"):
        load_framework(tmp_path / "ten-components.yaml", [sibling])
    sibling.write_text("title: Deg\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="say which language it is"):
        load_framework(tmp_path / "ten-components.yaml", [sibling])
    sibling.write_text("language: cy\ntitle: Deg\n", encoding="utf-8")
    library = FrameworkLibrary.from_directory(tmp_path)
    assert library.ids() == ["ten-components"]  # the translation is no framework of its own
    assert library["ten-components"].in_language("cy").title == "Deg"
