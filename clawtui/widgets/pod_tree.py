"""The pod tree: pod → services (claw type, count, image) → containers, with state and health.

The labels are Rich text built when the pod changes, in colours taken from the theme then: a
change of theme builds them again (:meth:`PodTree.notify_style_update`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from clawlib.lifecycle import ContainerHealth

from ..colours import text_style
from ..model import ContainerRow, ServiceGroup, container_state, health_verdict
from ..state import POD_KEY

__all__ = ["POD_KEY", "PodTree"]

_STATE_COLOURS = {
    "running": "ok",
    "missing": "muted",
    "unknown": "muted",
    "created": "muted",
    "stopped": "muted",
    "paused": "warning",
    "restarting": "warning",
    "crash-looping": "error",
}
_HEALTH_COLOURS = {
    "healthy": "ok",
    "unhealthy": "error",
    "starting": "warning",
    "stopped": "muted",
    "error": "muted",
}
_ROLE_MARKS = {"proxy": "◆ "}
"""A mark before the kind of a service claw adds to the pod for a role (the governance proxy)."""
_HEALTH_MARKS = {"healthy": "♥", "unhealthy": "✗", "starting": "…", "stopped": "■", "error": "?"}


_Shown = tuple[str, Sequence[ServiceGroup], Mapping[str, ContainerHealth], datetime, str, bool]


class PodTree(Tree[str]):
    """The pod's services and containers; each node's data is its key (``pod``,
    ``service:NAME`` or ``container:SERVICE#NUMBER``), which
    :meth:`clawtui.state.Selection.of` turns into a selection."""

    HELP_GROUP = "Tree"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pod-tree--ok",
        "pod-tree--warning",
        "pod-tree--error",
        "pod-tree--muted",
        "pod-tree--accent",
    }
    DEFAULT_CSS = """
    PodTree { scrollbar-size-vertical: 1; }
    PodTree > .pod-tree--ok { color: $text-success; }
    PodTree > .pod-tree--warning { color: $text-warning; }
    PodTree > .pod-tree--error { color: $text-error; }
    PodTree > .pod-tree--muted { color: $text-muted; }
    PodTree > .pod-tree--accent { color: $text-accent; }
    """

    def __init__(self, pod: str, *, id: str | None = None) -> None:
        super().__init__(pod, data=POD_KEY, id=id)
        self.show_root = True
        self.guide_depth = 3
        self._shape: list[str] = []
        self._by_key: dict[str, TreeNode[str]] = {POD_KEY: self.root}
        self._known = True
        self._shown: _Shown | None = None
        """The arguments of the last :meth:`show`, to build the labels again in a new theme."""
        self._theme: tuple[str, Color] | None = None
        """The theme and the background the labels were last coloured for."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._shown is None or not self.is_attached:
            return
        theme = (self.app.theme, self.background_colors[1])
        if theme != self._theme:
            pod, groups, health, now, note, engine_up = self._shown
            self.show(pod, groups, health, now, note, engine_up=engine_up)

    def show(
        self,
        pod: str,
        groups: Sequence[ServiceGroup],
        health: Mapping[str, ContainerHealth],
        now: datetime,
        note: str = "",
        *,
        engine_up: bool = True,
    ) -> None:
        """Show ``groups`` (health by container name); keep the cursor on the same key.
        Without the engine, a planned service with no container known is ``unknown``, not
        ``missing``."""
        self._known = engine_up
        self._shown = (pod, groups, health, now, note, engine_up)
        self._theme = (self.app.theme, self.background_colors[1])
        shape = [g.key for g in groups] + [r.key for g in groups for r in g.rows]
        if shape != self._shape:
            self._rebuild(groups)
            self._shape = shape
        running = sum(1 for g in groups for c in g.containers if c.running)
        total = sum(len(g.rows) for g in groups)
        summary = f"{len(groups)} services · {running}/{total} running"
        if not engine_up:
            summary = f"{len(groups)} services · {total} containers, states unknown"
        self.root.set_label(
            Text.assemble((pod, "bold"), "  ", (note or summary, self._colour("muted")))
        )
        for group in groups:
            self._by_key[group.key].set_label(self._group_label(group, health, now))
            for row in group.rows:
                self._by_key[row.key].set_label(self._row_label(group, row, health, now))

    def _rebuild(self, groups: Sequence[ServiceGroup]) -> None:
        selected = self.cursor_node.data if self.cursor_node is not None else None
        collapsed = {key for key, node in self._by_key.items() if not node.is_expanded}
        self.clear()
        self.root.expand()
        self._by_key = {POD_KEY: self.root}
        for group in groups:
            node = self.root.add(group.name, data=group.key, expand=group.key not in collapsed)
            self._by_key[group.key] = node
            for row in group.rows:
                self._by_key[row.key] = node.add_leaf(row.service, data=row.key)
        target = self._by_key.get(selected or POD_KEY, self.root)
        # A new node has no line until the tree's lines are built (on the next idle): moving
        # the cursor to it before that would put it on the root, and the selection with it.
        self._tree_lines  # noqa: B018 (the property builds them)
        self.move_cursor(target)

    def _colour(self, name: str) -> Style:
        """The style of ``ok``, ``warning``, ``error``, ``muted`` or ``accent`` (theme colours)."""
        return text_style(self, f"pod-tree--{name}")

    def _group_label(
        self, group: ServiceGroup, health: Mapping[str, ContainerHealth], now: datetime
    ) -> Text:
        count = f" ×{len(group.rows)}" if len(group.rows) > 1 else ""
        marked = group.claw_type or group.role
        label = Text.assemble(
            (group.name, "bold"),
            (count, "bold"),
            "  ",
            (_ROLE_MARKS.get(group.role or "", ""), self._colour("accent")),
            (group.kind, self._colour("accent") if marked else self._colour("muted")),
        )
        # What needs attention first; the image last, where a narrow tree cuts it.
        states = [container_state(row, now, known=self._known) for row in group.rows]
        worst = _worst_state(states)
        if worst != "running":
            label.append("  ")
            label.append(worst, self._colour(_state_colour(worst)))
        verdicts = [health_verdict(row.container, health.get(_name(row))) for row in group.rows]
        verdict = _worst_health([v for v in verdicts if v])
        if verdict:
            label.append("  ")
            label.append(_HEALTH_MARKS[verdict], self._colour(_HEALTH_COLOURS[verdict]))
        if not group.planned:
            label.append("  not in plan", self._colour("warning"))
        if group.governs:
            label.append(f"  governs {', '.join(group.governs)}", self._colour("muted"))
        label.append(f"  {group.image}", self._colour("muted"))
        return label

    def _row_label(
        self,
        group: ServiceGroup,
        row: ContainerRow,
        health: Mapping[str, ContainerHealth],
        now: datetime,
    ) -> Text:
        name = row.container.name if row.container else row.service
        label = Text()
        if row.ordinal is not None:
            label.append(f"#{row.ordinal} ", self._colour("muted"))
        label.append(name)
        state = container_state(row, now, known=self._known)
        label.append("  ")
        label.append(state, self._colour(_state_colour(state)))
        verdict = health_verdict(row.container, health.get(_name(row)))
        if verdict:
            label.append("  ")
            label.append(
                f"{_HEALTH_MARKS[verdict]} {verdict}", self._colour(_HEALTH_COLOURS[verdict])
            )
        if row.container and row.container.restart_count:
            label.append(f"  ↻{row.container.restart_count}", self._colour("warning"))
        return label


def _name(row: ContainerRow) -> str:
    return row.container.name if row.container else ""


def _state_colour(state: str) -> str:
    if state.startswith("exited"):
        return "error"
    return _STATE_COLOURS.get(state, "muted")


_STATE_ORDER = (
    "crash-looping",
    "restarting",
    "exited",
    "missing",
    "unknown",
    "paused",
    "stopped",
    "created",
)


def _worst_state(states: Sequence[str]) -> str:
    for worst in _STATE_ORDER:
        for state in states:
            if state.startswith(worst):
                return state
    return "running" if states else "missing"


def _worst_health(verdicts: Sequence[str]) -> str | None:
    for worst in ("unhealthy", "starting", "error", "stopped", "healthy"):
        if worst in verdicts:
            return worst
    return None
