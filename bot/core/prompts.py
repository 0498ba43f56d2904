"""Every sentence the bot says, looked up by dotted key from `prompts/<lang>.yaml`."""

from __future__ import annotations

import string
from importlib.resources.abc import Traversable
from typing import Any

from bot.core.models import Phase
from bot.core.yamltext import load_yaml_mapping


class PromptError(ValueError):
    """A prompts file that cannot be used; the message names file, key and reason."""


def _flatten(node: Any, prefix: str, source: str, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        if not node:
            raise PromptError(f"{source}: {prefix or '(top level)'}: empty section")
        for key, value in node.items():
            if not isinstance(key, str) or not key.replace("_", "").isalnum():
                raise PromptError(f"{source}: {prefix}{key!r}: keys are letters, digits and _")
            _flatten(value, f"{prefix}{key}.", source, out)
        return
    key = prefix.rstrip(".")
    if not isinstance(node, str) or not node.strip():
        raise PromptError(f"{source}: {key}: must be a non-empty string")
    try:
        list(string.Formatter().parse(node))
    except ValueError as exc:
        raise PromptError(f"{source}: {key}: bad placeholder: {exc}") from exc
    out[key] = node.rstrip("\n")


def parse_prompts(text: str, *, source: str) -> dict[str, str]:
    """Validate prompts YAML text into a flat {dotted.key: sentence} mapping."""
    data = load_yaml_mapping(text, source=source, error=PromptError)
    out: dict[str, str] = {}
    _flatten(data, "", source, out)
    return out


class Prompts:
    """Look-up of user-facing text. `prompts("key", name=...)` formats the sentence."""

    def __init__(self, texts: dict[str, str], source: str = "prompts") -> None:
        self._texts = texts
        self.source = source

    @classmethod
    def load(cls, path: Traversable) -> Prompts:
        return cls(parse_prompts(path.read_text(encoding="utf-8"), source=str(path)), str(path))

    def __call__(self, key: str, /, **values: Any) -> str:
        try:
            text = self._texts[key]
        except KeyError:
            raise PromptError(f"{self.source}: {key}: missing") from None
        return text.format(**values) if values else text

    def __contains__(self, key: str) -> bool:
        return key in self._texts

    def keys(self) -> list[str]:
        return list(self._texts)

    def phase(self, phase: Phase, *, title: bool = False) -> str:
        """A phase as people read it: "beginning", or "Beginning" as a title."""
        return self(f"common.phase_{'title_' if title else ''}{phase.value}")

    def placeholders(self, key: str) -> set[str]:
        """The names a sentence expects, e.g. {"project", "closes"}."""
        return {name for _, name, _, _ in string.Formatter().parse(self._texts[key]) if name}
