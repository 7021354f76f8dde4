"""One line under the pod view: the engine, the project, the plan and the last action."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

__all__ = ["StatusBar"]


class StatusBar(Static):
    """Engine connection (and why not), project name, plan state, last action's outcome."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--ok",
        "status-bar--warning",
        "status-bar--error",
        "status-bar--muted",
    }
    DEFAULT_CSS = """
    StatusBar > .status-bar--ok { color: $success; }
    StatusBar > .status-bar--warning { color: $warning; }
    StatusBar > .status-bar--error { color: $error; }
    StatusBar > .status-bar--muted { color: $text-muted; }
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    """

    engine: reactive[str] = reactive("connecting")
    """``connecting``, ``connected`` or ``unreachable``."""
    engine_detail: reactive[str] = reactive("")
    project: reactive[str] = reactive("")
    plan_state: reactive[str] = reactive("planning…")
    plan_level: reactive[str] = reactive("muted")
    """``ok``, ``warning``, ``error`` or ``muted``: the colour of the plan state."""
    action: reactive[str] = reactive("")

    def _style(self, level: str) -> Style:
        return self.get_component_rich_style(f"status-bar--{level}", partial=True)

    def render(self) -> Text:
        engine_colour = self._style(
            {"connected": "ok", "unreachable": "error"}.get(self.engine, "warning")
        )
        mark = "●" if self.engine == "connected" else "○"
        text = Text.assemble((f"{mark} engine {self.engine}", engine_colour))
        if self.engine_detail:
            text.append(f": {self.engine_detail}", engine_colour)
        if self.project:
            text.append("  │  project ")
            text.append(self.project, "bold")
        text.append("  │  ")
        text.append(self.plan_state, self._style(self.plan_level))
        if self.action:
            text.append("  │  ")
            text.append(self.action, self._style("muted"))
        return text
