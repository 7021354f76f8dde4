"""The pod overview: every Clawfile in the pod directory and what it declares."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree
from textual.widgets.tree import TreeNode

from clawlib import ClawError, read_clawfile
from clawlib.clawfile import Clawfile

__all__ = ["OverviewScreen", "find_clawfiles"]

_SKIP_DIRS = frozenset({".git", ".venv", "node_modules", ".claw-runtime"})


def find_clawfiles(pod_dir: Path) -> list[Path]:
    """Clawfiles under ``pod_dir`` (``Clawfile`` and ``Clawfile.<name>``), sorted by path."""
    found = []
    for path in pod_dir.rglob("Clawfile*"):
        if _SKIP_DIRS.intersection(path.relative_to(pod_dir).parts):
            continue
        if path.is_file() and (path.name == "Clawfile" or path.name.startswith("Clawfile.")):
            found.append(path)
    return sorted(found)


class OverviewScreen(Screen[None]):
    """A tree of the pod's Clawfiles, each with its claw type, models, surfaces and skills."""

    DEFAULT_CSS = """
    OverviewScreen Tree { height: 1fr; }
    OverviewScreen #summary { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, pod_dir: Path) -> None:
        super().__init__()
        self.pod_dir = pod_dir

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield Tree(self.pod_dir.name, id="clawfiles")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.root.expand()
        paths = find_clawfiles(self.pod_dir)
        problems = 0
        for path in paths:
            name = str(path.relative_to(self.pod_dir))
            try:
                clawfile = read_clawfile(path, name)
            except ClawError as exc:
                problems += 1
                node = tree.root.add(
                    Text.assemble((name, "bold"), "  ", ("error", "red")), expand=True
                )
                for line in str(exc).splitlines():
                    node.add_leaf(Text(line))
                continue
            _add_clawfile(tree.root, name, clawfile)
        noun = "Clawfile" if len(paths) == 1 else "Clawfiles"
        summary = f"{len(paths)} {noun} in {self.pod_dir.name}/"
        if problems:
            summary += f", {problems} with errors"
        self.query_one("#summary", Static).update(summary)
        tree.focus()


def _add_clawfile(root: TreeNode[None], name: str, clawfile: Clawfile) -> None:
    node = root.add(Text.assemble((name, "bold"), "  ", clawfile.claw_type), expand=True)
    info = clawfile.info()
    rows: list[tuple[str, str]] = []
    if info.agent:
        rows.append(("agent", info.agent))
    rows += [(f"model {slot}", ref) for slot, ref in info.models.items()]
    rows += [("cllama", proxy) for proxy in info.cllama]
    rows += [("handle", platform) for platform in info.handles]
    rows += [("surface", surface.raw) for surface in info.surfaces]
    rows += [("skill", skill) for skill in info.skills]
    rows += [("invoke", f"{i.schedule}  {i.command}") for i in info.invocations]
    for key, value in rows:
        node.add_leaf(Text.assemble((key, "dim"), "  ", value))
