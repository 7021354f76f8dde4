"""Which compose project and generated file a pod's lifecycle commands act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clawlib.compose import ComposeDocument, normalise_project_name
from clawlib.errors import NotAppliedError, PodError
from clawlib.generated import COMPOSE_FILE, open_dir, read_entry, settle
from clawlib.pod import POD_FILE, pod_path

__all__ = ["COMPOSE_FILE", "PodTarget", "locate"]


@dataclass(frozen=True, slots=True)
class PodTarget:
    """A pod as the engine knows it: its directory, its generated compose file (and what that
    file holds), its project."""

    directory: Path
    compose_file: Path
    project: str
    compose: ComposeDocument


def locate(pod: str | Path = POD_FILE, project: str | None = None) -> PodTarget:
    """The applied pod at ``pod`` (a pod file, or a directory holding one).

    The project is ``project`` when given (``-p``), else the ``name:`` the generated file
    carries. Works from the generated file alone (parsed once, kept on the target), so that
    ``claw down`` still works when the pod file has since been broken. A write a killed claw
    left half done is finished first. Raises :class:`NotAppliedError` when there is no generated
    file, and :class:`PodError` when it is not a regular file (a symbolic link is never
    followed), not readable, or (without ``project``) not YAML.
    """
    path = Path(pod)
    directory = pod_path(pod).parent.resolve()
    compose_file = directory / COMPOSE_FILE
    try:
        settle(directory)
        with open_dir(directory) as root_fd:
            entry = read_entry(root_fd, COMPOSE_FILE)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise NotAppliedError(str(directory), str(path)) from exc
    except OSError as exc:
        raise PodError.at(str(compose_file), "", 0, f"cannot read: {exc.strerror}") from exc
    if entry.kind == "missing":
        raise NotAppliedError(str(directory), str(path))
    if entry.kind != "file" or entry.content is None:
        what = entry.detail or "too large"
        raise PodError.at(
            str(compose_file), "", 0, f"{entry.at or COMPOSE_FILE} is {what}: claw does not read it"
        )
    try:
        text = entry.content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PodError.at(str(compose_file), "", 0, "cannot read: not valid UTF-8") from exc
    try:
        document = ComposeDocument.parse(text, str(compose_file))
    except PodError:
        if project is None:
            raise
        document = ComposeDocument(text, {})  # -p names the project: the file is not needed
    if project is None:
        # compose's own default for a file without name: the directory's, made valid
        project = document.name or normalise_project_name(directory.name, "default")
    return PodTarget(directory, compose_file, project, document)
