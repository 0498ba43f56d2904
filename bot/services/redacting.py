"""Comments redacted as they are written, so a check-in's close does not redact them all.

Redacting a comment is the costly part of a summary (tens of microseconds each, for every
comment of every member at once). When a member sends a comment, it is redacted soon after,
in a thread, under the names its project hides then, and kept in memory for the close. The
close uses a kept redaction only if its check-in's names are still exactly those (a member
who joined since, or a new nickname, makes the close redact every comment again), so a kept
copy can never show a name the close would hide (`bot.core.summary.RedactedAhead`).

Nothing is stored: a restart, or more text than `KEPT_CHARACTERS`, only means the close
redacts the comments itself. Erasing a member's data (or a server's) forgets every kept
comment, including one still being redacted, so nobody's words stay in memory until a close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.core.redaction import Redactor
from bot.core.summary import RedactedAhead, comment_redactor
from bot.storage.store import Store

log = logging.getLogger(__name__)

# The most text kept across all open check-ins (comments and their redacted copies, in
# characters: a few MB); past it, everything kept is forgotten.
KEPT_CHARACTERS = 4_000_000
# Check-ins whose close took their comments, remembered so a comment redacted just after it
# is not kept for a close that has been (the most recent ones).
TAKEN_REMEMBERED = 1_000

NOTHING = RedactedAhead((), {})


@dataclass(slots=True)
class _Kept:
    names: tuple[str, ...]
    redactor: Redactor  # the check-in's own, so many projects at once rebuild none
    comments: dict[str, str] = field(default_factory=dict)  # comment -> as redacted


def only(ahead: RedactedAhead, comments: Iterable[str]) -> RedactedAhead:
    """What `ahead` holds of these comments (what the close hands its worker)."""
    kept = ahead.comments
    return RedactedAhead(ahead.names, {text: kept[text] for text in comments if text in kept})


class AheadOfClose:
    """The comments of open check-ins, redacted as they were written."""

    def __init__(self, store: Store, *, limit: int = KEPT_CHARACTERS) -> None:
        self.store = store
        self.limit = limit
        self._kept: dict[int, _Kept] = {}
        self._characters = 0
        self._generation = 0  # one more at every forgetting: redactions on their way are void
        self._tasks: set[asyncio.Task[None]] = set()
        self._taken: dict[int, None] = {}  # oldest first

    def written(self, checkin_id: int, comment: str) -> None:
        """A member sent this comment to the check-in: redact it soon, off the answer's way."""
        text = comment.strip()
        if not text:
            return
        task = asyncio.get_running_loop().create_task(self._redact(checkin_id, text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _redact(self, checkin_id: int, text: str) -> None:
        generation = self._generation
        try:
            names = await self.store.checkin_redaction_names(checkin_id)
            kept = self._kept.get(checkin_id)
            known = kept.redactor if kept is not None and kept.names == names else None
            # Building a large group's redaction takes milliseconds: not on the event loop.
            redactor, shown = await asyncio.to_thread(_redacted, names, known, text)
        except Exception:
            log.exception("a comment of check-in %s could not be redacted ahead", checkin_id)
            return
        if generation != self._generation or checkin_id in self._taken:
            return  # forgotten meanwhile (an erasure), or the check-in closed
        kept = self._kept.get(checkin_id)
        if kept is None or kept.names != names:
            self._drop(checkin_id)
            kept = self._kept[checkin_id] = _Kept(names, redactor)
        size = len(text) + len(shown)
        if self._characters + size > self.limit:
            self.forget_all()
            kept = self._kept[checkin_id] = _Kept(names, redactor)
        if text not in kept.comments:
            self._characters += size
        kept.comments[text] = shown

    def _drop(self, checkin_id: int) -> _Kept | None:
        kept = self._kept.pop(checkin_id, None)
        if kept is not None:
            self._characters -= sum(len(t) + len(s) for t, s in kept.comments.items())
        return kept

    def take(self, checkin_id: int) -> RedactedAhead:
        """The check-in's kept redactions, forgotten here (it is closing; on the loop)."""
        self._taken[checkin_id] = None
        if len(self._taken) > TAKEN_REMEMBERED:
            del self._taken[next(iter(self._taken))]
        kept = self._drop(checkin_id)
        return RedactedAhead(kept.names, kept.comments) if kept is not None else NOTHING

    def kept(self, checkin_id: int) -> RedactedAhead:
        """What is kept for the check-in's close, as a copy (nothing is forgotten)."""
        kept = self._kept.get(checkin_id)
        return RedactedAhead(kept.names, dict(kept.comments)) if kept else NOTHING

    def __len__(self) -> int:
        """How many comments are kept, across every check-in."""
        return sum(len(kept.comments) for kept in self._kept.values())

    def forget_all(self) -> None:
        """Forget every kept comment, and any still being redacted (a member's or a server's
        data was erased, or too much is kept)."""
        self._kept.clear()
        self._characters = 0
        self._generation += 1

    @property
    def busy(self) -> bool:
        """Whether a comment is still being redacted."""
        return bool(self._tasks)

    async def stop(self) -> None:
        """Stop redacting (the bot is shutting down; the store is about to close): a comment
        not redacted yet is only redacted by its close, later."""
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def settled(self) -> None:
        """Until every comment sent so far is redacted (for tests and the benchmark)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))


def _redacted(names: tuple[str, ...], redactor: Redactor | None, text: str) -> tuple[Redactor, str]:
    """In a thread: the comment as the close would show it, and the redactor (the close's
    own, `comment_redactor`, if not given)."""
    redactor = redactor or comment_redactor(names)
    return redactor, redactor.redact(text)
