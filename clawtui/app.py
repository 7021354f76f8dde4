"""The Textual application and its factory."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from clawtui.screens.overview import OverviewScreen

__all__ = ["ClawApp", "PodNotFoundError", "make_app"]

POD_FILE = "claw-pod.yml"


class PodNotFoundError(Exception):
    """The path given for the pod is neither a directory nor a pod file."""


class ClawApp(App[None]):
    """The claw terminal UI for one pod directory."""

    TITLE = "claw"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, pod_dir: Path) -> None:
        super().__init__()
        self.pod_dir = pod_dir
        self.sub_title = pod_dir.name

    def on_mount(self) -> None:
        self.push_screen(OverviewScreen(self.pod_dir))


def make_app(pod: str | Path = ".") -> ClawApp:
    """The app for the pod at ``pod``: a directory or its ``claw-pod.yml``."""
    path = Path(pod)
    if path.is_file():
        return ClawApp(path.parent.resolve())
    if path.is_dir():
        return ClawApp(path.resolve())
    raise PodNotFoundError(f"{pod}: no such pod directory or {POD_FILE}")
