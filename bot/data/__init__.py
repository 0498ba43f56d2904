"""The content shipped with the bot: the repository's `frameworks/` and `prompts/` folders.

setup.py maps those folders to the packages `bot.data.frameworks` and `bot.data.prompts`, so
they are inside the wheel and, in an editable install, found where they are. They are read
with importlib.resources, whatever the install. A source checkout that was never installed
(or installed before that mapping existed) reads the folders beside `bot/` instead.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PROMPTS = "en.yaml"


def _shipped(name: str) -> Traversable:
    try:
        return files(f"bot.data.{name}")
    except ModuleNotFoundError:
        folder = SOURCE_ROOT / name
        if not folder.is_dir():
            raise
        return folder


def shipped_frameworks() -> Traversable:
    """The folder of frameworks that come with the bot."""
    return _shipped("frameworks")


def shipped_prompts() -> Traversable:
    """The folder of prompts files that come with the bot, one per language."""
    return _shipped("prompts")


def default_prompts_file() -> Traversable:
    """The prompts the bot speaks unless told otherwise: English."""
    return shipped_prompts().joinpath(DEFAULT_PROMPTS)
