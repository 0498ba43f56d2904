"""Reading YAML strictly: a key written twice in one mapping is an error, not a silent overwrite,
and a file whose top level must be a mapping says so, naming the file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml


class DuplicateKeyError(yaml.YAMLError):
    pass


# libyaml's parser where PyYAML was built with it (its wheels are), about ten times faster
# than the pure-Python one and building the same data: the shipped files are read at every
# start, and a framework a facilitator sends is read while they wait.
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader  # the same methods, as the type checker sees them
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
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


class AliasRefused(yaml.YAMLError):
    """A file sent to the bot repeats a part of itself by an alias (`*name`)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"an alias (*name) at line {line}")
        self.line = line


def refuse_aliases(text: str) -> None:
    """AliasRefused if `text` uses an alias. An alias repeats the part its anchor (`&name`)
    names without writing it out again, so a small file can stand for a huge one (aliases of
    aliases, each level many times over) that checking it would walk in full; no framework
    needs one. Raises yaml.YAMLError for a file that is not YAML."""
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise AliasRefused(mark.line + 1 if mark is not None else 1)


def load_yaml_tree(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML's node tree (which says where each part is written) and its data, from one
    reading: parsed safely, refusing repeated keys; raises yaml.YAMLError."""
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def load_yaml(text: str) -> Any:
    """Parse YAML safely, refusing repeated keys; raises yaml.YAMLError."""
    return load_yaml_tree(text)[1]


def load_yaml_mapping(text: str, *, source: str, error: type[ValueError]) -> dict[Any, Any]:
    """Parse YAML text whose top level is a mapping; else `error`, its message led by `source`."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise error(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping at the top level")
    return data
