"""A yes/no question in a modal dialog."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that changes the pod; dismisses with True for yes.

    ``y`` or ``enter`` (or the confirm button) say yes; ``n`` or ``escape`` (or the cancel
    button) say no. ``danger`` paints the confirm button in the error colour, for actions that
    destroy something (taking the pod down).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "confirm", "Yes", id="confirm.yes"),
        Binding("n,escape", "cancel", "No", id="confirm.no"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen #dialog {
        width: 72;
        max-width: 90%;
        height: auto;
        max-height: 90%;
        padding: 1 2;
        background: $panel;
        border: thick $primary;
    }
    ConfirmScreen #dialog.-danger { border: thick $error; }
    ConfirmScreen #title { text-style: bold; margin-bottom: 1; }
    ConfirmScreen #body { color: $text-muted; }
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
            yield Static(self.body_text, id="body", markup=False)
            with Horizontal(id="buttons"):
                yield Button(
                    f"{self.confirm_label} (y)",
                    variant="error" if self.danger else "primary",
                    id="confirm",
                )
                yield Button(f"{self.cancel_label} (n)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
