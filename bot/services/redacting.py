"""Comments redacted as they are written, so a check-in's close does not redact them all.

Redacting a comment is the costly part of a summary (tens of microseconds each, for every
comment of every member at once). When a member sends a comment, it is redacted soon after,
in a thread, under the names its project hides then, and kept in memory for the close. The
close uses a kept redaction only if its check-in's names are still exactly those (a member
who joined since, or a new nickname, makes the close redact every comment again), so a kept
copy can never show a name the close would hide. Nothing is stored: a restart, or more
comments than `KEPT_COMMENTS`, only means the close redacts them itself. Erasing a member's
data forgets every kept comment, so their words do not stay in memory until a close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.core.summary import redacted_comment
from bot.storage.store import Store

log = logging.getLogger(__name__)

# The most comments kept across all open check-ins; past it, everything kept is forgotten.
KEPT_COMMENTS = 20_000
# Check-ins whose close took their comments, remembered so a comment redacted just after it
# is not kept for a close that has been (the most recent ones).
TAKEN_REMEMBERED = 1_000


@dataclass(slots=True)
class _Kept:
    names: tuple[str, ...]
    comments: dict[str, str] = field(default_factory=dict)  # comment -> as redacted


@dataclass(frozen=True, slots=True)
class Redactions:
    """Comments as redacted under `names`, by their text without the surrounding spaces."""

    names: tuple[str, ...]
    comments: dict[str, str]

    def of(self, names: Iterable[str], comments: Iterable[str]) -> dict[str, str]:
        """Those of `comments` redacted under exactly `names`; none if the names differ."""
        if not self.comments or self.names != tuple(names):
            return {}
        return {text: self.comments[text] for text in comments if text in self.comments}


class AheadOfClose:
    """The comments of open check-ins, redacted as they were written."""

    def __init__(self, store: Store, *, limit: int = KEPT_COMMENTS) -> None:
        self.store = store
        self.limit = limit
        self._kept: dict[int, _Kept] = {}
        self._count = 0
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
        try:
            names = await self.store.checkin_redaction_names(checkin_id)
            # Building a large group's redaction takes milliseconds: not on the event loop.
            shown = await asyncio.to_thread(redacted_comment, names, text)
        except Exception:
            log.exception("a comment of check-in %s could not be redacted ahead", checkin_id)
            return
        if checkin_id in self._taken:
            return  # the check-in closed while this comment was being redacted
        kept = self._kept.get(checkin_id)
        if kept is None or kept.names != names:
            self._count -= len(kept.comments) if kept else 0
            kept = self._kept[checkin_id] = _Kept(names)
        if text not in kept.comments:
            if self._count >= self.limit:
                self.forget_all()
                kept = self._kept[checkin_id] = _Kept(names)
            self._count += 1
        kept.comments[text] = shown

    def take(self, checkin_id: int) -> Redactions:
        """The check-in's kept redactions, forgotten here (it is closing; on the loop)."""
        self._taken[checkin_id] = None
        if len(self._taken) > TAKEN_REMEMBERED:
            del self._taken[next(iter(self._taken))]
        kept = self._kept.pop(checkin_id, None)
        if kept is None:
            return Redactions((), {})
        self._count -= len(kept.comments)
        return Redactions(kept.names, kept.comments)

    def kept(self, checkin_id: int) -> Redactions:
        """What is kept for the check-in's close, as a copy (nothing is forgotten)."""
        kept = self._kept.get(checkin_id)
        return Redactions(kept.names, dict(kept.comments)) if kept else Redactions((), {})

    def __len__(self) -> int:
        """How many comments are kept, across every check-in."""
        return self._count

    def forget_all(self) -> None:
        """Forget every kept comment (a member's data was erased, or too many are kept)."""
        self._kept.clear()
        self._count = 0

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
