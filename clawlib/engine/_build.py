"""``docker build`` with its progress streamed, and which builder the engine offers."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from clawlib.errors import BuildFailedError, EngineError, EngineUnavailableError

from ._process import ProcessRunner, SubprocessRunner

__all__ = ["Builder", "detect_builder", "docker_build"]

_BUILDX_VERSION = re.compile(r"v?\d+\.\d+[\w.+-]*")
_NO_ENGINE = re.compile(r"Cannot connect to the Docker daemon at (\S+?)\.? Is the docker daemon")


@dataclass(frozen=True, slots=True)
class Builder:
    """The image builder ``docker build`` will use here."""

    kind: Literal["buildkit", "classic"]
    version: str | None = None

    @property
    def supports_heredocs(self) -> bool:
        """Heredocs (and ``RUN --mount``) need BuildKit; the classic builder rejects them."""
        return self.kind == "buildkit"

    def __str__(self) -> str:
        if self.kind == "buildkit":
            return f"BuildKit (buildx {self.version})" if self.version else "BuildKit (buildx)"
        return "classic builder (no buildx)"


def detect_builder(runner: ProcessRunner | None = None) -> Builder:
    """BuildKit when ``docker buildx version`` answers, else the classic builder."""
    runner = runner or SubprocessRunner()
    result = runner.run(("docker", "buildx", "version"), timeout=20)
    if result.ok:
        match = _BUILDX_VERSION.search(result.stdout)
        return Builder("buildkit", match.group(0) if match else None)
    return Builder("classic")


def docker_build(
    dockerfile: Path,
    context: Path,
    *,
    tags: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    builder: Builder,
    on_output: Callable[[str], None],
    runner: ProcessRunner | None = None,
) -> str:
    """Build ``dockerfile`` in ``context`` with the extra ``labels``; return the image ID.

    Every output line goes to ``on_output`` as docker prints it. Without buildx the classic
    builder is asked for explicitly (a newer docker CLI otherwise refuses to build).
    Raises :class:`BuildFailedError` with the tail of the output when the build fails.
    """
    runner = runner or SubprocessRunner()
    with tempfile.TemporaryDirectory(prefix="claw-build-") as scratch:
        iidfile = Path(scratch) / "iid"
        argv = ["docker", "build", "-f", str(dockerfile), "--iidfile", str(iidfile)]
        if builder.kind != "buildkit":
            # The classic builder keeps the container of a failed step unless told not to.
            argv.append("--force-rm")
        for tag in tags:
            argv += ["-t", tag]
        for key, value in (labels or {}).items():
            argv += ["--label", f"{key}={value}"]
        argv.append(str(context))
        env = {"DOCKER_BUILDKIT": "1" if builder.kind == "buildkit" else "0"}
        result = runner.stream(argv, on_output, env=env)
        if not result.ok:
            unreachable = _NO_ENGINE.search(result.stdout)
            if unreachable:
                raise EngineUnavailableError(unreachable.group(1), "docker build could not connect")
            raise BuildFailedError(argv, result.returncode, result.stdout)
        try:
            return iidfile.read_text().strip()
        except OSError as exc:
            raise EngineError(f"docker build succeeded but wrote no image ID ({exc})") from exc
