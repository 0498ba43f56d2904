"""Comments redacted as they are written, so a check-in's close does not redact them all.

Redacting a comment is the costly part of a summary (tens of microseconds each, for every
comment of every member at once). When a member sends a comment, it is redacted soon after,
in a thread, under the names its project hides then, and kept in memory for the close. The
close uses a kept redaction only if its check-in's names are still exactly those, so a kept
copy can never show a name the close would hide (`bot.core.summary.RedactedAhead`).

The copies are kept current in the background, one check-in at a time, so a close seldom has
to redact every comment itself:
- when the names change (a member joins, a new nickname, a facilitator acts on the project),
  the check-in's copies are made again under the new names (`names_changed`);
- after a start, and after an erasure forgot everything, every open check-in's comments are
  read from the store and redacted again (`refill_open`).
A close that comes before that work is done redacts what is missing itself.

Nothing is stored: a restart, or more than `KEPT_CHARACTERS` to keep, only means a close
redacts the comments itself. Erasing a member's data (or a server's) forgets every kept
comment, including one still being redacted, so nobody's words stay in memory until a close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.redaction import Redactor
from bot.core.summary import RedactedAhead, comment_redactor
from bot.storage.store import Store

log = logging.getLogger(__name__)

# The most kept across all open check-ins, in characters (about as many bytes: a check-in
# of 1,000 members commenting on all ten parts takes about 5 MB): each comment and its
# redacted copy, and each check-in's redaction at `NAME_CHARACTERS` a name it hides (about
# the memory a `Redactor` takes for it). Past it, the other check-ins kept longest are
# forgotten first, and what still cannot fit is not kept.
KEPT_CHARACTERS = 16_000_000
NAME_CHARACTERS = 1_000
# Check-ins whose close took their comments, remembered so a comment redacted just after it
# is not kept for a close that has been (the most recent ones).
TAKEN_REMEMBERED = 1_000

NOTHING = RedactedAhead((), {})


@dataclass(slots=True)
class _Kept:
    project_id: int
    names: tuple[str, ...]
    redactor: Redactor  # the check-in's own, so many projects at once rebuild none
    version: int  # how many name changes of the project were known when the names were read
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
        # Check-ins to redact again in the background (True: read their comments from the
        # store; False: the names changed, redo the copies kept), oldest first.
        self._queued: dict[int, tuple[int, bool]] = {}  # check-in -> (project, from store)
        self._refilling: asyncio.Task[None] | None = None
        # How many times each project's names have changed (`names_changed`): of two sets of
        # names read for a check-in, the one read knowing more changes is the newer.
        self._versions: dict[int, int] = {}
        self._stopped = False

    def written(self, checkin_id: int, project_id: int, comment: str) -> None:
        """A member sent this comment to the check-in (it is stored): redact it soon, off
        the answer's way."""
        text = comment.strip()
        if text:
            self._start(self._redact(checkin_id, project_id, [text], generation=self._generation))

    def names_changed(self, project_ids: Iterable[int]) -> None:
        """These projects hide other names now: make their check-ins' copies again soon."""
        wanted = set(project_ids)
        for project_id in wanted:
            self._versions[project_id] = self._versions.get(project_id, 0) + 1
        for checkin_id, kept in self._kept.items():
            if kept.project_id in wanted:
                self._queue(checkin_id, kept.project_id, from_store=False)

    def refill_open(self) -> None:
        """Read every open check-in's comments from the store and redact them soon (after a
        start, or an erasure that forgot everything)."""
        self._start(self._refill_open())

    async def _refill_open(self) -> None:
        generation = self._generation
        try:
            checkins = await self.store.open_checkins_with_comments()
        except Exception:
            log.exception("the open check-ins could not be read to redact their comments")
            return
        if generation == self._generation:  # else an erasure meanwhile refills them itself
            for checkin_id, project_id in checkins:
                self._queue(checkin_id, project_id, from_store=True)

    def _queue(self, checkin_id: int, project_id: int, *, from_store: bool) -> None:
        _, queued_from_store = self._queued.pop(checkin_id, (project_id, False))
        self._queued[checkin_id] = (project_id, from_store or queued_from_store)
        if self._refilling is None:
            self._refilling = self._start(self._refill())

    def _start(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
        if self._stopped:
            work.close()  # shutting down: the close redacts what is missing, later
            return None
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _refill(self) -> None:
        """The queued check-ins, one at a time, each redaction in a thread."""
        try:
            while self._queued:
                checkin_id = next(iter(self._queued))
                project_id, from_store = self._queued.pop(checkin_id)
                if checkin_id in self._taken:
                    continue
                if from_store:
                    generation = self._generation
                    version = self._versions.get(project_id, 0)
                    try:
                        names, texts = await self.store.checkin_comments(checkin_id)
                    except Exception:
                        log.exception("the comments of check-in %s could not be read", checkin_id)
                        continue
                    if generation != self._generation:
                        continue  # forgotten while read: what was read may be erased now
                    await self._redact(
                        checkin_id,
                        project_id,
                        texts,
                        (names, version),
                        generation=generation,
                        whole=True,
                    )
                else:
                    kept = self._kept.get(checkin_id)
                    if kept is not None:
                        await self._redact(
                            checkin_id,
                            project_id,
                            list(kept.comments),
                            generation=self._generation,
                            whole=True,
                        )
        finally:
            self._refilling = None

    async def _redact(
        self,
        checkin_id: int,
        project_id: int,
        texts: Sequence[str],
        read: tuple[tuple[str, ...], int] | None = None,
        *,
        generation: int,
        whole: bool = False,
    ) -> None:
        """Redact `texts` under the check-in's names (read now unless given, with the
        project's name changes known when they were read) and keep them.

        `generation`: when the texts were known; an erasure since voids them. `whole`: they
        are all the check-in's comments (the background task's), which may replace copies
        kept under older names. A comment written while the copies kept were made under
        other names only queues the check-in for the background task, which makes them all
        again under the names then, once: so a busy check-in is not redacted in full for
        every comment, and a redaction under older names never replaces newer copies."""
        try:
            if read is None:
                version = self._versions.get(project_id, 0)
                names = await self.store.checkin_redaction_names(checkin_id)
            else:
                names, version = read
            kept = self._kept.get(checkin_id)
            if kept is not None and kept.names == names:
                known, todo = kept.redactor, [t for t in texts if t not in kept.comments]
            elif kept is not None and not whole:
                self._queue(checkin_id, project_id, from_store=True)
                return
            else:
                known, todo = None, list(dict.fromkeys([*texts, *(kept.comments if kept else ())]))
            if not todo:
                return
            # Their copies counted at the comments' own length, before any is made.
            if _size(names if known is None else (), todo, todo) > self.limit:
                return  # more than could ever be kept: its close redacts it
            # Building a large group's redaction takes milliseconds: not on the event loop.
            redactor, shown = await asyncio.to_thread(_redacted, names, known, todo)
        except Exception:
            log.exception("comments of check-in %s could not be redacted ahead", checkin_id)
            return
        if generation != self._generation or checkin_id in self._taken:
            return  # forgotten meanwhile (an erasure), or the check-in closed
        kept = self._kept.get(checkin_id)
        if kept is not None and kept.names != names:
            if not whole or version < kept.version:
                # Made under other names than those kept meanwhile, maybe older ones: all of
                # the check-in's comments are made again, once, under the names then.
                self._queue(checkin_id, project_id, from_store=True)
                return
            self._drop(checkin_id)
            kept = None
        new = {
            t: c for t, c in zip(todo, shown, strict=True) if kept is None or t not in kept.comments
        }
        size = _size(names if kept is None else (), new, new.values())
        # The other check-ins kept longest make room; if that is not enough, these copies
        # are not kept (those kept already stay), and the close redacts them.
        for oldest in [c for c in self._kept if c != checkin_id]:
            if self._characters + size <= self.limit:
                break
            self._drop(oldest)
        if self._characters + size > self.limit:
            return
        if kept is None:
            kept = self._kept[checkin_id] = _Kept(project_id, names, redactor, version)
        kept.comments.update(new)
        self._characters += size

    def _drop(self, checkin_id: int) -> _Kept | None:
        kept = self._kept.pop(checkin_id, None)
        if kept is not None:
            self._characters -= _size(kept.names, kept.comments, kept.comments.values())
        return kept

    def take(self, checkin_id: int) -> RedactedAhead:
        """The check-in's kept redactions, forgotten here (it is closing; on the loop)."""
        self._taken[checkin_id] = None
        self._queued.pop(checkin_id, None)
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

    @contextlib.contextmanager
    def erasing(self) -> Iterator[None]:
        """Around an erasure of a member's or a server's data: every kept comment is
        forgotten whatever happens in it (even if compacting the database afterwards
        fails), and once it is done, the comments still stored are redacted again."""
        try:
            yield
        finally:
            self.forget_all()
        self.refill_open()

    def forget_all(self) -> None:
        """Forget every kept comment, and any still being redacted or queued (a member's or
        a server's data was erased)."""
        self._kept.clear()
        self._queued.clear()
        self._characters = 0
        self._generation += 1

    @property
    def busy(self) -> bool:
        """Whether a comment is still being redacted."""
        return bool(self._tasks)

    async def stop(self) -> None:
        """Stop redacting (the bot is shutting down; the store is about to close): a comment
        not redacted yet is only redacted by its close, later. Nothing new starts after."""
        self._stopped = True
        self._queued.clear()
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        self._refilling = None

    async def settled(self) -> None:
        """Until every comment sent so far, and every check-in queued, is redacted (for tests
        and the benchmark)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))


def _size(names: Sequence[str], texts: Iterable[str], copies: Iterable[str]) -> int:
    """What keeping these (a check-in's redaction for `names`, comments and their copies)
    counts toward `KEPT_CHARACTERS`."""
    return NAME_CHARACTERS * len(names) + sum(map(len, texts)) + sum(map(len, copies))


def _redacted(
    names: tuple[str, ...], redactor: Redactor | None, texts: Sequence[str]
) -> tuple[Redactor, list[str]]:
    """In a thread: the comments as the close would show them, and the redactor (the close's
    own, `comment_redactor`, if not given)."""
    redactor = redactor or comment_redactor(names)
    return redactor, [redactor.redact(text) for text in texts]
