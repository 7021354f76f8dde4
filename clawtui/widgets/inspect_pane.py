"""The Inspect pane: what a node is, planned and running, section by section, secrets masked.

Passive: the app hands over the engine's inspect document (None when nothing runs), the planned
claw and the planned compose service through :meth:`InspectPane.show`. What each section holds is
decided in :mod:`clawtui.inspection`; this widget only lays it out. As the pod view's Inspect
tab (:meth:`InspectPane.show_selection`), it reads the inspect document itself, in a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from clawlib.errors import ClawError
from clawlib.runtime import ResolvedClaw
from clawtui.inspection import InspectView, Section, inspect_view

from .detail_pane import DetailPane

if TYPE_CHECKING:
    from clawtui.state import PodState, Selection

__all__ = ["InspectPane"]

_KEY_MIN = 12
"""The narrowest key column: short keys never fold."""
_ASSUMED_WIDTH = 80
"""The pane's width assumed before it is laid out."""


class _SectionView(Vertical):
    """A heading over aligned key/value rows."""

    def __init__(self) -> None:
        super().__init__(classes="inspect-section")
        self.heading = Static(classes="heading")
        self.rows = Static(classes="rows")

    def compose(self) -> ComposeResult:
        yield self.heading
        yield self.rows

    def show(self, section: Section, key_width: int, key_cap: int) -> None:
        """Lay ``section`` out with its keys in a column ``key_width`` wide (the widest key of
        the pane, so values line up down it), but never wider than ``key_cap``: a longer key
        folds onto the next line rather than squeezing the values to nothing."""
        self.heading.update(Content(section.title))
        if not section.rows:
            self.rows.update(Content(section.empty))
            self.rows.add_class("-empty")
            return
        self.rows.remove_class("-empty")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", min_width=key_width, max_width=key_cap, overflow="fold")
        grid.add_column(overflow="fold")
        for key, value in section.rows:
            grid.add_row(Text(key), Text(value))
        self.rows.update(grid)


class InspectPane(DetailPane):
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

    class Inspected(Message, bubble=False):
        """The inspect document of the container of the node ``key`` was read."""

        def __init__(self, key: str, document: dict[str, object]) -> None:
            super().__init__()
            self.key = key
            self.document = document

    def __init__(
        self,
        *,
        inspect: Callable[[str], Mapping[str, Any]] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``inspect`` reads a container's inspect document by ID (it may block, and raise
        ClawError); without it, :meth:`show_selection` shows the plan only."""
        super().__init__(name=name, id=id, classes=classes)
        self._inspect = inspect
        self._selected: tuple[Selection, PodState] | None = None
        """What :meth:`show_selection` showed last."""
        self._inspected: str | None = None
        """The key of the node whose container's inspect document is (being) read."""
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

    def show_selection(self, selection: Selection, state: PodState) -> None:
        """A service or container node: its plan at once, then (the engine up) the engine's
        inspect document of its container, or of the service's first. Read again when the
        node, the containers, the plan or the engine changed."""
        before = self._selected
        self._selected = (selection, state)
        if (
            before is not None
            and before[0] == selection
            and before[1].plan is state.plan
            and before[1].planned is state.planned
            and before[1].containers is state.containers
            and before[1].engine_up == state.engine_up
        ):
            return
        if selection.is_pod or not selection.groups:
            self._inspected = None
            self.show(selection.title, inspect=None, claw=None, service=None)
            return
        claw, service = _planned_of(selection, state)
        group = selection.groups[0]
        target = selection.container or next(iter(group.containers), None)
        if target is None or not state.engine_up or self._inspect is None:
            self._inspected = None
            self.show(selection.title, inspect=None, claw=claw, service=service)
            return
        if self._inspected != selection.key:  # a new node: its plan until the engine answers
            self.show(selection.title, inspect=None, claw=claw, service=service)
        self._inspected = selection.key
        self.load_inspect(self._inspect, selection.key, target.id)

    @work(thread=True, exclusive=True, group="inspect", exit_on_error=False)
    def load_inspect(
        self, inspect: Callable[[str], Mapping[str, Any]], key: str, container_id: str
    ) -> None:
        try:
            document = dict(inspect(container_id))
        except ClawError:
            return  # the engine watcher says what happened to the engine
        self.post_message(self.Inspected(key, document))

    def on_inspect_pane_inspected(self, message: Inspected) -> None:
        if self._selected is None or message.key != self._selected[0].key:
            return
        selection, state = self._selected
        if not selection.groups:
            return
        claw, service = _planned_of(selection, state)
        self.show(selection.title, inspect=message.document, claw=claw, service=service)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A read that died of something other than a ClawError (a defect): say so."""
        worker, error = event.worker, event.worker.error
        if event.state == WorkerState.ERROR and error is not None:
            self.notify(
                f"{type(error).__name__}: {error}", title=f"{worker.name} failed", severity="error"
            )

    def on_mount(self) -> None:
        self._note.display = False
        if self._shown is not None:
            self._display(*self._shown)

    def on_resize(self) -> None:
        if self._shown is not None:  # the key column's cap follows the pane's width
            self._display(*self._shown)

    def _display(self, title: str, view: InspectView) -> None:
        if title != self._displayed_title:  # another node: start at its top
            self._body.scroll_home(animate=False)
        self._displayed_title = title
        self._title.update(Content(title))
        self._note.update(Content(view.note or ""))
        self._note.display = view.note is not None
        # One key column width for every section, so values line up down the pane.
        key_cap = max(_KEY_MIN, (self._body.size.width or _ASSUMED_WIDTH) * 2 // 5)
        key_width = min(key_cap, max((len(k) for s in view.sections for k, _ in s.rows), default=0))
        with self.app.batch_update():
            for section_view in self._sections[len(view.sections) :]:
                section_view.remove()
            del self._sections[len(view.sections) :]
            added = [_SectionView() for _ in range(len(view.sections) - len(self._sections))]
            self._sections += added
            for section_view, section in zip(self._sections, view.sections, strict=True):
                section_view.show(section, key_width, key_cap)
            if added:
                self._body.mount_all(added)


def _planned_of(
    selection: Selection, state: PodState
) -> tuple[ResolvedClaw | None, Mapping[str, Any] | None]:
    """The planned claw (None for a plain service) and compose service of the selection's
    first group."""
    group = selection.groups[0]
    claw = state.plan.claws.get(group.name) if state.plan else None
    return claw, state.planned_service(group.rows[0].service)
