"""`coreflect check`: validate every framework and prompts file the bot would read.

Frameworks: the shipped ones and the host's (COREFLECT_FRAMEWORKS_DIR), `.yaml` or `.yml`; a
host file with a shipped file's id replaces it. Prompts: every shipped language, and the file
the bot is told to use, each against the English file and against the bot's own source. The
source is read mechanically: every call `prompts("some.key", name=...)` (also `p(...)` and
`refuse(interaction, "some.key", ...)`) with a literal key says that the key must exist and
which placeholders its sentence may use, so `{answerd}` for `{answered}` is caught here and
not when a member presses a button.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable

from babel import Locale

from bot.core.frameworks import (
    FrameworkError,
    framework_files,
    load_framework,
    translation_files,
    yaml_files,
)
from bot.core.prompts import PromptError, Text, parse_prompts
from bot.data import DEFAULT_PROMPTS, shipped_frameworks, shipped_prompts
from bot.settings import Settings

PROMPT_KEY = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
# Callables that take a prompt key, and the position of the key among their arguments.
KEY_TAKERS = {"prompts": 0, "p": 0, "refuse": 1}


@dataclass
class KeyUse:
    """Where the code uses one prompt key, and the names it may fill in."""

    places: list[str] = field(default_factory=list)
    # The keyword names of each call that lists them all (no `**values`).
    names: list[frozenset[str]] = field(default_factory=list)

    def allowed(self) -> frozenset[str] | None:
        """The placeholders every call fills in; None when no call says."""
        if not self.names:
            return None
        return frozenset.intersection(*self.names)


def _callee(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def scan_source(text: str, where: str, uses: dict[str, KeyUse]) -> None:
    """Record the prompt keys the code in `text` calls with a literal key."""
    for node in ast.walk(ast.parse(text, filename=where)):
        if not isinstance(node, ast.Call):
            continue
        position = KEY_TAKERS.get(_callee(node.func) or "")
        if position is None or len(node.args) <= position:
            continue
        key = node.args[position]
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        if not PROMPT_KEY.match(key.value):
            continue
        use = uses.setdefault(key.value, KeyUse())
        use.places.append(f"{where}:{node.lineno}")
        if all(keyword.arg is not None for keyword in node.keywords):
            use.names.append(frozenset(k.arg for k in node.keywords if k.arg is not None))


def _python_files(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if item.is_dir() and item.name != "__pycache__":
            yield from _python_files(item, f"{prefix}/{item.name}")
        elif item.is_file() and item.name.endswith(".py"):
            yield f"{prefix}/{item.name}", item


def code_uses(package: Traversable | None = None) -> dict[str, KeyUse]:
    """Every prompt key the bot's source calls with a literal key (the installed copy)."""
    uses: dict[str, KeyUse] = {}
    for where, path in _python_files(package or files("bot"), "bot"):
        scan_source(path.read_text(encoding="utf-8"), where, uses)
    return uses


def placeholders(sentence: Text) -> set[str]:
    """The names a sentence fills in: "{count}", "{when:%H}" and "{user.name}" all count; a
    plural sentence's, in any of its forms."""
    found = set()
    for form in sentence.values() if isinstance(sentence, dict) else [sentence]:
        for _, name, _, _ in string.Formatter().parse(form):
            if name is not None:
                found.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return found


def _plural_problem(
    key: str, sentence: Text, source: str, language: str, names: set[str]
) -> str | None:
    """A plural sentence the code gives no `count`, or forms the language does not have."""
    if not isinstance(sentence, dict):
        return None
    if "count" not in names:
        return f"{source}: {key}: has plural forms, but the code gives it no {{count}}"
    try:
        known = set(Locale.parse(language).plural_form.tags) | {"other"}
    except (ValueError, LookupError):
        return None
    extra = sorted(set(sentence) - known)
    if extra:
        return (
            f"{source}: {key}: {', '.join(extra)}: not a plural form of {language!r} "
            f"(it has: {', '.join(sorted(known))})"
        )
    return None


def prompt_problems(
    texts: dict[str, Text],
    source: str,
    reference: dict[str, Text] | None,
    uses: dict[str, KeyUse],
    language: str = "en",
) -> list[str]:
    """What is wrong with one prompts file, against English (`reference`) and the code."""
    problems = []
    for key in sorted(uses.keys() - texts.keys()):
        problems.append(f"{source}: {key}: missing (the code uses it at {uses[key].places[0]})")
    if reference is not None:
        for key in sorted(reference.keys() - texts.keys() - uses.keys()):
            problems.append(f"{source}: {key}: missing (English has it)")
        for key in sorted(texts.keys() - reference.keys()):
            problems.append(f"{source}: {key}: not a key of the English file")
    for key, sentence in texts.items():
        allowed: set[str] | None = None
        if key in uses and uses[key].allowed() is not None:
            allowed = set(uses[key].allowed() or ())
        if reference is not None and key in reference:
            english = placeholders(reference[key])
            allowed = english if allowed is None else allowed & english
        if allowed is None:
            continue
        plural = _plural_problem(key, sentence, source, language, allowed)
        if plural is not None:
            problems.append(plural)
        for name in sorted(placeholders(sentence) - allowed):
            if not name or name.isdigit():
                problems.append(f"{source}: {key}: placeholders need a name, e.g. {{count}}")
                continue
            may = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
            problems.append(f"{source}: {key}: unknown placeholder {{{name}}} (it may use: {may})")
    return problems


def _check_frameworks(settings: Settings) -> tuple[int, int]:
    """Validate every framework file; (files validated, problems)."""
    folders = [shipped_frameworks()]
    if settings.frameworks_dir is not None:
        folders.append(settings.frameworks_dir)
    try:
        by_id = framework_files(folders)
    except FrameworkError as error:
        print(f"✗ {error}")
        return 0, 1
    words = translation_files(folders)
    checked = problems = 0
    for framework_id, paths in by_id.items():
        for index, path in enumerate(paths):
            checked += 1
            try:
                framework = load_framework(path, words.get(framework_id, ()))
            except FrameworkError as error:
                problems += 1
                print(f"✗ {error}")
                continue
            note = f" (replaces {paths[index - 1]})" if index else ""
            languages = ", ".join(framework.languages())
            print(
                f"✓ {path}: {framework.title} ({len(framework.components)} components; "
                f"{languages}){note}"
            )
    if settings.default_framework not in by_id:
        problems += 1
        print(f"✗ default framework {settings.default_framework!r} is missing")
    return checked, problems


def _check_prompts(settings: Settings) -> tuple[int, int]:
    """Validate every prompts file; (files validated, problems)."""
    folder = shipped_prompts()
    paths: list[Traversable] = yaml_files(folder)
    if settings.prompts_file is not None and settings.prompts_file not in paths:
        paths.append(settings.prompts_file)
    uses = code_uses()
    english_path = folder.joinpath(DEFAULT_PROMPTS)
    try:
        english = parse_prompts(english_path.read_text(encoding="utf-8"), source=str(english_path))
    except (OSError, PromptError):
        english = None  # reported below, with the file's own error
    checked = problems = 0
    for path in paths:
        checked += 1
        try:
            texts = parse_prompts(path.read_text(encoding="utf-8"), source=str(path))
        except (OSError, PromptError) as error:
            problems += 1
            print(f"✗ {error}")
            continue
        reference = None if path == english_path else english
        found = prompt_problems(texts, str(path), reference, uses, path.name.split(".")[0])
        for problem in found:
            print(f"✗ {problem}")
        problems += len(found)
        if not found:
            calls = sum(len(use.places) for use in uses.values())
            print(f"✓ {path}: {len(texts)} sentences ({len(uses)} keys at {calls} calls checked)")
    return checked, problems


def check(settings: Settings) -> int:
    """Validate every framework and prompts file; print one line each. 1 if anything is wrong
    or if no file at all was found."""
    frameworks, framework_problems = _check_frameworks(settings)
    prompts, prompt_problem_count = _check_prompts(settings)
    problems = framework_problems + prompt_problem_count
    if not frameworks:
        problems += 1
        print("✗ no framework file found (.yaml or .yml)")
    if not prompts:
        problems += 1
        print("✗ no prompts file found (.yaml or .yml)")
    return 1 if problems else 0
