"""Strict YAML reading: repeated keys refused, a top level that is not a mapping named, aliases
refused where a file is sent to the bot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core import yamltext
from bot.core.yamltext import (
    AliasRefused,
    DuplicateKeyError,
    load_yaml,
    load_yaml_mapping,
    refuse_aliases,
)

ROOT = Path(__file__).resolve().parents[2]


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


SHIPPED = sorted(
    [*(ROOT / "frameworks").glob("*.yaml"), *(ROOT / "prompts").glob("*.yaml")],
    key=lambda path: path.name,
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_file_reads_as_the_pure_python_reader_reads_it(path: Path) -> None:
    # libyaml's parser, where PyYAML has it, builds the same data as PyYAML's own.
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_the_yaml_reader_is_libyamls_where_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml")
    assert issubclass(yamltext._StrictLoader, yaml.CSafeLoader)


def test_an_alias_is_refused_with_its_line_and_an_anchor_alone_is_not() -> None:
    refuse_aliases("a: &x [1, 2]\nb: 3\n")
    with pytest.raises(AliasRefused) as raised:
        refuse_aliases("a: &x [1, 2]\nb: 3\nc: *x\nd: *x\n")
    assert raised.value.line == 3
    with pytest.raises(yaml.YAMLError):
        refuse_aliases("a: [1\n")
