"""Unified diffs as rows to draw: parsed line by line, paired side by side, secrets masked.

:func:`parse_diff` turns the text of a unified diff (as :class:`clawlib.planner.FileChange`
holds it) into :class:`DiffLine` rows in order: hunk headers, context, removed and added lines
with their numbers in the old and the new file, ``\\ No newline at end of file`` notes, and any
other line outside a hunk (``(sensitive content not shown)``). The ``---``/``+++`` file headers
are dropped: the view names the file itself. :func:`side_by_side` pairs the rows into two
columns, the way split diff views do.

Every line's text has its secret values masked, tabs expanded and control characters shown as
escapes: a diff of an untrusted file must neither show a token nor send an escape sequence to
the terminal. The planner's diffs come masked in the context of their whole files; here each
side of a hunk is masked again as one text (:func:`clawlib.secrets.mask_lines`), so a diff from
anywhere else is masked as well as its hunks allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from clawlib.secrets import mask_lines, mask_secrets

__all__ = ["DiffLine", "LineKind", "SideRow", "clean_text", "parse_diff", "side_by_side"]

LineKind = Literal["hunk", "context", "remove", "add", "note", "meta"]
"""``hunk``: an ``@@`` header; ``note``: ``\\ No newline at end of file``; ``meta``: any other
line outside a hunk."""

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
# C0 and C1 control characters (TAB is expanded first).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TAB_SIZE = 4
_HUNK_BODY = frozenset({"context", "remove", "add"})


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One row of a unified diff: its kind, its text without the ``+``/``-``/space prefix (a
    hunk header keeps its whole line), and its line number in the old and the new file (None
    where it has none: an added line has no old number)."""

    kind: LineKind
    text: str
    old: int | None = None
    new: int | None = None


@dataclass(frozen=True, slots=True)
class SideRow:
    """One row of the side-by-side view.

    Either a ``banner`` across both columns (a hunk header, a line outside the hunks), or a
    ``left`` cell from the old file and a ``right`` cell from the new one; None is an empty
    cell. A context line is the same :class:`DiffLine` on both sides.
    """

    left: DiffLine | None = None
    right: DiffLine | None = None
    banner: DiffLine | None = None


def clean_text(text: str) -> str:
    """``text`` with tabs expanded and control characters shown as escapes (``\\x1b``)."""
    return _CONTROL.sub(
        lambda m: m.group(0).encode("unicode_escape").decode("ascii"),
        text.expandtabs(_TAB_SIZE),
    )


def parse_diff(text: str) -> tuple[DiffLine, ...]:
    """The rows of the unified diff ``text``, in order, secrets masked.

    Hunk bodies are read by the counts in their ``@@ -a,b +c,d @@`` header, so a removed line
    that starts with ``--`` is never taken for a file header. A line a hunk cannot hold (the
    diff was cut short) ends the hunk and is kept as ``meta``.
    """
    return tuple(_masked(_rows(text)))


def _masked(rows: Sequence[DiffLine]) -> list[DiffLine]:
    """``rows`` with their text masked: the old side (context and removed lines) and the new
    side (context and added lines) of each hunk as a text each, a context line masked as
    either side masks it; any other row on its own."""
    out: list[DiffLine] = []
    start = 0
    while start < len(rows):
        if rows[start].kind not in _HUNK_BODY:
            out.append(replace(rows[start], text=_shown(rows[start].text)))
            start += 1
            continue
        end = start
        while end < len(rows) and rows[end].kind in _HUNK_BODY:
            end += 1
        hunk = rows[start:end]
        old = iter(mask_lines([r.text for r in hunk if r.kind in ("context", "remove")]))
        new = iter(mask_lines([r.text for r in hunk if r.kind in ("context", "add")]))
        for row in hunk:
            if row.kind == "context":
                left, right = next(old), next(new)
                text = right if right != row.text else left
            else:
                text = next(old) if row.kind == "remove" else next(new)
            out.append(replace(row, text=clean_text(text)))
        start = end
    return out


def _shown(text: str) -> str:
    return clean_text(mask_secrets(text))


def _rows(text: str) -> list[DiffLine]:
    rows: list[DiffLine] = []
    old = new = old_left = new_left = 0
    for line in text.splitlines():
        if old_left > 0 or new_left > 0:
            prefix, body = line[:1], line[1:]
            if prefix in (" ", "") and old_left > 0 and new_left > 0:
                rows.append(DiffLine("context", body, old, new))
                old, new, old_left, new_left = old + 1, new + 1, old_left - 1, new_left - 1
                continue
            if prefix == "-" and old_left > 0:
                rows.append(DiffLine("remove", body, old=old))
                old, old_left = old + 1, old_left - 1
                continue
            if prefix == "+" and new_left > 0:
                rows.append(DiffLine("add", body, new=new))
                new, new_left = new + 1, new_left - 1
                continue
            if prefix != "\\":
                old_left = new_left = 0  # a malformed hunk: read the rest as outside one
        if line.startswith("\\"):
            rows.append(DiffLine("note", line))
            continue
        header = _HUNK.match(line)
        if header is not None:
            old, old_count, new, new_count = (
                int(header.group(1)),
                int(header.group(2) or "1"),
                int(header.group(3)),
                int(header.group(4) or "1"),
            )
            # A side with no lines names the line before the hunk (``-0,0``): nothing to count.
            old_left, new_left = old_count, new_count
            rows.append(DiffLine("hunk", line))
            continue
        if line.startswith(("--- ", "+++ ")) or line in ("---", "+++"):
            continue
        rows.append(DiffLine("meta", line))
    return rows


def side_by_side(rows: Iterable[DiffLine]) -> tuple[SideRow, ...]:
    """``rows`` (from :func:`parse_diff`) as side-by-side rows.

    Context lines appear on both sides. In a run of removed lines followed by added lines the
    two are paired row by row, the longer run's extra lines facing an empty cell. A ``\\ No
    newline at end of file`` note stays on the side of the line it follows.
    """
    out: list[SideRow] = []
    removed: list[DiffLine] = []
    added: list[DiffLine] = []

    def flush() -> None:
        for index in range(max(len(removed), len(added))):
            out.append(SideRow(_at(removed, index), _at(added, index)))
        removed.clear()
        added.clear()

    previous: LineKind | None = None  # the side the last line went to
    for row in rows:
        side = previous if row.kind == "note" and previous is not None else row.kind
        if side == "remove":
            if added:
                flush()
            removed.append(row)
        elif side == "add":
            added.append(row)
        else:
            flush()
            if side == "context":
                out.append(SideRow(row, row))
            else:
                out.append(SideRow(banner=row))
        previous = side
    flush()
    return tuple(out)


def _at(lines: Sequence[DiffLine], index: int) -> DiffLine | None:
    return lines[index] if index < len(lines) else None
