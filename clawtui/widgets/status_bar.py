"""One line under the pod view: zoom, the engine, the project, the plan and the last action.

The engine, project, plan and zoom are states, shown for as long as they hold. The action slot
says what is under way ("restart web…", shown until it ends) and how it ended: success clears
itself after :attr:`StatusBar.message_seconds`, so that an old "done" is not read as news;
a failure stays until the next message.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from ..colours import text_style

__all__ = ["MESSAGE_SECONDS", "StatusBar"]

MESSAGE_SECONDS = 6.0
"""How long a message that clears itself stays."""


class StatusBar(Static):
    """Zoom, engine connection (and why not), project name, plan state, last action."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--ok",
        "status-bar--warning",
        "status-bar--error",
        "status-bar--muted",
    }
    DEFAULT_CSS = """
    StatusBar > .status-bar--ok { color: $text-success; }
    StatusBar > .status-bar--warning { color: $text-warning; }
    StatusBar > .status-bar--error { color: $text-error; }
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
    """The action slot: set it through :meth:`say`."""
    zoomed: reactive[bool] = reactive(False)
    """The detail area has the whole width (the tree is hidden)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message_seconds = MESSAGE_SECONDS
        """How long :meth:`say` keeps a message by default."""
        self._expiry: Timer | None = None

    def say(self, text: str, *, lasting: bool = False) -> None:
        """Show ``text`` in the action slot, in place of what was there, for
        :attr:`message_seconds` (``lasting``: until the next message)."""
        if self._expiry is not None:
            self._expiry.stop()
            self._expiry = None
        self.action = text
        if text and not lasting:
            self._expiry = self.set_timer(self.message_seconds, self._expire)

    def _expire(self) -> None:
        self._expiry = None
        self.action = ""

    def _style(self, level: str) -> Style:
        return text_style(self, f"status-bar--{level}")

    def render(self) -> Text:
        engine_colour = self._style(
            {"connected": "ok", "unreachable": "error"}.get(self.engine, "warning")
        )
        mark = "●" if self.engine == "connected" else "○"
        text = Text()
        if self.zoomed:  # first: a narrow terminal cuts the end of the line
            text.append("zoomed (z)", self._style("warning"))
            text.append("  │  ")
        text.append(f"{mark} engine {self.engine}", engine_colour)
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
