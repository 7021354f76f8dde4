"""The public entry points: each wires the pipeline stages for one thing a user does."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from clawlib._files import write_atomically
from clawlib.clawfile import (
    Clawfile,
    ClawImageInfo,
    base_images,
    build_input_labels,
    emit_dockerfile,
    generated_dockerfile_name,
    read_clawfile,
)
from clawlib.drivers import UPSTREAM_CLAW_TYPES, lookup_driver
from clawlib.engine import (
    Builder,
    DockerView,
    ImageRecord,
    ProcessRunner,
    detect_builder,
    docker_build,
)
from clawlib.errors import (
    ClawfileError,
    ClawfileNotFoundError,
    ImageNotFoundError,
    UnknownDriverError,
)

__all__ = [
    "BuildInput",
    "BuildResult",
    "GeneratedDockerfile",
    "InspectedImage",
    "build_image",
    "generate_dockerfile",
    "inspect_image",
    "resolve_build_input",
]


@dataclass(frozen=True, slots=True)
class BuildInput:
    """Which Clawfile to build and with which build context."""

    clawfile: Path
    context: Path


@dataclass(frozen=True, slots=True)
class GeneratedDockerfile:
    """A parsed Clawfile and the Dockerfile generated from it."""

    clawfile: Clawfile
    path: Path
    text: str
    changed: bool
    """Whether it differs from the file on disk (and so is, or would be, rewritten)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """A finished build."""

    generated: GeneratedDockerfile
    image_id: str
    tags: tuple[str, ...]
    builder: Builder


@dataclass(frozen=True, slots=True)
class InspectedImage:
    """A local image and the claw metadata its labels carry."""

    image: ImageRecord
    info: ClawImageInfo


def resolve_build_input(path: str | Path = ".", file: str | Path | None = None) -> BuildInput:
    """Find the Clawfile and build context the way ``docker build [-f FILE] PATH`` does.

    ``path`` is a directory holding a ``Clawfile`` or a Clawfile itself; ``file`` (``-f``)
    names the Clawfile relative to the working directory, ``path`` then being the context.
    """
    target = Path(path)
    if file is not None:
        clawfile = Path(file)
        if not target.is_dir():
            raise ClawfileNotFoundError(str(target), "build context is not a directory")
        if not clawfile.is_file():
            raise ClawfileNotFoundError(str(clawfile), "no such Clawfile")
        return BuildInput(clawfile, target)
    if target.is_dir():
        clawfile = target / "Clawfile"
        if not clawfile.is_file():
            raise ClawfileNotFoundError(
                str(target), "no Clawfile in this directory (name another file with -f)"
            )
        return BuildInput(clawfile, target)
    if target.is_file():
        return BuildInput(target, target.parent)
    raise ClawfileNotFoundError(str(target), "no such file or directory")


def generate_dockerfile(clawfile_path: str | Path, *, write: bool = True) -> GeneratedDockerfile:
    """Parse the Clawfile, check its claw type, and write the Dockerfile generated from it.

    The Dockerfile goes next to the Clawfile (see
    :func:`~clawlib.clawfile.generated_dockerfile_name`), replaced atomically and only when its
    bytes change. Nothing is written when the Clawfile has a problem.
    """
    source = Path(clawfile_path)
    clawfile = read_clawfile(source)
    try:
        # An image of a claw type upstream runs can be built without a driver installed here.
        if clawfile.claw_type not in UPSTREAM_CLAW_TYPES:
            lookup_driver(clawfile.claw_type)
    except UnknownDriverError as exc:
        raise ClawfileError.at(
            clawfile.path, clawfile.directive_lines["CLAW_TYPE"], str(exc)
        ) from exc
    text = emit_dockerfile(clawfile)
    target = source.parent / generated_dockerfile_name(source.name)
    changed = _read_text(target) != text
    generated = GeneratedDockerfile(clawfile, target, text, changed)
    if write:
        _write_generated(generated)
    return generated


def build_image(
    path: str | Path = ".",
    *,
    file: str | Path | None = None,
    tags: Sequence[str] = (),
    on_output: Callable[[str], None] = lambda line: None,
    on_generated: Callable[[GeneratedDockerfile], None] = lambda generated: None,
    view: DockerView | None = None,
    runner: ProcessRunner | None = None,
    write: bool = True,
) -> BuildResult:
    """``claw build``: generate the Dockerfile from a Clawfile and build it with docker.

    Checks, before anything is written: the Clawfile parses, its claw type has a driver, the
    engine answers, and the builder can do what the Clawfile asks (heredocs need BuildKit).
    ``on_generated`` hears about the written Dockerfile, ``on_output`` gets docker's output lines.
    With ``write=False`` the generated Dockerfile is built from a temporary file and nothing is
    written beside the Clawfile (apply writes it later, with the rest of the generation).
    """
    build_input = resolve_build_input(path, file)
    planned = generate_dockerfile(build_input.clawfile, write=False)
    with DockerView.borrow(view) as engine:
        engine.info()
        bases = _local_ids(engine, base_images(planned.clawfile))
    builder = detect_builder(runner)
    if planned.clawfile.heredoc_lines and not builder.supports_heredocs:
        raise ClawfileError.at(
            planned.clawfile.path,
            planned.clawfile.heredoc_lines[0],
            "heredocs need BuildKit, but docker here has only the classic builder "
            "(install Docker's buildx plugin, or rewrite the heredoc as RUN/COPY lines)",
        )
    with ExitStack() as stack:
        if write:
            _write_generated(planned)
            on_generated(planned)
            dockerfile = planned.path
        else:
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="claw-build-"))
            dockerfile = Path(scratch) / planned.path.name
            dockerfile.write_text(planned.text, encoding="utf-8")
        image_id = docker_build(
            dockerfile,
            build_input.context,
            tags=tags,
            labels=build_input_labels(planned.text, bases),
            builder=builder,
            on_output=on_output,
            runner=runner,
        )
    return BuildResult(planned, image_id, tuple(tags), builder)


def inspect_image(ref: str, view: DockerView | None = None) -> InspectedImage:
    """``claw inspect``: the claw metadata of the local image ``ref``."""
    with DockerView.borrow(view) as engine:
        image = engine.image(ref)
    return InspectedImage(image, ClawImageInfo.from_labels(image.labels))


def _local_ids(engine: DockerView, refs: Sequence[str]) -> dict[str, str]:
    """The local image ID of each of ``refs`` that the store has."""
    ids: dict[str, str] = {}
    for ref in refs:
        try:
            ids[ref] = engine.image(ref).id
        except ImageNotFoundError:
            continue
    return ids


def _write_generated(generated: GeneratedDockerfile) -> None:
    if generated.changed:
        write_atomically(generated.path, generated.text.encode("utf-8"))


def _read_text(path: Path) -> str | None:
    if path.is_symlink():  # replaced by the write, never read through
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
