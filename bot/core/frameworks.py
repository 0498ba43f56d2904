"""Reflection frameworks: YAML files validated on load, with errors naming file and key."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources.abc import Traversable
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from bot.core.models import Checkin, Phase
from bot.core.yamltext import load_yaml_mapping

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
FrameworkId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]

# Discord caps: 25 buttons a message, 80 characters a button label, 100 a select option.
MAX_COMPONENTS = 25
MAX_SCALE_POINTS = 10
MAX_PRIORITIES = 25  # a select menu offers at most 25 options
SNAPSHOT_CACHE = 64  # parsed check-in snapshots kept in memory

YAML_SUFFIXES = (".yaml", ".yml")


class FrameworkError(ValueError):
    """A framework file that cannot be used; the message names file, key and reason."""


class FrameworkGone(LookupError):
    """A project's framework is no longer in the library: no new check-in can open on it."""

    def __init__(self, framework_id: str) -> None:
        super().__init__(framework_id)
        self.framework_id = framework_id


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Questions(_Strict):
    beginning: Text
    middle: Text
    end: Text
    extra: Text

    def for_phase(self, phase: Phase) -> str:
        return str(getattr(self, phase.value))


class Component(_Strict):
    key: Key
    name: ShortText
    meaning: Text
    questions: Questions
    discussion_prompt: Text


class DirectionCheck(_Strict):
    key: Key
    question: Text
    hint: Text


class QuestionsText(_Strict):
    beginning: Text | None = None
    middle: Text | None = None
    end: Text | None = None
    extra: Text | None = None


class ComponentText(_Strict):
    name: ShortText | None = None
    meaning: Text | None = None
    questions: QuestionsText = Field(default_factory=QuestionsText)
    discussion_prompt: Text | None = None


class DirectionText(_Strict):
    question: Text | None = None
    hint: Text | None = None


class FrameworkText(_Strict):
    """A framework's words in another language, by key; anything left out stays as it is in
    the framework's own language. Shipped as `<id>.<language>.yaml` beside `<id>.yaml`."""

    title: Text | None = None
    source: Text | None = None
    description: Text | None = None
    scale: list[ShortText] | None = None
    components: dict[str, ComponentText] = Field(default_factory=dict)
    direction_checks: dict[str, DirectionText] = Field(default_factory=dict)


def _pick(base: BaseModel, text: BaseModel | None) -> dict[str, object]:
    """`base`'s fields, each replaced by `text`'s where it has one."""
    fields = base.model_dump()
    if text is not None:
        for name, value in text.model_dump(exclude_none=True).items():
            if name in fields and not isinstance(value, dict):
                fields[name] = value
    return fields


class Framework(_Strict):
    id: FrameworkId
    title: Text
    source: Text
    description: Text
    scale: list[ShortText] = Field(min_length=2, max_length=MAX_SCALE_POINTS)
    components: list[Component] = Field(min_length=1, max_length=MAX_COMPONENTS)
    direction_checks: list[DirectionCheck] = Field(default_factory=list, max_length=5)
    # How many components each member may pick as mattering most, at the end of the
    # beginning check-in; 0: not asked.
    priorities: int = Field(default=0, ge=0, le=MAX_PRIORITIES)
    # The language its own text is written in, and its words in others.
    language: str = "en"
    translations: dict[str, FrameworkText] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_keys(self) -> Framework:
        keys = [c.key for c in self.components] + [d.key for d in self.direction_checks]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"keys must be unique, repeated: {', '.join(duplicates)}")
        for code, text in self.translations.items():
            if text.scale is not None and len(text.scale) != len(self.scale):
                raise ValueError(
                    f"translations.{code}.scale: {len(text.scale)} points, but the scale has "
                    f"{len(self.scale)}"
                )
            unknown = sorted(
                (text.components.keys() - {c.key for c in self.components})
                | (text.direction_checks.keys() - {d.key for d in self.direction_checks})
            )
            if unknown:
                raise ValueError(f"translations.{code}: no component with key {', '.join(unknown)}")
        if self.priorities > len(self.components):
            raise ValueError(
                f"priorities: at most the number of components ({len(self.components)}), "
                f"not {self.priorities}"
            )
        return self

    def languages(self) -> list[str]:
        """The languages it has words in: its own first."""
        return [self.language, *(c for c in self.translations if c != self.language)]

    def in_language(self, code: str) -> Framework:
        """The framework worded in `code`: each text its translation there, else its own."""
        text = self.translations.get(code)
        if text is None or code == self.language:
            return self
        cached = _TRANSLATED.get((id(self), code))
        if cached is not None and cached[0] is self:
            return cached[1]
        components = []
        for component in self.components:
            own = text.components.get(component.key)
            fields = _pick(component, own)
            fields["questions"] = _pick(component.questions, own.questions if own else None)
            components.append(Component.model_validate(fields))
        directions = [
            DirectionCheck.model_validate(_pick(d, text.direction_checks.get(d.key)))
            for d in self.direction_checks
        ]
        translated = self.model_copy(
            update={
                "title": text.title or self.title,
                "source": text.source or self.source,
                "description": text.description or self.description,
                "scale": text.scale or self.scale,
                "components": components,
                "direction_checks": directions,
            }
        )
        if len(_TRANSLATED) > SNAPSHOT_CACHE:
            _TRANSLATED.clear()
        _TRANSLATED[(id(self), code)] = (self, translated)
        return translated

    @property
    def scale_values(self) -> range:
        """Ratings run from 1 to the number of labels."""
        return range(1, len(self.scale) + 1)

    def label(self, rating: int) -> str:
        return self.scale[rating - 1]

    def component(self, key: str) -> Component | None:
        return next((c for c in self.components if c.key == key), None)

    def snapshot(self) -> str:
        """The whole framework as JSON, stored with a check-in when it opens."""
        return self.model_dump_json()


# Frameworks worded in another language, by (id of the framework object, language).
_TRANSLATED: dict[tuple[int, str], tuple[Framework, Framework]] = {}


def framework_from_snapshot(text: str) -> Framework:
    """A framework as a check-in stored it (`Framework.snapshot`)."""
    try:
        return Framework.model_validate_json(text)
    except ValidationError as exc:
        raise FrameworkError(f"stored framework snapshot: {_describe(exc)}") from exc


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)


def parse_framework(text: str, *, source: str) -> Framework:
    """Validate one framework's YAML text; `source` names it in errors."""
    data = load_yaml_mapping(text, source=source, error=FrameworkError)
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(f"{source}: {_describe(exc)}") from exc


def translation_of(path: Traversable) -> tuple[str, str] | None:
    """(framework id, language) of a translation file like `ten-components.cy.yaml`."""
    stem = yaml_stem(path)
    if stem is None or "." not in stem:
        return None
    framework_id, _, code = stem.rpartition(".")
    return framework_id, code


def parse_translation(text: str, *, source: str) -> tuple[str, FrameworkText]:
    """One translation file's words: (its language, the text)."""
    data = load_yaml_mapping(text, source=source, error=FrameworkError)
    code = data.pop("language", None)
    if not isinstance(code, str) or not code:
        raise FrameworkError(f"{source}: language: say which language it is, e.g. `language: cy`")
    try:
        return code, FrameworkText.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(f"{source}: {_describe(exc)}") from exc


def yaml_stem(path: Traversable) -> str | None:
    """The id a framework file gives: "six-principles" for six-principles.yml; else None."""
    for suffix in YAML_SUFFIXES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix) and path.is_file():
            return path.name[: -len(suffix)]
    return None


def yaml_files(directory: Traversable) -> list[Traversable]:
    """The `.yaml` and `.yml` files in a folder (a path, or a package's resources), by name."""
    if not directory.is_dir():
        raise FrameworkError(f"{directory}: no such folder")
    return sorted(
        (item for item in directory.iterdir() if yaml_stem(item)), key=lambda item: item.name
    )


def framework_files(directories: Iterable[Traversable]) -> dict[str, list[Traversable]]:
    """Every framework file by id, in folder order: a later folder's file replaces an earlier
    one's with the same id (the last of each list is the one used)."""
    found: dict[str, list[Traversable]] = {}
    for directory in directories:
        here: dict[str, Traversable] = {}
        for path in yaml_files(directory):
            stem = yaml_stem(path)
            assert stem is not None
            if translation_of(path) is not None:
                continue  # read with its framework (load_framework)
            if stem in here:
                raise FrameworkError(f"{path}: {here[stem]} has the same id ({stem!r})")
            here[stem] = path
            found.setdefault(stem, []).append(path)
    return found


def translation_files(directories: Iterable[Traversable]) -> dict[str, list[Traversable]]:
    """Every translation file (`<id>.<language>.yaml`) by framework id, in folder order."""
    found: dict[str, list[Traversable]] = {}
    for directory in directories:
        for path in yaml_files(directory):
            if (of := translation_of(path)) is not None:
                found.setdefault(of[0], []).append(path)
    return found


def load_framework(path: Traversable, siblings: Iterable[Traversable] = ()) -> Framework:
    """Load and validate one framework file, with its translation files (`siblings`; any
    other file among them is ignored)."""
    framework = parse_framework(path.read_text(encoding="utf-8"), source=str(path))
    stem = yaml_stem(path) or path.name
    if framework.id != stem:
        raise FrameworkError(f"{path}: id: must match the file name ({stem!r})")
    translations = dict(framework.translations)
    for sibling in siblings:
        found = translation_of(sibling)
        if found is None or found[0] != stem:
            continue
        code, text = parse_translation(sibling.read_text(encoding="utf-8"), source=str(sibling))
        if code != found[1]:
            raise FrameworkError(f"{sibling}: language: must match the file name ({found[1]!r})")
        translations[code] = text
    if translations == framework.translations:
        return framework
    try:
        return Framework.model_validate({**framework.model_dump(), "translations": translations})
    except ValidationError as exc:
        raise FrameworkError(f"{path}: {_describe(exc)}") from exc


class FrameworkLibrary:
    """Every framework available, by id; the default first."""

    def __init__(self, frameworks: list[Framework], default_id: str) -> None:
        self._by_id = {f.id: f for f in frameworks}
        if default_id not in self._by_id:
            raise FrameworkError(f"default framework {default_id!r} is missing")
        self.default_id = default_id
        self._snapshots: dict[str, Framework] = {}

    @classmethod
    def from_directory(
        cls, directory: Traversable, default_id: str = "ten-components"
    ) -> FrameworkLibrary:
        """Load every `*.yaml` and `*.yml` in `directory`; any bad file stops start-up."""
        return cls.from_directories([directory], default_id)

    @classmethod
    def from_directories(
        cls, directories: Iterable[Traversable], default_id: str = "ten-components"
    ) -> FrameworkLibrary:
        """Every framework in these folders, a later folder's file replacing an earlier one's
        with the same id (a host's own folder after the shipped one); any bad file stops
        start-up."""
        directories = list(directories)
        files = framework_files(directories)
        words = translation_files(directories)
        return cls(
            [load_framework(paths[-1], words.get(fid, ())) for fid, paths in files.items()],
            default_id,
        )

    def get(self, framework_id: str) -> Framework | None:
        return self._by_id.get(framework_id)

    def for_checkin(self, checkin: Checkin) -> Framework:
        """The framework a check-in was opened with, from its snapshot, so editing or
        removing the file changes nothing of it. A check-in opened by an older version has
        no snapshot: its framework is read by id (the default if the file is gone)."""
        return self.of_checkin(checkin) or self._by_id[self.default_id]

    def of_checkin(self, checkin: Checkin) -> Framework | None:
        """As `for_checkin`, but None (no default) for an older check-in whose file is gone."""
        text = checkin.framework_snapshot
        if text is None:
            return self._by_id.get(checkin.framework_id)
        framework = self._snapshots.get(text)
        if framework is None:
            if len(self._snapshots) >= SNAPSHOT_CACHE:
                self._snapshots.clear()
            framework = self._snapshots[text] = framework_from_snapshot(text)
        return framework

    def by_id(self, framework_id: str) -> Framework:
        """The framework with this id, or the default if its file has since been removed."""
        return self._by_id.get(framework_id) or self._by_id[self.default_id]

    def for_opening(self, framework_id: str) -> Framework:
        """The framework a new check-in opens with; FrameworkGone if its file was removed."""
        framework = self._by_id.get(framework_id)
        if framework is None:
            raise FrameworkGone(framework_id)
        return framework

    def __getitem__(self, framework_id: str) -> Framework:
        return self._by_id[framework_id]

    def all(self) -> list[Framework]:
        default = self._by_id[self.default_id]
        return [default, *(f for f in self._by_id.values() if f.id != self.default_id)]

    def ids(self) -> list[str]:
        return [f.id for f in self.all()]
