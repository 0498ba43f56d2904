"""Frozen results told in a framework's words in the reader's language (issue 14).

A check-in freezes its results with the names of its components as they were worded then, in
the framework's own language. Shown to a group in another language, each name, question and
discussion prompt is looked up by key in the framework worded in that language
(`Framework.in_language`); a key it has no words for keeps the frozen text. Pure: only
labels change, never a figure.
"""

from __future__ import annotations

import dataclasses

from bot.core.frameworks import Framework
from bot.core.summary import CheckinSummary


def reworded(summary: CheckinSummary, framework: Framework) -> CheckinSummary:
    """`summary` with every label taken from `framework` where it has the key."""
    components = {c.key: c for c in framework.components}
    checks = {d.key: d for d in framework.direction_checks}

    def name(key: str, frozen: str) -> str:
        return components[key].name if key in components else frozen

    def prompt(key: str, frozen: str | None) -> str | None:
        if frozen is None or key not in components:
            return frozen
        return components[key].discussion_prompt

    return dataclasses.replace(
        summary,
        components=[dataclasses.replace(r, name=name(r.key, r.name)) for r in summary.components],
        strongest=tuple(
            dataclasses.replace(
                h, name=name(h.key, h.name), discussion_prompt=prompt(h.key, h.discussion_prompt)
            )
            for h in summary.strongest
        ),
        weakest=tuple(
            dataclasses.replace(
                h, name=name(h.key, h.name), discussion_prompt=prompt(h.key, h.discussion_prompt)
            )
            for h in summary.weakest
        ),
        directions=[
            dataclasses.replace(d, question=checks[d.key].question) if d.key in checks else d
            for d in summary.directions
        ],
        comments=None
        if summary.comments is None
        else [
            dataclasses.replace(g, title=name(g.item, g.title)) if g.title is not None else g
            for g in summary.comments
        ],
        priorities=tuple(
            dataclasses.replace(p, name=name(p.key, p.name)) for p in summary.priorities
        ),
        priority_moves=tuple(
            dataclasses.replace(m, name=name(m.key, m.name)) for m in summary.priority_moves
        ),
    )
