"""The log pane's memory: a bounded buffer of lines, a filtered view over it and search hits.

No Textual here. The reader thread turns the feed's items into lines (:func:`prepare`); the
UI thread appends them in batches to a :class:`LogBuffer`, which keeps at most ``max_lines``
(counting what it prunes), the numbers of the lines that pass the filter, and the numbers of the
shown lines that match the search. Lines are numbered in the order they arrive and numbers are
never reused, so a number stays valid while its line is kept, whatever is pruned before it.
A :class:`WrapIndex` maps wrapped rows to shown lines.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate, islice
from unicodedata import east_asian_width

from clawlib.engine import LogEnded, LogExited, LogItem, LogLine, LogRestarted, LogSource

__all__ = [
    "BAR",
    "CUT_AT",
    "MARKER",
    "STDERR",
    "STDOUT",
    "Batch",
    "LogBuffer",
    "PatternError",
    "WrapIndex",
    "clean_text",
    "clock",
    "compile_query",
    "prepare",
]

BAR = " │ "
"""Between a line's container name and its text."""
CUT_AT = 10_000
"""Characters of a line kept; the rest is replaced by a note saying how much was cut."""

_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
"""Terminal escape sequences (colours, cursor moves, titles): removed."""
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Other control characters: each shown as U+FFFD."""


class PatternError(ValueError):
    """A search or filter that is not a valid regular expression."""


def compile_query(query: str) -> re.Pattern[str] | None:
    """A search or filter as typed: a case-insensitive substring, or after a leading ``re:`` a
    regular expression (also case-insensitive). None for an empty query; :class:`PatternError`
    for an invalid expression."""
    if query.startswith("re:"):
        expression = query[3:]
        if not expression:
            return None
        try:
            return re.compile(expression, re.IGNORECASE)
        except re.error as exc:
            raise PatternError(f"invalid regular expression {expression!r}: {exc}") from exc
    if not query:
        return None
    return re.compile(re.escape(query), re.IGNORECASE)


def clean_text(text: str) -> str:
    """``text`` as it can be shown on one row: escape sequences removed, tabs expanded, other
    control characters replaced, and cut after :data:`CUT_AT` characters."""
    if "\x1b" in text:
        text = _ESCAPES.sub("", text)
    if "\t" in text:
        text = text.expandtabs()
    text = _CONTROLS.sub("\ufffd", text)
    if len(text) > CUT_AT:
        text = f"{text[:CUT_AT]} … ({len(text) - CUT_AT:,} more characters)"
    return text


def _cells(text: str) -> int:
    """Terminal cells ``text`` takes, at most: wide characters (CJK, emoji) take two."""
    return len(text) + sum(1 for char in text if east_asian_width(char) in "WF")


def clock(when: datetime | None) -> str:
    """Local wall-clock time ``HH:MM:SS.mmm``; blanks of the same width for no time."""
    if when is None:
        return " " * 12
    local = when.astimezone()
    return f"{local:%H:%M:%S}.{local.microsecond // 1000:03d}"


STDOUT, STDERR, MARKER = 0, 1, 2
"""Kinds of line: the low two bits of a line's ``meta``, whose other bits are the index of its
source (``meta >> 2``)."""


@dataclass(slots=True)
class Batch:
    """Lines gathered by the reader thread between two hand-overs to the UI, as parallel lists
    of plain values (a string, an int and a datetime per line: nothing for the garbage
    collector to walk, however many lines are kept)."""

    texts: list[str] = field(default_factory=list)
    metas: list[int] = field(default_factory=list)
    stamps: list[datetime | None] = field(default_factory=list)
    new_sources: list[LogSource] = field(default_factory=list)
    """Sources first seen in this batch, in the order of the indexes they were given."""
    last_seen: dict[str, datetime] = field(default_factory=dict)
    """Container ID → timestamp of its last line here."""
    widest: int = 0
    """Cells the longest text here takes at most."""

    def __len__(self) -> int:
        return len(self.texts)


def prepare(
    items: Iterable[LogItem],
    batch: Batch,
    index: dict[str, int],
    after: dict[str, datetime],
) -> None:
    """Add a feed's ``items`` to ``batch``.

    ``index`` maps container IDs to source indexes (the reader's own copy of the buffer's: a
    source not in it gets the next index and is listed in :attr:`Batch.new_sources`).
    ``after`` maps a container ID to the timestamp of the last line already shown from it (when
    following again after a reconnect): that source's lines up to and including it are skipped,
    and the source leaves ``after`` at its first newer line (one source's lines come in order).
    Text that cannot be shown as is goes through :func:`clean_text`. What became of a
    container becomes a marker line: ``── name: container exited (code 0) ──`` (stamped with
    when it stopped), ``── name: restarted 12:03:04, exit code 137 ──`` (with when it started
    again; ``recreated 12:03:04`` for a replacement, whose lines then come under its own
    container ID), ``── name: reason ──`` for the end of its log.
    """
    add_text, add_meta, add_stamp = batch.texts.append, batch.metas.append, batch.stamps.append
    last_seen = batch.last_seen
    widest = batch.widest
    for item in items:
        source = item.source
        cid = source.container_id
        slot = index.get(cid)
        if slot is None:
            slot = index[cid] = len(index)
            batch.new_sources.append(source)
        if type(item) is not LogLine:
            if isinstance(item, LogRestarted):
                add_text(f"── {source.name}: {clean_text(item.describe())} ──")
                add_stamp(item.started_at)
            else:
                assert isinstance(item, LogExited | LogEnded)
                add_text(f"── {source.name}: {clean_text(item.reason)} ──")
                add_stamp(item.finished_at if isinstance(item, LogExited) else None)
            add_meta(slot * 4 + MARKER)
            continue
        when = item.timestamp
        if after and cid in after:
            if when is not None and when <= after[cid]:
                continue
            del after[cid]
        text = item.text
        size = len(text)
        if size > CUT_AT or not text.isprintable():
            text = clean_text(text)
            size = len(text)
        if size > widest:
            widest = size if text.isascii() else max(widest, _cells(text))
        if when is not None:
            last_seen[cid] = when
        add_text(text)
        add_meta(slot * 4 + (item.stream == "stderr"))
        add_stamp(when)
    batch.widest = widest


class LogBuffer:
    """At most ``max_lines`` lines, the shown ones (those passing the filter) and the search
    hits among them, as line numbers; and the sources the lines come from.

    A line is its text, its ``meta`` (source index and kind) and its timestamp, kept in three
    parallel lists. Appending beyond ``max_lines`` prunes the oldest lines; :attr:`dropped`
    counts them. The filter is a list of line numbers kept up to date as lines arrive, not a
    copy of the text.
    """

    def __init__(self, max_lines: int = 20_000) -> None:
        if max_lines < 1:
            raise ValueError(f"the buffer must hold at least 1 line, not {max_lines}")
        self.max_lines = max_lines
        self.texts: list[str] = []
        self.metas: list[int] = []
        self.stamps: list[datetime | None] = []
        self.first = 0
        """Number of the oldest line kept (``texts[0]``)."""
        self.dropped = 0
        """Lines pruned from the front since the last :meth:`clear`."""
        self.sources: list[LogSource] = []
        """Every source seen, by index (kept across :meth:`clear`)."""
        self.source_index: dict[str, int] = {}
        """Container ID → index in :attr:`sources`."""
        self._filter: re.Pattern[str] | None = None
        self._shown: list[int] | None = None
        """Numbers of the lines that pass the filter (None: no filter, all are shown)."""
        self._search: re.Pattern[str] | None = None
        self.hits: list[int] = []
        """Numbers of the shown lines that match the search, in order."""

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def end(self) -> int:
        """The number the next line will get: lines appended since the last clear, with the
        numbers of those pruned."""
        return self.first + len(self.texts)

    @property
    def filter(self) -> re.Pattern[str] | None:
        return self._filter

    @property
    def search(self) -> re.Pattern[str] | None:
        return self._search

    def add_source(self, source: LogSource) -> int:
        """The index of ``source`` (by container ID), given the next one if it is new."""
        slot = self.source_index.get(source.container_id)
        if slot is None:
            slot = self.source_index[source.container_id] = len(self.sources)
            self.sources.append(source)
        return slot

    def line(self, number: int) -> tuple[str, int, datetime | None]:
        """Text, meta and timestamp of the line numbered ``number`` (it must be kept)."""
        at = number - self.first
        return self.texts[at], self.metas[at], self.stamps[at]

    def plain(self, number: int, name_width: int, stamps: str | None = None) -> str:
        """Line ``number`` as text with its newline: the container name padded to
        ``name_width``, after its time in ISO 8601 (``stamps="iso"``, for saved files), as
        :func:`clock` shows it (``"clock"``), or without time (None). A marker has no name."""
        text, meta, when = self.line(number)
        if stamps == "iso":
            blank = " " * 29  # as long as the ISO 8601 local time with milliseconds
            stamp = blank if when is None else when.astimezone().isoformat(timespec="milliseconds")
            stamp += " "
        elif stamps == "clock":
            stamp = clock(when) + " "
        else:
            stamp = ""
        if meta & 3 == MARKER:
            return f"{stamp}{text}\n"
        return f"{stamp}{self.sources[meta >> 2].name.ljust(name_width)}{BAR}{text}\n"

    @property
    def shown_count(self) -> int:
        return len(self.texts) if self._shown is None else len(self._shown)

    def shown_number(self, position: int) -> int:
        """The number of the shown line at ``position`` (0 is the oldest shown)."""
        return self.first + position if self._shown is None else self._shown[position]

    def shown_numbers(self, start: int = 0, stop: int | None = None) -> Sequence[int]:
        """The numbers of the shown lines from position ``start`` to ``stop``."""
        if self._shown is None:
            count = len(self.texts)
            stop = count if stop is None else min(stop, count)
            return range(self.first + start, self.first + stop)
        return self._shown[start:stop]

    def shown_position(self, number: int) -> int:
        """The position of the first shown line numbered ``number`` or later."""
        if self._shown is None:
            return min(max(number - self.first, 0), len(self.texts))
        return bisect_left(self._shown, number)

    def append(
        self, texts: Sequence[str], metas: Sequence[int], stamps: Sequence[datetime | None]
    ) -> tuple[int, int]:
        """Add lines (oldest first), pruning the front beyond ``max_lines``.

        Returns how many shown lines were added and how many shown lines that were there before
        were pruned (so the shown count grew by the first less the second).
        """
        pruned = 0
        if len(texts) > self.max_lines:
            # More than the buffer holds at once: everything before goes, and the oldest new.
            skipped = len(texts) - self.max_lines
            pruned = self.shown_count
            self.dropped += len(self.texts) + skipped
            self.first = self.end + skipped
            self.texts.clear()
            self.metas.clear()
            self.stamps.clear()
            if self._shown is not None:
                self._shown.clear()
            self.hits.clear()
            texts, metas, stamps = texts[skipped:], metas[skipped:], stamps[skipped:]
        start = self.end
        self.texts.extend(texts)
        self.metas.extend(metas)
        self.stamps.extend(stamps)
        filter_, search = self._filter, self._search
        if filter_ is None:
            added = len(texts)
            if search is not None:
                find = search.search
                self.hits.extend([n for n, t in enumerate(texts, start) if find(t)])
        else:
            keep = filter_.search
            named = self._named(filter_)
            if named:
                pairs = zip(texts, metas, strict=True)
                new = [n for n, (t, m) in enumerate(pairs, start) if m >> 2 in named or keep(t)]
            else:
                new = [n for n, t in enumerate(texts, start) if keep(t)]
            added = len(new)
            assert self._shown is not None
            self._shown.extend(new)
            if search is not None:
                find, kept, first = search.search, self.texts, self.first
                self.hits.extend([n for n in new if find(kept[n - first])])
        excess = len(self.texts) - self.max_lines
        if excess > 0:  # never more than the lines there before
            del self.texts[:excess]
            del self.metas[:excess]
            del self.stamps[:excess]
            self.first += excess
            self.dropped += excess
            if self._shown is None:
                pruned += excess
            else:
                cut = bisect_left(self._shown, self.first)
                del self._shown[:cut]
                pruned += cut
            if self.hits and self.hits[0] < self.first:
                del self.hits[: bisect_left(self.hits, self.first)]
        return added, pruned

    def clear(self) -> None:
        """Forget every line and the dropped count; keep the sources, filter and search."""
        self.first = self.end
        self.texts.clear()
        self.metas.clear()
        self.stamps.clear()
        self.dropped = 0
        if self._shown is not None:
            self._shown.clear()
        self.hits.clear()

    def set_filter(self, pattern: re.Pattern[str] | None) -> None:
        """Show only the lines matching ``pattern``, or from a container whose name it matches
        (None: all of them)."""
        self._filter = pattern
        if pattern is None:
            self._shown = None
        else:
            keep, named = pattern.search, self._named(pattern)
            pairs = zip(self.texts, self.metas, strict=True)
            self._shown = [
                n for n, (t, m) in enumerate(pairs, self.first) if m >> 2 in named or keep(t)
            ]
        self._find_hits()

    def _named(self, pattern: re.Pattern[str]) -> frozenset[int]:
        """The sources whose container name ``pattern`` matches: all their lines pass the
        filter, so that filtering on a name in a merged view shows that container."""
        return frozenset(i for i, source in enumerate(self.sources) if pattern.search(source.name))

    def set_search(self, pattern: re.Pattern[str] | None) -> None:
        """Find the shown lines matching ``pattern`` (None: no search)."""
        self._search = pattern
        self._find_hits()

    def _find_hits(self) -> None:
        if self._search is None:
            self.hits = []
            return
        find, texts, first = self._search.search, self.texts, self.first
        if self._shown is None:
            self.hits = [n for n, t in enumerate(texts, first) if find(t)]
        else:
            self.hits = [n for n in self._shown if find(texts[n - first])]

    def hit_after(self, number: int, *, inclusive: bool = False) -> int | None:
        """The first hit after line ``number`` (or at it), wrapping to the first hit."""
        hits = self.hits
        if not hits:
            return None
        index = (bisect_left if inclusive else bisect_right)(hits, number)
        return hits[index] if index < len(hits) else hits[0]

    def hit_before(self, number: int) -> int | None:
        """The last hit before line ``number``, wrapping to the last hit."""
        hits = self.hits
        if not hits:
            return None
        index = bisect_left(hits, number)
        return hits[index - 1] if index > 0 else hits[-1]

    def hit_index(self, number: int) -> int | None:
        """The position of hit ``number`` among the hits (None if it is not one)."""
        index = bisect_left(self.hits, number)
        if index < len(self.hits) and self.hits[index] == number:
            return index
        return None


class WrapIndex:
    """Where each shown line starts once wrapped: a running sum of their heights in rows.

    Kept for one width; lines are added at the end and removed from the front, as the buffer's.
    """

    def __init__(self, heights: Iterable[int] = ()) -> None:
        self._starts = [0]
        """Row of each line's start, and the end row last; offset by ``_starts[0]``."""
        self.extend(heights)

    def __len__(self) -> int:
        return len(self._starts) - 1

    @property
    def rows(self) -> int:
        return self._starts[-1] - self._starts[0]

    def extend(self, heights: Iterable[int]) -> None:
        self._starts.extend(islice(accumulate(heights, initial=self._starts[-1]), 1, None))

    def drop_front(self, count: int) -> int:
        """Remove the first ``count`` lines; returns how many rows they took."""
        count = min(count, len(self))
        removed = self._starts[count] - self._starts[0]
        del self._starts[:count]
        return removed

    def row_of(self, position: int) -> int:
        """The first row of the line at ``position``."""
        return self._starts[position] - self._starts[0]

    def locate(self, row: int) -> tuple[int, int]:
        """The line showing ``row`` and which of its rows it is."""
        target = row + self._starts[0]
        position = bisect_right(self._starts, target) - 1
        return position, target - self._starts[position]
