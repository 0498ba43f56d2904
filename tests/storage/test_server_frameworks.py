"""A server's own frameworks on a real SQLite file: stored per server as JSON, never seen by
another server, refused deletion while a project uses one, erased with the server."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from bot.core.schedule import plan_project
from bot.storage.store import Store
from tests.storage.arrange import GUILD, OTHER_GUILD, MakeProject, count, new_project, rows

BODY = json.dumps({"id": "our-version", "title": "Our version", "components": []})


async def test_a_framework_is_stored_and_read_back_by_its_server(store: Store) -> None:
    assert await store.get_server_framework(GUILD, "our-version") is None
    await store.put_server_framework(GUILD, "our-version", BODY)

    assert await store.get_server_framework(GUILD, "our-version") == BODY
    assert await store.list_server_frameworks(GUILD) == [("our-version", BODY)]


async def test_putting_again_replaces_the_body_and_the_time(
    store: Store, raw: sqlite3.Connection
) -> None:
    await store.put_server_framework(GUILD, "our-version", BODY)
    changed = json.dumps({"id": "our-version", "title": "Renamed"})
    await store.put_server_framework(GUILD, "our-version", changed)

    assert await store.get_server_framework(GUILD, "our-version") == changed
    assert rows(raw, "SELECT count(*), max(updated_at) FROM server_frameworks") == [
        (1, "2025-03-03T09:00:00.000000+00:00")
    ]


async def test_a_server_never_sees_another_servers_frameworks(store: Store) -> None:
    await store.put_server_framework(GUILD, "our-version", BODY)
    await store.put_server_framework(OTHER_GUILD, "theirs", BODY)

    assert await store.list_server_frameworks(OTHER_GUILD) == [("theirs", BODY)]
    assert await store.get_server_framework(OTHER_GUILD, "our-version") is None
    assert not await store.delete_server_framework(OTHER_GUILD, "our-version")
    assert await store.get_server_framework(GUILD, "our-version") == BODY


async def test_two_servers_may_each_have_the_same_id(store: Store) -> None:
    await store.put_server_framework(GUILD, "ours", BODY)
    await store.put_server_framework(OTHER_GUILD, "ours", "{}")
    assert await store.get_server_framework(GUILD, "ours") == BODY
    assert await store.get_server_framework(OTHER_GUILD, "ours") == "{}"


async def test_the_list_is_in_id_order(store: Store) -> None:
    for framework_id in ("zeta", "alpha", "mid"):
        await store.put_server_framework(GUILD, framework_id, "{}")
    assert [i for i, _ in await store.list_server_frameworks(GUILD)] == ["alpha", "mid", "zeta"]


async def test_a_body_that_is_not_json_is_refused_by_the_database(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await store.put_server_framework(GUILD, "broken", "{not json")
    assert await store.list_server_frameworks(GUILD) == []


async def test_projects_using_a_framework_are_named_in_name_order(
    store: Store, make_project: MakeProject
) -> None:
    for name, guild in (("Zinnias", GUILD), ("apples", GUILD), ("Elsewhere", OTHER_GUILD)):
        project = replace(new_project(name, guild), framework_id="our-version")
        await store.create_project(project, plan_project(project))
    await make_project("On the default")

    assert await store.projects_using_framework(GUILD, "our-version") == ["apples", "Zinnias"]
    assert await store.projects_using_framework(GUILD, "unused") == []


async def test_a_framework_in_use_is_not_deleted(store: Store) -> None:
    await store.put_server_framework(GUILD, "our-version", BODY)
    project = replace(new_project("Garden"), framework_id="our-version")
    created = await store.create_project(project, plan_project(project))

    assert not await store.delete_server_framework(GUILD, "our-version")
    assert await store.get_server_framework(GUILD, "our-version") == BODY

    await store.delete_project(created.id)
    assert await store.delete_server_framework(GUILD, "our-version")
    assert await store.get_server_framework(GUILD, "our-version") is None
    assert not await store.delete_server_framework(GUILD, "our-version")


async def test_a_project_on_another_server_does_not_hold_a_framework(store: Store) -> None:
    await store.put_server_framework(GUILD, "our-version", BODY)
    project = replace(new_project("Theirs", OTHER_GUILD), framework_id="our-version")
    await store.create_project(project, plan_project(project))
    assert await store.delete_server_framework(GUILD, "our-version")


async def test_erasing_a_server_erases_its_frameworks_only(
    store: Store, raw: sqlite3.Connection
) -> None:
    await store.put_server_framework(GUILD, "our-version", BODY)
    await store.put_server_framework(OTHER_GUILD, "theirs", BODY)

    assert await store.erase_guild(GUILD)

    assert await store.list_server_frameworks(GUILD) == []
    assert await store.list_server_frameworks(OTHER_GUILD) == [("theirs", BODY)]
    assert count(raw, "server_frameworks") == 1


async def test_a_server_with_only_a_framework_counts_as_having_data(store: Store) -> None:
    await store.put_server_framework(GUILD, "our-version", BODY)
    assert await store.erase_guild(GUILD)
    assert not await store.erase_guild(GUILD)
