"""The Plan: every file ``claw up`` would write, computed without touching anything, and its diff.

``plan_pod`` runs the pure middle of the pipeline — image metadata, resolution, drivers, compose
rendering — and returns a :class:`Plan` holding the bytes of ``compose.generated.yml`` and of
every runtime file. :meth:`Plan.diff` compares them with the disk; :meth:`Plan.write` writes the
changed ones atomically (temporary file, fsync, rename) and removes runtime files no longer
planned. Same inputs, same bytes.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from clawlib._files import write_atomically
from clawlib.clawfile import (
    ClawImageInfo,
    emit_dockerfile,
    generated_dockerfile_name,
    read_clawfile,
)
from clawlib.compose import (
    HANDLES_ENV,
    RUNTIME_DIR,
    ClawService,
    project_name,
    render_compose,
)
from clawlib.drivers import load_driver
from clawlib.drivers.base import Driver, Materialised
from clawlib.errors import (
    ClawError,
    DriverError,
    InvalidValueError,
    PodError,
    PodProblem,
)
from clawlib.pod import Pod, PodService
from clawlib.pod._yaml import load_yaml
from clawlib.runtime import (
    PERSONA_DIR,
    EmittedSkill,
    ImageMetadata,
    ResolvedClaw,
    env_file_text,
    handle_env,
    resolve_pod,
)
from clawlib.secrets import mask_lines

__all__ = [
    "COMPOSE_FILE",
    "FileChange",
    "FileExtractor",
    "ImageBuild",
    "Plan",
    "PlanDiff",
    "PlannedFile",
    "managed_image_name",
    "plan_pod",
]

COMPOSE_FILE = "compose.generated.yml"
LabelLookup = Callable[[str], Mapping[str, str] | None]
"""Image ref → its labels, or None when the image is not in the local store."""
FileExtractor = Callable[[str, str], bytes]
"""(image ref, path in the image) → the file's bytes; raises ClawError when it cannot."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file the plan writes, relative to the pod directory."""

    path: str
    content: bytes
    mode: int = 0o644
    secret: bool = False


@dataclass(frozen=True, slots=True)
class ImageBuild:
    """An image the pod needs that is built from a Clawfile (not built yet, or stale)."""

    service: str
    image: str
    clawfile: Path
    context: Path
    reason: str


@dataclass(frozen=True, slots=True)
class FileChange:
    """How one file differs from the disk: ``add``, ``change`` or ``remove``, with its diff."""

    path: str
    kind: Literal["add", "change", "remove"]
    diff: str


@dataclass(frozen=True)
class PlanDiff:
    """Every file change, and which compose services are added, changed or removed."""

    files: tuple[FileChange, ...]
    services_added: tuple[str, ...] = ()
    services_changed: tuple[str, ...] = ()
    services_removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.files)

    def summary(self) -> str:
        """``Plan: 2 files to add, 1 to change, 0 to remove; services: 1 added, 0 changed, 0
        removed.``"""
        counts = {
            kind: sum(1 for c in self.files if c.kind == kind)
            for kind in ("add", "change", "remove")
        }
        return (
            f"Plan: {counts['add']} files to add, {counts['change']} to change, "
            f"{counts['remove']} to remove; services: {len(self.services_added)} added, "
            f"{len(self.services_changed)} changed, {len(self.services_removed)} removed."
        )


@dataclass(frozen=True)
class Plan:
    """What applying the pod would write."""

    pod: Pod
    compose: str
    files: tuple[PlannedFile, ...]
    images: tuple[ImageBuild, ...] = ()
    warnings: tuple[PodProblem, ...] = ()
    claws: Mapping[str, ResolvedClaw] = field(default_factory=dict)

    @property
    def directory(self) -> Path:
        return self.pod.directory

    @property
    def project(self) -> str:
        """The compose project the generated file names (see
        :func:`~clawlib.compose.project_name`)."""
        return project_name(self.pod)

    def diff(self) -> PlanDiff:
        """Compare every planned file with the disk (runtime files no longer planned: removed)."""
        root = self.directory
        planned = {f.path: f for f in self.files}
        changes: list[FileChange] = []
        for path in sorted(planned):
            item = planned[path]
            old = _read(root / path)
            if old == item.content:
                continue
            kind: Literal["add", "change"] = "add" if old is None else "change"
            changes.append(FileChange(path, kind, _unified(path, old, item.content, item.secret)))
        for path in sorted(_existing_runtime_files(root)):
            if path not in planned:
                old = _read(root / path)
                changes.append(FileChange(path, "remove", _unified(path, old, None, False)))
        added, changed, removed = _service_changes(_read(root / COMPOSE_FILE), self.compose)
        return PlanDiff(tuple(changes), added, changed, removed)

    def write(self) -> PlanDiff:
        """Write every changed file atomically, remove stale runtime files; return the diff."""
        diff = self.diff()
        planned = {f.path: f for f in self.files}
        root = self.directory
        for change in diff.files:
            target = root / change.path
            if change.kind == "remove":
                target.unlink(missing_ok=True)
                continue
            item = planned[change.path]
            write_atomically(target, item.content, 0o600 if item.secret else item.mode)
        return diff


def managed_image_name(pod: str, service: str) -> str:
    """``claw-local/<pod>-<service>:latest`` with each part made a valid image name."""

    def clean(text: str, fallback: str) -> str:
        text = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
        return text or fallback

    return f"claw-local/{clean(pod, 'pod')}-{clean(service, 'service')}:latest"


def plan_pod(
    pod: Pod, labels: LabelLookup | None = None, extract: FileExtractor | None = None
) -> Plan:
    """Plan ``pod``. ``labels`` looks images up (default: the local engine, read-only);
    ``extract`` reads a file out of an image (default: the engine), for images that ship a
    skill (``claw.skill.emit``).

    Raises :class:`PodError` listing every problem found.
    """
    known: dict[str, Mapping[str, str] | None] = {}
    read_labels = labels or _engine_labels()

    def lookup(ref: str) -> Mapping[str, str] | None:
        if ref not in known:
            known[ref] = read_labels(ref)
        return known[ref]

    problems: list[PodProblem] = []
    try:
        project_name(pod)
    except InvalidValueError as exc:
        problems.append(pod.problem(("name",), exc.detail))
    warnings = list(pod.warnings)
    metadata: dict[str, ImageMetadata] = {}
    builds: list[ImageBuild] = []
    for service in pod.claws:
        try:
            meta, build = _image_metadata(pod, service, lookup)
        except ClawError as exc:
            detail = exc.detail if isinstance(exc, InvalidValueError) else str(exc)
            problems.append(pod.problem(("services", service.name), detail))
            continue
        metadata[service.name] = meta
        if build is not None:
            builds.append(build)
        if build is not None and build.reason == "stale":
            clawfile_path = os.path.relpath(build.clawfile, pod.directory)
            warnings.append(
                pod.problem(
                    ("services", service.name),
                    f'image "{build.image}" is stale: its claw labels differ from {clawfile_path}, '
                    "so the plan follows the Clawfile (rebuild the image to match)",
                )
            )
    if problems:
        raise PodError(pod.display, problems)
    emitted = _emitted_skills(pod, lookup, extract or _engine_extract, warnings)
    resolution = resolve_pod(pod, metadata, emitted)
    warnings += resolution.warnings
    for name, claw in resolution.claws.items():
        if claw.cllama:
            warnings.append(
                pod.problem(
                    ("services", name),
                    f"governance proxy {', '.join(claw.cllama)} (CLLAMA) is not run by this "
                    "version of claw: the claw reaches its model providers directly",
                )
            )
    files: list[PlannedFile] = []
    dockerfiles: dict[Path, PlannedFile | None] = {}
    drivers: dict[str, Driver] = {}
    claw_services: dict[str, ClawService] = {}
    for name, claw in resolution.claws.items():
        try:
            driver = drivers.get(claw.claw_type) or load_driver(claw.claw_type)
            drivers[claw.claw_type] = driver
            warnings += [pod.problem(("services", name), w) for w in driver.validate(claw)]
            materialised = driver.materialise(claw)
        except DriverError as exc:
            problems += [pod.problem(("services", name), p) for p in exc.problems or (str(exc),)]
            continue
        except ClawError as exc:
            problems.append(pod.problem(("services", name), str(exc)))
            continue
        warnings += [pod.problem(("services", name), w) for w in materialised.warnings]
        files += _runtime_files(name, claw, materialised)
        compose_build = None
        clawfile, context = _clawfile_of(pod, pod.services[name])
        if clawfile is not None and context is not None:
            dockerfile = generated_dockerfile(pod, clawfile, dockerfiles)
            if dockerfile is not None:
                files.append(dockerfile)
            compose_build = _generated_build(pod.services[name], clawfile, context)
        claw_services[name] = ClawService(
            materialised,
            skills=_skill_mounts(pod, name, claw),
            image=None if pod.services[name].compose.get("image") else metadata[name].image,
            build=compose_build,
        )
    if problems:
        raise PodError(pod.display, problems)
    handles = {name: dict(c.handles) for name, c in resolution.claws.items() if c.handles}
    env = handle_env(handles)
    if env:
        files.append(PlannedFile(f"{RUNTIME_DIR}/{HANDLES_ENV}", env_file_text(env).encode()))
    compose = render_compose(pod, claw_services, has_handles=bool(env))
    files.append(PlannedFile(COMPOSE_FILE, compose.encode()))
    return Plan(
        pod=pod,
        compose=compose,
        files=tuple(sorted(files, key=lambda f: f.path)),
        images=tuple(builds),
        warnings=tuple(warnings),
        claws=resolution.claws,
    )


def _runtime_files(name: str, claw: ResolvedClaw, result: Materialised) -> list[PlannedFile]:
    base = f"{RUNTIME_DIR}/{name}"
    files = [
        PlannedFile(f"{base}/{path}", item.content, item.mode, item.secret)
        for path, item in sorted(result.files.items())
    ]
    for skill in claw.skills:
        if skill.content is not None:
            files.append(PlannedFile(f"{base}/skills/{skill.name}", skill.content))
    for item in claw.persona_files:
        files.append(PlannedFile(f"{base}/{PERSONA_DIR}/{item.path}", item.content, item.mode))
    return files


def generated_dockerfile(
    pod: Pod, clawfile: Path, cache: dict[Path, PlannedFile | None]
) -> PlannedFile | None:
    """The Dockerfile generated from ``clawfile``, as a planned file when it lies inside the
    pod directory (once per Clawfile)."""
    if clawfile not in cache:
        target = clawfile.parent / generated_dockerfile_name(clawfile.name)
        root = pod.directory.resolve()
        if root in target.parents:
            text = emit_dockerfile(read_clawfile(clawfile))
            relative = PurePosixPath(target.relative_to(root)).as_posix()
            cache[clawfile] = PlannedFile(relative, text.encode())
        else:
            cache[clawfile] = None
        return cache[clawfile]
    return None


def _generated_build(service: PodService, clawfile: Path, context: Path) -> dict[str, Any]:
    """The service's ``build:`` as a mapping naming the Dockerfile generated from its
    Clawfile (relative to the context, as compose reads it)."""
    raw = service.compose.get("build")
    build = dict(raw) if isinstance(raw, dict) else {"context": raw}
    target = clawfile.parent / generated_dockerfile_name(clawfile.name)
    build["dockerfile"] = PurePosixPath(Path(os.path.relpath(target, context))).as_posix()
    return build


def _skill_mounts(pod: Pod, name: str, claw: ResolvedClaw) -> tuple[tuple[str, str], ...]:
    mounts = []
    for skill in claw.skills:
        if skill.host_path is not None:
            relative = os.path.relpath(skill.host_path, pod.directory.resolve())
            mounts.append((f"./{PurePosixPath(Path(relative))}", skill.name))
        else:
            mounts.append((f"./{RUNTIME_DIR}/{name}/skills/{skill.name}", skill.name))
    return tuple(mounts)


def _image_metadata(
    pod: Pod, service: PodService, lookup: LabelLookup
) -> tuple[ImageMetadata, ImageBuild | None]:
    """The image's metadata: from its labels when it is built and current, else from its
    Clawfile, with the build that would make it so."""
    image = service.compose.get("image")
    clawfile, context = _clawfile_of(pod, service)
    ref = str(image) if image else managed_image_name(pod.name, service.name)
    labels = lookup(ref) if image or clawfile else None
    if clawfile is None:
        if not image:
            raise InvalidValueError("a claw service needs image: or a build: with a Clawfile")
        if labels is None:
            raise InvalidValueError(
                f'image "{ref}" is not in the local image store and the service has no '
                "build: with a Clawfile to plan from"
            )
        return ImageMetadata(ref, ClawImageInfo.from_labels(labels)), None
    source = read_clawfile(clawfile, os.path.relpath(clawfile, pod.directory))
    planned = source.info()
    assert context is not None
    if labels is None:
        build = ImageBuild(service.name, ref, clawfile, context, "not built yet")
        return ImageMetadata(ref, planned, "clawfile"), build
    built = ClawImageInfo.from_labels(labels)
    if dataclasses.replace(built, skill_emit=None) != planned:
        build = ImageBuild(service.name, ref, clawfile, context, "stale")
        return ImageMetadata(ref, planned, "clawfile"), build
    return ImageMetadata(ref, built), None


def _clawfile_of(pod: Pod, service: PodService) -> tuple[Path | None, Path | None]:
    build = service.compose.get("build")
    if build is None:
        return None, None
    if isinstance(build, str):
        context_text, dockerfile = build, None
    elif isinstance(build, dict):
        context_text, dockerfile = str(build.get("context", ".")), build.get("dockerfile")
    else:
        return None, None
    context = (pod.directory / context_text).resolve()
    candidate = context / str(dockerfile) if dockerfile else context / "Clawfile"
    if candidate.is_file() and candidate.name.startswith("Clawfile"):
        return candidate, context
    return None, None


def _emitted_skills(
    pod: Pod, lookup: LabelLookup, extract: FileExtractor, warnings: list[PodProblem]
) -> dict[str, EmittedSkill]:
    """The skill each relevant image ships: the claws' own, and every service:// target's.

    A skill that cannot be read is a warning; the claw gets the generated fallback instead.
    """
    wanted = {service.name for service in pod.claws}
    for service in pod.claws:
        assert service.claw is not None
        wanted |= {e.surface.target for e in service.claw.surfaces if e.surface.scheme == "service"}
    emitted: dict[str, EmittedSkill] = {}
    for name in sorted(wanted):
        service = pod.services[name]
        image = service.compose.get("image")
        clawfile, _ = _clawfile_of(pod, service) if service.is_claw else (None, None)
        ref = str(image) if image else managed_image_name(pod.name, name) if clawfile else None
        found = lookup(ref) if ref else None
        path = (found or {}).get("claw.skill.emit", "").strip()
        if not ref or not path:
            continue
        where = ("services", name)
        base = PurePosixPath(path).name
        if base in ("", ".", "..", "/"):
            warnings.append(
                pod.problem(where, f'image "{ref}" emits skill "{path}", which is not a file name')
            )
            continue
        try:
            emitted[name] = EmittedSkill(base, extract(ref, path))
        except ClawError as exc:
            warnings.append(
                pod.problem(
                    where,
                    f'could not read the skill "{path}" from image "{ref}": {exc} '
                    "(using the generated one)",
                )
            )
    return emitted


def _engine_extract(image: str, path: str) -> bytes:
    from clawlib.engine import extract_image_file

    return extract_image_file(image, path)


def _engine_labels() -> LabelLookup:
    from clawlib.engine import DockerView
    from clawlib.errors import ImageNotFoundError

    view = DockerView()

    def lookup(ref: str) -> Mapping[str, str] | None:
        try:
            return view.image(ref).labels
        except ImageNotFoundError:
            return None

    return lookup


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _existing_runtime_files(root: Path) -> list[str]:
    runtime = root / RUNTIME_DIR
    if not runtime.is_dir():
        return []
    found = []
    for path in runtime.rglob("*"):
        relative = PurePosixPath(path.relative_to(root))
        # The runner's own files in its persona workspace are its memory: never removed. Dot
        # directories at the top (the previous generation) are claw's own bookkeeping.
        if relative.parts[1].startswith("."):
            continue
        if path.is_file() and relative.parts[2:3] != (PERSONA_DIR,):
            found.append(relative.as_posix())
    return found


def _unified(path: str, old: bytes | None, new: bytes | None, secret: bool) -> str:
    """The unified diff of ``old`` → ``new`` (None: no such file), secrets masked.

    The raw lines are compared, so a changed secret is still a changed line; each line is
    printed as :func:`~clawlib.secrets.mask_lines` masks it in its whole file, so a line in
    the middle of a secret (a key's body far below its name) is masked in any hunk.
    """
    if secret:
        return f"--- a/{path}\n+++ b/{path}\n(sensitive content not shown)\n"
    before, shown_before = _text(old)
    after, shown_after = _text(new)
    out: list[str] = []
    for group in difflib.SequenceMatcher(None, before, after).get_grouped_opcodes(3):
        if not out:
            out.append(f"--- {f'a/{path}' if old is not None else '/dev/null'}\n")
            out.append(f"+++ {f'b/{path}' if new is not None else '/dev/null'}\n")
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += (" " + line for line in shown_before[i1:i2])
                continue
            out += ("-" + line for line in shown_before[i1:i2])
            out += ("+" + line for line in shown_after[j1:j2])
    return "".join(out)


def _range(start: int, stop: int) -> str:
    """A hunk's line range as ``unified_diff`` writes it (``3``, ``3,2``, ``2,0``)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _text(content: bytes | None) -> tuple[list[str], list[str]]:
    """The lines of ``content`` as they are and as they may be shown, a last line without
    its newline marked so."""
    if content is None:
        return [], []
    lines = content.decode("utf-8", "replace").splitlines(keepends=True)
    shown = mask_lines(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
        shown[-1] += "\n\\ No newline at end of file\n"
    return lines, shown


def _service_changes(old: bytes | None, new: str) -> tuple[tuple[str, ...], ...]:
    def services(text: str | None) -> dict[str, Any]:
        if not text:
            return {}
        try:
            data = load_yaml(text, COMPOSE_FILE).data
        except PodError:
            return {}
        value = data.get("services") if isinstance(data, dict) else None
        return value if isinstance(value, dict) else {}

    before = services(old.decode("utf-8", "replace") if old is not None else None)
    after = services(new)
    added = tuple(sorted(set(after) - set(before)))
    removed = tuple(sorted(set(before) - set(after)))
    changed = tuple(sorted(n for n in set(before) & set(after) if before[n] != after[n]))
    return added, changed, removed
