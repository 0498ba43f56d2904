"""Editing a server's own framework: pure functions on a *draft*, a plain dict shaped like a
shipped framework file (`Framework.model_dump()`), whose meanings, questions and discussion
prompts may still be empty while a facilitator builds it. A draft becomes a `Framework` only
through `usable`, which validates it with the same schema as the shipped files.

Every function returns a new draft and leaves the one given untouched. Every refusal is a
`FrameworkEditError` carrying a prompt key and the values of its sentence, so the Discord
layer shows `prompts(error.key, **error.values)`.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from bot.core.frameworks import Framework
from bot.core.models import Phase
from bot.core.yamltext import AliasRefused, load_yaml_tree, refuse_aliases

# Discord's limits, for the modals the Discord layer builds from a draft.
MODAL_TITLE_MAX = 45
INPUT_LABEL_MAX = 45
INPUT_VALUE_MAX = 4000
# A meaning, a question or a discussion prompt is kept far under a text input's 4000: one DM
# shows a question together with its component's meaning, and a message holds 2000
# characters at most.
TEXT_MAX = 1000
NAME_MAX = 80  # a component's name is a button label (80 at most)
TITLE_MAX = 80  # a framework's title, shown in lists and autocomplete choices (100 at most)
MIN_COMPONENTS = 2
MAX_COMPONENTS = 12
MIN_SCALE = 3
MAX_SCALE = 7
# A rating button reads "7 · Fully": the label must leave room for the number before it.
SCALE_LABEL_MAX = 80 - len("7 · ")
MAX_IMPORT_BYTES = 100_000
ID_MAX = 40
KEY_MAX = 32

QUESTION_FIELDS = tuple(phase.value for phase in Phase)  # beginning, middle, end, extra
# What a component needs before a check-in can ask it, in the order a facilitator fills it in.
COMPONENT_FIELDS = ("name", "meaning", *QUESTION_FIELDS, "discussion_prompt")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_TOP_ORDER = ("id", "title", "source", "description")
_BLOCK_ORDER = ("scale", "components", "direction_checks", "translations")


class FrameworkEditError(ValueError):
    """An edit refused: `key` is a prompt key (under `framework_edit.`), `values` fill it in."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key, values)
        self.key = key
        self.values = values

    def __str__(self) -> str:
        return f"{self.key} {self.values}"


@dataclass(frozen=True, slots=True)
class Missing:
    """What one component still lacks: its 1-based position, its name, the empty fields."""

    position: int
    name: str
    fields: tuple[str, ...]

    def describe(self) -> str:
        """ "3 (Trust): middle, end", as the incomplete sentence lists it."""
        name = f" ({self.name})" if self.name else ""
        return f"{self.position}{name}: {', '.join(_readable(f) for f in self.fields)}"


class FrameworkIncomplete(FrameworkEditError):
    """A framework that a check-in cannot ask yet; the sentence lists what is missing."""

    def __init__(self, missing: list[Missing], *, title: str = "") -> None:
        super().__init__(
            "framework_edit.incomplete",
            framework=title,
            missing="; ".join(m.describe() for m in missing),
        )
        self.missing = missing
        self.title = title


def _readable(field: str) -> str:
    """A field's name as the modals label it: "discussion prompt"."""
    return field.replace("_", " ")


# -- names, ids and keys ---------------------------------------------------------------------


def _ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.findall(r"[a-z0-9]+", plain.lower())


def slug(name: str) -> str:
    """The id a name gives: lowercase ascii words joined by hyphens, at most 40 characters
    ("Our version, 2026!" -> "our-version-2026"); refused if nothing of it is left."""
    text = "-".join(_ascii_words(name))[:ID_MAX].strip("-")
    if not text:
        raise FrameworkEditError("framework_edit.bad_name", name=name.strip())
    assert _ID.match(text)
    return text


def _key_of(name: str, taken: set[str]) -> str:
    """A component key from its name, unused by any other key of the framework."""
    base = "_".join(_ascii_words(name)) or "component"
    if not base[0].isalpha():
        base = f"c_{base}"
    base = base[:KEY_MAX].rstrip("_")
    key, n = base, 1
    while key in taken:
        n += 1
        suffix = f"_{n}"
        key = base[: KEY_MAX - len(suffix)].rstrip("_") + suffix
    assert _KEY.match(key)
    return key


def _title(title: str) -> str:
    text = " ".join(title.split())
    if not text or len(text) > TITLE_MAX:
        raise FrameworkEditError("framework_edit.bad_title", max=TITLE_MAX)
    return text


# -- drafts ----------------------------------------------------------------------------------


def draft_of(framework: Framework) -> dict[str, Any]:
    """A framework as a draft to edit."""
    return framework.model_dump(mode="json")


def copy_draft(
    source: dict[str, Any] | Framework, *, title: str, framework_id: str
) -> dict[str, Any]:
    """A new draft copied from a framework or another draft: `title` is the name given, the
    components, scale, source and description are kept."""
    draft = draft_of(source) if isinstance(source, Framework) else copy.deepcopy(source)
    if not _ID.match(framework_id):
        raise FrameworkEditError("framework_edit.bad_name", name=framework_id)
    draft["id"] = framework_id
    draft["title"] = _title(title)
    return draft


def _components(draft: dict[str, Any]) -> list[dict[str, Any]]:
    components = draft.get("components")
    return components if isinstance(components, list) else []


def _name(component: dict[str, Any]) -> str:
    return str(component.get("name") or "")


def find_component(draft: dict[str, Any], ref: str) -> int:
    """The index of the component `ref` names: its name (any case), its key, or its 1-based
    position ("3")."""
    components = _components(draft)
    wanted = ref.strip()
    if wanted.isdigit():
        position = int(wanted)
        if 1 <= position <= len(components):
            return position - 1
    folded = " ".join(wanted.split()).casefold()
    for by in (lambda c: " ".join(_name(c).split()).casefold(), lambda c: c.get("key")):
        for index, component in enumerate(components):
            if folded and by(component) == folded:
                return index
    raise FrameworkEditError(
        "framework_edit.unknown_component", component=wanted, count=len(components)
    )


def _text(value: str, field: str) -> str:
    """A meaning, question or prompt: spaces around removed; may be empty while drafting."""
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise FrameworkEditError(
            "framework_edit.text_too_long", field=_readable(field), max=TEXT_MAX, length=len(text)
        )
    return text


def _component_name(draft: dict[str, Any], name: str, *, except_index: int | None) -> str:
    text = " ".join(name.split())
    if not text:
        raise FrameworkEditError("framework_edit.empty_name")
    if len(text) > NAME_MAX:
        raise FrameworkEditError("framework_edit.name_too_long", max=NAME_MAX, length=len(text))
    for index, component in enumerate(_components(draft)):
        if index != except_index and _name(component).casefold() == text.casefold():
            raise FrameworkEditError("framework_edit.duplicate_name", name=text, position=index + 1)
    return text


def edit_component(
    draft: dict[str, Any], ref: str, *, name: str, meaning: str, discussion_prompt: str
) -> dict[str, Any]:
    """Reword a component: its name, what it means, its discussion prompt. Its key stays, so
    its trend carries on across check-ins."""
    index = find_component(draft, ref)
    new = copy.deepcopy(draft)
    component = new["components"][index]
    component["name"] = _component_name(draft, name, except_index=index)
    component["meaning"] = _text(meaning, "meaning")
    component["discussion_prompt"] = _text(discussion_prompt, "discussion_prompt")
    _forget_words(new, component["key"], ("name", "meaning", "discussion_prompt"))
    return new


def _forget_words(draft: dict[str, Any], key: str | None, fields: tuple[str, ...]) -> None:
    """Reworded in the framework's own language: its other languages' words for these fields
    (of component `key`; None: the whole framework) would no longer say the same, so they go,
    and readers of those languages see the new words until someone translates them."""
    for words in (draft.get("translations") or {}).values():
        if not isinstance(words, dict):
            continue
        if key is None:
            for field in fields:
                words.pop(field, None)
            continue
        component = (words.get("components") or {}).get(key)
        if isinstance(component, dict):
            for field in fields:
                component.pop(field, None)


def set_questions(
    draft: dict[str, Any], ref: str, *, beginning: str, middle: str, end: str, extra: str
) -> dict[str, Any]:
    """Set a component's four phase questions (any may stay empty for now)."""
    index = find_component(draft, ref)
    new = copy.deepcopy(draft)
    given = {"beginning": beginning, "middle": middle, "end": end, "extra": extra}
    new["components"][index]["questions"] = {
        field: _text(given[field], field) for field in QUESTION_FIELDS
    }
    _forget_words(new, new["components"][index].get("key"), ("questions",))
    return new


def add_component(
    draft: dict[str, Any], *, name: str, meaning: str, discussion_prompt: str
) -> dict[str, Any]:
    """Add a component at the end, with a new key made from its name; its questions are
    empty until set."""
    components = _components(draft)
    if len(components) >= MAX_COMPONENTS:
        raise FrameworkEditError("framework_edit.too_many_components", max=MAX_COMPONENTS)
    text = _component_name(draft, name, except_index=None)
    taken = {str(c.get("key")) for c in components} | {
        str(d.get("key")) for d in draft.get("direction_checks") or []
    }
    new = copy.deepcopy(draft)
    new.setdefault("components", []).append(
        {
            "key": _key_of(text, taken),
            "name": text,
            "meaning": _text(meaning, "meaning"),
            "questions": dict.fromkeys(QUESTION_FIELDS, ""),
            "discussion_prompt": _text(discussion_prompt, "discussion_prompt"),
        }
    )
    return new


def remove_component(draft: dict[str, Any], ref: str) -> dict[str, Any]:
    """Remove a component (past check-ins that had it keep it in their results)."""
    index = find_component(draft, ref)
    if len(_components(draft)) <= MIN_COMPONENTS:
        raise FrameworkEditError("framework_edit.too_few_components", min=MIN_COMPONENTS)
    new = copy.deepcopy(draft)
    removed = new["components"].pop(index)
    for words in (new.get("translations") or {}).values():
        if isinstance(words, dict):
            (words.get("components") or {}).pop(removed.get("key"), None)
    return new


def move_component(draft: dict[str, Any], ref: str, position: int) -> dict[str, Any]:
    """Move a component to a 1-based position."""
    index = find_component(draft, ref)
    count = len(_components(draft))
    if not 1 <= position <= count:
        raise FrameworkEditError("framework_edit.bad_position", position=position, count=count)
    new = copy.deepcopy(draft)
    component = new["components"].pop(index)
    new["components"].insert(position - 1, component)
    return new


def scale_labels(labels: str) -> list[str]:
    """A rating scale from comma-separated labels, lowest first, checked."""
    found = [" ".join(label.split()) for label in labels.split(",")]
    if not MIN_SCALE <= len(found) <= MAX_SCALE:
        raise FrameworkEditError(
            "framework_edit.bad_scale_size", min=MIN_SCALE, max=MAX_SCALE, count=len(found)
        )
    _check_scale(found)
    return found


def _check_scale(labels: list[str]) -> None:
    seen: set[str] = set()
    for position, label in enumerate(labels, start=1):
        if not label:
            raise FrameworkEditError("framework_edit.empty_scale_label", position=position)
        if len(label) > SCALE_LABEL_MAX:
            raise FrameworkEditError(
                "framework_edit.scale_label_too_long", label=label, max=SCALE_LABEL_MAX
            )
        if label.casefold() in seen:
            raise FrameworkEditError("framework_edit.duplicate_scale_label", label=label)
        seen.add(label.casefold())


def set_scale(draft: dict[str, Any], labels: str) -> dict[str, Any]:
    """Set the rating scale from comma-separated labels: 3 to 7, lowest first
    ("Not yet, A little, Partly, Mostly, Fully")."""
    new = copy.deepcopy(draft)
    new["scale"] = scale_labels(labels)
    _forget_words(new, None, ("scale",))
    return new


# -- from draft to framework -----------------------------------------------------------------


def _field(component: dict[str, Any], field: str) -> str:
    if field in QUESTION_FIELDS:
        questions = component.get("questions")
        value = questions.get(field) if isinstance(questions, dict) else None
    else:
        value = component.get(field)
    return value.strip() if isinstance(value, str) else ""


def missing(draft: dict[str, Any]) -> list[Missing]:
    """Every component that still has an empty field, with those fields."""
    found = []
    for position, component in enumerate(_components(draft), start=1):
        empty = tuple(f for f in COMPONENT_FIELDS if not _field(component, f))
        if empty:
            found.append(Missing(position, _name(component).strip(), empty))
    return found


def check_limits(draft: dict[str, Any]) -> None:
    """The limits of a server's framework, beyond the schema: 2 to 12 components with
    unique names, texts a message can show, 3 to 7 scale points."""
    components = _components(draft)
    if len(components) < MIN_COMPONENTS:
        raise FrameworkEditError("framework_edit.too_few_components", min=MIN_COMPONENTS)
    if len(components) > MAX_COMPONENTS:
        raise FrameworkEditError("framework_edit.too_many_components", max=MAX_COMPONENTS)
    for index, component in enumerate(components):
        _component_name(draft, _name(component) or "?", except_index=index)
        for field in COMPONENT_FIELDS[1:]:
            if len(_field(component, field)) > TEXT_MAX:
                raise FrameworkEditError(
                    "framework_edit.component_text_too_long",
                    position=index + 1,
                    name=_name(component),
                    field=_readable(field),
                    max=TEXT_MAX,
                )
    scale = draft.get("scale")
    labels = [str(label).strip() for label in scale] if isinstance(scale, list) else []
    if not MIN_SCALE <= len(labels) <= MAX_SCALE:
        raise FrameworkEditError(
            "framework_edit.bad_scale_size", min=MIN_SCALE, max=MAX_SCALE, count=len(labels)
        )
    _check_scale(labels)


def usable(draft: dict[str, Any]) -> Framework:
    """The draft as a framework a check-in can ask: FrameworkIncomplete if a field is still
    empty, FrameworkEditError if a limit or the schema refuses it."""
    gaps = missing(draft)
    if gaps:
        raise FrameworkIncomplete(gaps, title=str(draft.get("title") or draft.get("id") or ""))
    check_limits(draft)
    try:
        return Framework.model_validate(draft)
    except ValidationError as exc:
        problem = "; ".join(f"{_where(draft, e['loc'])}: {_problem(e)}" for e in exc.errors())
        raise FrameworkEditError("framework_edit.invalid", problem=problem) from exc


# -- YAML files ------------------------------------------------------------------------------


def _where(data: Any, loc: tuple[int | str, ...]) -> str:
    """A field as a facilitator reads it: "component 3 (Trust): questions.middle"."""
    parts = [str(part) for part in loc]
    if len(loc) >= 2 and loc[0] == "components" and isinstance(loc[1], int):
        position = loc[1] + 1
        components = data.get("components") if isinstance(data, dict) else None
        name = ""
        if isinstance(components, list) and loc[1] < len(components):
            item = components[loc[1]]
            name = str(item.get("name") or "").strip() if isinstance(item, dict) else ""
        label = f"component {position}" + (f" ({name})" if name else "")
        rest = ".".join(parts[2:])
        return f"{label}: {rest}" if rest else label
    return ".".join(parts) or "(top level)"


def _problem(error: Any) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return "is missing"
    if kind == "string_too_short":
        return "is empty"
    if kind == "string_too_long":
        return f"is longer than {context.get('max_length')} characters"
    if kind == "extra_forbidden":
        return "is not a field a framework has"
    return str(error.get("msg", "is not valid"))


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the deepest node of `loc` the file has."""
    node = root
    line = root.start_mark.line + 1 if root is not None else 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def import_yaml(text: str, *, filename: str) -> dict[str, Any]:
    """A framework file (the shipped files' format) as a draft, validated by the same schema
    and limits; its id is checked by the service, which gives it one. An error names the
    field by component name and 1-based position, and the line."""
    if len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
        raise FrameworkEditError(
            "framework_edit.file_too_large", filename=filename, max_kb=MAX_IMPORT_BYTES // 1000
        )
    try:
        refuse_aliases(text)
        root, data = load_yaml_tree(text)
    except AliasRefused as exc:
        raise FrameworkEditError(
            "framework_edit.import_alias", filename=filename, line=exc.line
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        said = re.search(r"\(line (\d+)\)", str(exc))  # a key written twice says its line
        raise FrameworkEditError(
            "framework_edit.import_not_yaml",
            filename=filename,
            line=mark.line + 1 if mark is not None else int(said[1]) if said else 1,
            problem=str(getattr(exc, "problem", None) or exc),
        ) from exc
    if not isinstance(data, dict):
        raise FrameworkEditError("framework_edit.import_not_mapping", filename=filename)
    given_id = data.get("id")
    file_id = given_id if isinstance(given_id, str) and _ID.match(given_id) else ""
    try:
        # The id is the service's to give; a valid one stands in while the rest is checked.
        framework = Framework.model_validate({**data, "id": file_id or "imported"})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        raise FrameworkEditError(
            "framework_edit.import_invalid",
            filename=filename,
            line=_line_of(root, loc),
            field=_where(data, loc),
            problem=_problem(first),
        ) from exc
    # Normalised as the schema reads it (spaces around texts removed, defaults filled in).
    draft = draft_of(framework)
    draft["id"] = file_id
    check_limits(draft)
    return draft


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the shipped files write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else ">" if len(text) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _stripped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stripped(v) for v in value]
    return value


def export_yaml(draft: dict[str, Any]) -> str:
    """The draft as a YAML file in the shipped files' layout (long texts as folded blocks, a
    blank line between components), ready for `import_yaml` or a host's frameworks folder."""
    data = _stripped(draft)
    ordered = {k: data[k] for k in _TOP_ORDER if k in data}
    ordered |= {k: v for k, v in data.items() if k not in _TOP_ORDER + _BLOCK_ORDER}
    ordered |= {k: data[k] for k in _BLOCK_ORDER if k in data}
    text = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=84)
    lines: list[str] = []
    section = ""
    for line in text.splitlines():
        # Blank lines go only before a top-level key or a component: never inside a block
        # scalar, whose content is indented deeper than both.
        if not line.startswith(" "):
            if line.split(":", 1)[0] in ("components", "direction_checks", "translations"):
                lines.append("")
            section = line.split(":", 1)[0]
        elif section == "components" and line.startswith("  - ") and lines[-1] != section + ":":
            lines.append("")
        lines.append(line)
    return "\n".join(lines) + "\n"
