"""The Plan: every file ``claw up`` would write, computed without touching anything, and its diff.

``plan_pod`` runs the pure middle of the pipeline — image metadata, resolution, drivers, compose
rendering — and returns a :class:`Plan` holding the bytes of ``compose.generated.yml`` and of
every runtime file. :meth:`Plan.diff` compares them with the disk; :meth:`Plan.write` switches the
disk to them as one step (:mod:`clawlib.generated`: changed files written, runtime files no longer
planned removed, all or nothing). Same inputs, same bytes.

A governed claw (CLLAMA) is wired to the pod's one governance proxy (:mod:`clawlib.governance`):
the only thing planning reads from the generated tree is the agents' kept tokens, so that a plan
made after a write changes nothing.

The disk is read through :mod:`clawlib.generated`: a symbolic link in the generated tree is never
followed (the diff says it is there, and writing replaces it), and a switch a killed process left
half done is finished before anything is compared.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from clawlib.clawfile import (
    ClawImageInfo,
    base_images,
    build_inputs_changed,
    emit_dockerfile,
    generated_dockerfile_name,
    read_clawfile,
)
from clawlib.compose import (
    HANDLES_ENV,
    ClawService,
    ComposeDocument,
    env_file_paths,
    project_name,
    render_compose,
    service_changes,
)
from clawlib.drivers import load_driver
from clawlib.drivers.base import Driver, Materialised
from clawlib.errors import (
    ClawError,
    ClawfileError,
    DriverError,
    EngineUnavailableError,
    InvalidValueError,
    PodError,
    PodProblem,
    UnsafePathError,
)
from clawlib.generated import (
    COMPOSE_FILE,
    RUNTIME_DIR,
    DiskEntry,
    NewFile,
    Written,
    check_generated_path,
    in_any,
    is_runtime_path,
    list_tree,
    open_dir,
    read_entry,
    read_written,
    settle,
    switch,
    walk_dirs,
)
from clawlib.governance import govern, ignored_proxy_env, is_proxy_auth_dir
from clawlib.limits import MAX_INPUT_BYTES
from clawlib.pod import Pod, PodService
from clawlib.runtime import (
    PERSONA_DIR,
    EmittedSkill,
    ImageMetadata,
    NewToken,
    ResolvedClaw,
    env_file_text,
    find_pod_file,
    handle_env,
    new_token,
    pod_file,
    resolve_pod,
)
from clawlib.secrets import holds_secret, mask_lines
from clawlib.starvation import starvation_problems

__all__ = [
    "COMPOSE_FILE",
    "FileChange",
    "FileExtractor",
    "ImageBuild",
    "Plan",
    "PlanDiff",
    "PlannedFile",
    "clawfile_build",
    "managed_image_name",
    "plan_pod",
]

LabelLookup = Callable[[str], Mapping[str, str] | None]
"""Image ref → its labels, or None when the image is not in the local store."""
EnvLookup = Callable[[str], Sequence[str] | None]
"""Image ref → the environment it sets (``KEY=value``), or None when it is not built."""
IdLookup = Callable[[str], str | None]
"""Image ref → its local image ID, or None when it is not in the local store."""
FileExtractor = Callable[[str, str], bytes]
"""(image ref, path in the image) → the file's bytes; raises ClawError when it cannot."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file the plan writes, relative to the pod directory, with the permission bits it gets
    (0600 for a file holding a secret)."""

    path: str
    content: bytes
    mode: int = 0o644
    secret: bool = False
    """Holds a token the runner needs: written 0600 and never shown in a diff."""
    owner: tuple[int, int] | None = None
    """The user and group ids it belongs to when not to claw: the user its runner runs as
    (:attr:`~clawlib.drivers.base.Materialised.user`)."""


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
    """Every file change, which compose services are added, changed or removed, and notes on
    the disk: what stands in the way (a symbolic link, a named pipe...) that writing replaces,
    and the state of runners no longer in the pod that claw keeps.

    A service is changed when its definition as compose runs it changes: a line of its block in
    the compose file, or a variable of a generated env file it names (the handle variables
    reach every service that way). :attr:`service_reasons` says what changed in each
    (``environment changed: CLAW_HANDLE_DISCORD_USERNAME``, ``volumes changed``), naming
    variables, never their values."""

    files: tuple[FileChange, ...]
    services_added: tuple[str, ...] = ()
    services_changed: tuple[str, ...] = ()
    services_removed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    service_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Changed service → what changed in its definition, in words."""

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
    compose: ComposeDocument
    """compose.generated.yml: its text (also among :attr:`files`) and its data."""
    files: tuple[PlannedFile, ...]
    images: tuple[ImageBuild, ...] = ()
    warnings: tuple[PodProblem, ...] = ()
    claws: Mapping[str, ResolvedClaw] = field(default_factory=dict)
    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The governance token of every governed agent id (``<service>``, ``<service>-<i>``)."""
    runner_state: frozenset[str] = frozenset()
    """Directories of the runtime tree (``.claw-runtime/<service>/<dir>``) that runners write
    to (:meth:`~clawlib.drivers.base.Materialised.runner_dirs`): claw removes there only the
    files it wrote (see :mod:`clawlib.generated`)."""
    config_files: Mapping[str, str] = field(default_factory=dict)
    """Each claw's runner configuration file in its runtime directory (its driver's
    :attr:`~clawlib.drivers.base.Driver.config_file`), by claw service."""
    mount_points: frozenset[str] = frozenset()
    """Files the engine creates in a mounted runtime directory as mount points
    (:meth:`~clawlib.drivers.base.Materialised.mount_points`): expected there, never removed."""
    owners: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Runtime directories (``.claw-runtime/<service>``) given, with all claw writes in them,
    to the user their runner runs as (user and group ids)."""

    def governance(self) -> str | None:
        """How many claws the pod's proxy governs, in a line (None when none is governed):
        ``Governance: 2 claws (3 containers) through cllama (passthrough): analyst, scout.``"""
        governed = {name: c for name, c in self.claws.items() if c.proxy is not None}
        if not governed:
            return None
        link = next(c.proxy for c in governed.values() if c.proxy is not None)
        containers = sum(claw.count for claw in governed.values())
        claws = f"{len(governed)} claw{'s' if len(governed) != 1 else ''}"
        if containers != len(governed):
            claws += f" ({containers} containers)"
        return (
            f"Governance: {claws} through {link.service} ({link.type}): "
            f"{', '.join(sorted(governed))}."
        )

    def token_source(self) -> NewToken:
        """A token source that gives this plan's agents their tokens again (a re-plan within
        one apply, before anything is written, must not change them), new ones otherwise."""
        tokens = dict(self.tokens)
        return lambda agent: tokens.get(agent) or new_token(agent)

    @property
    def directory(self) -> Path:
        return self.pod.directory

    @property
    def project(self) -> str:
        """The compose project the generated file names (see
        :func:`~clawlib.compose.project_name`)."""
        return project_name(self.pod)

    def diff(self) -> PlanDiff:
        """Compare every planned file with the disk. Runtime files no longer planned are
        removed, except in the runners' directories (:attr:`runner_state`, and those of
        services gone from the pod, from the record of what claw wrote): there only files claw
        wrote are.

        Links are not followed: a planned path that is a link, or lies below one, is compared
        as absent and named in :attr:`PlanDiff.notes`.
        """
        return self._compare()[0]

    def _compare(self) -> tuple[PlanDiff, Written | None, Written]:
        """The diff (see :meth:`diff`), the record of what claw wrote found on disk, and the
        record of this plan's generation (its files and mount points; the runners' directories,
        with those of the record still on disk)."""
        root = self.directory
        settle(root)
        planned = {f.path: f for f in self.files}
        changes: list[FileChange] = []
        notes: dict[str, str] = {}
        with open_dir(root) as root_fd:
            found = {
                path: read_entry(root_fd, path, max(MAX_INPUT_BYTES, len(item.content)))
                for path, item in planned.items()
            }
            record = read_written(root_fd)
            kept = frozenset(
                path for path in (record.state_dirs if record else ()) if _is_dir(root_fd, path)
            )
            runner_dirs = self.runner_state | kept
            expected = planned.keys() | self.mount_points
            stale = [
                (path, entry)
                for path, entry in list_tree(
                    root_fd,
                    RUNTIME_DIR,
                    lambda path: _not_planned_tree(path) or path in runner_dirs,
                )
                if path not in expected and not _bookkeeping(path) and not in_any(path, runner_dirs)
            ]
            if record is not None:
                stale += [
                    (path, entry)
                    for path in sorted(record.files - expected)
                    if in_any(path, runner_dirs)
                    and (entry := read_entry(root_fd, path, 0)).kind != "missing"
                    and entry.at in ("", path)
                ]
                notes.update((path, _kept_state(path)) for path in sorted(kept - self.runner_state))
            old_files = {
                path: read_entry(root_fd, path) if entry.kind == "file" else entry
                for path, entry in sorted(stale, key=lambda item: item[0])
            }
        for path in sorted(planned):
            item, entry = planned[path], found[path]
            if entry.in_the_way:
                notes.setdefault(entry.at, _in_the_way(entry))
            if entry.kind == "file" and entry.content == item.content:
                if entry.mode != item.mode or (item.owner and entry.owner != item.owner):
                    changes.append(FileChange(path, "change", _mode_change(path, entry, item)))
                continue
            replaced = entry.kind == "file" or (entry.in_the_way and entry.at == path)
            kind: Literal["add", "change"] = "change" if replaced else "add"
            changes.append(FileChange(path, kind, _unified(path, entry, item.content, item.secret)))
        for path, entry in old_files.items():
            changes.append(FileChange(path, "remove", _unified(path, entry, None, False)))
        compose = found.get(COMPOSE_FILE)
        old_compose = compose.content if compose is not None and compose.kind == "file" else None
        old_env = {path: entry.content for path, entry in {**old_files, **found}.items()}
        new_env = {path: item.content for path, item in planned.items()}
        added, changed, removed, reasons = _service_changes(
            old_compose, self.compose, old_env, new_env
        )
        diff = PlanDiff(tuple(changes), added, changed, removed, tuple(notes.values()), reasons)
        runtime = frozenset(path for path in planned if is_runtime_path(path))
        return diff, record, Written(runtime | self.mount_points, runner_dirs)

    def write(self, *, keep_previous: bool = False) -> PlanDiff:
        """Switch the disk to this plan as one step: every changed file written, stale runtime
        files removed (see :func:`clawlib.generated.switch`); with ``keep_previous``, the
        versions replaced are kept for a rollback. Returns the diff it applied."""
        diff, recorded, written = self._compare()
        if diff.changed or written != recorded:
            planned = {f.path: f for f in self.files}
            writes = {
                change.path: NewFile(
                    planned[change.path].content,
                    planned[change.path].mode,
                    planned[change.path].owner,
                )
                for change in diff.files
                if change.kind != "remove"
            }
            removes = [change.path for change in diff.files if change.kind == "remove"]
            switch(
                self.directory,
                writes,
                removes,
                keep_previous=keep_previous,
                written=written,
                owners=self.owners,
            )
        return diff


def managed_image_name(pod: str, service: str) -> str:
    """``claw-local/<pod>-<service>:latest`` with each part made a valid image name."""

    def clean(text: str, fallback: str) -> str:
        text = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
        return text or fallback

    return f"claw-local/{clean(pod, 'pod')}-{clean(service, 'service')}:latest"


def clawfile_build(pod: Pod, service: str, reason: str) -> ImageBuild | None:
    """The build of the claw ``service`` of ``pod`` from the Clawfile its ``build:`` names, as
    a plan would ask for it (``reason``: why it is built); None when the pod has no such claw or
    it is not built from a Clawfile (a plain Dockerfile, a remote context, ``image:`` alone).

    Raises :class:`InvalidValueError` for a build context or Clawfile claw may not read (see
    the planner's rules: inside the pod directory, regular files, no link leading out).
    """
    found = pod.services.get(service)
    if found is None or not found.is_claw:
        return None
    clawfile, context = _clawfile_of(pod, found)
    if clawfile is None or context is None:
        return None
    image = found.compose.get("image")
    ref = str(image) if image else managed_image_name(pod.name, service)
    return ImageBuild(service, ref, clawfile, context, reason)


def plan_pod(
    pod: Pod,
    labels: LabelLookup | None = None,
    extract: FileExtractor | None = None,
    *,
    tokens: NewToken | None = None,
    image_env: EnvLookup | None = None,
    image_id: IdLookup | None = None,
    rotate: Collection[str] = (),
) -> Plan:
    """Plan ``pod``. ``labels`` looks images up (default: the local engine, read-only);
    ``extract`` reads a file out of an image (default: the engine), for images that ship a
    skill (``claw.skill.emit``); ``tokens`` makes the token of a governed agent that has none
    on disk yet (default: :func:`~clawlib.runtime.new_token`, random); ``image_env`` gives a
    built image's environment, searched for provider keys a governed claw could see (default:
    the engine when ``labels`` is, else not searched; a Clawfile's ``ENV`` lines always are);
    ``image_id`` gives a local image's ID, to tell a built claw image whose Dockerfile or base
    image changed since it was built (default: the engine when ``labels`` is, else not told);
    the governed claws named in ``rotate`` get new tokens instead of the ones kept on disk.

    Raises :class:`PodError` listing every problem found, those of a pod loaded with
    ``partial`` (:attr:`~clawlib.pod.Pod.problems`) included. Each stage checks every claw it
    can and carries on with the others: a claw is left out only of the stages that need what is
    wrong with it (one without an image or a contract is not materialised by its driver), so
    that one run reports every independent problem.
    """
    if labels is None:
        from clawlib.engine import DockerView, LocalImages

        with DockerView() as view:
            images = LocalImages(view)
            return plan_pod(
                pod,
                images.labels,
                extract,
                tokens=tokens,
                image_env=image_env or images.env,
                image_id=image_id or images.id,
                rotate=rotate,
            )
    known: dict[str, Mapping[str, str] | None] = {}
    read_labels = labels
    unreachable: list[EngineUnavailableError] = []

    def lookup(ref: str) -> Mapping[str, str] | None:
        if unreachable:
            return None
        if ref not in known:
            try:
                known[ref] = read_labels(ref)
            except EngineUnavailableError as exc:
                unreachable.append(exc)
                return None
        return known[ref]

    def base_id(ref: str) -> str | None:
        if image_id is None or unreachable:
            return None
        try:
            return image_id(ref)
        except EngineUnavailableError as exc:
            unreachable.append(exc)
            return None

    problems = list(pod.problems)
    try:
        project_name(pod)
    except InvalidValueError as exc:
        problems.append(pod.problem(("name",), exc.detail))
    warnings = list(pod.warnings)
    metadata: dict[str, ImageMetadata] = {}
    builds: list[ImageBuild] = []
    for service in pod.claws:
        try:
            meta, build = _image_metadata(
                pod, service, lookup, lambda: bool(unreachable), base_id if image_id else None
            )
        except ClawfileError as exc:  # each of its problems, as one of the pod's
            problems += [pod.problem(("services", service.name), m) for m in exc.messages]
            continue
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
    if unreachable:
        engine = unreachable[0]
        warnings.append(
            PodProblem(
                "",
                0,
                f"the Docker engine at {engine.host} does not answer ({engine.reason}): no image "
                "was looked up, claws are planned from their Clawfiles",
            )
        )
    emitted = _emitted_skills(pod, metadata, lookup, extract or _engine_extract, warnings)
    resolution = resolve_pod(pod, metadata, emitted)
    problems += resolution.problems
    warnings += resolution.warnings
    warnings += ignored_proxy_env(pod, resolution.claws)
    try:
        governance = govern(pod, resolution.claws, tokens or new_token, rotate)
    except PodError as exc:  # the claws are still materialised: their drivers may object too
        problems += exc.problems
        governance = None
    if governance is not None:
        problems += _starvation(pod, governance.claws, metadata, image_env, unreachable)
        warnings += _ungoverned(pod, resolution.claws, governance.claws)
    claws = dict(resolution.claws)
    files: list[PlannedFile] = []
    if governance is not None:
        warnings += governance.warnings
        claws.update(governance.claws)
        files += [PlannedFile(f.path, f.content, secret=f.secret) for f in governance.files]
    dockerfiles: dict[Path, PlannedFile | None] = {}
    drivers: dict[str, Driver] = {}
    claw_services: dict[str, ClawService] = {}
    runner_state: set[str] = set()
    mount_points: set[str] = set()
    config_files: dict[str, str] = {}
    owners: dict[str, tuple[int, int]] = {}
    for name, claw in claws.items():
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
        runtime = _runtime_files(name, claw, materialised)
        state = [f"{RUNTIME_DIR}/{name}/{path}" for path in materialised.runner_dirs()]
        unsafe = _unsafe_paths(runtime) + _unsafe_state_dirs(state)
        if unsafe:
            problems += [pod.problem(("services", name), detail) for detail in unsafe]
            continue
        user = pod.services[name].compose.get("user") or materialised.user
        owner, problem = _runner_owner(name, claw.claw_type, user, materialised.user is not None)
        if problem:
            warnings.append(pod.problem(("services", name), problem))
        if owner is not None:
            runtime = [dataclasses.replace(item, owner=owner) for item in runtime]
            owners[f"{RUNTIME_DIR}/{name}"] = owner
        files += runtime
        runner_state.update(state)
        if driver.config_file:
            config_files[name] = driver.config_file
        skills = _skill_mounts(pod, name, claw)
        points = materialised.mount_points([skill for _, skill in skills])
        mount_points.update(f"{RUNTIME_DIR}/{name}/{path}" for path in points)
        compose_build = None
        clawfile, context = _clawfile_of(pod, pod.services[name])
        if clawfile is not None and context is not None:
            dockerfile = generated_dockerfile(pod, clawfile, dockerfiles)
            if dockerfile is not None:
                files.append(dockerfile)
            compose_build = _generated_build(pod.services[name], clawfile, context)
        claw_services[name] = ClawService(
            materialised,
            skills=skills,
            image=None if pod.services[name].compose.get("image") else metadata[name].image,
            build=compose_build,
            replica_environment=tuple(
                {"CLLAMA_TOKEN": token} for token in governance.replica_tokens(claw)
            )
            if governance is not None and claw.proxy is not None
            else (),
        )
    if problems:
        raise PodError(pod.display, problems)
    handles = {name: dict(c.handles) for name, c in claws.items() if c.handles}
    env = handle_env(handles)
    if env:
        files.append(PlannedFile(f"{RUNTIME_DIR}/{HANDLES_ENV}", env_file_text(env).encode()))
    compose = render_compose(
        pod,
        claw_services,
        has_handles=bool(env),
        proxy=governance.proxy if governance is not None else None,
    )
    files.append(PlannedFile(COMPOSE_FILE, compose.text.encode()))
    return Plan(
        pod=pod,
        compose=compose,
        files=tuple(sorted(_private_if_secret(files), key=lambda f: f.path)),
        images=tuple(builds),
        warnings=tuple(warnings),
        claws=claws,
        tokens=dict(governance.tokens) if governance is not None else {},
        runner_state=frozenset(runner_state),
        mount_points=frozenset(mount_points),
        config_files=config_files,
        owners=owners,
    )


def _effective_user() -> tuple[int, int]:
    """The user and group ids claw runs as (who owns what it writes)."""
    return os.geteuid(), os.getegid()


def _runner_owner(
    name: str, claw_type: str, user: object, required: bool
) -> tuple[tuple[int, int] | None, str | None]:
    """Who the runtime files of the claw ``name`` must belong to, given the ``user`` its
    container runs as (``"<uid>[:<gid>]"``; ``required`` when its driver runs the runner as that
    user): that user when claw runs as root and can give them, else None; and why the runner
    may not be able to read them, when claw cannot give them."""
    if user is None:
        return None, None
    found = re.fullmatch(r"(\d+)(?::(\d+))?", str(user).strip())
    uid, gid = _effective_user()
    if found is None:
        if not required:
            return None, None
        return None, (
            f'user "{user}" is not numeric, so claw cannot give {RUNTIME_DIR}/{name}/ to it: '
            f'the {claw_type} runner may not read its files (use "<uid>:<gid>")'
        )
    owner = (int(found[1]), int(found[2] or found[1]))
    if uid == 0:
        return (owner if owner != (0, 0) else None), None
    if uid == owner[0]:
        return None, None
    return None, (
        f"the {claw_type} runner runs as user {owner[0]}:{owner[1]} and reads its files from "
        f"{RUNTIME_DIR}/{name}/, which claw (user {uid}) cannot give to it: run claw as root or "
        f'as user {owner[0]}, or set the service\'s user: "{uid}:{gid}"'
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


def _private_if_secret(files: list[PlannedFile]) -> list[PlannedFile]:
    """``files``, each with mode 0600 when it holds a secret: a token the runner needs
    (``secret``), or any literal value the masker would hide (a secret in a service's
    ``environment``, a ``CONFIGURE`` value in a runner's config, a URL with a password...).
    Files of the same content (a skill every claw gets) are judged once."""
    verdicts: dict[bytes, bool] = {}
    private = []
    for item in files:
        if item.content not in verdicts:
            verdicts[item.content] = holds_secret(item.content.decode("utf-8", "replace"))
        if item.mode != 0o600 and (item.secret or verdicts[item.content]):
            item = dataclasses.replace(item, mode=0o600)
        private.append(item)
    return private


def _unsafe_paths(files: list[PlannedFile]) -> list[str]:
    """Why claw refuses to write each of ``files`` it may not (the guard, applied as early as
    the plan: a skill or handle name, a persona file or a driver's output naming an unsafe
    path), so that the pod's problems name the service."""
    found = []
    for item in files:
        try:
            check_generated_path(item.path)
        except UnsafePathError as exc:
            found.append(f"claw would write a file at {exc.path}, which it refuses: {exc.reason}")
    return found


def _unsafe_state_dirs(paths: list[str]) -> list[str]:
    """Why claw refuses each of a driver's state directories it may not keep (as
    :func:`_unsafe_paths` does for files)."""
    found = []
    for path in paths:
        try:
            check_generated_path(path)
        except UnsafePathError as exc:
            found.append(
                f"claw would keep a runner's state at {exc.path}, which it refuses: {exc.reason}"
            )
    return found


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
    pod: Pod,
    service: PodService,
    lookup: LabelLookup,
    engine_down: Callable[[], bool],
    base_id: IdLookup | None = None,
) -> tuple[ImageMetadata, ImageBuild | None]:
    """The image's metadata: from its labels when it is built and current, else from its
    Clawfile, with the build that would make it so (``engine_down()``: no image could be
    looked up). With ``base_id``, an image whose claw labels match but that was built from
    another Dockerfile or on another base image is rebuilt too."""
    image = service.compose.get("image")
    clawfile, context = _clawfile_of(pod, service)
    ref = str(image) if image else managed_image_name(pod.name, service.name)
    labels = lookup(ref) if image or clawfile else None
    if clawfile is None:
        if not image:
            raise InvalidValueError("a claw service needs image: or a build: with a Clawfile")
        if labels is None and engine_down():
            raise InvalidValueError(
                f'image "{ref}" cannot be looked up while the Docker engine does not answer, '
                "and the service has no build: with a Clawfile to plan from"
            )
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
        reason = "not looked up (the engine does not answer)" if engine_down() else "not built yet"
        build = ImageBuild(service.name, ref, clawfile, context, reason)
        return ImageMetadata(ref, planned, "clawfile"), build
    built = ClawImageInfo.from_labels(labels)
    if dataclasses.replace(built, skill_emit=None) != planned:
        build = ImageBuild(service.name, ref, clawfile, context, "stale")
        return ImageMetadata(ref, planned, "clawfile"), build
    if base_id is not None and not engine_down():
        changed = build_inputs_changed(
            labels, emit_dockerfile(source), base_images(source), base_id
        )
        if changed is not None:
            return ImageMetadata(ref, built), ImageBuild(
                service.name, ref, clawfile, context, changed
            )
    return ImageMetadata(ref, built), None


def _clawfile_of(pod: Pod, service: PodService) -> tuple[Path | None, Path | None]:
    """The Clawfile a claw service's ``build:`` names and its build context, both inside the pod
    directory; (None, None) when the build has none (a plain Dockerfile, a remote context).

    Raises :class:`InvalidValueError` for a context or Clawfile claw may not read: outside the
    pod directory (or a link leading there), not a directory or a regular file, a NUL or an
    over-long name.
    """
    build = service.compose.get("build")
    if isinstance(build, str):
        context_text, dockerfile = build, None
    elif isinstance(build, dict):
        context_text, dockerfile = build.get("context", "."), build.get("dockerfile")
    else:
        return None, None
    if not isinstance(context_text, str) or _REMOTE_CONTEXT.match(context_text):
        return None, None  # compose fetches remote contexts; they hold no Clawfile claw reads
    name = dockerfile if isinstance(dockerfile, str) and dockerfile else "Clawfile"
    if not PurePosixPath(name).name.startswith("Clawfile"):
        return None, None
    root = pod.directory.resolve()
    context = pod_file(root, context_text, "build context", directory=True)
    if "\0" in name:
        raise InvalidValueError(f'build dockerfile "{name!r}" holds a NUL character')
    relative = os.path.relpath(os.path.join(context, name), root)
    clawfile = find_pod_file(root, relative, "Clawfile")
    return (clawfile, context) if clawfile is not None else (None, None)


_REMOTE_CONTEXT = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://|git@|github\.com/)")


def _emitted_skills(
    pod: Pod,
    metadata: Mapping[str, ImageMetadata],
    lookup: LabelLookup,
    extract: FileExtractor,
    warnings: list[PodProblem],
) -> dict[str, EmittedSkill]:
    """The skill each relevant image ships: the claws' own, and every service:// target's
    (a claw whose image could not be told, having no ``metadata``, ships none).

    A skill that cannot be read is a warning; the claw gets the generated fallback instead.
    """
    claws = [service for service in pod.claws if service.name in metadata]
    wanted = {service.name for service in claws}
    for service in claws:
        assert service.claw is not None
        wanted |= {e.surface.target for e in service.claw.surfaces if e.surface.scheme == "service"}
    emitted: dict[str, EmittedSkill] = {}
    for name in sorted(wanted):
        service = pod.services[name]
        if service.is_claw and name not in metadata:
            continue
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


def _starvation(
    pod: Pod,
    governed: Mapping[str, ResolvedClaw],
    metadata: Mapping[str, ImageMetadata],
    image_env: EnvLookup | None,
    unreachable: Sequence[EngineUnavailableError],
) -> list[PodProblem]:
    """Every provider key a governed claw could see (:mod:`clawlib.starvation`): in its
    environment and env files, and in its image's environment — the built image's, or the
    ``ENV`` lines of the Clawfile the plan follows."""
    problems: list[PodProblem] = []
    for name in governed:
        service, meta = pod.services[name], metadata[name]
        clawfile, clawfile_path, env = None, "", None
        if meta.source == "clawfile":
            found, _ = _clawfile_of(pod, service)
            if found is not None:
                clawfile_path = os.path.relpath(found, pod.directory)
                clawfile = read_clawfile(found, clawfile_path)
        elif image_env is not None and not unreachable:
            env = image_env(meta.image)
        problems += starvation_problems(
            pod,
            service,
            image=meta.image,
            image_env=env,
            clawfile=clawfile,
            clawfile_path=clawfile_path,
        )
    return problems


def _ungoverned(
    pod: Pod, claws: Mapping[str, ResolvedClaw], governed: Mapping[str, ResolvedClaw]
) -> list[PodProblem]:
    """A warning for each claw left ungoverned in a pod that governs others."""
    return [
        pod.problem(
            ("services", name),
            "not governed, while the pod's other claws are: it reaches its model providers "
            "directly, with whatever keys it holds (add x-claw.cllama to govern it)",
        )
        for name in claws
        if name not in governed
    ]


def _not_planned_tree(path: str) -> bool:
    """Directories of the runtime tree that hold no planned file to remove: claw's own
    bookkeeping (dot entries at the top), the runner's persona workspace (its memory) and a
    governance proxy's auth directory (the operator's provider keys)."""
    parts = path.split("/")
    return _bookkeeping(path) or parts[2:3] == [PERSONA_DIR] or is_proxy_auth_dir(path)


def _bookkeeping(path: str) -> bool:
    return path.split("/")[1].startswith(".")


def _is_dir(root_fd: int, path: str) -> bool:
    fd, _ = walk_dirs(root_fd, path.split("/"))
    if fd is None:
        return False
    os.close(fd)
    return True


def _kept_state(path: str) -> str:
    return (
        f"{path} holds the state of a runner no longer in the pod: claw keeps it (remove it "
        "yourself when it is no longer needed)"
    )


def _in_the_way(entry: DiskEntry) -> str:
    replacement = "a directory" if entry.at == RUNTIME_DIR else "what claw generates"
    return (
        f"{entry.at} is {entry.detail}: claw does not follow or read it, and writing the plan "
        f"replaces it with {replacement}"
    )


def _mode_change(path: str, entry: DiskEntry, item: PlannedFile) -> str:
    changes = []
    if entry.mode != item.mode:
        changes.append(f"mode {entry.mode:04o} → {item.mode:04o}")
    if item.owner and entry.owner != item.owner:
        old = ":".join(map(str, entry.owner)) if entry.owner else "?"
        changes.append(f"owner {old} → {item.owner[0]}:{item.owner[1]}")
    return f"--- a/{path}\n+++ b/{path}\n({', '.join(changes)})\n"


def _unified(path: str, entry: DiskEntry, new: bytes | None, secret: bool) -> str:
    """The unified diff of what is on disk (``entry``) → ``new`` (None: no such file), secrets
    masked.

    The raw lines are compared, so a changed secret is still a changed line; each line is
    printed as :func:`~clawlib.secrets.mask_lines` masks it in its whole file, so a line in
    the middle of a secret (a key's body far below its name) is masked in any hunk. A link or
    a pipe in the way is named, never read.
    """
    if secret:
        return f"--- a/{path}\n+++ b/{path}\n(sensitive content not shown)\n"
    old = entry.content if entry.kind == "file" else None
    if entry.kind == "file" and old is None:
        return f"--- a/{path}\n+++ b/{path}\n(the file on disk is too large to compare)\n"
    if entry.in_the_way and entry.at == path:
        note = f"({entry.detail}, not read)\n"
        return note + (_unified(path, DiskEntry("missing"), new, False) if new is not None else "")
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


def _service_changes(
    old: bytes | None,
    new: ComposeDocument,
    old_files: Mapping[str, bytes | None],
    new_files: Mapping[str, bytes],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The services added, changed and removed from the compose file on disk (``old``: its
    bytes, None when there is none) to ``new``, and what changed in each changed one. The env
    files of the generated tree that services name are compared by what they set: their
    content on disk (``old_files``, by path) and as planned (``new_files``). The file on disk
    is parsed once; one that cannot be read counts as holding no services."""
    before: Mapping[str, Any] = {}
    if old is not None and old == new.text.encode():
        before = new.services
    elif old is not None:
        with contextlib.suppress(PodError):
            before = ComposeDocument.parse(old.decode("utf-8", "replace"), COMPOSE_FILE).services
    after = new.services
    named = {
        path
        for services in (before, after)
        for definition in services.values()
        for path in env_file_paths(definition)
    }
    env_before: dict[str, str | None] = {}
    env_after: dict[str, str | None] = {}
    for path in named:
        relative = os.path.normpath(path).replace(os.sep, "/")
        if relative.split("/")[0] != RUNTIME_DIR:
            continue  # the pod's own env files: the same file before and after
        content = old_files.get(relative)
        env_before[path] = content.decode("utf-8", "replace") if content is not None else None
        planned = new_files.get(relative)
        env_after[path] = planned.decode("utf-8", "replace") if planned is not None else None
    added = tuple(sorted(set(after) - set(before)))
    removed = tuple(sorted(set(before) - set(after)))
    reasons = service_changes(before, after, env_before, env_after)
    return added, tuple(sorted(reasons)), removed, dict(sorted(reasons.items()))
