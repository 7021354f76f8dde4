"""The command that opens a file in the user's editor, at a line when the editor takes one.

``$VISUAL`` (else ``$EDITOR``) is a command with arguments (``code -w``, ``emacsclient -t``),
split as the shell would. The line goes only to an editor known, by the base name of its
executable, to take one, and in the form that editor takes: ``+LINE`` before the file for vi
and its kin, nano, emacs and most terminal editors, ``FILE:LINE`` for Helix, Sublime Text and
Zed, ``--goto FILE:LINE`` for VS Code. Any other editor gets the file alone: given ``+12``, VS
Code opens a new file of that name and others refuse to start.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path

__all__ = ["COLON_LINE", "GOTO_LINE", "PLUS_LINE", "editor_argv"]

PLUS_LINE = frozenset(
    {
        "vi",
        "vim",
        "nvim",
        "view",
        "vimx",
        "gvim",
        "nvi",
        "nano",
        "rnano",
        "pico",
        "emacs",
        "emacsclient",
        "micro",
        "kak",
        "joe",
        "jmacs",
        "jpico",
        "jstar",
        "mg",
        "ne",
        "mcedit",
        "gedit",
    }
)
"""Editors that open the file at ``+LINE`` given before it."""

COLON_LINE = frozenset({"hx", "helix", "subl", "sublime_text", "zed"})
"""Editors that open ``FILE:LINE`` at the line."""

GOTO_LINE = frozenset({"code", "code-insiders", "codium", "vscodium"})
"""Editors (VS Code and its builds) that open ``--goto FILE:LINE`` at the line."""

FALLBACKS = ("sensible-editor", "nano", "vi")
"""Tried in order, on the ``PATH``, when neither ``$VISUAL`` nor ``$EDITOR`` is set."""


def editor_argv(
    path: Path, line: int = 0, environ: Mapping[str, str] | None = None
) -> list[str] | None:
    """The command that opens ``path`` (at ``line`` when > 0 and the editor takes one) in the
    editor ``environ`` (default: this process's environment) names; None when it names none
    and none of :data:`FALLBACKS` is found. Raises ValueError, saying which variable and why,
    when the command does not split."""
    env = os.environ if environ is None else environ
    argv: list[str] = []
    for name in ("VISUAL", "EDITOR"):
        command = env.get(name, "")
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise ValueError(f"${name} is not a valid command ({exc}): {command!r}") from None
        if argv:
            break
    if not argv:
        found = next(
            (p for p in (shutil.which(e, path=env.get("PATH")) for e in FALLBACKS) if p), None
        )
        if found is None:
            return None
        argv = [found]
    name = os.path.basename(argv[0]).lower().removesuffix(".exe")
    if line > 0 and name in PLUS_LINE:
        return [*argv, f"+{line}", str(path)]
    if line > 0 and name in COLON_LINE:
        return [*argv, f"{path}:{line}"]
    if line > 0 and name in GOTO_LINE:
        return [*argv, "--goto", f"{path}:{line}"]
    return [*argv, str(path)]
