"""Roll a pod back: the generation kept before the last apply, put back and run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clawlib.engine import ComposeProject, ProcessRunner, find_compose
from clawlib.generated import restore_previous

from ._target import locate

__all__ = ["roll_back"]


def roll_back(
    pod: str | Path,
    project: str | None = None,
    *,
    on_line: Callable[[str], None] = lambda line: None,
    runner: ProcessRunner | None = None,
) -> tuple[str, ...]:
    """Put back the generated files kept before the last apply of the pod at ``pod`` (a pod
    file or its directory; see :func:`~clawlib.generated.restore_previous`: the files it
    replaces are kept in turn, so rolling back again undoes it), then ``docker compose up -d
    --force-recreate --remove-orphans``: every container is recreated, since a claw whose runtime
    files alone changed back must restart to read them. Returns the paths put back.

    The project is ``project``, else the one the current generated file names. Raises
    :class:`~clawlib.errors.NoPreviousGenerationError` when nothing is kept (nothing changes
    then), and :class:`~clawlib.errors.ComposeFailedError` when compose fails (the files stay
    rolled back).
    """
    target = locate(pod, project)
    compose = ComposeProject(find_compose(runner), target.project, target.compose_file, runner)
    restored = restore_previous(target.directory)
    compose.up(force_recreate=True, on_line=on_line)
    return restored
