"""Bring a pod down: ``docker compose down``, then the engine's word that nothing is left."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clawlib.engine import ComposeProject, DockerView, ProcessRunner, find_compose
from clawlib.errors import ComposeFailedError, LeftoverContainersError

from ._target import PodTarget, locate

__all__ = ["bring_down"]


def bring_down(
    pod: str | Path,
    project: str | None = None,
    *,
    volumes: bool = False,
    on_line: Callable[[str], None] = lambda line: None,
    view: DockerView | None = None,
    runner: ProcessRunner | None = None,
) -> PodTarget:
    """Remove the containers and networks of the applied pod at ``pod`` (a pod file or its
    directory) with ``docker compose down --remove-orphans`` (``volumes``: its named volumes
    too), then check with the engine that no container of the project remains. Returns the
    pod's target (its project, the generated file).

    compose's exit status alone is not trusted: compose may report success without reaching the
    engine, and may fail after removing everything. So the engine is asked first
    (:class:`~clawlib.errors.EngineUnavailableError`: nothing is run), and afterwards for the
    project's containers: any left raise :class:`~clawlib.errors.LeftoverContainersError`
    naming them (quoting compose's failure, if it failed). A compose failure that leaves no
    container still raises :class:`~clawlib.errors.ComposeFailedError` (a network or volume
    may remain).
    """
    target = locate(pod, project)
    with DockerView.borrow(view) as engine:
        engine.ping()
        compose = ComposeProject(find_compose(runner), target.project, target.compose_file, runner)
        failure: ComposeFailedError | None = None
        try:
            compose.down(volumes=volumes, on_line=on_line)
        except ComposeFailedError as exc:
            failure = exc
        remaining = engine.containers(target.project)
    if remaining:
        leftovers = [(container.name, container.state) for container in remaining]
        raise LeftoverContainersError(target.project, leftovers, failure) from failure
    if failure is not None:
        raise failure
    return target
