"""Which compose project and generated file a pod's lifecycle commands act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clawlib.compose import normalise_project_name
from clawlib.errors import NotAppliedError, PodError
from clawlib.planner import COMPOSE_FILE
from clawlib.pod import POD_FILE
from clawlib.pod._yaml import load_yaml

__all__ = ["COMPOSE_FILE", "PodTarget", "locate"]


@dataclass(frozen=True, slots=True)
class PodTarget:
    """A pod as the engine knows it: its directory, its generated compose file, its project."""

    directory: Path
    compose_file: Path
    project: str


def locate(pod: str | Path = POD_FILE, project: str | None = None) -> PodTarget:
    """The applied pod at ``pod`` (a pod file, or a directory holding one).

    The project is ``project`` when given (``-p``), else the ``name:`` the generated file
    carries. Works from the generated file alone, so that ``claw down`` still works when the pod
    file has since been broken. Raises :class:`NotAppliedError` when there is no generated file.
    """
    path = Path(pod)
    directory = (path if path.is_dir() else path.parent).resolve()
    compose_file = directory / COMPOSE_FILE
    try:
        text = compose_file.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise NotAppliedError(str(directory), str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PodError.at(str(compose_file), "", 0, f"cannot read: {exc}") from exc
    if project is None:
        data = load_yaml(text, str(compose_file)).data
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name:
            project = name
        else:  # compose's own default for a file without name: the directory's, made valid
            project = normalise_project_name(directory.name, "default")
    return PodTarget(directory, compose_file, project)
