"""What a project's check-ins add up to: summaries with trends, charts, the report, exports.

A check-in's results are computed once, by `summariser`, in the transaction that closes it,
and frozen in the database (`bot.core.frozen`). Everything here reads only frozen results:
nothing recomputes a closed check-in, so a member erasing their answers afterwards changes
no later trend, chart, report or export, and nobody can learn their answers by difference.
The summary maths leaves out what a threshold withholds, so no output can show more than
the posted summary did (DESIGN.md §5).
Charts are drawn in a worker process (started the first time a chart is needed, then
reused), so neither matplotlib's CPU time nor its memory lands on the bot's process and the
event loop never waits on it; if drawing fails, the text still goes out.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import random
import secrets
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.core.chart_data import ChartData
from bot.core.chart_worker import render_png
from bot.core.export import export_csv, export_json
from bot.core.frameworks import Framework, FrameworkLibrary
from bot.core.frozen import thaw
from bot.core.models import Checkin, Phase, Project, Response
from bot.core.prompts import Prompts
from bot.core.report import CheckinRecord, render_report
from bot.core.schedule import in_zone
from bot.core.summary import CheckinSummary, chart_data, with_trends
from bot.core.summary_text import render_pages
from bot.core.summary_worker import frozen_results
from bot.core.text import shorten
from bot.core.wording import reworded
from bot.services.languages import LanguageService
from bot.services.messaging import SummaryPost
from bot.services.redacting import AheadOfClose, only
from bot.storage.store import Store, Summariser

log = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100


History = list[tuple[Checkin, CheckinSummary]]

_chart_worker: ProcessPoolExecutor | None = None
_worker_lock = threading.Lock()


def _worker() -> ProcessPoolExecutor:
    """The one process that draws charts and freezes results, started on first use and kept
    for the next (asked for from the event loop and from the database's thread)."""
    global _chart_worker
    with _worker_lock:
        if _chart_worker is None:
            # "spawn", not "fork": the bot's process has threads (the database's) that a
            # fork would copy in the middle of whatever they were doing.
            _chart_worker = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return _chart_worker


def _forget_worker() -> None:
    """The worker died: the next use starts another."""
    global _chart_worker
    with _worker_lock:
        _chart_worker = None


async def draw_in_worker(data: ChartData) -> bytes:
    """The chart's PNG, drawn in the worker process; a worker that died is replaced once."""
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_worker(), render_png, data)
    except BrokenProcessPool:
        _forget_worker()
        return await loop.run_in_executor(_worker(), render_png, data)


def _comments_of(responses: Sequence[Response]) -> Iterator[str]:
    """Every comment of the responses, without the spaces around it."""
    for response in responses:
        for answer in response.answers.values():
            if answer.comment:
                yield answer.comment.strip()


class ResultsService:
    """Builds summaries, charts, reports and exports from stored answers."""

    def __init__(
        self,
        *,
        store: Store,
        frameworks: FrameworkLibrary,
        prompts: Prompts,
        rng: random.Random | None = None,
        languages: LanguageService | None = None,
        ahead: AheadOfClose,
    ) -> None:
        self.store = store
        self.ahead = ahead
        self.frameworks = frameworks
        self.prompts = prompts
        self.languages = languages or LanguageService(store=store, prompts=prompts)
        self._own_rng = rng
        self._rng = rng or random.SystemRandom()

    def summariser(self, checkin: Checkin) -> Summariser:
        """What the store calls, inside the closing transaction (on the database's thread),
        to freeze the results: the maths runs in the worker process, so its CPU never holds
        the interpreter lock against the event loop; in this thread only if the worker
        cannot be reached, or when a test gave its own random source. Comments redacted as
        they were written (`AheadOfClose`) are not redacted again if the names are the same."""
        framework = self.frameworks.for_checkin(checkin)
        ahead = self.ahead.take(checkin.id)

        def summarise(
            responses: list[Response], invited: int, names: list[str]
        ) -> tuple[str, str | None]:
            args = (framework, checkin.thresholds, checkin.phase, invited, responses, names)
            kept = only(ahead, _comments_of(responses))
            if self._own_rng is None:
                try:
                    seed = secrets.randbits(128)
                    return _worker().submit(frozen_results, *args, seed, kept).result()
                except (BrokenProcessPool, OSError, RuntimeError):
                    _forget_worker()
                    log.exception("the worker could not summarise check-in %s", checkin.id)
            return frozen_results(*args, self._rng, kept)

        return summarise

    async def summarise(self, project: Project, checkin: Checkin) -> CheckinSummary:
        """The closed check-in's results as frozen at its close (with its comments while its
        summary is still to be posted). A check-in closed by an older version, which froze
        nothing, is frozen now, once."""
        frozen = await self.store.get_results(checkin.id)
        if frozen is None and await self.store.freeze_unfrozen(
            checkin.id, self.summariser(checkin)
        ):
            frozen = await self.store.get_results(checkin.id)
        if frozen is None:
            raise LookupError(f"check-in {checkin.id} of project {project.id} has no results")
        return thaw(frozen.figures, frozen.comments)

    async def history(self, project: Project, *, before: Checkin | None = None) -> History:
        """The project's closed check-ins (oldest first) with their frozen results,
        optionally only those opened before `before` and on the same framework."""
        found: History = []
        for checkin in await self.store.list_checkins(project.id):
            if checkin.is_open:
                continue
            if before is not None and (
                checkin.id == before.id
                or checkin.opened_at > before.opened_at
                or checkin.framework_id != before.framework_id
            ):
                continue
            found.append((checkin, await self.summarise(project, checkin)))
        return found

    async def summary_post(self, project: Project, checkin: Checkin) -> SummaryPost:
        """The closed check-in's summary with trends, its comments and its chart, in the
        project's language."""
        code = await self.languages.project(project)
        with self.prompts.using(code):
            return await self._summary_post(project, checkin, code)

    async def _summary_post(self, project: Project, checkin: Checkin, code: str) -> SummaryPost:
        framework = self.frameworks.for_checkin(checkin).in_language(code)
        earlier = await self.history(project, before=checkin)
        previous = earlier[-1][1] if earlier else None
        beginning = next((s for c, s in earlier if c.phase is Phase.BEGINNING), None)
        summary = reworded(
            with_trends(
                await self.summarise(project, checkin), previous=previous, beginning=beginning
            ),
            framework,
        )
        phase = self.prompts.phase(checkin.phase)
        pages = render_pages(
            summary, framework, self.prompts, project_name=project.name, phase_label=phase
        )
        thread_name = shorten(
            self.prompts("post.thread_name", project=project.name, phase=phase),
            THREAD_NAME_LIMIT,
        )
        chart = None  # below the threshold there is no chart, even of earlier check-ins
        if summary.enough:
            chart = await self.chart(project, framework, [*earlier, (checkin, summary)])
        return SummaryPost(
            pages.main,
            pages.comments,
            thread_name,
            chart=chart,
            chart_alt=self.prompts("post.chart_alt") if chart else "",
            took_part=summary.took_part,
            invited=summary.invited,
        )

    async def chart(
        self,
        project: Project,
        framework: Framework,
        history: Sequence[tuple[Checkin, CheckinSummary]],
    ) -> bytes | None:
        """A PNG comparing the check-ins that met the threshold; None if there are none or
        drawing failed (the text carries the same figures)."""
        data = chart_data(
            framework,
            self.prompts("post.chart_title", project=project.name),
            [(self.series_label(project, checkin), summary) for checkin, summary in history],
        )
        if data is None:
            return None
        try:
            return await draw_in_worker(data)
        except Exception:
            log.exception("drawing the chart of project %s failed; posting text only", project.id)
            return None

    def series_label(self, project: Project, checkin: Checkin) -> str:
        """A check-in as the chart's legend names it, e.g. "Beginning (5 Jan)"."""
        day = in_zone(checkin.opened_at, project.timezone)
        return self.prompts(
            "post.chart_series",
            phase=self.prompts.phase(checkin.phase, title=True),
            date=self.prompts.short_day(day),
        )

    # -- the end-of-project report and exports ---------------------------------------------------

    @staticmethod
    def records(history: History) -> list[CheckinRecord]:
        """The check-ins of a history as the report and the exports take them."""
        return [CheckinRecord(c.phase, c.opened_at, c.closed_at, s) for c, s in history]

    async def report(self, project: Project) -> tuple[str, bytes | None] | None:
        """The end-of-project reflection (Markdown) and its chart, in the project's language;
        None before any closed check-in."""
        code = await self.languages.project(project)
        with self.prompts.using(code):
            return await self._report(project, code)

    async def _report(self, project: Project, code: str) -> tuple[str, bytes | None] | None:
        history = await self.history(project)
        if not history:
            return None
        framework = self.project_framework(project, history).in_language(code)
        worded = [(c, reworded(s, framework)) for c, s in history]
        text = render_report(
            project.name, framework, self.records(worded), self.prompts, timezone=project.timezone
        )
        same_framework = [(c, s) for c, s in history if c.framework_id == project.framework_id]
        return text, await self.chart(project, framework, same_framework)

    def project_framework(self, project: Project, history: History) -> Framework:
        """The project's framework as its latest closed check-in on it stored it (so a file
        edited or removed since changes no report), with the components that earlier
        check-ins had and it no longer has after its own: a component reworded keeps its
        row (compared by key), one removed stays for the check-ins that asked it. By id if
        no check-in stored one."""
        stored = [
            self.frameworks.for_checkin(checkin)
            for checkin, _summary in reversed(history)
            if checkin.framework_id == project.framework_id
        ]
        if not stored:
            return self.frameworks.by_id(project.framework_id)
        latest, *earlier = stored
        components = list(latest.components)
        keys = {component.key for component in components}
        for older in earlier:
            for component in older.components:
                if component.key not in keys:
                    components.append(component)
                    keys.add(component.key)
        if len(components) == len(latest.components):
            return latest
        return latest.model_copy(update={"components": components})

    async def export(self, project: Project, kind: str) -> str | None:
        """Aggregates of every closed check-in as CSV or JSON; None before any."""
        history = await self.history(project)
        if not history:
            return None
        code = await self.languages.project(project)
        framework = self.project_framework(project, history).in_language(code)
        records = self.records([(c, reworded(s, framework)) for c, s in history])
        if kind == "csv":
            words = self.prompts.lang(code)

            def header(column: str) -> str:
                if column.startswith("n_"):  # a count per rating: n_1 … n_k
                    return words("export.rating_column", value=column[2:])
                return words(f"export.column_{column}")

            return export_csv(framework, records, timezone=project.timezone, header=header)
        return export_json(framework, records, timezone=project.timezone)
