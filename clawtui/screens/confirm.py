"""A yes/no question in a compact modal dialog."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that changes the pod; dismisses with True for yes.

    ``y`` says yes and ``n`` or ``escape`` no, whichever button has the focus; ``enter`` presses
    the focused button, and the arrow keys (or ``tab``) move between the two. The focus starts on
    the confirm button, or on the cancel button when ``danger`` is set, for actions that stop,
    remove or recreate running containers (taking the pod down, restarting it): there ``enter``
    alone never confirms. ``danger`` also paints the confirm button in the error colour. A line
    in the dialog says which key does what.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes", id="confirm.yes"),
        Binding("n,escape", "cancel", "No", id="confirm.no"),
        Binding("left", "app.focus_previous", "Previous button", show=False, id="confirm.left"),
        Binding("right", "app.focus_next", "Next button", show=False, id="confirm.right"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen #dialog {
        width: 60;
        max-width: 90%;
        height: auto;
        max-height: 90%;
        padding: 0 1;
        background: $panel;
        border: round $primary;
    }
    ConfirmScreen #dialog.-danger { border: round $error; }
    ConfirmScreen #title { text-style: bold; }
    ConfirmScreen #details { color: $text-muted; margin-top: 1; }
    ConfirmScreen #keys { color: $text-muted; margin-top: 1; }
    ConfirmScreen #buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    def __init__(
        self,
        title: str,
        body: str = "",
        confirm_label: str = "Yes",
        *,
        cancel_label: str = "Cancel",
        danger: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body_text = body
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger" if self.danger else ""):
            yield Static(self.title_text, id="title", markup=False)
            if self.body_text:
                yield Static(self.body_text, id="details", markup=False)
            yield Static(id="keys", markup=False)
            with Horizontal(id="buttons"):
                yield Button(
                    f"{self.confirm_label} (y)",
                    variant="error" if self.danger else "primary",
                    id="confirm",
                    compact=True,
                )
                yield Button(f"{self.cancel_label} (n)", id="cancel", compact=True)

    def on_mount(self) -> None:
        first = self.query_one("#cancel" if self.danger else "#confirm", Button)
        self.set_focus(first)
        self._show_keys(first)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._show_keys(event.widget)

    def _show_keys(self, focused: object) -> None:
        pressed = self.confirm_label if getattr(focused, "id", None) == "confirm" else "Cancel"
        self.query_one("#keys", Static).update(
            f"enter: {pressed} · y: {self.confirm_label} · n, esc: {self.cancel_label} · ←/→: move"
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
