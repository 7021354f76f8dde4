"""The Config pane: the files generated for a node, one at a time, highlighted, secrets masked.

Passive: the app hands over (display path, text) pairs through :meth:`ConfigPane.show` (as the
pod view's Config tab, the node's planned files through :meth:`ConfigPane.show_selection`); a list
on the left picks the file (arrow keys, mouse, or ``[`` and ``]`` from anywhere in the pane; the
pod view sends those on from wherever its focus is while the tab shows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.content import Content
from textual.theme import Theme
from textual.widgets import OptionList, Static

from clawlib.secrets import mask_secrets

from ..model import config_files
from .detail_pane import DetailPane

if TYPE_CHECKING:
    from ..state import PodState, Selection

__all__ = ["EMPTY_CONFIG", "ConfigPane", "lexer_for", "short_path"]

EMPTY_CONFIG = "No generated files for this node (plain services have none)"
_FILE_NAME = re.compile(r"[^\s:#()]+")
_LIST_WIDTH = 36
"""Cells of the file list (``#config-files`` in DEFAULT_CSS) when the pane is wide enough."""
_LEXERS = {".json": "json", ".yml": "yaml", ".yaml": "yaml", ".md": "markdown"}


def lexer_for(path: str) -> str:
    """The Pygments lexer for a display path, by its file extension (``text`` when unknown).
    Anything after the file name (``compose.generated.yml: services.web``) is ignored."""
    name = _FILE_NAME.match(path)
    return _LEXERS.get(PurePosixPath(name.group(0) if name else path).suffix.lower(), "text")


def short_path(path: str, limit: int = _LIST_WIDTH - 2) -> str:
    """``path`` for the narrow file list: leading directories dropped (``…/config/x.json``)
    until it fits in ``limit`` cells, the file name always kept."""
    parts = path.split("/")
    for start in range(len(parts) - 1):
        label = "/".join(parts[start:]) if start == 0 else "…/" + "/".join(parts[start:])
        if len(label) <= limit:
            return label
    return path if len(parts) == 1 else "…/" + parts[-1]


class ConfigPane(DetailPane):
    """A node's generated files: a list of paths and the chosen file, always masked."""

    HELP_GROUP = "Config"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "previous_file", "Previous file", id="config.previous"),
        Binding("right_square_bracket", "next_file", "Next file", id="config.next"),
    ]

    DEFAULT_CSS = """
    ConfigPane { height: 1fr; }
    ConfigPane > .pane-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    ConfigPane > #config-empty { padding: 1 1; color: $text-muted; }
    ConfigPane > #config-body { height: 1fr; }
    ConfigPane #config-files { width: 36; max-width: 40%; height: 1fr; border: none; }
    ConfigPane #config-file { width: 1fr; }
    ConfigPane #config-path { height: 1; padding: 0 1; color: $text-muted; }
    ConfigPane #config-view { height: 1fr; background: $surface; }
    ConfigPane #config-text { width: auto; height: auto; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._title = Static(classes="pane-title")
        self._empty = Static(Content(EMPTY_CONFIG), id="config-empty")
        self._files_list = OptionList(id="config-files")
        self._view = ScrollableContainer(id="config-view")
        self._path = Static(id="config-path")
        self._text = Static(id="config-text")
        self._files: tuple[tuple[str, str], ...] = ()
        self._shown: tuple[str, tuple[tuple[str, str], ...]] | None = None
        self._current: str | None = None
        self._labels: list[str] = []
        self._selected: tuple[Selection, PodState] | None = None
        """What :meth:`show_selection` showed last."""

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._empty
        with Horizontal(id="config-body"):
            yield self._files_list
            with Vertical(id="config-file"):
                yield self._path
                with self._view:
                    yield self._text

    @property
    def paths(self) -> tuple[str, ...]:
        """The display paths offered, in order."""
        return tuple(path for path, _ in self._files)

    @property
    def selected_path(self) -> str | None:
        """The file on display (None when there is none)."""
        return self._current

    @property
    def shown_text(self) -> str:
        """The text on display, as masked for the screen."""
        return dict(self._files).get(self._current or "", "")

    def show(self, title: str, files: Sequence[tuple[str, str]]) -> None:
        """Offer ``files`` ((display path, text) pairs) under ``title``. The file on display
        stays selected, and scrolled where it was, when it is offered again (a refresh after a
        re-plan); an unchanged file is not rendered again."""
        masked = tuple((path, mask_secrets(text)) for path, text in files)
        self._shown = (title, masked)
        if not self.is_mounted:
            return
        self._title.update(Content(title))
        same_paths = [p for p, _ in masked] == list(self.paths)
        before = self.shown_text
        self._files = masked
        self._empty.display = not masked
        self.query_one("#config-body").display = bool(masked)
        if not masked:
            self._files_list.clear_options()
            self._current = None
            self._path.update("")
            self._text.update("")
            return
        keep = self._current if self._current in self.paths else None
        if not same_paths:
            self._labels = self._fitted_labels()
            self._files_list.set_options(Content(label) for label in self._labels)
        index = self.paths.index(keep) if keep is not None else 0
        if self._files_list.highlighted != index:
            self._files_list.highlighted = index
        if keep is None or self.shown_text != before:
            self._render_file(self.paths[index], reset_scroll=keep is None)

    def show_selection(self, selection: Selection, state: PodState) -> None:
        """The node's planned files: the compose file for the pod, else each claw's runtime
        files, its generated Dockerfile and its compose services' blocks. Only made again when
        the node or the plan changed."""
        before = self._selected
        self._selected = (selection, state)
        if (
            before is not None
            and before[0] == selection
            and before[1].plan is state.plan
            and before[1].planned is state.planned
        ):
            return
        files: list[tuple[str, str]] = []
        if state.plan is not None:
            groups = None if selection.is_pod else selection.groups
            plan = state.plan
            files = config_files(plan.compose, plan.files, state.planned, groups, plan.config_files)
        self.show(selection.title, files)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)
        if self._shown is not None:
            self.show(*self._shown)
        else:
            self.show("", ())

    def on_resize(self) -> None:
        self.call_after_refresh(self._relabel)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        # The list's own state, not the event's index: a refresh may have moved it since.
        index = self._files_list.highlighted
        if index is not None and index < len(self._files) and self.paths[index] != self._current:
            self._render_file(self.paths[index], reset_scroll=True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._view.focus()

    def _theme_changed(self, _theme: str | Theme) -> None:
        if self._current is not None:
            self._render_file(self._current, reset_scroll=False)

    def action_previous_file(self) -> None:
        self.step(-1)

    def action_next_file(self) -> None:
        self.step(+1)

    def step(self, delta: int) -> None:
        """Show the file ``delta`` places down the list (up when negative), going round."""
        if not self._files:
            return
        index = self.paths.index(self._current) if self._current in self.paths else 0
        index = (index + delta) % len(self._files)
        self._files_list.highlighted = index
        self._render_file(self.paths[index], reset_scroll=True)

    def _fitted_labels(self) -> list[str]:
        width = self._files_list.scrollable_content_region.width
        return [short_path(path, width if width > 0 else _LIST_WIDTH - 2) for path in self.paths]

    def _relabel(self) -> None:
        """Shorten the paths again for the list's width now (the pane was resized)."""
        labels = self._fitted_labels()
        if len(labels) != len(self._labels):
            return
        for index, (old, new) in enumerate(zip(self._labels, labels, strict=True)):
            if old != new:
                self._files_list.replace_option_prompt_at_index(index, Content(new))
        self._labels = labels

    def _render_file(self, path: str, *, reset_scroll: bool) -> None:
        self._current = path
        text, lexer = self.shown_text, lexer_for(path)
        lines = len(text.splitlines())
        self._path.update(Content(f"{path} · {lexer} · {lines} line{'' if lines == 1 else 's'}"))
        theme = "ansi_dark" if self.app.current_theme.dark else "ansi_light"
        # Rich numbers an empty line after a final newline: leave it off.
        code = text.removesuffix("\n")
        self._text.update(Syntax(code, lexer, theme=theme, line_numbers=True))
        if reset_scroll:
            self._view.scroll_home(animate=False)
