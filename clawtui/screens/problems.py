"""The pod file's problems, every one with its line and YAML path; edit and re-plan from here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from clawlib.errors import ClawError, PodError

from ..widgets.key_footer import KeyFooter

__all__ = ["ProblemsScreen", "problem_rows"]


def problem_rows(
    error: ClawError, pod_file: Path | None = None, shown: str = ""
) -> list[tuple[str, str, str]]:
    """(where, YAML path, what) for each problem of ``error``; one row for other errors. The
    pod file itself is named ``shown`` (the app knows it by its absolute path)."""
    if isinstance(error, PodError):
        path = error.path
        if pod_file is not None and shown and Path(os.path.abspath(path)) == pod_file:
            path = shown
        return [
            (f"{path}:{p.line}" if p.line else path, p.yaml_path, p.detail) for p in error.problems
        ]
    return [("", "", line) for line in str(error).splitlines() or [type(error).__name__]]


class ProblemsScreen(ModalScreen[str]):
    """Lists the problems; dismisses with ``edit``, ``replan`` or ``close``."""

    HELP_GROUP = "Problems"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "dismiss('edit')", "Edit pod file", id="problems.edit"),
        Binding("r", "dismiss('replan')", "Re-plan", id="problems.replan"),
        Binding("escape", "dismiss('close')", "Close", id="problems.close"),
    ]
    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > Vertical {
        width: 90%;
        max-width: 140;
        height: auto;
        max-height: 80%;
        border: thick $error;
        background: $surface;
        padding: 0 1;
    }
    ProblemsScreen #problems-title { text-style: bold; color: $error; padding-bottom: 1; }
    ProblemsScreen VerticalScroll { height: auto; max-height: 30; }
    ProblemsScreen .problem { padding-bottom: 1; }
    ProblemsScreen #problems-hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, error: ClawError, pod_file: Path, shown: str) -> None:
        super().__init__()
        self.error = error
        self.pod_file = pod_file
        self.shown = shown

    def compose(self) -> ComposeResult:
        rows = problem_rows(self.error, self.pod_file, self.shown)
        noun = "problem" if len(rows) == 1 else "problems"
        with Vertical():
            yield Static(f"{self.shown}: {len(rows)} {noun}", id="problems-title")
            with VerticalScroll():
                for where, path, detail in rows:
                    text = Text()
                    if where:
                        text.append(where, "bold")
                    if path:
                        text.append(f"  {path}", "italic")
                    if where or path:
                        text.append("\n")
                    text.append(detail)
                    yield Static(text, classes="problem")
            yield Static(
                "e: open the pod file in $EDITOR (re-plans on return) · r: re-plan · "
                "esc: close (the tree keeps showing what runs)",
                id="problems-hint",
            )
        yield KeyFooter()
