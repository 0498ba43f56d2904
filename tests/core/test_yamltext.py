"""Strict YAML reading: repeated keys refused, a top level that is not a mapping named."""

from __future__ import annotations

import pytest

from bot.core.yamltext import DuplicateKeyError, load_yaml, load_yaml_mapping


class _Refused(ValueError):
    pass


def test_a_mapping_is_returned_as_read() -> None:
    assert load_yaml_mapping("a: 1\nb: [x, y]\n", source="f.yaml", error=_Refused) == {
        "a": 1,
        "b": ["x", "y"],
    }


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "", "42\n"])
def test_a_top_level_that_is_not_a_mapping_is_refused_naming_the_source(text: str) -> None:
    with pytest.raises(_Refused, match=r"^f\.yaml: expected a mapping at the top level$"):
        load_yaml_mapping(text, source="f.yaml", error=_Refused)


@pytest.mark.parametrize("text", ["a: [1\n", "a: 1\na: 2\n"])
def test_text_that_is_not_valid_yaml_is_refused_naming_the_source(text: str) -> None:
    with pytest.raises(_Refused, match=r"^f\.yaml: not valid YAML: ") as raised:
        load_yaml_mapping(text, source="f.yaml", error=_Refused)
    assert raised.value.__cause__ is not None


def test_a_key_written_twice_is_an_error() -> None:
    with pytest.raises(DuplicateKeyError, match="'a' appears twice"):
        load_yaml("a: 1\na: 2\n")
