"""FrameworkService on a real store: shipped and a server's own frameworks side by side, ids
that never clash, copies, imports and exports, deletion refused while in use, and check-ins
opening on a server's framework (or refusing an unfinished one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core import framework_edit as edit
from bot.core.framework_edit import FrameworkEditError, FrameworkIncomplete
from bot.core.frameworks import FrameworkGone, FrameworkLibrary, framework_from_snapshot
from bot.core.models import DmMessage, Phase, Project, SlotState
from bot.core.prompts import Prompts
from bot.core.schedule import plan_project
from bot.data import shipped_frameworks
from bot.services.checkins import CheckinService
from bot.services.frameworks import FrameworkChoice, FrameworkService
from bot.services.messaging import DmResult, PostedSummary
from bot.services.redacting import AheadOfClose
from bot.services.results import ResultsService
from bot.storage.store import Store
from tests.storage.arrange import ANA, CHANNEL, GUILD, OTHER_GUILD, new_project

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
LIBRARY = FrameworkLibrary.from_directory(shipped_frameworks())
PROMPTS = Prompts.load(ROOT / "prompts" / "en.yaml")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "data" / "db.sqlite3", secret=bytes(32), clock=lambda: NOW)
    yield store
    await store.close()


@pytest.fixture
def service(store: Store) -> FrameworkService:
    return FrameworkService(store, LIBRARY)


async def a_project(store: Store, framework_id: str, guild_id: int = GUILD) -> Project:
    project = replace(new_project("Garden", guild_id), framework_id=framework_id)
    return await store.create_project(project, plan_project(project))


def finished(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft with a component added and all of its fields filled in."""
    draft = edit.add_component(draft, name="Trust", meaning="We trust.", discussion_prompt="?")
    return edit.set_questions(draft, "Trust", beginning="b", middle="m", end="e", extra="x")


# -- what a server can pick --------------------------------------------------------------------


async def test_available_lists_the_shipped_first_then_the_servers_own(
    service: FrameworkService,
) -> None:
    await service.copy(GUILD, "ten-components", "Our version")
    draft = edit.add_component(
        await service.copy(GUILD, "six-principles", "Half done"),
        name="Trust",
        meaning="",
        discussion_prompt="",
    )
    await service.save(GUILD, draft)

    assert await service.available(GUILD) == [
        FrameworkChoice("ten-components", "Ten components of co-production", 10, False, True),
        FrameworkChoice("six-principles", "Six principles of co-production", 6, False, True),
        FrameworkChoice(
            "ten-components-easy-read",
            "Easy read: 10 things that help us work together",
            10,
            False,
            True,
        ),
        FrameworkChoice("half-done", "Half done", 7, True, False),
        FrameworkChoice("our-version", "Our version", 10, True, True),
    ]


async def test_a_server_never_sees_or_uses_another_servers_framework(
    service: FrameworkService, store: Store
) -> None:
    await service.copy(GUILD, "ten-components", "Our version")

    assert [c.id for c in await service.available(OTHER_GUILD)] == LIBRARY.ids()
    assert await service.get(OTHER_GUILD, "our-version") is None
    assert await service.draft(OTHER_GUILD, "our-version") is None
    assert await service.export(OTHER_GUILD, "our-version") is None
    with pytest.raises(FrameworkEditError) as refused:
        await service.copy(OTHER_GUILD, "our-version", "Stolen")
    assert refused.value.key == "framework_edit.unknown_framework"
    project = await a_project(store, "our-version", OTHER_GUILD)
    with pytest.raises(FrameworkGone):
        await service.for_opening(project)


async def test_get_gives_shipped_frameworks_and_the_servers_finished_ones(
    service: FrameworkService,
) -> None:
    assert await service.get(GUILD, "six-principles") is LIBRARY["six-principles"]
    await service.copy(GUILD, "ten-components", "Our version")
    ours = await service.get(GUILD, "our-version")
    assert ours is not None and ours.title == "Our version" and ours.id == "our-version"

    unfinished = edit.add_component(
        await service.draft(GUILD, "our-version") or {},
        name="New",
        meaning="",
        discussion_prompt="",
    )
    await service.save(GUILD, unfinished)
    assert await service.get(GUILD, "our-version") is None
    assert await service.get(GUILD, "nothing") is None


async def test_a_shipped_framework_has_no_draft_and_cannot_be_saved_over(
    service: FrameworkService,
) -> None:
    assert await service.draft(GUILD, "ten-components") is None
    with pytest.raises(FrameworkEditError) as refused:
        await service.save(GUILD, edit.draft_of(LIBRARY["ten-components"]))
    assert refused.value.key == "framework_edit.shipped_not_editable"
    with pytest.raises(FrameworkEditError):
        await service.delete(GUILD, "ten-components")


# -- copies and their ids ----------------------------------------------------------------------


async def test_a_copy_is_stored_under_its_names_slug(service: FrameworkService) -> None:
    draft = await service.copy(GUILD, "ten-components", "Our Version, 2026!")
    assert draft["id"] == "our-version-2026" and draft["title"] == "Our Version, 2026!"
    assert await service.draft(GUILD, "our-version-2026") == draft


async def test_a_copy_of_the_servers_own_framework_keeps_its_edits(
    service: FrameworkService,
) -> None:
    first = await service.copy(GUILD, "ten-components", "First")
    await service.save(GUILD, edit.set_scale(first, "Never, Sometimes, Always"))
    second = await service.copy(GUILD, "first", "Second")
    assert second["scale"] == ["Never", "Sometimes", "Always"]
    assert second["id"] == "second"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ten components", "framework_edit.shipped_id"),
        ("six principles", "framework_edit.shipped_id"),
        ("OUR version", "framework_edit.name_taken"),
    ],
)
async def test_a_copy_never_takes_an_id_in_use(
    service: FrameworkService, name: str, key: str
) -> None:
    await service.copy(GUILD, "ten-components", "Our version")
    with pytest.raises(FrameworkEditError) as refused:
        await service.copy(GUILD, "ten-components", name)
    assert refused.value.key == key
    assert PROMPTS.placeholders(key) == set(refused.value.values)
    # Nothing was added: the shipped frameworks and the one copy.
    assert len(await service.available(GUILD)) == len(service.frameworks.all()) + 1


async def test_a_copy_of_an_unknown_framework_is_refused(service: FrameworkService) -> None:
    with pytest.raises(FrameworkEditError) as refused:
        await service.copy(GUILD, "nothing", "Ours")
    assert refused.value.values == {"name": "nothing"}


# -- import and export -------------------------------------------------------------------------


async def test_an_exported_framework_imports_on_another_server(service: FrameworkService) -> None:
    draft = finished(await service.copy(GUILD, "ten-components", "Our version"))
    await service.save(GUILD, draft)
    text = await service.export(GUILD, "our-version")
    assert text is not None

    imported = await service.import_(OTHER_GUILD, text, "our-version.yaml")

    assert imported == draft
    assert await service.get(OTHER_GUILD, "our-version") == await service.get(GUILD, "our-version")


async def test_an_import_whose_id_is_taken_uses_its_titles_slug(
    service: FrameworkService,
) -> None:
    shipped = await service.export(GUILD, "ten-components")
    assert shipped is not None
    first = await service.import_(GUILD, shipped, "ten.yaml")
    assert first["id"] == "ten-components-of-co-production"
    with pytest.raises(FrameworkEditError) as refused:
        await service.import_(GUILD, shipped, "ten.yaml")
    assert refused.value.key == "framework_edit.shipped_id"


async def test_a_broken_import_stores_nothing(service: FrameworkService) -> None:
    text = (await service.export(GUILD, "six-principles") or "").replace(
        "  - key: assets", "  - kee: assets"
    )
    with pytest.raises(FrameworkEditError) as refused:
        await service.import_(GUILD, text, "broken.yaml")
    assert refused.value.key == "framework_edit.import_invalid"
    assert refused.value.values["field"].startswith("component 1 (People as assets)")
    assert await service.available(GUILD) == await service.available(OTHER_GUILD)


async def test_export_of_something_unknown_is_none(service: FrameworkService) -> None:
    assert await service.export(GUILD, "nothing") is None


# -- deleting ----------------------------------------------------------------------------------


async def test_a_framework_in_use_is_not_deleted_and_the_projects_are_named(
    service: FrameworkService, store: Store
) -> None:
    await service.copy(GUILD, "ten-components", "Our version")
    project = await a_project(store, "our-version")
    assert await service.in_use(GUILD, "our-version") == ["Garden"]

    assert await service.delete(GUILD, "our-version") == ["Garden"]
    assert await service.draft(GUILD, "our-version") is not None

    await store.delete_project(project.id)
    assert await service.delete(GUILD, "our-version") == []
    assert await service.draft(GUILD, "our-version") is None


# -- opening check-ins -------------------------------------------------------------------------


async def test_for_opening_resolves_shipped_then_the_servers_own(
    service: FrameworkService, store: Store
) -> None:
    shipped = await a_project(store, "six-principles")
    assert await service.for_opening(shipped) is LIBRARY["six-principles"]

    await service.save(GUILD, finished(await service.copy(GUILD, "ten-components", "Ours")))
    ours = await service.for_opening(replace(shipped, framework_id="ours"))
    assert ours.id == "ours" and ours.component("trust") is not None

    with pytest.raises(FrameworkGone):
        await service.for_opening(replace(shipped, framework_id="gone"))


async def test_for_opening_an_unfinished_framework_says_what_is_missing(
    service: FrameworkService, store: Store
) -> None:
    draft = await service.copy(GUILD, "ten-components", "Ours")
    draft = edit.add_component(draft, name="Trust", meaning="m", discussion_prompt="p")
    await service.save(
        GUILD, edit.set_questions(draft, "Trust", beginning="b", middle="", end="e", extra="")
    )
    project = await a_project(store, "ours")

    with pytest.raises(FrameworkIncomplete) as refused:
        await service.for_opening(project)
    assert refused.value.values == {"framework": "Ours", "missing": "11 (Trust): middle, extra"}


class Notices:
    """A messenger that only records the notices posted to facilitators."""

    def __init__(self) -> None:
        self.notices: list[tuple[int, str]] = []

    async def send_invitation(self, *args: Any, **kwargs: Any) -> DmResult:
        raise AssertionError("no invitation is sent by these tests")

    async def send_reminder(self, *args: Any, **kwargs: Any) -> DmResult:
        raise AssertionError("no reminder is sent by these tests")

    async def post_summary(self, *args: Any, **kwargs: Any) -> PostedSummary:
        raise AssertionError("no summary is posted by these tests")

    async def post_notice(self, channel_id: int, text: str) -> bool:
        self.notices.append((channel_id, text))
        return True

    async def clear_dm(self, message: DmMessage, text: str) -> bool:
        return True


def checkins_of(store: Store, service: FrameworkService, messenger: Notices) -> CheckinService:
    return CheckinService(
        store=store,
        frameworks=LIBRARY,
        prompts=PROMPTS,
        messenger=messenger,
        results=ResultsService(
            store=store, frameworks=LIBRARY, prompts=PROMPTS, ahead=AheadOfClose(store)
        ),
        clock=lambda: NOW,
        server_frameworks=service,
    )


async def test_a_check_in_opens_on_the_servers_framework_and_keeps_it(
    service: FrameworkService, store: Store
) -> None:
    draft = finished(await service.copy(GUILD, "ten-components", "Ours"))
    await service.save(GUILD, draft)
    project = await a_project(store, "ours")
    await store.add_participant(project.id, ANA, ["Ana"])
    checkins = checkins_of(store, service, Notices())

    opened = await checkins.open_checkin(project, Phase.BEGINNING)

    assert opened.framework_id == "ours"
    assert opened.framework_snapshot is not None
    asked = framework_from_snapshot(opened.framework_snapshot)
    assert asked.component("trust") is not None
    # Later edits change nothing of the open check-in.
    await service.save(GUILD, edit.remove_component(draft, "Trust"))
    again = await store.get_checkin(opened.id)
    assert again is not None and LIBRARY.for_checkin(again) == asked


async def test_opening_by_hand_an_unfinished_framework_is_refused(
    service: FrameworkService, store: Store
) -> None:
    draft = await service.copy(GUILD, "ten-components", "Ours")
    await service.save(GUILD, edit.add_component(draft, name="T", meaning="", discussion_prompt=""))
    project = await a_project(store, "ours")
    checkins = checkins_of(store, service, Notices())

    with pytest.raises(FrameworkIncomplete):
        await checkins.open_checkin(project, Phase.BEGINNING)
    assert await store.current_checkin(project.id) is None


async def test_a_scheduled_check_in_on_an_unfinished_framework_is_missed_with_a_notice(
    service: FrameworkService, store: Store
) -> None:
    draft = await service.copy(GUILD, "ten-components", "Ours")
    await service.save(
        GUILD, edit.add_component(draft, name="Trust", meaning="", discussion_prompt="p")
    )
    project = await a_project(store, "ours")
    messenger = Notices()
    checkins = checkins_of(store, service, messenger)
    slot = (await store.list_schedule(project.id))[0]

    assert await checkins.open_scheduled(project, slot) is None

    assert (await store.list_schedule(project.id))[0].state is SlotState.MISSED
    assert await store.current_checkin(project.id) is None
    [(channel, text)] = messenger.notices
    assert channel == CHANNEL
    assert text == PROMPTS(
        "framework_edit.scheduled_incomplete",
        phase="beginning",
        project="Garden",
        framework="Ours",
        missing="11 (Trust): meaning, beginning, middle, end, extra",
    )
    # Told once, however many passes see it.
    assert await checkins.open_scheduled(project, slot) is None
    assert len(messenger.notices) == 1


async def test_a_scheduled_check_in_on_a_gone_framework_still_says_it_is_gone(
    service: FrameworkService, store: Store
) -> None:
    project = await a_project(store, "gone")
    messenger = Notices()
    checkins = checkins_of(store, service, messenger)

    assert (
        await checkins.open_scheduled(project, (await store.list_schedule(project.id))[0]) is None
    )

    [(_, text)] = messenger.notices
    assert text == PROMPTS(
        "scheduler.framework_gone", phase="beginning", project="Garden", framework="gone"
    )


async def test_a_member_joining_sees_the_servers_framework(
    service: FrameworkService, store: Store
) -> None:
    await service.save(GUILD, finished(await service.copy(GUILD, "ten-components", "Ours")))
    project = await a_project(store, "ours")
    assert (await service.for_project(project)).id == "ours"
    gone = replace(project, framework_id="gone")
    assert (await service.for_project(gone)).id == LIBRARY.default_id


async def test_a_scheduled_check_in_on_a_framework_over_a_limit_is_missed_saying_why(
    service: FrameworkService, store: Store
) -> None:
    draft = finished(await service.copy(GUILD, "ten-components", "Ours"))
    draft["scale"] = ["No", "Yes"]  # as a host's own file might have it, copied
    await service.save(GUILD, draft)
    project = await a_project(store, "ours")
    messenger = Notices()
    checkins = checkins_of(store, service, messenger)

    assert (
        await checkins.open_scheduled(project, (await store.list_schedule(project.id))[0]) is None
    )

    reason = PROMPTS("framework_edit.bad_scale_size", min=3, max=7, count=2)
    [(_, text)] = messenger.notices
    assert text == PROMPTS(
        "framework_edit.scheduled_unusable",
        phase="beginning",
        project="Garden",
        framework="ours",
        reason=reason,
    )
    with pytest.raises(FrameworkEditError):
        await checkins.open_checkin(project, Phase.MIDDLE)


@pytest.mark.parametrize("framework_id", ["", "Our Version", "-ours", "x" * 41])
async def test_a_draft_is_saved_only_under_an_id_the_schema_accepts(
    service: FrameworkService, framework_id: str
) -> None:
    draft = {**edit.draft_of(LIBRARY["ten-components"]), "id": framework_id}
    with pytest.raises(FrameworkEditError) as refused:
        await service.save(GUILD, draft)
    assert refused.value.key == "framework_edit.bad_name"
    assert await service.available(GUILD) == await service.available(OTHER_GUILD)
