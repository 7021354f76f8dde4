"""The live log pane: the followed logs of a node's containers, searchable and filterable.

:class:`LogPane` is a status line over a :class:`LogView` with a search and a filter input
below it. A thread worker reads the feed and hands the UI one batch at most every 200 ms; the
batch goes into a bounded :class:`~clawtui.logbuffer.LogBuffer` and the view renders only the
rows on screen (Line API), so the cost of a frame does not grow with the rate of the logs.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import MouseScrollUp, Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from clawlib.engine import LogEnded, LogLine, LogSource
from clawlib.errors import ClawError
from clawtui.backend import Feed
from clawtui.logbuffer import (
    BAR,
    MARKER,
    STDERR,
    Batch,
    LogBuffer,
    PatternError,
    WrapIndex,
    clock,
    compile_query,
    prepare,
)

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

__all__ = ["TAIL_SIZES", "LogPane", "LogView", "OpenFeed"]

OpenFeed = Callable[[Sequence[LogSource], int | None, datetime | None], Feed[LogLine | LogEnded]]
"""``(sources, tail, since)`` → a started feed of their logs; may raise ClawError."""

TAIL_SIZES: tuple[int | None, ...] = (100, 500, 2000, 10_000, None)
"""The lines of history ``T`` cycles through (None: all of it)."""

FLUSH_INTERVAL = 0.2
"""Seconds between two batches handed to the UI (the first goes at once). Each batch costs a
repaint of the pane (about 10 ms): at 0.05 s a pod logging a few lines a second kept the app at
19 % of a core, at 0.2 s 11 %, with the same throughput and key latency (bench/README.md)."""
READ_TIMEOUT = 0.05
READ_ITEMS = 10_000

PALETTE = (
    "#5fafff",
    "#d787d7",
    "#5fd7af",
    "#ffaf5f",
    "#87d75f",
    "#ff87af",
    "#d7d75f",
    "#5fd7ff",
    "#af87ff",
    "#d7af87",
)
"""Colours of the container names, given in order of first appearance."""

_MIN_CACHE = 64
"""Fewest lines whose rendered rows are kept."""
_STAMP = 13
"""Cells of the timestamp column: ``HH:MM:SS.mmm`` and a space."""


@dataclass(frozen=True, slots=True)
class _Styles:
    text: Style
    stderr: Style
    marker: Style
    timestamp: Style
    bar: Style
    match: Style
    current: Style
    names: tuple[Style, ...]


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


class LogView(ScrollView, can_focus=True):
    """The shown lines of a :class:`~clawtui.logbuffer.LogBuffer`, rendered row by row as the
    screen asks for them; the rows of the lines drawn last are kept (LRU).

    While following, each batch scrolls to the bottom. Scrolling up pauses (``FollowChanged``
    is posted); scrolling back down to the bottom, or ``end``, follows again. Wrapped rows come
    from a :class:`~clawtui.logbuffer.WrapIndex` built for the current width.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-view--stderr",
        "log-view--marker",
        "log-view--timestamp",
        "log-view--bar",
        "log-view--match",
        "log-view--current-match",
    }

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        overflow-y: scroll;
        overflow-x: auto;
        &.-wrap { overflow-x: hidden; }
        & > .log-view--stderr { color: $error; }
        & > .log-view--marker { color: $text-muted; text-style: italic; }
        & > .log-view--timestamp { color: $text-muted; }
        & > .log-view--bar { color: $text-muted; }
        & > .log-view--match { background: $warning 40%; }
        & > .log-view--current-match { background: $warning; color: $surface; }
    }
    """

    class FollowChanged(Message):
        """Following was paused or resumed."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def __init__(self, buffer: LogBuffer, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.buffer = buffer
        self.timestamps = False
        self.wrap = False
        self.following = True
        self.current_hit: int | None = None
        """Line number of the search hit last jumped to."""
        self.added = 0
        """Shown lines added since the last reset."""
        self._paused_at = 0
        self._rows: LRUCache[int, list[Strip]] = LRUCache(_MIN_CACHE)
        """Line number → its rows, ready for the screen, at :attr:`_rows_key`: about two
        screens' worth, since following replaces every row anyway and rendered rows kept for
        long only add to what the garbage collector walks."""
        self._rows_key = (0, 0)
        """(scroll x, width) the cached rows were cut for."""
        self._styles: _Styles | None = None
        self._wrap_index: WrapIndex | None = None
        self._wrap_width = 0
        self._widest = 0
        self._colours: dict[str, int] = {}
        """Container name → palette slot, in order of first appearance."""
        self._name_width = 0
        self._driving = False
        """Set while the view scrolls itself, so that only the reader's scrolling pauses."""

    # Feeding and state.

    @property
    def new_lines(self) -> int:
        """Shown lines added while paused."""
        return 0 if self.following else self.added - self._paused_at

    @property
    def name_width(self) -> int:
        return self._name_width

    def add_sources(self, sources: Iterable[LogSource]) -> None:
        """Give each new container name a colour and make room for it in the name column."""
        widened = False
        for source in sources:
            name = source.name
            if name not in self._colours:
                self._colours[name] = len(self._colours) % len(PALETTE)
                if len(name) > self._name_width:  # container names are ASCII
                    self._name_width = len(name)
                    widened = True
        if widened:
            self.relayout()

    def add(self, batch: Batch) -> None:
        """Append a batch: one buffer append, one index update, one refresh."""
        buffer = self.buffer
        if batch.new_sources:
            self.add_sources(batch.new_sources)
        self._widest = max(self._widest, batch.widest)
        before = buffer.shown_count
        added, pruned = buffer.append(batch.texts, batch.metas, batch.stamps)
        self.added += added
        removed_rows = pruned
        index = self._wrap_index
        if index is not None:
            if pruned >= before:
                self._wrap_index = None
            else:
                removed_rows = index.drop_front(pruned)
                index.extend(self._heights(before - pruned, buffer.shown_count))
        if self.current_hit is not None and self.current_hit < buffer.first:
            self.current_hit = None
        rows_before = self.virtual_size.height
        self._update_virtual_size()
        if self.following:
            self._scroll_to_row(self.max_scroll_y)
        elif removed_rows:  # keep the same lines in sight while the front is pruned
            self._scroll_to_row(max(0, self.scroll_offset.y - removed_rows))
        elif rows_before >= self.scroll_offset.y + self.scrollable_content_region.height:
            return  # paused, and the new lines are all below the screen
        self.refresh()

    def reset(self) -> None:
        """Forget what was shown (the buffer is cleared by its owner)."""
        self.added = self._paused_at = 0
        self.current_hit = None
        self._widest = 0
        self._rows.clear()
        self._wrap_index = None
        self._update_virtual_size()
        self._scroll_to_row(0)
        self.refresh()

    def set_options(self, *, timestamps: bool, wrap: bool) -> None:
        self.timestamps = timestamps
        self.wrap = wrap
        self.set_class(wrap, "-wrap")
        self.relayout()

    def relayout(self) -> None:
        """Render again after a change of what a line looks like, keeping the top line in place
        (or the bottom while following)."""
        top = None if self.following else self.top_number()
        self._rows.clear()
        self._wrap_index = None
        self._update_virtual_size()
        if self.following:
            self._scroll_to_row(self.max_scroll_y)
        elif top is not None:
            self._scroll_to_row(self._row_of(self.buffer.shown_position(top)))
        self.refresh()

    def restyle(self) -> None:
        """Render the lines again (the search changed); their sizes stay."""
        self._rows.clear()
        self.refresh()

    def pause(self) -> None:
        if self.following:
            self.following = False
            self._paused_at = self.added
            self.post_message(self.FollowChanged(False))

    def resume(self) -> None:
        if not self.following:
            self.following = True
            self.post_message(self.FollowChanged(True))
        self._scroll_to_row(self.max_scroll_y)

    def top_number(self) -> int | None:
        """Number of the line at the top of the view."""
        count = self.buffer.shown_count
        if not count:
            return None
        index = self._index()
        row = self.scroll_offset.y
        position = index.locate(row)[0] if index is not None else row
        return self.buffer.shown_number(min(position, count - 1))

    def show_hit(self, number: int) -> None:
        """Mark line ``number`` as the current hit and bring it on screen, pausing."""
        self.pause()
        previous, self.current_hit = self.current_hit, number
        if previous is not None:
            self._rows.discard(previous)
        self._rows.discard(number)
        row = self._row_of(self.buffer.shown_position(number))
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if not top <= row < top + height:
            self._scroll_to_row(max(0, row - height // 3))
        self.refresh()

    def rendered_rows(self) -> list[str]:
        """The text of the rows on screen."""
        return [self.render_line(y).text for y in range(self.scrollable_content_region.height)]

    # Geometry.

    def _width(self) -> int:
        return self.scrollable_content_region.width

    def _fixed_width(self) -> int:
        return (_STAMP if self.timestamps else 0) + self._name_width + len(BAR)

    def _index(self) -> WrapIndex | None:
        """The wrap index for the current width (None when not wrapping)."""
        if not self.wrap:
            return None
        width = self._width()
        if width <= 0:
            return None
        if self._wrap_index is None or self._wrap_width != width:
            self._wrap_width = width
            self._wrap_index = WrapIndex(self._heights(0, self.buffer.shown_count))
        return self._wrap_index

    def _heights(self, start: int, stop: int) -> list[int]:
        """Rows taken by the shown lines from ``start`` to ``stop`` at the wrap width."""
        width = self._wrap_width
        stamp = _STAMP if self.timestamps else 0
        prefix = self._fixed_width()
        buffer = self.buffer
        texts, metas, first = buffer.texts, buffer.metas, buffer.first
        heights: list[int] = []
        append = heights.append
        for number in buffer.shown_numbers(start, stop):
            text = texts[number - first]
            cells = len(text) if text.isascii() else cell_len(text)
            cells += stamp if metas[number - first] & 3 == MARKER else prefix
            append(-(-cells // width) or 1)
        return heights

    def _row_of(self, position: int) -> int:
        index = self._index()
        return index.row_of(position) if index is not None else position

    def _update_virtual_size(self) -> None:
        index = self._index()
        if index is not None:
            size = Size(self._wrap_width, index.rows)
        else:
            size = Size(self._fixed_width() + self._widest, self.buffer.shown_count)
        self.virtual_size = size

    def _scroll_to_row(self, row: int) -> None:
        self._driving = True
        try:
            self.scroll_to(y=row, animate=False, force=True)
        finally:
            self._driving = False

    # Rendering.

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._rows.clear()

    def _get_styles(self) -> _Styles:
        if self._styles is None:
            base = self.rich_style
            part = self.get_component_rich_style
            self._styles = _Styles(
                text=base,
                stderr=base + part("log-view--stderr"),
                marker=base + part("log-view--marker"),
                timestamp=base + part("log-view--timestamp"),
                bar=base + part("log-view--bar"),
                match=part("log-view--match"),
                current=part("log-view--current-match"),
                names=tuple(base + Style(color=colour) for colour in PALETTE),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self._width()
        key = (0 if self.wrap else scroll_x, width)
        if key != self._rows_key:
            self._rows.clear()
            self._rows_key = key
        buffer = self.buffer
        index = self._index()
        if index is not None:
            if row < index.rows:
                position, part = index.locate(row)
                rows = self._line_rows(buffer.shown_number(position), 0, width)
                if part < len(rows):
                    return rows[part]
        elif row < buffer.shown_count:
            return self._line_rows(buffer.shown_number(row), scroll_x, width)[0]
        return Strip.blank(width, self._get_styles().text)

    def _line_rows(self, number: int, scroll_x: int, width: int) -> list[Strip]:
        rows = self._rows.get(number)
        if rows is None:
            segments, cells = self._segments(number)
            pad = self._get_styles().text
            if self.wrap:
                cuts = [*range(width, cells, width), cells] if cells else [0]
                pieces = Segment.divide(segments, cuts)
                rows = [_row(piece, width, pad) for piece in pieces] or [_row([], width, pad)]
            elif scroll_x >= cells:
                rows = [_row([], width, pad)]
            elif scroll_x == 0 and cells <= width:
                rows = [_row(segments, width, pad)]
            else:
                stop = min(cells, scroll_x + width)
                pieces = list(Segment.divide(segments, [scroll_x, stop]))
                rows = [_row(pieces[-1], width, pad)]
            self._rows[number] = rows
        return rows

    def _segments(self, number: int) -> tuple[list[Segment], int]:
        """The segments of line ``number`` and how many cells they take."""
        text, meta, stamp = self.buffer.line(number)
        styles = self._get_styles()
        segments = []
        cells = _cells(text)
        if self.timestamps:
            segments.append(Segment(clock(stamp) + " ", styles.timestamp))
            cells += _STAMP
        kind = meta & 3
        if kind == MARKER:
            style = styles.marker
        else:
            name = self.buffer.sources[meta >> 2].name
            slot = self._colours.get(name, 0)
            segments.append(Segment(name.ljust(self._name_width), styles.names[slot]))
            segments.append(Segment(BAR, styles.bar))
            cells += self._name_width + len(BAR)
            style = styles.stderr if kind == STDERR else styles.text
        search = self.buffer.search
        if search is None:
            segments.append(Segment(text, style))
            return segments, cells
        hit = style + (styles.current if number == self.current_hit else styles.match)
        end = 0
        for match in search.finditer(text):
            start, stop = match.span()
            if start == stop:
                continue
            if start > end:
                segments.append(Segment(text[end:start], style))
            segments.append(Segment(text[start:stop], hit))
            end = stop
        if end < len(text):
            segments.append(Segment(text[end:], style))
        return segments, cells

    # Handlers: the reader scrolling pauses and resumes following.

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._driving:
            return
        if self.following:
            if new_value < old_value and new_value < self.max_scroll_y:
                self.pause()
        elif new_value > old_value and new_value >= self.max_scroll_y:
            self.resume()

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        if self.allow_vertical_scroll and not (event.ctrl or event.shift):
            self.pause()

    def on_resize(self, event: Resize) -> None:
        self._rows.maxsize = max(_MIN_CACHE, 2 * self.scrollable_content_region.height)
        if self.wrap:
            self.relayout()

    # Actions (the scrolling keys of ScrollView, made to pause and resume).

    def action_scroll_up(self) -> None:
        if self.allow_vertical_scroll:
            self.pause()
        super().action_scroll_up()

    def action_page_up(self) -> None:
        if self.allow_vertical_scroll:
            self.pause()
        super().action_page_up()

    def action_scroll_home(self) -> None:
        if self.allow_vertical_scroll:
            self.pause()
        # At once: an animated sweep over thousands of rows would render every one of them.
        self.scroll_home(animate=False, x_axis=False)

    def action_scroll_end(self) -> None:
        self.resume()


def _row(segments: list[Segment], width: int, pad: Style) -> Strip:
    """A strip of exactly ``width`` cells: ``segments`` (at most that wide), then blanks."""
    used = sum(_cells(segment.text) for segment in segments)
    if used < width:
        segments = [*segments, Segment(" " * (width - used), pad)]
    return Strip(segments, width)


class _Session:
    """One follow: the feed once the worker has opened it, and the flag that ends it."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._feed: Feed[LogLine | LogEnded] | None = None

    def attach(self, feed: Feed[LogLine | LogEnded]) -> bool:
        """Keep ``feed`` to close it later; False if the follow was stopped meanwhile."""
        with self._lock:
            if self.stopped.is_set():
                return False
            self._feed = feed
            return True

    def close(self) -> None:
        """Stop: the worker wakes from its wait and the feed from its read."""
        with self._lock:
            self.stopped.set()
            feed = self._feed
        if feed is not None:
            feed.close()


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LogPane(Widget, can_focus=False):
    """The followed logs of one node of the pod (a service or a container).

    :meth:`follow` starts, :meth:`stop` stops. Following the same key again (its containers
    were recreated, or the engine came back) keeps the lines and asks the new feed for what came
    after the last line seen, skipping per container what was already shown. Lines are kept in
    a ring of ``max_lines``; what it prunes is counted in the status line. A feed that fails
    shows the error there and posts :class:`FollowFailed`.
    """

    HELP_GROUP = "Logs"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "toggle_timestamps", "Timestamps", id="logs.timestamps"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("space", "toggle_pause", "Pause", id="logs.pause"),
        Binding("end,G", "resume", "Follow", id="logs.follow"),
        Binding("slash", "search", "Search", id="logs.search"),
        Binding("n", "next_hit", "Next hit", id="logs.next-hit"),
        Binding("N", "previous_hit", "Previous hit", id="logs.previous-hit"),
        Binding("f", "filter", "Filter", id="logs.filter"),
        Binding("F", "clear_filter", "Clear filter", id="logs.clear-filter"),
        Binding("T", "cycle_tail", "Tail size", id="logs.tail"),
        Binding("ctrl+s", "save", "Save", id="logs.save"),
        Binding("c", "clear", "Clear", id="logs.clear"),
        Binding("escape", "escape", "Close search", show=False, id="logs.escape"),
    ]

    DEFAULT_CSS = """
    LogPane {
        height: 1fr;
        background: $surface;
        & > #log-status {
            height: 1;
            padding: 0 1;
            background: $panel;
            color: $text-muted;
            &.-paused { color: $warning; }
            &.-lost { color: $error; }
        }
        & > LogView { height: 1fr; }
        & > Input {
            display: none;
            background: $panel;
            &.-open { display: block; }
            &:focus { background: $panel; }
        }
    }
    """

    timestamps: var[bool] = var(False)
    wrap: var[bool] = var(False)

    class FollowFailed(Message):
        """The logs of ``key`` could not be opened or the stream broke (engine gone)."""

        def __init__(self, key: str, error: ClawError) -> None:
            super().__init__()
            self.key = key
            self.error = error

    def __init__(
        self,
        *,
        max_lines: int = 20_000,
        tail: int | None = 500,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.buffer = LogBuffer(max_lines)
        self.tail = tail
        """Lines of history per container to start a new follow with (None: all)."""
        self.key: str | None = None
        self.sources: tuple[LogSource, ...] = ()
        self.view = LogView(self.buffer, id="log-view")
        self._title = ""
        self._open_feed: OpenFeed | None = None
        self._session: _Session | None = None
        self._worker: Worker[None] | None = None
        self._last_seen: dict[str, datetime] = {}
        """Container ID → timestamp of the last line shown from it."""
        self._state = "idle"
        self._problem = ""
        self._search_text = ""
        self._search_error = ""
        self._filter_text = ""
        self._filter_error = ""
        self._status_text = ""

    def compose(self) -> ComposeResult:
        yield Static(id="log-status")
        yield self.view
        yield Input(
            placeholder="search (re: for a regular expression)", id="log-search", compact=True
        )
        yield Input(
            placeholder="filter (re: for a regular expression)", id="log-filter", compact=True
        )

    def focus(self, scroll_visible: bool = True) -> LogPane:
        """Focus the log view (the pane itself takes no focus)."""
        self.view.focus(scroll_visible)
        return self

    # Following.

    def follow(
        self, key: str, title: str, sources: Sequence[LogSource], open_feed: OpenFeed
    ) -> None:
        """Follow the logs of ``sources`` under ``key``, titled ``title``.

        A new key starts afresh with :attr:`tail` lines of history per container. The same key
        again keeps the lines and opens the feed with ``since`` set to the earliest last-seen
        time among the sources followed before, dropping per container the lines not newer
        than the last one shown from it.
        """
        sources = tuple(sources)
        same = key == self.key
        previous = self.sources
        self._close_session()
        self.key, self._title, self.sources = key, title, sources
        self._open_feed = open_feed
        self._problem = ""
        if same:
            seen = [
                self._last_seen[s.container_id]
                for s in previous
                if s.container_id in self._last_seen
            ]
            since = min(seen) if seen else None
            # Nothing seen yet: start like a new key, never with a container's whole log.
            tail: int | None = None if since is not None else self.tail
            after = dict(self._last_seen)
        else:
            self.buffer.clear()
            self.view.reset()
            self._last_seen.clear()
            tail, since, after = self.tail, None, {}
        if not sources:
            self._state = "none"
            self._update_status()
            return
        for source in sources:
            self.buffer.add_source(source)
        self.view.add_sources(sources)
        self._state = "following"
        session = self._session = _Session()
        index = dict(self.buffer.source_index)
        self._worker = self.run_worker(
            partial(self._read, self.app, session, open_feed, sources, tail, since, index, after),
            name=f"logs of {key}",
            group="logs",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        self._update_status()

    def stop(self) -> None:
        """Stop following (the feed is closed, the worker ends); the lines stay."""
        self._close_session()
        if self._state == "following":
            self._state = "stopped"
        self._update_status()

    def _close_session(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _read(
        self,
        app: App[Any],
        session: _Session,
        open_feed: OpenFeed,
        sources: Sequence[LogSource],
        tail: int | None,
        since: datetime | None,
        index: dict[str, int],
        after: dict[str, datetime],
    ) -> None:
        """The worker: open the feed, read it, hand the UI a batch at most every 200 ms.

        ``index`` is the worker's copy of the buffer's source indexes; ``after`` the last time
        shown per container, for lines to skip (see :func:`~clawtui.logbuffer.prepare`).
        """

        def to_ui(callback: Callable[..., None], *args: Any) -> bool:
            if session.stopped.is_set():
                return False
            try:
                app.call_from_thread(callback, session, *args)
            except RuntimeError:  # the app has stopped
                return False
            return True

        try:
            feed = open_feed(sources, tail, since)
        except ClawError as exc:
            to_ui(self._failed, exc, "cannot follow the logs")
            return
        if not session.attach(feed):
            feed.close()
            return
        worker = get_current_worker()
        batch = Batch()
        due = 0.0
        try:
            while not session.stopped.is_set() and not worker.is_cancelled:
                timeout = max(0.0, due - time.monotonic()) if batch.texts else READ_TIMEOUT
                try:
                    items = feed.get_batch(READ_ITEMS, timeout)
                except ClawError as exc:
                    if batch.texts:
                        to_ui(self._deliver, batch)
                    to_ui(self._failed, exc, "log stream lost")
                    return
                if items:
                    prepare(items, batch, index, after)
                elif feed.finished:
                    if batch.texts:
                        to_ui(self._deliver, batch)
                    to_ui(self._ended)
                    return
                if batch.texts:
                    now = time.monotonic()
                    if now >= due:
                        if not to_ui(self._deliver, batch):
                            return
                        batch = Batch()
                        due = now + FLUSH_INTERVAL
                    else:  # let lines gather; close() ends the wait
                        session.stopped.wait(due - now)
        finally:
            feed.close()

    def _deliver(self, session: _Session, batch: Batch) -> None:
        if session is not self._session:
            return
        for source in batch.new_sources:
            self.buffer.add_source(source)
        self._last_seen.update(batch.last_seen)
        self.view.add(batch)
        self._update_status()

    def _failed(self, session: _Session, error: ClawError, what: str) -> None:
        if session is not self._session or self.key is None:
            return
        self._session = None
        self._state = "lost"
        self._problem = f"{what}: {error}"
        self._update_status()
        self.post_message(self.FollowFailed(self.key, error))

    def _ended(self, session: _Session) -> None:
        if session is not self._session:
            return
        self._session = None
        self._state = "ended"
        self._update_status()

    # Search and filter.

    def _set_search(self, text: str) -> None:
        self._search_text = text
        try:
            pattern = compile_query(text)
            self._search_error = ""
        except PatternError as exc:
            pattern = None
            self._search_error = str(exc)
        self.buffer.set_search(pattern)
        self.view.current_hit = None
        self.view.restyle()
        self._update_status()

    def _set_filter(self, text: str) -> None:
        self._filter_text = text
        try:
            pattern = compile_query(text)
            self._filter_error = ""
        except PatternError as exc:
            pattern = None
            self._filter_error = str(exc)
        self.buffer.set_filter(pattern)
        self.view.current_hit = None
        self.view.relayout()
        self._update_status()

    def _jump(self, number: int | None) -> None:
        if number is not None:
            self.view.show_hit(number)
        self._update_status()

    def _open_input(self, input_id: str, value: str) -> None:
        field = self.query_one(input_id, Input)
        for other in self.query(Input):
            if other is not field:
                other.remove_class("-open")
        field.value = value
        field.add_class("-open")
        field.focus()

    def _close_input(self, field: Input) -> None:
        self.view.focus()
        field.remove_class("-open")

    # Status.

    def _update_status(self) -> None:
        view = self.view
        parts = [self._title or "logs"]
        if self.sources:
            count = len(self.sources)
            parts.append(f"{count} container{'' if count == 1 else 's'}")
        state = self._state
        if state == "lost":
            parts.append(self._problem)
        elif state == "none":
            parts.append("no containers to follow")
        elif not view.following:
            parts.append(f"paused — {view.new_lines:,} new lines")
        else:
            parts.append({"idle": "not following", "following": "following"}.get(state, state))
        if self._filter_error:
            parts.append(self._filter_error)
        elif self.buffer.filter is not None:
            parts.append(
                f'filter "{self._filter_text}": '
                f"{self.buffer.shown_count:,} of {len(self.buffer):,} lines"
            )
        if self._search_error:
            parts.append(self._search_error)
        elif self.buffer.search is not None:
            parts.append(f'search "{self._search_text}": {self._hits_text()}')
        if self.buffer.dropped:
            parts.append(f"{self.buffer.dropped:,} earlier lines dropped")
        parts.append("tail all" if self.tail is None else f"tail {self.tail:,}")
        if self.wrap:
            parts.append("wrap")
        if self.timestamps:
            parts.append("timestamps")
        text = "  ·  ".join(parts)
        if text != self._status_text:
            self._status_text = text
            status = self.query_one("#log-status", Static)
            status.update(Text(text, no_wrap=True, overflow="ellipsis"), layout=False)
            status.set_class(state == "lost" or bool(self._search_error), "-lost")
            status.set_class(not view.following and state != "lost", "-paused")

    def _hits_text(self) -> str:
        hits = self.buffer.hits
        if not hits:
            return "no hits"
        current = self.view.current_hit
        index = None if current is None else self.buffer.hit_index(current)
        if index is None:
            return f"{len(hits):,} hit{'' if len(hits) == 1 else 's'}"
        return f"hit {index + 1:,}/{len(hits):,}"

    @property
    def status_text(self) -> str:
        """What the status line says."""
        return self._status_text

    def plain_text(self) -> str:
        """Every line shown (the filter applied), as on screen without colour, one per line."""
        stamps = "clock" if self.timestamps else None
        width = self.view.name_width
        plain = self.buffer.plain
        return "".join(plain(n, width, stamps) for n in self.buffer.shown_numbers())

    # Handlers.

    def on_mount(self) -> None:
        self._update_status()

    def on_unmount(self) -> None:
        self._close_session()

    def watch_timestamps(self, value: bool) -> None:
        self.view.set_options(timestamps=value, wrap=self.wrap)
        self._update_status()

    def watch_wrap(self, value: bool) -> None:
        self.view.set_options(timestamps=self.timestamps, wrap=value)
        self._update_status()

    def on_log_view_follow_changed(self, event: LogView.FollowChanged) -> None:
        self._update_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A reader that died of something other than the feed's ClawError (a defect) still
        says so, instead of leaving a pane that looks as if it were following."""
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            self._close_session()
            self._state = "lost"
            self._problem = f"log reader failed: {event.worker.error!r}"
            self._update_status()

    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._set_search(event.value)

    @on(Input.Submitted, "#log-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._close_input(event.input)
        top = self.view.top_number()
        self._jump(self.buffer.hit_after(top if top is not None else 0, inclusive=True))

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._set_filter(event.value)

    @on(Input.Submitted, "#log-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._close_input(event.input)

    # Actions.

    def action_toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def action_toggle_pause(self) -> None:
        if self.view.following:
            self.view.pause()
        else:
            self.view.resume()
        self._update_status()

    def action_resume(self) -> None:
        self.view.resume()
        self._update_status()

    def action_search(self) -> None:
        self._open_input("#log-search", self._search_text)

    def action_filter(self) -> None:
        self._open_input("#log-filter", self._filter_text)

    def action_clear_filter(self) -> None:
        self.query_one("#log-filter", Input).value = ""
        self._set_filter("")

    def action_next_hit(self) -> None:
        current = self.view.current_hit
        if current is None:
            top = self.view.top_number()
            self._jump(self.buffer.hit_after(top if top is not None else 0, inclusive=True))
        else:
            self._jump(self.buffer.hit_after(current))

    def action_previous_hit(self) -> None:
        current = self.view.current_hit
        if current is None:
            current = self.view.top_number()
        self._jump(self.buffer.hit_before(current if current is not None else 0))

    def action_cycle_tail(self) -> None:
        sizes = TAIL_SIZES
        position = sizes.index(self.tail) if self.tail in sizes else -1
        self.tail = sizes[(position + 1) % len(sizes)]
        if self.key is not None and self._open_feed is not None:
            key, self.key = self.key, None  # a new follow: cleared, with the new tail
            self.follow(key, self._title, self.sources, self._open_feed)
        self._update_status()

    def action_save(self) -> None:
        numbers = self.buffer.shown_numbers()
        if not numbers:
            self.notify("no lines to save", severity="warning")
            return
        key = _UNSAFE.sub("_", self.key or "logs").strip("_") or "logs"
        path = Path.cwd() / f"claw-logs-{key}-{datetime.now():%Y%m%d-%H%M%S}.log"
        width = self.view.name_width
        try:
            with path.open("w", encoding="utf-8") as out:
                out.writelines(self.buffer.plain(n, width, "iso") for n in numbers)
        except OSError as exc:
            self.notify(f"could not save the logs: {exc}", severity="error")
            return
        self.notify(f"saved {len(numbers):,} lines to {path}")

    def action_clear(self) -> None:
        self.buffer.clear()
        self.view.reset()
        self._update_status()

    def action_escape(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, Input) and focused.id == "log-search":
            self._close_input(focused)
        elif isinstance(focused, Input) and focused.id == "log-filter":
            if not focused.value:
                self._set_filter("")
            self._close_input(focused)
        elif self._search_text:
            self.query_one("#log-search", Input).value = ""
            self._set_search("")
        else:
            raise SkipAction()
