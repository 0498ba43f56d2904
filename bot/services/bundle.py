"""Every service the Discord layer uses, wired once and handed to it as one typed bundle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.frameworks import FrameworkLibrary
from bot.core.prompts import Prompts
from bot.services.answering import AnsweringService
from bot.services.checkins import DEFAULT_DM_GAP, CheckinService
from bot.services.frameworks import FrameworkService
from bot.services.guilds import GuildService
from bot.services.languages import LanguageService
from bot.services.members import MemberService
from bot.services.messaging import Messenger
from bot.services.pacer import DEFAULT_PER_SECOND, Pacer
from bot.services.projects import ProjectService
from bot.services.redacting import AheadOfClose
from bot.services.results import ResultsService
from bot.services.scheduler import DEFAULT_COMMENT_DAYS, Scheduler
from bot.storage.store import Store

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Services:
    prompts: Prompts
    frameworks: FrameworkLibrary
    clock: Clock
    projects: ProjectService
    checkins: CheckinService
    answering: AnsweringService
    results: ResultsService
    members: MemberService
    guilds: GuildService
    languages: LanguageService
    scheduler: Scheduler
    server_frameworks: FrameworkService  # shipped and each server's own frameworks
    comment_days: int  # how long comments are kept after a close (for /privacy)


def build_services(
    *,
    store: Store,
    frameworks: FrameworkLibrary,
    prompts: Prompts,
    messenger: Messenger,
    clock: Clock,
    box_key: bytes,
    dm_gap: float = DEFAULT_DM_GAP,
    dms_per_second: float = DEFAULT_PER_SECOND,
    max_sleep: float | None = None,
    comment_days: int = DEFAULT_COMMENT_DAYS,
    removed_server_days: int = 30,
    heartbeat: Callable[[datetime], None] | None = None,
    languages: LanguageService | None = None,
) -> Services:
    languages = languages or LanguageService(store=store, prompts=prompts)
    ahead = AheadOfClose(store)  # comments redacted as they are written, for the close
    results = ResultsService(
        store=store, frameworks=frameworks, prompts=prompts, languages=languages, ahead=ahead
    )
    server_frameworks = FrameworkService(store, frameworks)
    checkins = CheckinService(
        store=store,
        frameworks=frameworks,
        prompts=prompts,
        messenger=messenger,
        results=results,
        clock=clock,
        dm_gap=dm_gap,
        pacer=Pacer(gap=dm_gap, per_second=dms_per_second),
        server_frameworks=server_frameworks,
        languages=languages,
    )
    scheduler = Scheduler(
        store=store,
        checkins=checkins,
        messenger=messenger,
        prompts=prompts,
        clock=clock,
        max_sleep=max_sleep,
        comment_days=comment_days,
        heartbeat=heartbeat,
    )
    return Services(
        prompts=prompts,
        frameworks=frameworks,
        clock=clock,
        projects=ProjectService(
            store=store,
            frameworks=frameworks,
            checkins=checkins,
            server_frameworks=server_frameworks,
        ),
        checkins=checkins,
        answering=AnsweringService(
            store=store, frameworks=frameworks, box_key=box_key, ahead=ahead
        ),
        results=results,
        members=MemberService(store=store, frameworks=frameworks, checkins=checkins),
        guilds=GuildService(store=store, removed_server_days=removed_server_days, ahead=ahead),
        languages=languages,
        scheduler=scheduler,
        server_frameworks=server_frameworks,
        comment_days=comment_days,
    )
