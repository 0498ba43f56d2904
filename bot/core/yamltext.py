"""Reading YAML strictly: a key written twice in one mapping is an error, not a silent overwrite,
and a file whose top level must be a mapping says so, naming the file."""

from __future__ import annotations

from typing import Any

import yaml


class DuplicateKeyError(yaml.YAMLError):
    pass


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(
                    f"key {key!r} appears twice (line {key_node.start_mark.line + 1})"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """Parse YAML safely, refusing repeated keys; raises yaml.YAMLError."""
    return yaml.load(text, Loader=_StrictLoader)


def load_yaml_mapping(text: str, *, source: str, error: type[ValueError]) -> dict[Any, Any]:
    """Parse YAML text whose top level is a mapping; else `error`, its message led by `source`."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise error(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping at the top level")
    return data
