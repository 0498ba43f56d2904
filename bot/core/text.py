"""Fitting text into Discord's limits without cutting a line in half when it can be helped."""

from __future__ import annotations

from collections.abc import Iterable

MESSAGE_LIMIT = 2000


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis if longer; its lines kept."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis if longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def pack_lines(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join blocks with newlines into as few messages as fit in `limit`.

    A block (one line or several) is never split unless it alone is longer than `limit`;
    then it is split at line ends, and only an overlong line is cut.
    """
    pages: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block] if len(block) <= limit else _split_block(block, limit)
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                pages.append(current)
                current = piece
    if current:
        pages.append(current)
    return pages


def _split_block(block: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for line in block.split("\n"):
        while len(line) > limit:
            pieces.append(line[:limit])
            line = line[limit:]
        pieces.append(line)
    return pieces
