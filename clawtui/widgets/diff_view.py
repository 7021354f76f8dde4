"""A scrollable, coloured view of one generated file's diff, unified or side by side."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from clawlib.planner import FileChange
from clawtui.diffing import DiffLine, SideRow, clean_text, parse_diff, side_by_side

__all__ = ["SYMBOLS", "DiffMode", "DiffView"]

DiffMode = Literal["unified", "side-by-side"]
SYMBOLS = {"add": "+", "change": "~", "remove": "-"}
"""The plan's symbol for each kind of file change (as ``claw plan`` prints them)."""

_SIGNS = {"add": "+", "remove": "-"}
_SEPARATOR = "│"


class DiffView(ScrollView):
    """One :class:`~clawlib.planner.FileChange`, coloured: added lines in the success colour,
    removed ones in the error colour, hunk headers in the accent colour, context dimmed.

    ``mode`` is ``unified`` (one column, the old and the new line number in the gutter) or
    ``side-by-side`` (the old file on the left, the new one on the right, each removed line
    facing the added line that replaces it). Long lines scroll sideways; side by side, both
    columns scroll together and the line numbers stay put. Secret values are masked whatever
    the diff text holds (:mod:`clawtui.diffing`).
    """

    HELP_GROUP = "Diff"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "toggle_mode", "Side by side", show=False, id="diff-view.toggle-mode"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--added",
        "diff-view--removed",
        "diff-view--context",
        "diff-view--hunk",
        "diff-view--note",
        "diff-view--gutter",
        "diff-view--empty",
    }

    DEFAULT_CSS = """
    DiffView {
        background: $surface;
        border: round $panel;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
    }
    DiffView:focus { border: round $primary; }
    DiffView > .diff-view--added { color: $success; background: $success 12%; }
    DiffView > .diff-view--removed { color: $error; background: $error 12%; }
    DiffView > .diff-view--context { color: $text-muted; }
    DiffView > .diff-view--hunk { color: $accent; background: $boost; text-style: bold; }
    DiffView > .diff-view--note { color: $text-muted; text-style: italic; }
    DiffView > .diff-view--gutter { color: $text-muted; }
    DiffView > .diff-view--empty { background: $boost; }
    """

    mode: reactive[DiffMode] = reactive("unified")
    """How the diff is laid out."""
    change: reactive[FileChange | None] = reactive(None)
    """The file shown; None shows :attr:`placeholder`."""
    placeholder: reactive[str] = reactive("No file selected.")
    """What the view says when it shows no file."""

    def __init__(
        self,
        change: FileChange | None = None,
        *,
        mode: DiffMode = "unified",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: tuple[DiffLine, ...] = ()
        self._pairs: tuple[SideRow, ...] = ()
        self._digits = 1
        self._longest = 0
        self.set_reactive(DiffView.mode, mode)
        self.set_reactive(DiffView.change, change)
        self._parse()

    def on_resize(self) -> None:
        self._measure()

    def watch_change(self) -> None:
        self._parse()
        self.scroll_to(0, 0, animate=False)

    def watch_mode(self) -> None:
        self._titles()
        self._measure()
        self.scroll_to(x=0, animate=False)

    def watch_placeholder(self) -> None:
        self.refresh()

    def action_toggle_mode(self) -> None:
        self.toggle_mode()

    # Public helpers.

    def toggle_mode(self) -> None:
        """Switch between the unified and the side-by-side layout."""
        self.mode = "side-by-side" if self.mode == "unified" else "unified"

    @property
    def row_count(self) -> int:
        """How many rows the current layout has."""
        if self.change is None:
            return 1
        return len(self._rows if self.mode == "unified" else self._pairs)

    def export_text(self) -> str:
        """Every row as the view draws it at its current width, unscrolled, one per line
        (trailing blanks dropped)."""
        width = self._width()
        return "\n".join(self._row(i, 0, width).text.rstrip() for i in range(self.row_count))

    # Rendering.

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self._width()
        index = scroll_y + y
        if index >= self.row_count:
            return Strip.blank(width, self.rich_style)
        return self._row(index, scroll_x, width)

    def _width(self) -> int:
        return max(self.scrollable_content_region.width, 0)

    def _parse(self) -> None:
        change = self.change
        self._rows = parse_diff(change.diff) if change is not None else ()
        self._pairs = side_by_side(self._rows)
        numbers = [n for r in self._rows for n in (r.old, r.new) if n is not None]
        self._digits = max(3, len(str(max(numbers, default=0))))
        self._longest = max(
            (Strip([Segment(r.text)]).cell_length for r in self._rows if r.kind != "hunk"),
            default=0,
        )
        self._titles()
        self._measure()

    def _titles(self) -> None:
        change = self.change
        self.border_title = (
            clean_text(f"{SYMBOLS[change.kind]} {change.path}") if change is not None else ""
        )
        self.border_subtitle = "side by side" if self.mode == "side-by-side" else "unified"

    def _measure(self) -> None:
        """Set the virtual size: one line per row, wide enough to scroll to the longest
        line's end (the gutters never scroll)."""
        if self.mode == "unified":
            width = self._unified_gutter() + self._longest
        else:
            total = self._width()
            overflow = max(self._longest - self._column_text_width(total), 0)
            width = total + overflow
        self.virtual_size = Size(width, self.row_count)
        self.refresh()

    def _unified_gutter(self) -> int:
        return 2 * self._digits + 4  # "old new ± "

    def _column_text_width(self, total: int) -> int:
        column = (total - len(_SEPARATOR)) // 2
        return max(column - (self._digits + 3), 0)

    def _style(self, kind: str) -> Style:
        return self.get_component_rich_style(f"diff-view--{kind}")

    def _line_style(self, line: DiffLine) -> Style:
        return self._style(
            {"add": "added", "remove": "removed", "context": "context", "hunk": "hunk"}.get(
                line.kind, "note"
            )
        )

    def _row(self, index: int, scroll_x: int, width: int) -> Strip:
        if self.change is None:
            return Strip([Segment(self.placeholder, self._style("note"))]).crop_extend(
                0, width, self.rich_style
            )
        if self.mode == "unified":
            return self._unified_row(self._rows[index], scroll_x, width)
        return self._side_row(self._pairs[index], scroll_x, width)

    def _banner(self, line: DiffLine, width: int) -> Strip:
        style = self._line_style(line)
        return Strip([Segment(line.text, style)]).crop_extend(0, width, style)

    def _unified_row(self, line: DiffLine, scroll_x: int, width: int) -> Strip:
        if line.kind in ("hunk", "meta"):
            return self._banner(line, width)
        digits = self._digits
        gutter = f"{_number(line.old, digits)} {_number(line.new, digits)} "
        return self._cell(gutter, line, scroll_x, width)

    def _side_row(self, row: SideRow, scroll_x: int, width: int) -> Strip:
        if row.banner is not None:
            return self._banner(row.banner, width)
        left_width = (width - len(_SEPARATOR)) // 2
        right_width = width - len(_SEPARATOR) - left_width
        left = self._side_cell(row.left, "old", scroll_x, left_width)
        right = self._side_cell(row.right, "new", scroll_x, right_width)
        separator = Strip([Segment(_SEPARATOR, self._style("gutter"))])
        return Strip.join([left, separator, right])

    def _side_cell(
        self, line: DiffLine | None, side: Literal["old", "new"], scroll_x: int, width: int
    ) -> Strip:
        if line is None:
            return Strip.blank(width, self._style("empty"))
        number = line.old if side == "old" else line.new
        return self._cell(f"{_number(number, self._digits)} ", line, scroll_x, width)

    def _cell(self, gutter: str, line: DiffLine, scroll_x: int, width: int) -> Strip:
        """``gutter``, the line's sign, then its text scrolled by ``scroll_x``, in ``width``
        cells."""
        style = self._line_style(line)
        head = Strip(
            [
                Segment(gutter, self._style("gutter")),
                Segment(f"{_SIGNS.get(line.kind, ' ')} ", style),
            ]
        )
        room = max(width - head.cell_length, 0)
        body = Strip([Segment(line.text, style)]).crop_extend(scroll_x, scroll_x + room, style)
        return Strip.join([head, body]).crop_extend(0, width, style)


def _number(value: int | None, digits: int) -> str:
    return str(value).rjust(digits) if value is not None else " " * digits
