"""The Inspect pane: what a node is, planned and running, section by section, secrets masked.

Passive: the app hands over the engine's inspect document (None when nothing runs), the planned
claw and the planned compose service through :meth:`InspectPane.show`. What each section holds is
decided in :mod:`clawtui.inspection`; this widget only lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from clawlib.runtime import ResolvedClaw
from clawtui.inspection import InspectView, Section, inspect_view

__all__ = ["InspectPane"]


class _SectionView(Vertical):
    """A heading over aligned key/value rows."""

    def __init__(self) -> None:
        super().__init__(classes="inspect-section")
        self.heading = Static(classes="heading")
        self.rows = Static(classes="rows")

    def compose(self) -> ComposeResult:
        yield self.heading
        yield self.rows

    def show(self, section: Section, key_width: int) -> None:
        self.heading.update(Content(section.title))
        if not section.rows:
            self.rows.update(Content(section.empty))
            self.rows.add_class("-empty")
            return
        self.rows.remove_class("-empty")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True, min_width=key_width)
        grid.add_column(overflow="fold")
        for key, value in section.rows:
            grid.add_row(Text(key), Text(value))
        self.rows.update(grid)


class InspectPane(Widget):
    """A node's claw, container, image metadata, security, mounts, networks and environment.

    Without a container, the planned service stands in, under a note saying so.
    """

    DEFAULT_CSS = """
    InspectPane { height: 1fr; }
    InspectPane > .pane-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    InspectPane > #inspect-body { height: 1fr; padding: 0 1; }
    InspectPane #inspect-note { color: $warning; margin-top: 1; }
    InspectPane .inspect-section { height: auto; margin-top: 1; }
    InspectPane .inspect-section > .heading { color: $accent; text-style: bold; }
    InspectPane .inspect-section > .rows { padding-left: 2; }
    InspectPane .inspect-section > .rows.-empty { color: $text-muted; text-style: italic; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._title = Static(classes="pane-title")
        self._body = VerticalScroll(id="inspect-body")
        self._note = Static(id="inspect-note")
        self._sections: list[_SectionView] = []
        self._shown: tuple[str, InspectView] | None = None
        self._displayed_title: str | None = None

    def compose(self) -> ComposeResult:
        yield self._title
        with self._body:
            yield self._note

    @property
    def view(self) -> InspectView | None:
        """What is on display (None before the first :meth:`show`)."""
        return self._shown[1] if self._shown else None

    def show(
        self,
        title: str,
        *,
        inspect: Mapping[str, Any] | None,
        claw: ResolvedClaw | None,
        service: Mapping[str, Any] | None,
    ) -> None:
        """Show a node: ``inspect`` is the engine's inspect document of its container (None when
        there is none), ``claw`` its planned claw (None for a plain service), ``service`` its
        planned compose service (None when not planned)."""
        self._shown = (title, inspect_view(inspect=inspect, claw=claw, service=service))
        if self.is_mounted:
            self._display(*self._shown)

    def on_mount(self) -> None:
        self._note.display = False
        if self._shown is not None:
            self._display(*self._shown)

    def _display(self, title: str, view: InspectView) -> None:
        if title != self._displayed_title:  # another node: start at its top
            self._body.scroll_home(animate=False)
        self._displayed_title = title
        self._title.update(Content(title))
        self._note.update(Content(view.note or ""))
        self._note.display = view.note is not None
        # One key column width for every section, so values line up down the pane.
        key_width = max((len(k) for s in view.sections for k, _ in s.rows), default=0)
        with self.app.batch_update():
            for section_view in self._sections[len(view.sections) :]:
                section_view.remove()
            del self._sections[len(view.sections) :]
            added = [_SectionView() for _ in range(len(view.sections) - len(self._sections))]
            self._sections += added
            for section_view, section in zip(self._sections, view.sections, strict=True):
                section_view.show(section, key_width)
            if added:
                self._body.mount_all(added)
