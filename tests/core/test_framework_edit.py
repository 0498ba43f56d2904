"""Editing a server's framework as a draft: every edit, every limit, the YAML round trip, and
errors that name the component, the field and the line."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.core import framework_edit as edit
from bot.core.framework_edit import FrameworkEditError, FrameworkIncomplete, Missing
from bot.core.frameworks import Framework, FrameworkLibrary
from bot.core.prompts import Prompts
from bot.data import shipped_frameworks

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = FrameworkLibrary.from_directory(shipped_frameworks())
TEN = LIBRARY["ten-components"]
PROMPTS = Prompts.load(ROOT / "prompts" / "en.yaml")


def ours() -> dict[str, Any]:
    return edit.copy_draft(TEN, title="Our version", framework_id="our-version")


def refused(error: pytest.ExceptionInfo[FrameworkEditError]) -> str:
    """The sentence a facilitator reads: the key exists and its values fill it exactly."""
    key, values = error.value.key, error.value.values
    assert key.startswith("framework_edit."), key
    assert PROMPTS.placeholders(key) == set(values), key
    return PROMPTS(key, **values)


# -- slugs and copies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Our version", "our-version"),
        ("  Café  Équipe 2026! ", "cafe-equipe-2026"),
        ("Ten components (easy read)", "ten-components-easy-read"),
        ("a" * 60, "a" * 40),
        ("word " * 20, "word-word-word-word-word-word-word-word"),
    ],
)
def test_a_name_gives_a_slug_the_schema_accepts(name: str, expected: str) -> None:
    assert edit.slug(name) == expected
    Framework.model_validate({**TEN.model_dump(), "id": expected})


@pytest.mark.parametrize("name", ["", "   ", "!!!", "日本語"])
def test_a_name_without_letters_or_digits_is_refused(name: str) -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.slug(name)
    assert error.value.key == "framework_edit.bad_name"
    refused(error)


@given(st.text(max_size=80))
def test_every_slug_matches_the_id_pattern(name: str) -> None:
    try:
        text = edit.slug(name)
    except FrameworkEditError:
        return
    assert len(text) <= 40
    assert set(text) <= set(string.ascii_lowercase + string.digits + "-")
    assert text[0] != "-" and text[-1] != "-"


def test_a_copy_takes_the_name_as_title_and_keeps_everything_else() -> None:
    draft = ours()
    assert draft["id"] == "our-version" and draft["title"] == "Our version"
    assert draft["source"] == TEN.source and draft["description"] == TEN.description
    assert draft["components"] == edit.draft_of(TEN)["components"]
    assert edit.usable(draft) == Framework.model_validate(draft)
    assert edit.draft_of(TEN)["title"] == TEN.title  # the source is untouched


def test_a_copy_of_a_draft_is_a_separate_draft() -> None:
    first = ours()
    second = edit.copy_draft(first, title="Second", framework_id="second")
    second["components"][0]["name"] = "Changed"
    assert first["components"][0]["name"] == "Equal"


def test_a_copy_refuses_an_overlong_title() -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.copy_draft(TEN, title="x" * 81, framework_id="x")
    assert error.value.key == "framework_edit.bad_title"
    refused(error)


# -- finding and editing components ------------------------------------------------------------


@pytest.mark.parametrize("ref", ["Inclusive", "  inclusive ", "INCLUSIVE", "inclusive", "2"])
def test_a_component_is_found_by_name_key_or_position(ref: str) -> None:
    assert edit.find_component(ours(), ref) == 1


@pytest.mark.parametrize("ref", ["Nonsense", "0", "11", ""])
def test_an_unknown_component_is_named_in_the_refusal(ref: str) -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.find_component(ours(), ref)
    assert error.value.key == "framework_edit.unknown_component"
    assert error.value.values == {"component": ref, "count": 10}
    assert f"`{ref}`" in refused(error)


def test_rewording_a_component_keeps_its_key_and_leaves_the_old_draft_alone() -> None:
    draft = ours()
    changed = edit.edit_component(
        draft,
        "Equal",
        name="Equal voices",
        meaning="  Everyone counts.  ",
        discussion_prompt="Who?",
    )
    component = changed["components"][0]
    assert component["key"] == "equal"
    assert (component["name"], component["meaning"], component["discussion_prompt"]) == (
        "Equal voices",
        "Everyone counts.",
        "Who?",
    )
    assert draft["components"][0]["name"] == "Equal"
    assert edit.find_component(changed, "equal voices") == 0


def test_a_component_may_keep_its_own_name_in_another_case() -> None:
    changed = edit.edit_component(ours(), "Equal", name="EQUAL", meaning="m", discussion_prompt="p")
    assert changed["components"][0]["name"] == "EQUAL"


def test_a_name_another_component_has_is_refused_whatever_its_case() -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.edit_component(ours(), "Equal", name="inclusive", meaning="m", discussion_prompt="p")
    assert error.value.key == "framework_edit.duplicate_name"
    assert error.value.values["position"] == 2
    refused(error)


@pytest.mark.parametrize(
    ("name", "key"), [("", "framework_edit.empty_name"), ("n" * 81, "framework_edit.name_too_long")]
)
def test_a_component_name_must_fit_a_button(name: str, key: str) -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.edit_component(ours(), "1", name=name, meaning="m", discussion_prompt="p")
    assert error.value.key == key
    refused(error)


def test_a_name_of_80_characters_fits() -> None:
    changed = edit.edit_component(ours(), "1", name="n" * 80, meaning="m", discussion_prompt="p")
    assert len(changed["components"][0]["name"]) == 80


@pytest.mark.parametrize("field", ["meaning", "discussion_prompt"])
def test_a_meaning_or_prompt_over_1000_characters_is_refused(field: str) -> None:
    texts = {"meaning": "m", "discussion_prompt": "p", field: "x" * 1001}
    with pytest.raises(FrameworkEditError) as error:
        edit.edit_component(ours(), "1", name="Equal", **texts)
    assert error.value.key == "framework_edit.text_too_long"
    assert error.value.values["length"] == 1001
    assert "1000" in refused(error)
    texts[field] = "x" * 1000
    edit.edit_component(ours(), "1", name="Equal", **texts)


def test_questions_are_set_together_and_checked_for_length() -> None:
    changed = edit.set_questions(ours(), "Open", beginning=" b ", middle="m", end="e", extra="x")
    assert changed["components"][2]["questions"] == {
        "beginning": "b",
        "middle": "m",
        "end": "e",
        "extra": "x",
    }
    with pytest.raises(FrameworkEditError) as error:
        edit.set_questions(ours(), "Open", beginning="b", middle="m", end="e" * 1001, extra="x")
    assert error.value.values["field"] == "end"
    refused(error)


def test_an_added_component_gets_a_new_key_and_empty_questions() -> None:
    changed = edit.add_component(ours(), name="Equal!", meaning="", discussion_prompt="")
    added = changed["components"][-1]
    assert added["key"] == "equal_2"  # "equal" is taken
    assert added["questions"] == {"beginning": "", "middle": "", "end": "", "extra": ""}
    again = edit.add_component(changed, name="2026 goals", meaning="m", discussion_prompt="p")
    assert again["components"][-1]["key"] == "c_2026_goals"


def test_an_added_component_avoids_the_direction_checks_keys() -> None:
    changed = edit.add_component(ours(), name="Uncomfortable", meaning="m", discussion_prompt="p")
    assert changed["components"][-1]["key"] == "uncomfortable_2"


def test_a_framework_has_at_most_12_components() -> None:
    draft = ours()
    for n in (11, 12):
        draft = edit.add_component(draft, name=f"Extra {n}", meaning="m", discussion_prompt="p")
    with pytest.raises(FrameworkEditError) as error:
        edit.add_component(draft, name="One too many", meaning="m", discussion_prompt="p")
    assert error.value.key == "framework_edit.too_many_components"
    assert "12" in refused(error)


def test_a_framework_keeps_at_least_2_components() -> None:
    draft = ours()
    for _ in range(8):
        draft = edit.remove_component(draft, "1")
    assert [c["key"] for c in draft["components"]] == ["thorough", "iterative"]
    with pytest.raises(FrameworkEditError) as error:
        edit.remove_component(draft, "thorough")
    assert error.value.key == "framework_edit.too_few_components"
    refused(error)


def test_a_component_moves_to_a_1_based_position() -> None:
    draft = ours()
    moved = edit.move_component(draft, "Equal", 3)
    assert [c["key"] for c in moved["components"][:3]] == ["inclusive", "open", "equal"]
    assert edit.move_component(moved, "equal", 1) == draft
    for position in (0, 11):
        with pytest.raises(FrameworkEditError) as error:
            edit.move_component(draft, "Equal", position)
        assert error.value.values == {"position": position, "count": 10}
        refused(error)


# -- the scale ---------------------------------------------------------------------------------


def test_a_scale_is_set_from_comma_separated_labels() -> None:
    changed = edit.set_scale(ours(), " Never ,  Sometimes, Often,Always ")
    assert changed["scale"] == ["Never", "Sometimes", "Often", "Always"]
    assert edit.usable(changed).scale == ["Never", "Sometimes", "Often", "Always"]


@pytest.mark.parametrize(
    ("labels", "key"),
    [
        ("No, Yes", "framework_edit.bad_scale_size"),
        ("1, 2, 3, 4, 5, 6, 7, 8", "framework_edit.bad_scale_size"),
        ("Low, , High", "framework_edit.empty_scale_label"),
        ("Low, Mid, " + "h" * 77, "framework_edit.scale_label_too_long"),
        ("Low, Mid, low", "framework_edit.duplicate_scale_label"),
    ],
)
def test_a_scale_has_3_to_7_distinct_labels_that_fit_a_button(labels: str, key: str) -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.set_scale(ours(), labels)
    assert error.value.key == key
    refused(error)


def test_a_scale_label_leaves_room_for_the_number_on_its_button() -> None:
    label = "h" * edit.SCALE_LABEL_MAX
    assert len(f"7 · {label}") == 80
    edit.set_scale(ours(), f"Low, Mid, {label}")


# -- what is missing ---------------------------------------------------------------------------


def test_an_unfinished_draft_says_what_is_missing_by_position_and_name() -> None:
    draft = edit.add_component(ours(), name="Trust", meaning="", discussion_prompt="Why?")
    draft = edit.set_questions(draft, "Trust", beginning="b", middle="", end="", extra="x")
    draft = edit.move_component(draft, "Trust", 3)
    assert edit.missing(draft) == [Missing(3, "Trust", ("meaning", "middle", "end"))]
    with pytest.raises(FrameworkIncomplete) as error:
        edit.usable(draft)
    assert error.value.missing == edit.missing(draft)
    text = refused(error)  # type: ignore[arg-type]
    assert "**Our version**" in text and "3 (Trust): meaning, middle, end" in text


def test_a_missing_discussion_prompt_is_named_as_people_read_it() -> None:
    draft = edit.edit_component(ours(), "Equal", name="Equal", meaning="m", discussion_prompt="")
    with pytest.raises(FrameworkIncomplete) as error:
        edit.usable(draft)
    assert error.value.values["missing"] == "1 (Equal): discussion prompt"


def test_a_finished_draft_is_a_framework_a_check_in_can_ask() -> None:
    draft = edit.add_component(ours(), name="Trust", meaning="We trust.", discussion_prompt="?")
    draft = edit.set_questions(draft, "Trust", beginning="b", middle="m", end="e", extra="x")
    assert edit.missing(draft) == []
    framework = edit.usable(draft)
    assert framework.component("trust") is not None
    assert framework.id == "our-version"


# -- YAML import and export --------------------------------------------------------------------


@pytest.mark.parametrize("framework_id", LIBRARY.ids())
def test_every_shipped_framework_round_trips_through_export_and_import(framework_id: str) -> None:
    framework = LIBRARY[framework_id]
    text = edit.export_yaml(edit.draft_of(framework))
    assert edit.import_yaml(text, filename="f.yaml") == edit.draft_of(framework)
    assert yaml.safe_load(text) == edit.draft_of(framework)


def test_an_export_reads_like_a_shipped_file() -> None:
    text = edit.export_yaml(ours())
    lines = text.splitlines()
    assert lines[:2] == ["id: our-version", "title: Our version"]
    assert "source: >-" in lines  # long texts as folded blocks
    assert "  - Not yet" in lines  # lists indented under their key
    at = lines.index("  - key: inclusive")
    assert lines[at - 1] == ""  # a blank line between components
    assert lines[lines.index("components:") + 1] == "  - key: equal"
    assert max(len(line) for line in lines) < 100


@given(
    st.lists(
        st.text(
            st.characters(
                blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"
            ),
            min_size=1,
            max_size=300,
        ).filter(str.strip),
        min_size=4,
        max_size=4,
    )
)
def test_any_wording_round_trips(texts: list[str]) -> None:
    draft = edit.set_questions(
        ours(), "1", beginning=texts[0], middle=texts[1], end=texts[2], extra=texts[3]
    )
    back = edit.import_yaml(edit.export_yaml(draft), filename="f.yaml")
    assert back["components"][0]["questions"] == draft["components"][0]["questions"]


def test_an_import_keeps_the_files_id_for_the_service_to_check() -> None:
    draft = edit.import_yaml(edit.export_yaml(ours()), filename="ours.yaml")
    assert draft["id"] == "our-version"
    text = edit.export_yaml({**ours(), "id": "Not An Id!"})
    assert edit.import_yaml(text, filename="ours.yaml")["id"] == ""


def test_a_missing_question_is_named_by_component_position_and_line() -> None:
    text = edit.export_yaml(ours())
    lines = text.splitlines()
    third = [n for n, line in enumerate(lines) if line.strip().startswith("middle:")][2]
    lines[third] = lines[third].replace("middle:", "midle:")
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml("\n".join(lines), filename="broken.yaml")
    assert error.value.key == "framework_edit.import_invalid"
    values = error.value.values
    assert values["field"] == "component 3 (Open): questions.middle"
    questions_line = max(n for n in range(third) if lines[n].strip() == "questions:") + 1
    assert values["line"] == questions_line
    assert values["problem"] == "is missing"
    text_read = refused(error)
    assert "`broken.yaml`" in text_read and f"line {questions_line}" in text_read


def test_an_empty_field_is_named_with_its_line() -> None:
    text = edit.export_yaml(ours())
    lines = text.splitlines()
    at = lines.index("    name: Open")
    lines[at] = "    name: ''"
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml("\n".join(lines), filename="broken.yaml")
    assert error.value.values["field"] == "component 3: name"
    assert error.value.values["line"] == at + 1
    assert error.value.values["problem"] == "is empty"


def test_a_question_missing_from_a_component_names_the_question() -> None:
    data = ours()
    del data["components"][2]["questions"]["middle"]
    text = edit.export_yaml(data)
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml(text, filename="broken.yaml")
    values = error.value.values
    assert values["field"] == "component 3 (Open): questions.middle"
    assert values["problem"] == "is missing"
    lines = text.splitlines()
    assert lines[values["line"] - 1].strip() == "questions:"


def test_an_unknown_field_is_refused_with_its_line() -> None:
    text = edit.export_yaml(ours()) + "colour: blue\n"
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml(text, filename="broken.yaml")
    assert error.value.values["field"] == "colour"
    assert error.value.values["line"] == len(text.splitlines())


@pytest.mark.parametrize(
    ("text", "line"),
    [("id: x\ntitle: [unclosed\n", 3), ("id: x\ntitle: a\ntitle: b\n", 3), ("a: b\n c: d\n", 2)],
)
def test_a_file_that_is_not_yaml_says_where(text: str, line: int) -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml(text, filename="bad.yaml")
    assert error.value.key == "framework_edit.import_not_yaml"
    assert error.value.values["line"] == line
    refused(error)


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml("- a\n- b\n", filename="list.yaml")
    assert error.value.key == "framework_edit.import_not_mapping"
    refused(error)


def test_a_file_over_100_kb_is_refused_before_it_is_read() -> None:
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml("# " + "x" * 100_000, filename="huge.yaml")
    assert error.value.key == "framework_edit.file_too_large"
    refused(error)


def test_an_imported_file_keeps_to_the_server_limits() -> None:
    draft = ours()
    draft["components"][1]["name"] = "EQUAL"
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml(edit.export_yaml(draft), filename="dupe.yaml")
    assert error.value.key == "framework_edit.duplicate_name"
    draft = edit.copy_draft(TEN, title="T", framework_id="t")
    draft["components"][0]["meaning"] = "x" * 1001
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml(edit.export_yaml(draft), filename="long.yaml")
    assert error.value.key == "framework_edit.component_text_too_long"
    refused(error)


def test_an_unfinished_draft_exports_but_import_names_what_is_empty() -> None:
    draft = edit.add_component(ours(), name="Trust", meaning="m", discussion_prompt="p")
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml(edit.export_yaml(draft), filename="draft.yaml")
    assert error.value.values["field"] == "component 11 (Trust): questions.beginning"
    assert error.value.values["problem"] == "is empty"


def test_every_framework_edit_prompt_is_used_by_the_code() -> None:
    code = "".join(
        (ROOT / "bot" / path).read_text(encoding="utf-8")
        for path in ("core/framework_edit.py", "services/frameworks.py", "services/checkins.py")
    )
    every_key = PROMPTS.keys()
    keys = [k for k in every_key if k.startswith("framework_edit.")]
    # Said by the Discord layer: `FrameworkService.delete` returns the projects using it.
    discord_layer = {"framework_edit.in_use"}
    unused = [k for k in keys if f'"{k}"' not in code and k not in discord_layer]
    assert unused == []
    assert PROMPTS.placeholders("framework_edit.in_use") == {"framework", "projects"}


def test_a_file_that_repeats_itself_by_alias_is_refused_with_the_aliass_line() -> None:
    text = edit.export_yaml(ours()) + "x_parts: &parts [a, b]\nmore: *parts\n"
    with pytest.raises(FrameworkEditError) as error:
        edit.import_yaml(text, filename="alias.yaml")
    assert error.value.key == "framework_edit.import_alias"
    assert error.value.values == {"filename": "alias.yaml", "line": len(text.splitlines())}
    refused(error)
