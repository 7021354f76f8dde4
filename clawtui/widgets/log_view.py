"""The scrolling view of the log pane: the shown lines of a ring buffer, rendered row by row.

:class:`LogView` renders only the rows on screen (Line API) from a
:class:`~clawtui.logbuffer.LogBuffer`, with wrap, timestamps, per-container colours and search
highlights, and pauses following when the reader scrolls up. Wrapped rows hang under the message,
after the timestamp and the container's name, so the names column stays clear. The colours come
from the current theme, worked out once per theme (:meth:`LogView.notify_style_update`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.events import MouseScrollUp, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from clawlib.engine import LogSource
from clawtui.colours import name_colours, readable, text_style
from clawtui.logbuffer import (
    BAR,
    MARKER,
    STDERR,
    Batch,
    LogBuffer,
    WrapIndex,
    clock,
)

if TYPE_CHECKING:
    pass


__all__ = ["NAME_COLOURS", "LogView"]


NAME_COLOURS = 10
"""Colours of the container names (hues spread from the theme's primary colour), given in order
of first appearance."""

_MIN_CACHE = 64
"""Fewest lines whose rendered rows are kept."""
_STAMP = 13
"""Cells of the timestamp column: ``HH:MM:SS.mmm`` and a space."""
_MIN_ROOM = 16
"""Fewest cells of message a wrapped row keeps: with less room beside the timestamp and name,
the rows after the first start at the left edge instead of under the message."""


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
        & > .log-view--stderr { color: $text-error; }
        & > .log-view--marker { color: $text-muted; text-style: italic; }
        & > .log-view--timestamp { color: $text-muted; }
        & > .log-view--bar { color: $text-muted; }
        & > .log-view--match { background: $warning 40%; color: auto 90%; }
        & > .log-view--current-match { background: $warning; color: auto 90%; }
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
                self._colours[name] = len(self._colours) % NAME_COLOURS
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
        # Cells of a row after the first: the width less the indent under the message.
        line_rest = width - _hang(prefix, width)
        marker_rest = width - _hang(stamp, width)
        buffer = self.buffer
        texts, metas, first = buffer.texts, buffer.metas, buffer.first
        heights: list[int] = []
        append = heights.append
        for number in buffer.shown_numbers(start, stop):
            text = texts[number - first]
            cells = len(text) if text.isascii() else cell_len(text)
            if metas[number - first] & 3 == MARKER:
                cells += stamp
                rest = marker_rest
            else:
                cells += prefix
                rest = line_rest
            append(1 if cells <= width else 1 - (-(cells - width) // rest))
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
            background = self.background_colors[1]

            def text(component: str) -> Style:
                return base + text_style(self, component, background)

            def highlight(component: str) -> Style:
                style = part(component)
                if style.color is None or style.bgcolor is None:
                    return style
                behind = Color.from_rich_color(style.bgcolor)
                colour = readable(Color.from_rich_color(style.color), behind)
                return style + Style(color=colour.rich_color)

            anchor = Color.parse(self.app.theme_variables["primary"])
            self._styles = _Styles(
                text=base,
                stderr=text("log-view--stderr"),
                marker=text("log-view--marker"),
                timestamp=text("log-view--timestamp"),
                bar=text("log-view--bar"),
                match=highlight("log-view--match"),
                current=highlight("log-view--current-match"),
                names=tuple(
                    base + Style(color=colour.rich_color)
                    for colour in name_colours(anchor, background, NAME_COLOURS)
                ),
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
            segments, cells, fixed = self._segments(number)
            pad = self._get_styles().text
            if self.wrap and cells > width:
                # The rows after the first hang under the message, after the fixed columns.
                hang = _hang(fixed, width)
                rest = width - hang
                cuts = [width, *range(width + rest, cells, rest), cells]
                pieces = list(Segment.divide(segments, cuts))
                indent = [Segment(" " * hang, pad)] if hang else []
                rows = [_row(pieces[0], width, pad)]
                rows += [_row([*indent, *piece], width, pad) for piece in pieces[1:]]
            elif self.wrap:
                rows = [_row(segments, width, pad)]
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

    def _segments(self, number: int) -> tuple[list[Segment], int, int]:
        """The segments of line ``number``, how many cells they take, and how many of those
        come before the message (timestamp, name)."""
        text, meta, stamp = self.buffer.line(number)
        styles = self._get_styles()
        segments = []
        fixed = 0
        if self.timestamps:
            segments.append(Segment(clock(stamp) + " ", styles.timestamp))
            fixed = _STAMP
        kind = meta & 3
        if kind == MARKER:
            style = styles.marker
        else:
            name = self.buffer.sources[meta >> 2].name
            slot = self._colours.get(name, 0)
            segments.append(Segment(name.ljust(self._name_width), styles.names[slot]))
            segments.append(Segment(BAR, styles.bar))
            fixed += self._name_width + len(BAR)
            style = styles.stderr if kind == STDERR else styles.text
        cells = fixed + _cells(text)
        search = self.buffer.search
        if search is None:
            segments.append(Segment(text, style))
            return segments, cells, fixed
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
        return segments, cells, fixed

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


def _hang(fixed: int, width: int) -> int:
    """The indent of the wrapped rows of a line whose message starts ``fixed`` cells in, at
    ``width``: under the message, or none when that leaves less than :data:`_MIN_ROOM`."""
    return fixed if width - fixed >= _MIN_ROOM else 0


def _row(segments: list[Segment], width: int, pad: Style) -> Strip:
    """A strip of exactly ``width`` cells: ``segments`` (at most that wide), then blanks."""
    used = sum(_cells(segment.text) for segment in segments)
    if used < width:
        segments = [*segments, Segment(" " * (width - used), pad)]
    return Strip(segments, width)
