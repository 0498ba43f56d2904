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

from bot.core.frameworks import yaml_files
from bot.core.prompts import DEFAULT_LANGUAGE, Prompts, is_language, language_of

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


def load_prompts(host_file: Traversable | None = None) -> Prompts:
    """Every shipped language (English the default), and a host's own prompts file: it
    replaces (or adds) the language its name gives, `cy.yaml` for Welsh; a file whose name is
    no language replaces English."""
    files_by_language = {language_of(path): path for path in yaml_files(shipped_prompts())}
    if host_file is not None:
        code = language_of(host_file)
        files_by_language[code if is_language(code) else DEFAULT_LANGUAGE] = host_file
    codes = [DEFAULT_LANGUAGE, *(c for c in files_by_language if c != DEFAULT_LANGUAGE)]
    return Prompts.load_files([files_by_language[c] for c in codes], languages=codes)
