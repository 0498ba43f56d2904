"""What a project's check-ins add up to: summaries with trends, charts, the report, exports.

Everything here starts from `summarise_checkin`, so the anonymity rules of the summaries
(DESIGN.md §5) hold for every output: below a threshold the numbers are not there to leak.
Charts are drawn in a worker thread (`asyncio.to_thread`) so the event loop never waits on
matplotlib; if drawing fails, the text still goes out.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.chart import draw_chart
from bot.core.frameworks import Framework, FrameworkLibrary
from bot.core.models import Checkin, Phase, Project
from bot.core.prompts import Prompts
from bot.core.report import CheckinRecord, export_csv, export_json, render_report
from bot.core.schedule import in_zone
from bot.core.summary import (
    CheckinSummary,
    chart_data,
    render_pages,
    summarise_checkin,
    with_trends,
)
from bot.core.text import shorten
from bot.storage.store import Store

log = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100


@dataclass(frozen=True, slots=True)
class SummaryPost:
    """A summary ready to post: the results, the comments (for a thread) and the chart."""

    pages: list[str]
    comments: list[str]
    thread_name: str
    chart: bytes | None = None
    chart_alt: str = ""
    took_part: int = 0
    invited: int = 0


History = list[tuple[Checkin, CheckinSummary]]


class ResultsService:
    """Builds summaries, charts, reports and exports from stored answers."""

    def __init__(
        self,
        *,
        store: Store,
        frameworks: FrameworkLibrary,
        prompts: Prompts,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.frameworks = frameworks
        self.prompts = prompts
        self._rng = rng or random.SystemRandom()

    async def summarise(self, project: Project, checkin: Checkin) -> CheckinSummary:
        """The anonymised summary of one check-in (comments redacted of members' names)."""
        framework = self.frameworks.for_checkin(checkin.framework_id)
        invitations = await self.store.list_invitations(checkin.id)
        responses = await self.store.list_responses(checkin.id)
        participants = await self.store.list_participants(project.id)
        names = {name for p in participants for name in p.names}
        names |= set(await self.store.invitee_names(checkin.id))  # also those who left since
        return summarise_checkin(
            framework,
            checkin.thresholds,
            checkin.phase,
            invited=len(invitations),
            responses=responses,
            names=sorted(names),
            rng=self._rng,
        )

    async def history(self, project: Project, *, before: Checkin | None = None) -> History:
        """The project's closed check-ins (oldest first) with their summaries, optionally
        only those opened before `before` and on the same framework."""
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
        """The closed check-in's summary with trends, its comments and its chart."""
        framework = self.frameworks.for_checkin(checkin.framework_id)
        earlier = await self.history(project, before=checkin)
        previous = earlier[-1][1] if earlier else None
        beginning = next((s for c, s in earlier if c.phase is Phase.BEGINNING), None)
        summary = with_trends(
            await self.summarise(project, checkin), previous=previous, beginning=beginning
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
            return await asyncio.to_thread(draw_chart, data)
        except Exception:
            log.exception("drawing the chart of project %s failed; posting text only", project.id)
            return None

    def series_label(self, project: Project, checkin: Checkin) -> str:
        """A check-in as the chart's legend names it, e.g. "Beginning (5 Jan)"."""
        day = in_zone(checkin.opened_at, project.timezone)
        return self.prompts(
            "post.chart_series",
            phase=self.prompts.phase(checkin.phase, title=True),
            date=f"{day.day} {day:%b}",
        )

    # -- the end-of-project report and exports ---------------------------------------------------

    @staticmethod
    def records(history: History) -> list[CheckinRecord]:
        """The check-ins of a history as the report and the exports take them."""
        return [CheckinRecord(c.phase, c.opened_at, c.closed_at, s) for c, s in history]

    async def report(self, project: Project) -> tuple[str, bytes | None] | None:
        """The end-of-project reflection (Markdown) and its chart; None before any closed
        check-in."""
        history = await self.history(project)
        if not history:
            return None
        framework = self.frameworks.for_checkin(project.framework_id)
        text = render_report(
            project.name, framework, self.records(history), self.prompts, timezone=project.timezone
        )
        same_framework = [(c, s) for c, s in history if c.framework_id == project.framework_id]
        return text, await self.chart(project, framework, same_framework)

    async def export(self, project: Project, kind: str) -> str | None:
        """Aggregates of every closed check-in as CSV or JSON; None before any."""
        records = self.records(await self.history(project))
        if not records:
            return None
        framework = self.frameworks.for_checkin(project.framework_id)
        if kind == "csv":
            return export_csv(framework, records, timezone=project.timezone)
        return export_json(framework, records, timezone=project.timezone)
