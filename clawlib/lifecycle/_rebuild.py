"""Rebuild services of an applied pod: build their images again as ``claw up`` builds them, then
recreate their containers.

compose could build a claw's image itself (``up --build``), but from the Dockerfile the last
apply generated, not from the Clawfile as it is now, and without the labels claw stamps to
record what an image was built from (:func:`~clawlib.clawfile.build_input_labels`): the next
plan would call the image stale and build it again. So claw builds what it builds on apply —
a claw's image from its Clawfile (:func:`~clawlib.api.build_image`), its own proxy image
(:func:`~clawlib.images.ensure_proxy_image`) — and leaves to compose's ``--build`` only the
services with a plain Dockerfile of their own. Every build runs before any container is
recreated, so a failed build recreates nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from clawlib.api import build_image
from clawlib.engine import (
    ComposeProject,
    DockerView,
    ProcessRunner,
    SubprocessRunner,
    find_compose,
)
from clawlib.errors import InvalidValueError
from clawlib.images import ensure_proxy_image, is_local_proxy_image
from clawlib.labels import CLAW_SERVICE
from clawlib.planner import ImageBuild, clawfile_build
from clawlib.pod import Pod, load_pod

from ._target import locate

__all__ = ["rebuild"]

_GENERATED_DOCKERFILE = re.compile(r"(Dockerfile(\..+)?|.+\.Dockerfile)\.generated")
"""The names :func:`~clawlib.clawfile.generated_dockerfile_name` gives."""


def rebuild(
    pod: str | Path,
    project: str | None = None,
    services: Sequence[str] = (),
    *,
    on_line: Callable[[str], None] = lambda line: None,
    view: DockerView | None = None,
    runner: ProcessRunner | None = None,
) -> tuple[str, ...]:
    """Build the images of ``services`` of the applied pod at ``pod`` (a pod file or its
    directory; compose service names of its generated file, none: all of them) again, and
    recreate their containers with ``docker compose up -d --force-recreate --no-deps``.
    Returns the images claw built (those compose builds are not counted).

    A claw built from a Clawfile is built from that Clawfile as the pod file names it now,
    tagged with the image the generated file runs; a service on claw's own proxy image gets it
    made when it is missing or stale; a service with a ``build:`` of its own is built by
    compose (``--build``); any other service is recreated on its image. ``on_line`` hears what
    is built and every line docker and compose print.

    Raises :class:`~clawlib.errors.InvalidValueError` for a service the generated file does not
    have, or a claw that the pod file no longer builds from a Clawfile, or builds under another
    image name, than the last apply did (the pod needs applying then);
    :class:`~clawlib.errors.PodError` for a pod file that does not load;
    :class:`~clawlib.errors.ClawfileError`, :class:`~clawlib.errors.BuildFailedError` and
    :class:`~clawlib.errors.LocalImageError` as building raises them. Nothing is run before
    these are known, and nothing is recreated when a build fails.
    """
    target = locate(pod, project)
    definitions = target.compose.services
    chosen = list(dict.fromkeys(services)) or list(definitions)
    unknown = [name for name in chosen if name not in definitions]
    if unknown:
        raise InvalidValueError(
            f"not a service of the applied pod: {', '.join(unknown)} (its services: "
            f"{', '.join(definitions) or 'none'})"
        )
    needs_pod = any(_definition(definitions, name).get("build") is not None for name in chosen)
    builds, proxies, plain = _sort_out(load_pod(pod) if needs_pod else None, definitions, chosen)
    runner = runner or SubprocessRunner()
    compose = ComposeProject(find_compose(runner), target.project, target.compose_file, runner)
    built: list[str] = []
    if builds or proxies:
        with DockerView.borrow(view) as engine:
            for build in builds:
                clawfile = os.path.relpath(build.clawfile, target.directory)
                on_line(f"building {build.image} for {build.service} from {clawfile}")
                build_image(
                    build.context,
                    file=build.clawfile,
                    tags=(build.image,),
                    on_output=on_line,
                    view=engine,
                    runner=runner,
                    write=False,
                )
                built.append(build.image)
            for image in proxies:
                made = ensure_proxy_image(
                    image, on_step=on_line, on_output=on_line, view=engine, runner=runner
                )
                if made.built:
                    built.append(image)
    if plain:
        compose.up(plain, build=True, force_recreate=True, on_line=on_line)
    rest = [name for name in chosen if name not in plain]
    if rest:
        compose.up(rest, force_recreate=True, on_line=on_line)
    return tuple(built)


def _sort_out(
    pod: Pod | None, definitions: Mapping[str, Any], chosen: Sequence[str]
) -> tuple[list[ImageBuild], list[str], list[str]]:
    """What each chosen service needs built, and by whom: the Clawfile builds (one per image),
    claw's proxy images, and the services compose builds (those with a plain ``build:``)."""
    builds: dict[str, ImageBuild] = {}
    proxies: list[str] = []
    plain: list[str] = []
    for name in chosen:
        definition = _definition(definitions, name)
        image = definition.get("image")
        if definition.get("build") is None:
            if isinstance(image, str) and is_local_proxy_image(image) and image not in proxies:
                proxies.append(image)
            continue
        assert pod is not None
        labels = definition.get("labels")
        service = labels.get(CLAW_SERVICE) if isinstance(labels, dict) else None
        build = clawfile_build(pod, str(service or name), "rebuild")
        if build is None:
            if _from_clawfile(definition):
                raise InvalidValueError(
                    f"{name}: the applied pod builds it from a Clawfile, and the pod file no "
                    "longer does: apply the pod to bring it up to date"
                )
            plain.append(name)
            continue
        if image != build.image:
            raise InvalidValueError(
                f'{name}: the applied pod runs image "{image}", and the pod file now builds '
                f'"{build.image}": apply the pod to bring it up to date'
            )
        builds.setdefault(build.image, build)
    return list(builds.values()), proxies, plain


def _definition(definitions: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    definition = definitions[name]
    return definition if isinstance(definition, dict) else {}


def _from_clawfile(definition: Mapping[str, Any]) -> bool:
    """Whether a service of the generated file is built from a Dockerfile claw generated."""
    build = definition.get("build")
    dockerfile = build.get("dockerfile") if isinstance(build, dict) else None
    return isinstance(dockerfile, str) and bool(
        _GENERATED_DOCKERFILE.fullmatch(PurePosixPath(dockerfile).name)
    )
