"""The layers of DESIGN.md §7, checked on the sources: no import circle anywhere in `bot/`,
services that never import discord, extensions that never touch the store.

Sources are read with `ast` rather than imported; every `import` counts, wherever it is
(inside a function, under `if TYPE_CHECKING:`), so a late import cannot hide a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.core.test_layers import imports_of, module_name

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "bot").rglob("*.py"))
MODULES = {module_name(path): path for path in SOURCES}

# Imports inside a function, each for a reason that is not an import circle (a circle would
# fail the test below anyway): the command line loads only what the chosen command needs
# (`coreflect health` must not import discord.py), the demo's simulated Discord is an
# optional extra, and matplotlib is only ever loaded in the chart's worker process.
LATE_IMPORTS = {
    "bot.__main__": {"bot.app", "bot.health", "bot.storage.backup", "bot.demo"},
    "bot.demo": {"simcord"},
    "bot.core.chart_worker": {"bot.core.chart"},
}


def bot_imports(name: str) -> set[str]:
    """The modules of `bot` that module `name` imports. A `from a import b` of a submodule
    counts as importing a.b; the packages a module sits in are not counted (Python imports
    them first whatever the module does, so they are not an edge the module chose)."""
    found = {m for m in imports_of(MODULES[name]) if m in MODULES and m != name}
    return {m for m in found if not name.startswith(m + ".")}


def test_there_is_no_import_circle_in_bot():
    graph = {name: bot_imports(name) for name in MODULES}
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        if name in path:
            circle = [*path[path.index(name) :], name]
            raise AssertionError("import circle: " + " -> ".join(circle))
        if name in done:
            return
        path.append(name)
        for imported in sorted(graph[name]):
            visit(imported)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def late_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    found |= {alias.name for alias in inner.names}
                elif isinstance(inner, ast.ImportFrom) and inner.module:
                    found.add(inner.module)
    return found


def test_imports_inside_functions_are_only_the_listed_ones():
    for name, path in MODULES.items():
        assert late_imports(path) <= LATE_IMPORTS.get(name, set()), name


def test_the_walker_sees_every_kind_of_import():
    """Imports in functions and under TYPE_CHECKING are followed like any other."""
    found = bot_imports("bot.core.chart_worker")
    assert found == {"bot.core.chart", "bot.core.chart_data"}
    assert "bot.app" in bot_imports("bot.__main__")


def test_services_never_import_discord():
    for name, path in MODULES.items():
        if name.startswith("bot.services"):
            assert not {m for m in imports_of(path) if m.split(".")[0] == "discord"}, name


def test_extensions_never_touch_the_store():
    """An extension reaches the database only through the services: it imports no store and
    reads no `.store` attribute (storage errors, plain exceptions, may be caught)."""
    for name, path in MODULES.items():
        if not name.startswith("bot.exts"):
            continue
        imported = set(imports_of(path))
        assert not {m for m in imported if m.startswith("bot.storage.store")}, name
        assert not {m for m in imported if m.startswith("aiosqlite")}, name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert "store" not in attributes, name


def test_every_extension_is_named_after_its_command_group():
    from bot.app import EXTENSIONS

    groups = {"projects", "checkins", "answering", "settings", "mydata", "frameworks", "privacy"}
    loaded = {extension.removeprefix("bot.exts.") for extension in EXTENSIONS}
    assert groups <= loaded
    for extension in EXTENSIONS:
        assert extension in MODULES, extension
