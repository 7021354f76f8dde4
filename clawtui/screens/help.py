"""``?``: every key of the current view, grouped by where it works."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["HelpScreen", "bindings_by_group"]


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


def key_label(binding: Binding) -> str:
    return ", ".join(
        {"question_mark": "?", "slash": "/", "escape": "esc", "space": "space"}.get(k, k)
        for k in binding.key.split(",")
    )


class HelpScreen(ModalScreen[None]):
    """The keys of the view it was opened from; any of ``escape``, ``?``, ``q`` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]
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
    HelpScreen .help-title { text-style: bold; color: $accent; padding-top: 1; }
    """

    def __init__(self, groups: Sequence[tuple[str, Sequence[Binding]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                Text.assemble(
                    ("Keys", "bold"),
                    "  ·  ctrl+p: every action by name  ·  esc: close",
                )
            )
            for title, bindings in self.groups:
                yield Static(title, classes="help-title")
                table = Table.grid(padding=(0, 2))
                table.add_column(min_width=12)
                table.add_column()
                for binding in bindings:
                    what = Text(binding.description)
                    if binding.tooltip:
                        what.append(f"  {binding.tooltip}", "dim")
                    table.add_row(Text(key_label(binding), "bold"), what)
                yield Static(table)
