"""The Textual application and its factory."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from clawlib.pod import find_pod

from .backend import EngineBackend, PodBackend
from .keys import OrderedKeysApp
from .screens.help import HelpScreen, bindings_by_group, key_label
from .screens.main import MainScreen

__all__ = ["ClawApp", "make_app"]


class ClawApp(OrderedKeysApp[None]):
    """The claw terminal UI for one pod; keys are handled in the order typed, each once the one
    before it is through (:mod:`clawtui.keys`)."""

    TITLE = "claw"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]
    HELP_GROUP = "Everywhere"

    def __init__(self, pod_file: Path, backend: PodBackend) -> None:
        super().__init__()
        self.pod_file = pod_file
        self.backend = backend
        self.sub_title = pod_file.parent.name

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.backend, self.pod_file))

    def on_ready(self) -> None:
        # Everything built so far lives as long as the app: keep it out of the garbage
        # collector's full passes, which otherwise pause the UI for 35-60 ms twice a second
        # while logs stream (bench/README.md).
        gc.freeze()

    def on_unmount(self) -> None:
        self.backend.close()

    def _help_nodes(self, screen: Screen[Any]) -> list[tuple[str, DOMNode, list[Binding]]]:
        nodes = [screen, *screen.query("*"), self]
        return bindings_by_group(nodes)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        groups = [(title, bindings) for title, _, bindings in self._help_nodes(self.screen)]
        self.push_screen(HelpScreen(groups))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, node, bindings in self._help_nodes(screen):
            if node is self:
                continue
            for binding in bindings:
                about = f"{binding.tooltip} · " if binding.tooltip else ""
                yield SystemCommand(
                    binding.description,
                    f"{about}{title} · key {key_label(self, binding)}",
                    lambda node=node, action=binding.action: self.call_next(
                        node.run_action, action
                    ),
                )


def make_app(pod: str | Path = ".", backend: PodBackend | None = None) -> ClawApp:
    """The app for the pod at ``pod`` (a directory or its ``claw-pod.yml``), over ``backend``
    (default: the local Docker engine). Raises :class:`~clawlib.errors.PodNotFoundError` when
    there is no pod file there."""
    return ClawApp(find_pod(pod), backend or EngineBackend())
