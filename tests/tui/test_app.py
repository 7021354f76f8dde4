"""The TUI on the bundled demo pod: pilot tests and an SVG snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, Tree

from clawtui.__main__ import main as clawtui_main
from clawtui.app import PodNotFoundError, make_app

DEMO = Path(__file__).parents[2] / "examples" / "demo"


def labels(tree: Tree[None]) -> list[str]:
    return [str(node.label) for node in tree.root.children]


async def test_overview_lists_the_demo_clawfiles() -> None:
    app = make_app(DEMO)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        summary = app.screen.query_one("#summary", Static)
        assert str(summary.render()) == "3 Clawfiles in demo/"
        tree = app.screen.query_one(Tree)
        assert labels(tree) == [
            "agents/assistant/Clawfile  openclaw",
            "agents/researcher/Clawfile  openclaw",
            "agents/reviewer/Clawfile  generic",
        ]
        assistant = tree.root.children[0]
        assert [str(n.label) for n in assistant.children] == [
            "agent  AGENTS.md",
            "model fallback  openrouter/openai/gpt-4o-mini",
            "model primary  openrouter/anthropic/claude-sonnet-4",
            "handle  discord",
            "surface  volume://notes read-write",
            "invoke  0 9 * * 1-5  Post the morning briefing",
        ]
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_broken_clawfile_shows_its_errors(tmp_path: Path) -> None:
    (tmp_path / "Clawfile").write_text("FROM x\nCLAW_TYPE openclaw\nHANDLE\n")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(Tree)
        assert labels(tree) == ["Clawfile  error"]
        assert [str(n.label) for n in tree.root.children[0].children] == [
            "Clawfile:3: HANDLE requires exactly one platform name, e.g. HANDLE discord"
        ]
        summary = app.screen.query_one("#summary", Static)
        assert str(summary.render()) == f"1 Clawfile in {tmp_path.name}/, 1 with errors"


def test_pod_file_or_directory(tmp_path: Path) -> None:
    assert make_app(DEMO / "claw-pod.yml").pod_dir == DEMO.resolve()
    assert make_app(DEMO).pod_dir == DEMO.resolve()
    with pytest.raises(PodNotFoundError):
        make_app(tmp_path / "missing")


def test_missing_pod_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert clawtui_main([str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'missing'}: no such pod directory or claw-pod.yml\n"
    )


def test_overview_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(DEMO), terminal_size=(100, 30))
