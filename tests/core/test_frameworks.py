"""The shipped framework files load, and bad framework files are refused with clear errors."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.frameworks import (
    Framework,
    FrameworkError,
    FrameworkLibrary,
    load_framework,
    parse_framework,
)
from bot.core.models import Phase

FRAMEWORKS_DIR = Path(__file__).resolve().parents[2] / "frameworks"
SHIPPED_FILES = sorted(
    p for p in FRAMEWORKS_DIR.glob("*.yaml") if "." not in p.stem
)  # not translations

TEN_COMPONENT_KEYS = [
    "equal",
    "inclusive",
    "open",
    "human",
    "transparent",
    "creative",
    "positive",
    "action_focused",
    "thorough",
    "iterative",
]
SIX_PRINCIPLE_KEYS = ["assets", "capacity", "mutuality", "networks", "blur_roles", "catalysts"]
SCALE = ["Not yet", "A little", "Partly", "Mostly", "Fully"]
DIRECTION_KEYS = ["uncomfortable", "sharing_power"]


@pytest.fixture(scope="module")
def library() -> FrameworkLibrary:
    return FrameworkLibrary.from_directory(FRAMEWORKS_DIR)


def _shipped_data() -> dict[str, Any]:
    """A valid framework as plain data, to break in one place at a time."""
    text = (FRAMEWORKS_DIR / "ten-components.yaml").read_text(encoding="utf-8")
    return copy.deepcopy(yaml.safe_load(text))


def _write(directory: Path, name: str, data: dict[str, Any]) -> Path:
    path = directory / f"{name}.yaml"
    data = {**data, "id": name}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _refusal(path: Path) -> str:
    """What load_framework says when it refuses the file at `path`."""
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    return str(caught.value)


# --- the shipped files -----------------------------------------------------------------------


def test_every_framework_is_shipped() -> None:
    assert [p.name for p in SHIPPED_FILES] == [
        "six-principles.yaml",
        "ten-components-easy-read.yaml",
        "ten-components.yaml",
    ]


def test_default_is_ten_components(library: FrameworkLibrary) -> None:
    assert library.default_id == "ten-components"
    assert library.ids() == ["ten-components", "six-principles", "ten-components-easy-read"]
    default = library[library.default_id]
    assert len(default.components) == 10
    assert [c.key for c in default.components] == TEN_COMPONENT_KEYS


def test_six_principles_keys(library: FrameworkLibrary) -> None:
    framework = library["six-principles"]
    assert [c.key for c in framework.components] == SIX_PRINCIPLE_KEYS


@pytest.mark.parametrize("framework_id", ["ten-components", "six-principles"])
def test_scale_and_direction_checks(library: FrameworkLibrary, framework_id: str) -> None:
    framework = library[framework_id]
    assert framework.scale == SCALE
    assert list(framework.scale_values) == [1, 2, 3, 4, 5]
    assert framework.label(1) == "Not yet"
    assert framework.label(5) == "Fully"
    assert [d.key for d in framework.direction_checks] == DIRECTION_KEYS


def test_sources_name_their_makers(library: FrameworkLibrary) -> None:
    assert "Co-create" in library["ten-components"].source
    six = library["six-principles"]
    for maker in ("NEF", "Nesta", "People Powered Health", "Co-create"):
        assert maker in six.source


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_texts_fit_their_limits(path: Path) -> None:
    for language in ("en", "cy"):  # the Welsh sits beside it in <id>.cy.yaml
        _fits(load_framework(path, FRAMEWORKS_DIR.glob("*.cy.yaml")).in_language(language))


def _fits(framework: Framework) -> None:
    assert 1 <= len(framework.description) <= 400
    for component in framework.components:
        assert len(component.name) <= 40, component.key
        assert len(component.discussion_prompt) <= 300, component.key
        assert component.meaning.endswith("."), component.key
        assert component.meaning.count(". ") == 0, f"{component.key}: meaning is one sentence"
        for phase in Phase:
            question = component.questions.for_phase(phase)
            assert len(question) <= 200, f"{component.key}.{phase.value}"
    for check in framework.direction_checks:
        assert check.question.endswith("?"), check.key


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_phase_questions_follow_the_house_style(path: Path) -> None:
    framework = load_framework(path, FRAMEWORKS_DIR.glob("*.cy.yaml"))
    starts = {
        "en": ("So far, ", "Looking back, ", "Right now, "),
        "cy": ("Hyd yma, ", "Wrth edrych yn ôl, ", "Ar hyn o bryd, "),
    }
    for language, (middle, end, extra) in starts.items():
        for component in framework.in_language(language).components:
            questions = component.questions
            assert questions.middle.startswith(middle), (language, component.key)
            assert questions.end.startswith(end), (language, component.key)
            assert questions.extra.startswith(extra), (language, component.key)


# --- bad files -------------------------------------------------------------------------------


def test_missing_question_names_file_and_key_path(tmp_path: Path) -> None:
    data = _shipped_data()
    del data["components"][2]["questions"]["middle"]
    path = _write(tmp_path, "ten-components", data)
    with pytest.raises(FrameworkError) as caught:
        FrameworkLibrary.from_directory(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "components.2.questions.middle" in message
    assert "Field required" in message


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    data = _shipped_data()
    data["components"][0]["meening"] = "A typo."
    path = _write(tmp_path, "typo", data)
    with pytest.raises(FrameworkError, match=r"components\.0\.meening: Extra inputs"):
        load_framework(path)
    with pytest.raises(FrameworkError, match=re.escape("typo.yaml")):
        load_framework(path)


def test_invalid_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    message = _refusal(path)
    assert message.startswith(f"{path}: not valid YAML")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="expected a mapping at the top level"):
        load_framework(path)


def test_duplicate_component_keys_are_refused(tmp_path: Path) -> None:
    data = _shipped_data()
    data["components"][1]["key"] = "equal"
    path = _write(tmp_path, "twice", data)
    message = _refusal(path)
    assert str(path) in message
    assert "keys must be unique, repeated: equal" in message


def test_component_key_clashing_with_direction_check_is_refused() -> None:
    data = _shipped_data()
    data["components"][0]["key"] = "uncomfortable"
    with pytest.raises(FrameworkError, match="repeated: uncomfortable"):
        parse_framework(yaml.safe_dump(data), source="clash.yaml")


def test_duplicate_yaml_mapping_keys_are_refused(tmp_path: Path) -> None:
    text = (FRAMEWORKS_DIR / "ten-components.yaml").read_text(encoding="utf-8")
    text = text.replace("title: ", "title: First title\ntitle: ", 1)
    path = tmp_path / "ten-components.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError, match="title"):
        load_framework(path)


def test_scale_of_one_label_is_refused(tmp_path: Path) -> None:
    data = _shipped_data()
    data["scale"] = ["Fully"]
    path = _write(tmp_path, "one-point", data)
    message = _refusal(path)
    assert str(path) in message
    assert "scale: List should have at least 2 items" in message


def test_id_must_match_file_name(tmp_path: Path) -> None:
    data = _shipped_data()
    path = tmp_path / "my-copy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert _refusal(path) == f"{path}: id: must match the file name ('my-copy')"


def test_one_bad_file_stops_the_whole_library(tmp_path: Path) -> None:
    _write(tmp_path, "ten-components", _shipped_data())
    bad = _shipped_data()
    bad["scale"] = []
    path = _write(tmp_path, "zz-bad", bad)
    with pytest.raises(FrameworkError, match=re.escape(str(path))):
        FrameworkLibrary.from_directory(tmp_path)


def test_missing_default_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "only-one", _shipped_data())
    with pytest.raises(FrameworkError, match="default framework 'ten-components' is missing"):
        FrameworkLibrary.from_directory(tmp_path)


def test_an_edited_copy_loads(tmp_path: Path) -> None:
    data = _shipped_data()
    data["title"] = "Our own version"
    data["components"] = data["components"][:3]
    path = _write(tmp_path, "our-version", data)
    framework = load_framework(path)
    assert isinstance(framework, Framework)
    assert framework.id == "our-version"
    assert [c.key for c in framework.components] == ["equal", "inclusive", "open"]
