"""``?``: every key of the current view, grouped by where it works."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from ..colours import text_style

__all__ = ["HelpScreen", "bindings_by_group", "key_label"]


def _own_bindings(node: DOMNode) -> list[Binding]:
    """The bindings ``node``'s clawtui classes declare, each once (subclass first)."""
    seen: set[str] = set()
    found = []
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("clawtui"):
            continue
        for item in cls.__dict__.get("BINDINGS", ()):
            if isinstance(item, Binding) and item.id and item.id not in seen:
                seen.add(item.id)
                found.append(item)
    return found


def bindings_by_group(nodes: Iterable[DOMNode]) -> list[tuple[str, DOMNode, list[Binding]]]:
    """(group title, node, bindings) for each node with bindings of its own, in order given;
    the title is the class's ``HELP_GROUP`` or its name."""
    groups = []
    seen: set[type[DOMNode]] = set()
    for node in nodes:
        if type(node) in seen:
            continue
        seen.add(type(node))
        bindings = _own_bindings(node)
        if bindings:
            title = getattr(node, "HELP_GROUP", type(node).__name__)
            groups.append((title, node, bindings))
    return groups


def key_label(app: App[Any], binding: Binding) -> str:
    """The keys of ``binding`` as the footer prints them (``[`` for ``left_square_bracket``,
    ``^s`` for ``ctrl+s``), comma-separated."""
    if binding.key_display:
        return binding.key_display
    keys = [key.strip() for key in binding.key.split(",")]
    return ", ".join(app.get_key_display(binding.with_key(key)) for key in keys)


class HelpScreen(ModalScreen[None]):
    """The keys of the view it was opened from; any of ``escape``, ``?``, ``q`` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"help-screen--about"}
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll {
        width: 80%;
        max-width: 110;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen .help-title { text-style: bold; color: $text-accent; padding-top: 1; }
    HelpScreen > .help-screen--about { color: $text-muted; }
    """

    def __init__(self, groups: Sequence[tuple[str, Sequence[Binding]]]) -> None:
        super().__init__()
        self.groups = groups
        self._theme = ""
        """The theme the tables were last drawn in."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                Text.assemble(
                    ("Keys", "bold"),
                    "  ·  ctrl+p: every action by name  ·  esc: close",
                )
            )
            for index, (title, _) in enumerate(self.groups):
                yield Static(title, classes="help-title")
                yield Static(id=f"help-keys-{index}")

    def on_mount(self) -> None:
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self.app.theme != self._theme:
            self._draw()

    def _draw(self) -> None:
        """Fill in the tables of keys, in the colours of the current theme."""
        self._theme = self.app.theme
        about = text_style(
            self, "help-screen--about", self.query_one(VerticalScroll).background_colors[1]
        )
        for index, (_, bindings) in enumerate(self.groups):
            table = Table.grid(padding=(0, 2))
            table.add_column(min_width=12)
            table.add_column()
            for binding in bindings:
                what = Text(binding.description)
                if binding.tooltip:
                    what.append(f"  {binding.tooltip}", about)
                table.add_row(Text(key_label(self.app, binding), "bold"), what)
            self.query_one(f"#help-keys-{index}", Static).update(table)
