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

    @model_validator(mode="after")
    def _unique_keys(self) -> Framework:
        keys = [c.key for c in self.components] + [d.key for d in self.direction_checks]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"keys must be unique, repeated: {', '.join(duplicates)}")
        if self.priorities > len(self.components):
            raise ValueError(
                f"priorities: at most the number of components ({len(self.components)}), "
                f"not {self.priorities}"
            )
        return self

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
            if stem in here:
                raise FrameworkError(f"{path}: {here[stem]} has the same id ({stem!r})")
            here[stem] = path
            found.setdefault(stem, []).append(path)
    return found


def load_framework(path: Traversable) -> Framework:
    """Load and validate one framework file."""
    framework = parse_framework(path.read_text(encoding="utf-8"), source=str(path))
    stem = yaml_stem(path) or path.name
    if framework.id != stem:
        raise FrameworkError(f"{path}: id: must match the file name ({stem!r})")
    return framework


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
        files = framework_files(directories)
        return cls([load_framework(paths[-1]) for paths in files.values()], default_id)

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
