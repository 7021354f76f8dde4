"""The command that opens the pod file in the user's editor: the line only for editors known to
take it, in the form each takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawtui.editor import editor_argv

POD = Path("/pods/demo/claw-pod.yml")


def env(**values: str) -> dict[str, str]:
    return {"PATH": "/nonexistent", **values}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("vim", ["vim", "+12", str(POD)]),
        ("/usr/bin/nvim", ["/usr/bin/nvim", "+12", str(POD)]),
        ("vi", ["vi", "+12", str(POD)]),
        ("nano -w", ["nano", "-w", "+12", str(POD)]),
        ("emacsclient -t -a ''", ["emacsclient", "-t", "-a", "", "+12", str(POD)]),
        ("emacs -nw", ["emacs", "-nw", "+12", str(POD)]),
        ("micro", ["micro", "+12", str(POD)]),
        ("kak", ["kak", "+12", str(POD)]),
        ("hx", ["hx", f"{POD}:12"]),
        ("helix", ["helix", f"{POD}:12"]),
        ("code -w", ["code", "-w", "--goto", f"{POD}:12"]),
        (
            "/opt/VSCodium/bin/codium --wait",
            ["/opt/VSCodium/bin/codium", "--wait", "--goto", f"{POD}:12"],
        ),
        ("subl -w", ["subl", "-w", f"{POD}:12"]),
        ("ed", ["ed", str(POD)]),
        ("kate -b", ["kate", "-b", str(POD)]),
        (
            "'/Applications/My Editor/bin/edit' --wait",
            ["/Applications/My Editor/bin/edit", "--wait", str(POD)],
        ),
        ("vimwrapper", ["vimwrapper", str(POD)]),
    ],
)
def test_the_line_goes_only_to_editors_known_to_take_it(command: str, expected: list[str]) -> None:
    assert editor_argv(POD, 12, env(EDITOR=command)) == expected


def test_without_a_line_only_the_file_is_added() -> None:
    assert editor_argv(POD, 0, env(EDITOR="code -w")) == ["code", "-w", str(POD)]
    assert editor_argv(POD, 0, env(EDITOR="vim")) == ["vim", str(POD)]


def test_visual_comes_before_editor_and_blank_ones_do_not_count() -> None:
    assert editor_argv(POD, 3, env(VISUAL="nvim", EDITOR="nano")) == ["nvim", "+3", str(POD)]
    assert editor_argv(POD, 3, env(VISUAL="  ", EDITOR="nano")) == ["nano", "+3", str(POD)]


def test_without_visual_or_editor_a_found_editor_is_used(tmp_path: Path) -> None:
    assert editor_argv(POD, 3, env()) is None
    for name in ("vi", "nano", "sensible-editor"):
        found = tmp_path / name
        found.write_text("#!/bin/sh\n")
        found.chmod(0o755)
    # sensible-editor runs whichever editor the system chose: no line for an unknown one.
    assert editor_argv(POD, 3, {"PATH": str(tmp_path)}) == [
        str(tmp_path / "sensible-editor"),
        str(POD),
    ]
    (tmp_path / "sensible-editor").unlink()
    assert editor_argv(POD, 3, {"PATH": str(tmp_path)}) == [str(tmp_path / "nano"), "+3", str(POD)]


def test_a_command_that_does_not_parse_is_refused_with_what_is_wrong() -> None:
    with pytest.raises(
        ValueError,
        match=r"^\$EDITOR is not a valid command \(No closing quotation\): 'vim \"my file'$",
    ):
        editor_argv(POD, 3, env(EDITOR='vim "my file'))
