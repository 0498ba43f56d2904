"""What `AheadOfClose` keeps for a close, and when it forgets (the SimCord tests in
tests/bot/test_redacting_ahead.py show what the group then reads)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.core.summary import comment_redactor
from bot.services.redacting import AheadOfClose, only


class Names:
    """The store's names of a check-in's project, which a test can change."""

    def __init__(self, *names: str) -> None:
        self.names = tuple(names)
        self.asked = asyncio.Event()
        self.answer = asyncio.Event()
        self.answer.set()

    async def checkin_redaction_names(self, checkin_id: int) -> tuple[str, ...]:
        self.asked.set()
        await self.answer.wait()
        return self.names


def ahead_of(store: Names, **options: int) -> AheadOfClose:
    return AheadOfClose(store, **options)  # type: ignore[arg-type]


async def while_redacting(
    checkin_id: int, text: str, meanwhile: Callable[[AheadOfClose], object]
) -> AheadOfClose:
    """A comment whose redaction is held at the store's read while `meanwhile` happens."""
    store = Names("Ana")
    store.answer.clear()
    ahead = ahead_of(store)
    ahead.written(checkin_id, text)
    await store.asked.wait()
    meanwhile(ahead)
    store.answer.set()
    await ahead.settled()
    return ahead


async def test_a_comment_is_kept_redacted_under_the_names_of_its_check_in() -> None:
    store = Names("Ana", "Bob")
    ahead = ahead_of(store)
    ahead.written(7, "  Bob said ana@example.org  ")
    ahead.written(7, "   ")  # nothing to keep
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


async def test_new_names_replace_what_was_kept_under_the_old_ones() -> None:
    store = Names("Ana")
    ahead = ahead_of(store)
    ahead.written(1, "first, to Cat")
    await ahead.settled()
    store.names = ("Ana", "Cat")
    ahead.written(1, "second, to Cat")
    await ahead.settled()
    kept = ahead.kept(1)
    assert kept.names == ("Ana", "Cat")
    assert list(kept.comments) == ["second, to Cat"]
    assert "Cat" not in kept.comments["second, to Cat"]
    assert len(ahead) == 1


async def test_a_comment_redacted_after_its_close_took_the_rest_is_not_kept() -> None:
    taken = []  # the close, while the comment is still on its way
    ahead = await while_redacting(3, "late words", lambda a: taken.append(a.take(3)))
    assert taken[0].comments == {}
    assert len(ahead) == 0 and ahead.kept(3).comments == {}


async def test_past_the_limit_everything_kept_is_forgotten() -> None:
    ahead = ahead_of(Names("Ana"), limit=60)  # characters: each comment and its copy, 18
    for index in range(3):
        ahead.written(index, f"comment {index}")
    await ahead.settled()
    assert len(ahead) == 3
    ahead.written(9, "one too many")
    await ahead.settled()
    assert len(ahead) == 1
    assert ahead.kept(0).comments == {} and list(ahead.kept(9).comments) == ["one too many"]


async def test_an_erasure_while_a_comment_is_being_redacted_forgets_it_too() -> None:
    # /mydata delete, while the redaction is on its way
    words = "words of someone about to erase their data"
    ahead = await while_redacting(5, words, AheadOfClose.forget_all)
    assert len(ahead) == 0 and ahead.kept(5).comments == {}
    ahead.written(5, "a later comment")  # kept again from then on
    await ahead.settled()
    assert list(ahead.kept(5).comments) == ["a later comment"]
