"""The footer of the pod view: the keys that fit on one line, whole, and always the help key.

Textual's footer lays every shown key side by side and lets the line run off the screen: at 80
columns the pod view's keys pushed ``? Help`` and ``q Quit`` out of sight and cut one in half.
:class:`KeyFooter` keeps the keys in the footer's order (the focused widget's first, then the
view's, then the app's) while they fit, drops the rest, and keeps the help key in any case; the
help screen lists every key.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["HELP_KEY", "KeyFooter"]

HELP_KEY = "question_mark"
"""The key kept whatever the width."""


def _width(key: FooterKey, compact: bool) -> int:
    """The cells ``key`` takes in the footer, with its margin."""
    shown = cell_len(key.key_display)
    if key.has_class("-command-palette"):  # docked right, behind a one-cell border
        return 1 + shown + 1 + cell_len(key.description) + (0 if compact else 1)
    if compact:  # "k Description" and a margin
        return shown + (1 + cell_len(key.description) if key.description else 0) + 1
    return 1 + shown + 1 + (cell_len(key.description) + 1 if key.description else 0)


def _kept_anyway(key: FooterKey) -> bool:
    """The palette's key (docked apart) and the help key are shown at any width."""
    return key.has_class("-command-palette") or key.key == HELP_KEY


class KeyFooter(Footer):
    """A footer that shows only the keys that fit the width it has, and the help key."""

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(compact=compact, id=id)
        self._laid_out_for = 0
        """The width the keys were last chosen for (0: not yet)."""

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        width = self.size.width
        self._laid_out_for = width
        if not width:  # not laid out yet: a resize chooses again
            yield from widgets
            return
        compact = self.compact
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        budget = width - sum(_width(k, compact) for k in keys if _kept_anyway(k))
        full = False
        kept: list[Widget] = []
        for widget in widgets:
            if not isinstance(widget, FooterKey) or _kept_anyway(widget):
                kept.append(widget)
            elif not full and _width(widget, compact) <= budget:
                budget -= _width(widget, compact)
                kept.append(widget)
            else:  # the keys after one that does not fit are dropped too: the order is kept
                full = True
        yield from kept

    def on_resize(self, event: Resize) -> None:
        if self.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)
