"""What `AheadOfClose` keeps for a close, when it makes it again, and when it forgets (the
SimCord tests in tests/bot/test_redacting_ahead.py show what the group then reads)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.core.summary import comment_redactor
from bot.services import redacting
from bot.services.redacting import AheadOfClose, only


class Names:
    """The store's names of a check-in's project, which a test can change, and the comments
    stored for its open check-ins."""

    def __init__(self, *names: str) -> None:
        self.names = tuple(names)
        self.asked = asyncio.Event()
        self.answer = asyncio.Event()
        self.answer.set()
        self.stored: dict[int, list[str]] = {}  # open check-in -> its comments
        self.projects: dict[int, int] = {}  # open check-in -> its project
        self.reads: list[int] = []  # the check-ins whose comments were read

    async def checkin_redaction_names(self, checkin_id: int) -> tuple[str, ...]:
        self.asked.set()
        await self.answer.wait()
        return self.names

    async def checkin_comments(self, checkin_id: int) -> tuple[tuple[str, ...], list[str]]:
        self.reads.append(checkin_id)
        names = await self.checkin_redaction_names(checkin_id)
        return names, list(self.stored.get(checkin_id, []))

    async def open_checkins_with_comments(self) -> list[tuple[int, int]]:
        return [(c, self.projects.get(c, 1)) for c, texts in self.stored.items() if texts]


class HeldOnce(Names):
    """Names whose next read, once `hold` is set to an event, returns the names of the
    moment it was asked, only once that event is set; other reads are not held."""

    def __init__(self, *names: str) -> None:
        super().__init__(*names)
        self.hold: asyncio.Event | None = None

    async def checkin_redaction_names(self, checkin_id: int) -> tuple[str, ...]:
        names, hold, self.hold = self.names, self.hold, None
        self.asked.set()
        if hold is not None:
            await hold.wait()
        return names


def ahead_of(store: Names, **options: int) -> AheadOfClose:
    return AheadOfClose(store, **options)  # type: ignore[arg-type]


async def while_redacting(
    checkin_id: int, text: str, meanwhile: Callable[[AheadOfClose], object]
) -> AheadOfClose:
    """A comment whose redaction is held at the store's read while `meanwhile` happens."""
    store = Names("Ana")
    store.answer.clear()
    ahead = ahead_of(store)
    ahead.written(checkin_id, 1, text)
    await store.asked.wait()
    meanwhile(ahead)
    store.answer.set()
    await ahead.settled()
    return ahead


async def test_a_comment_is_kept_redacted_under_the_names_of_its_check_in() -> None:
    store = Names("Ana", "Bob")
    ahead = ahead_of(store)
    ahead.written(7, 1, "  Bob said ana@example.org  ")
    ahead.written(7, 1, "   ")  # nothing to keep
    await ahead.settled()

    taken = ahead.take(7)
    assert taken.names == ("Ana", "Bob")
    assert taken.comments == {
        "Bob said ana@example.org": comment_redactor(("Ana", "Bob")).redact(
            "Bob said ana@example.org"
        )
    }
    assert "Bob" not in taken.comments["Bob said ana@example.org"]
    handed = only(taken, ["Bob said ana@example.org", "other"])  # what the close hands on
    assert handed.names == taken.names and handed.comments == taken.comments
    assert only(taken, ["other"]).comments == {}
    assert len(ahead) == 0 and ahead.take(7).comments == {}


def counting_redactions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many comments each redaction in a thread was given, in order."""
    given: list[int] = []
    redacted = redacting._redacted

    def counted(names, redactor, texts):
        given.append(len(texts))
        return redacted(names, redactor, texts)

    monkeypatch.setattr(redacting, "_redacted", counted)
    return given


async def test_a_comment_under_new_names_makes_the_copies_kept_again() -> None:
    store = Names("Ana")
    ahead = ahead_of(store)
    store.stored[1] = ["first, to Cat"]
    ahead.written(1, 1, "first, to Cat")
    await ahead.settled()
    store.names = ("Ana", "Cat")
    store.stored[1].append("second, to Cat")  # a comment is stored before it is redacted
    ahead.written(1, 1, "second, to Cat")
    await ahead.settled()
    assert store.reads == [1]  # made again from what is stored, in the background
    kept = ahead.kept(1)
    assert kept.names == ("Ana", "Cat")
    assert sorted(kept.comments) == ["first, to Cat", "second, to Cat"]
    assert all("Cat" not in copy for copy in kept.comments.values())
    assert len(ahead) == 2


async def test_names_changed_makes_that_projects_copies_again() -> None:
    store = Names("Ana")
    ahead = ahead_of(store)
    ahead.written(1, 10, "Cat was late")  # project 10
    ahead.written(2, 20, "Cat was early")  # project 20
    await ahead.settled()
    store.names = ("Ana", "Cat")
    ahead.names_changed([10])
    await ahead.settled()
    assert ahead.kept(1).names == ("Ana", "Cat")
    assert ahead.kept(1).comments == {"Cat was late": "[name] was late"}
    # project 20 was not named: its copy stays under the names it was made with
    assert ahead.kept(2).names == ("Ana",)
    assert ahead.kept(2).comments == {"Cat was early": "Cat was early"}


async def test_names_changed_with_the_same_names_redacts_nothing_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given = counting_redactions(monkeypatch)
    store = Names("Ana")
    ahead = ahead_of(store)
    ahead.written(1, 10, "Ana said so")
    await ahead.settled()
    before = ahead.kept(1)
    ahead.names_changed([10, 99])
    await ahead.settled()
    assert ahead.kept(1) == before and store.reads == []
    assert given == [1]  # the comment, once, when it was written


async def test_comments_written_after_a_name_change_redact_the_check_in_again_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each comment sent while the copies kept are under older names does not redact the
    whole check-in again in a thread of its own: the background task does it, once."""
    given = counting_redactions(monkeypatch)
    store = Names("Ana")
    store.stored[1] = [f"comment {n} about Cat" for n in range(20)]
    ahead = ahead_of(store)
    ahead.refill_open()
    await ahead.settled()
    given.clear()
    store.names = ("Ana", "Cat")  # Cat joined, but no names_changed has come yet
    for n in range(10):
        text = f"later {n} about Cat"
        store.stored[1].append(text)
        ahead.written(1, 1, text)
    await ahead.settled()
    assert sum(given) <= 30 + 10  # not ten times the check-in's 30 comments
    kept = ahead.kept(1)
    assert kept.names == ("Ana", "Cat") and len(kept.comments) == 30
    assert all("Cat" not in copy for copy in kept.comments.values())


async def test_a_redaction_under_older_names_never_replaces_newer_copies() -> None:
    """A comment's redaction that read the names before someone joined, and ends after the
    copies were made again under the new names, leaves those copies as they are."""
    store = HeldOnce("Ana")
    store.stored[1] = ["one for Cat", "two for Cat"]
    ahead = ahead_of(store)
    ahead.refill_open()
    await ahead.settled()
    store.stored[1].append("three for Cat")
    store.hold = held = asyncio.Event()
    store.asked.clear()
    ahead.written(1, 1, "three for Cat")  # reads ("Ana",) and is held with them
    await store.asked.wait()
    store.names = ("Ana", "Cat")
    ahead.names_changed([1])
    rebuilding = ahead._refilling
    assert rebuilding is not None
    await rebuilding  # the copies are made again under the new names
    assert ahead.kept(1).names == ("Ana", "Cat")
    held.set()  # then the held redaction ends, under the older names
    await ahead.settled()
    kept = ahead.kept(1)
    assert kept.names == ("Ana", "Cat")
    assert sorted(kept.comments) == ["one for Cat", "three for Cat", "two for Cat"]
    assert all("Cat" not in copy for copy in kept.comments.values())


async def test_nothing_starts_once_stopped() -> None:
    store = Names("Ana")
    ahead = ahead_of(store)
    await ahead.stop()
    ahead.written(1, 1, "Ana said so")
    ahead.names_changed([1])
    ahead.refill_open()
    assert not ahead.busy and len(ahead) == 0


async def test_refill_open_redacts_every_open_checkins_stored_comments() -> None:
    store = Names("Ana", "Bob")
    store.stored = {4: ["Bob was kind", "Ana too"], 5: []}
    ahead = ahead_of(store)
    ahead.refill_open()
    await ahead.settled()
    assert store.reads == [4]  # 5 holds no comment
    assert ahead.kept(4).names == ("Ana", "Bob")
    assert ahead.kept(4).comments == {"Bob was kind": "[name] was kind", "Ana too": "[name] too"}
    ahead.refill_open()  # again: nothing left to redact
    await ahead.settled()
    assert ahead.kept(4).comments == {"Bob was kind": "[name] was kind", "Ana too": "[name] too"}


async def test_a_comment_written_during_a_refill_is_kept_with_the_rest() -> None:
    store = Names("Ana")
    store.stored = {4: ["Ana was kind"]}
    store.answer.clear()
    ahead = ahead_of(store)
    ahead.refill_open()
    await store.asked.wait()
    ahead.written(4, 1, "a new one from Ana")
    store.answer.set()
    await ahead.settled()
    assert ahead.kept(4).comments == {
        "Ana was kind": "[name] was kind",
        "a new one from Ana": "a new one from [name]",
    }


async def test_an_erasure_during_a_refill_keeps_nothing_it_read() -> None:
    store = Names("Ana")
    store.stored = {4: ["words about to be erased"]}
    store.answer.clear()
    ahead = ahead_of(store)
    ahead.refill_open()
    await store.asked.wait()
    ahead.forget_all()  # /mydata delete: what was read may be erased now
    store.answer.set()
    await ahead.settled()
    assert len(ahead) == 0 and ahead.kept(4).comments == {}


async def test_a_close_during_a_refill_keeps_nothing_for_it() -> None:
    store = Names("Ana")
    store.stored = {4: ["late words"], 6: ["other words"]}
    store.answer.clear()
    ahead = ahead_of(store)
    ahead.refill_open()
    await store.asked.wait()
    taken = ahead.take(4), ahead.take(6)  # both close while the first is read
    store.answer.set()
    await ahead.settled()
    assert [t.comments for t in taken] == [{}, {}]
    assert len(ahead) == 0 and store.reads == [4]  # the second is not read at all


async def test_a_comment_redacted_after_its_close_took_the_rest_is_not_kept() -> None:
    taken = []  # the close, while the comment is still on its way
    ahead = await while_redacting(3, "late words", lambda a: taken.append(a.take(3)))
    assert taken[0].comments == {}
    assert len(ahead) == 0 and ahead.kept(3).comments == {}


async def test_past_the_limit_the_check_ins_kept_longest_are_forgotten_first() -> None:
    # Each check-in kept counts its redaction (one name: NAME_CHARACTERS) and each comment
    # with its copy ("comment 0" twice: 18 characters).
    each = redacting.NAME_CHARACTERS + 18
    ahead = ahead_of(Names("Ana"), limit=3 * each + 10)
    for index in range(3):
        ahead.written(index, 1, f"comment {index}")
        await ahead.settled()
    assert len(ahead) == 3
    ahead.written(9, 1, "one too many")
    await ahead.settled()
    assert len(ahead) == 3
    assert ahead.kept(0).comments == {}  # the oldest made room
    assert [list(ahead.kept(c).comments) for c in (1, 2)] == [["comment 1"], ["comment 2"]]
    assert list(ahead.kept(9).comments) == ["one too many"]


async def test_what_could_never_fit_is_not_kept_and_forgets_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given = counting_redactions(monkeypatch)
    ahead = ahead_of(Names("Ana"), limit=redacting.NAME_CHARACTERS + 100)
    ahead.written(1, 1, "a short one")
    await ahead.settled()
    ahead.written(2, 1, "x" * 200)  # it and its copy could never fit
    await ahead.settled()
    assert given == [1]  # not even redacted: its close does it
    assert list(ahead.kept(1).comments) == ["a short one"] and ahead.kept(2).comments == {}
    ahead.written(1, 1, "y" * 60)  # more than is left, with nothing else to make room
    await ahead.settled()
    assert list(ahead.kept(1).comments) == ["a short one"]  # what was kept stays


async def test_an_erasure_while_a_comment_is_being_redacted_forgets_it_too() -> None:
    # /mydata delete, while the redaction is on its way
    words = "words of someone about to erase their data"
    ahead = await while_redacting(5, words, AheadOfClose.forget_all)
    assert len(ahead) == 0 and ahead.kept(5).comments == {}
    ahead.written(5, 1, "a later comment")  # kept again from then on
    await ahead.settled()
    assert list(ahead.kept(5).comments) == ["a later comment"]
