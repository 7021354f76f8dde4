"""Resolve every claw of a pod: image metadata + x-claw → :class:`ResolvedClaw`.

Pure given the image metadata (the caller reads labels from the engine, or parses the Clawfile
when the image is not built yet). Every problem of every claw is collected, each with the YAML
path it concerns, and returned with the claws resolved (:attr:`Resolution.problems`) for the
caller to report with the problems of the other stages: one claw's missing contract does not hide
another's driver problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from clawlib._files import read_regular
from clawlib.clawfile import ClawImageInfo, Surface
from clawlib.errors import InvalidValueError, PodProblem, UnreadableFileError
from clawlib.generated import RUNTIME_DIR
from clawlib.limits import MAX_PERSONA_BYTES, MAX_PERSONA_FILES
from clawlib.pod import ChannelRouting, Handle, Pod, PodService

from ._documents import channel_skill, handle_skill, service_skill, surface_skill_name
from ._handles import resolve_invoke_target
from ._paths import pod_file, read_pod_file
from ._types import (
    EmittedSkill,
    Invocation,
    PersonaFile,
    ResolvedClaw,
    ResolvedInclude,
    ResolvedSkill,
    ResolvedSurface,
)

__all__ = ["ImageMetadata", "Resolution", "resolve_pod"]


@dataclass(frozen=True)
class ImageMetadata:
    """What is known of a service's image and where it came from."""

    image: str
    info: ClawImageInfo
    source: Literal["image", "clawfile"] = "image"
    """``clawfile``: the image is not built; its metadata comes from the Clawfile."""


@dataclass(frozen=True)
class Resolution:
    """Every claw resolved, with the problems and warnings resolution produced.

    A claw without a contract (or whose image has no claw type) is left out of ``claws``; one
    whose other inputs have problems (a skill, an include, a persona file) is resolved without
    them, so that its driver can still be asked about the rest. With ``problems``, the
    resolution is incomplete: report them, never plan from it.
    """

    claws: Mapping[str, ResolvedClaw]
    warnings: tuple[PodProblem, ...] = ()
    problems: tuple[PodProblem, ...] = ()


@dataclass
class _Context:
    pod: Pod
    emitted: dict[str, EmittedSkill] = field(default_factory=dict)
    problems: list[PodProblem] = field(default_factory=list)
    warnings: list[PodProblem] = field(default_factory=list)

    def problem(self, path: tuple[str | int, ...], detail: str) -> None:
        self.problems.append(self.pod.problem(path, detail))

    def warn(self, path: tuple[str | int, ...], detail: str) -> None:
        self.warnings.append(self.pod.problem(path, detail))


def resolve_pod(
    pod: Pod,
    metadata: Mapping[str, ImageMetadata],
    emitted: Mapping[str, EmittedSkill] | None = None,
) -> Resolution:
    """Resolve every claw service of ``pod``; ``metadata`` maps service name → its image's
    (a claw without an entry is not resolved: the caller could not tell its image, and said why).

    ``emitted`` maps a service name to the skill its image ships (``claw.skill.emit``): a claw
    gets its own image's, and every claw with a ``service://`` surface to that service gets it
    as the surface's skill and as a service manual in its contract.
    """
    context = _Context(pod, dict(emitted or {}))
    handles = {
        service.name: dict(service.claw.handles)
        for service in pod.claws
        if service.claw is not None and service.claw.handles
    }
    claws: dict[str, ResolvedClaw] = {}
    for service in pod.claws:
        meta = metadata.get(service.name)
        if meta is None:
            continue
        resolved = _resolve(context, service, meta, handles)
        if resolved is not None:
            claws[service.name] = resolved
    return Resolution(claws, tuple(context.warnings), tuple(context.problems))


def _resolve(
    context: _Context,
    service: PodService,
    meta: ImageMetadata,
    handles: Mapping[str, Mapping[str, Handle]],
) -> ResolvedClaw | None:
    claw = service.claw
    assert claw is not None
    pod = context.pod
    path: tuple[str | int, ...] = ("services", service.name, "x-claw")
    info = meta.info
    if not info.claw_type:
        context.problem(
            ("services", service.name),
            f'image "{meta.image}" has no claw.type label (build it from a Clawfile)',
        )
        return None
    contract_text, contract_name = _contract(context, service, info, path)
    if contract_text is not None:
        contract_text = _with_manuals(context, service, contract_text)
    skills = _skills(context, service, info, handles.get(service.name, {}), path)
    surfaces = tuple(
        ResolvedSurface(
            entry.surface,
            _admitted(pod, entry.surface.target, entry.routing, handles),
            ports=_ports(pod.services[entry.surface.target])
            if entry.surface.scheme == "service"
            else (),
            skill_name=_surface_skill(context, entry.surface),
        )
        for entry in claw.surfaces
    )
    invocations = [Invocation(str(i.schedule), i.command) for i in info.invocations]
    own_handles = handles.get(service.name, {})
    for index, entry in enumerate(claw.invoke):
        to = None
        if entry.to:
            target = resolve_invoke_target(own_handles, entry.to)
            to = target.to
            if target.warning:
                context.warn((*path, "invoke", index, "to"), target.warning)
        invocations.append(Invocation(entry.schedule, entry.message, entry.name, to))
    persona = (claw.persona or info.persona or "").strip() or None
    persona_where = (*path, "persona") if claw.persona else ("services", service.name)
    persona_files = _persona(context, persona, persona_where) if persona else ()
    if contract_text is None:
        return None
    environment = _environment(service.compose.get("environment"))
    return ResolvedClaw(
        service=service.name,
        pod=pod.name,
        image=meta.image,
        claw_type=info.claw_type,
        contract_name=contract_name,
        contract=contract_text,
        models=dict(info.models),
        handles=own_handles,
        peer_handles={name: h for name, h in handles.items() if name != service.name},
        surfaces=surfaces,
        skills=skills,
        configures=info.configures,
        privileges=dict(info.privileges),
        invocations=tuple(invocations),
        count=claw.count,
        environment=environment,
        lookup_env=pod.lookup_environment(environment),
        cllama=tuple(claw.cllama) or info.cllama,
        persona=persona,
        persona_files=persona_files,
        includes=tuple(
            ResolvedInclude(
                i.id,
                i.mode,
                i.file,
                i.description,
                include_skill_name(i.id, Path(i.file).suffix) if i.mode == "reference" else None,
            )
            for i in claw.include
        ),
    )


def include_skill_name(include_id: str, suffix: str) -> str:
    """``include-<id>.<ext>``: characters outside ``[A-Za-z0-9_-]`` become ``_``."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in include_id)
    return f"include-{safe or 'include'}{suffix or '.md'}"


def _surface_skill(context: _Context, surface: Surface) -> str | None:
    if surface.scheme == "service" and surface.target in context.emitted:
        return context.emitted[surface.target].name
    if surface.scheme in ("service", "channel"):
        return surface_skill_name(surface.target)
    return None


def _with_manuals(context: _Context, service: PodService, contract: bytes) -> bytes:
    """The contract with the manual of every ``service://`` target that ships one inlined."""
    assert service.claw is not None
    targets = [
        entry.surface.target
        for entry in service.claw.surfaces
        if entry.surface.scheme == "service" and entry.surface.target in context.emitted
    ]
    if not targets:
        return contract
    parts = [contract.decode("utf-8", "replace").rstrip("\n")]
    for target in dict.fromkeys(targets):
        body = strip_frontmatter(context.emitted[target].content.decode("utf-8", "replace"))
        marker = f"service_manual {target} (guide)"
        parts += [
            "",
            f"--- BEGIN: {marker} ---",
            "",
            "This service manual was injected automatically because you declared "
            f"`service://{target}`.",
            "Treat it as the authoritative workflow for acting through that service.",
            "",
            body.strip("\n"),
            "",
            f"--- END: {marker} ---",
        ]
    return ("\n".join(parts) + "\n").encode()


def strip_frontmatter(text: str) -> str:
    """``text`` without a leading ``---`` … ``---`` block."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                return "".join(lines[index + 1 :])
    return text


def _persona(context: _Context, ref: str, where: tuple[str | int, ...]) -> tuple[PersonaFile, ...]:
    """The files of a local persona directory (``./…``, ``/…`` or ``file://…`` inside the pod
    directory).

    The directory is copied into the runtime tree and mounted read-write into the agent, so it
    must be a sub-directory of the pod that holds neither the pod file, a ``.env`` nor the
    generated tree, with no symlinks or special files, and within the persona limits.
    """
    if not ref.startswith((".", "/", "file://")):
        context.problem(
            where,
            f'persona "{ref}" is a registry artifact reference; only local persona directories '
            "are supported (./path, /path or file://path inside the pod directory)",
        )
        return ()
    local = ref.removeprefix("file://").lstrip("/") or "."
    pod_dir = context.pod.directory.resolve()
    try:
        root = pod_file(pod_dir, local, "persona", directory=True)
    except InvalidValueError as exc:
        context.problem(where, exc.detail)
        return ()
    generated = pod_dir / RUNTIME_DIR
    if root == pod_dir:
        context.problem(
            where,
            f'persona "{ref}" is the pod directory itself; a persona is a sub-directory of it '
            "(it is copied and mounted read-write into the agent, so it must not hold the pod "
            "file, .env or the generated files)",
        )
        return ()
    if root == generated or generated in root.parents:
        context.problem(where, f'persona "{ref}" lies in {RUNTIME_DIR}, which claw generates')
        return ()
    files: list[PersonaFile] = []
    total = 0
    for item in sorted(root.rglob("*")):
        relative = item.relative_to(root).as_posix()
        if item.is_symlink():
            context.problem(
                where, f'persona "{ref}" contains a symlink ({relative}); copy the file'
            )
        elif item.name in (".env", context.pod.file.name) and item.is_file():
            context.problem(
                where,
                f'persona "{ref}" contains {relative}; a persona is mounted read-write into the '
                "agent and must not hold a pod file or a .env",
            )
        elif item.is_file():
            if len(files) == MAX_PERSONA_FILES:
                context.problem(where, f'persona "{ref}" holds more than {MAX_PERSONA_FILES} files')
                return ()
            try:
                size = item.stat().st_size
                if total + size > MAX_PERSONA_BYTES:
                    context.problem(
                        where,
                        f'persona "{ref}" holds more than {MAX_PERSONA_BYTES // (1024 * 1024)} MiB',
                    )
                    return ()
                content = read_regular(item, MAX_PERSONA_BYTES - total)
            except (OSError, UnreadableFileError) as exc:
                reason = exc.reason if isinstance(exc, UnreadableFileError) else exc.strerror
                context.problem(where, f'persona "{ref}": {relative} cannot be read ({reason})')
                continue
            total += len(content)
            files.append(PersonaFile(relative, content, item.stat().st_mode & 0o777))
        elif not item.is_dir():
            context.problem(where, f'persona "{ref}" contains {relative}, which is not a file')
    return tuple(files)


def _admitted(
    pod: Pod,
    target: str,
    routing: ChannelRouting | None,
    handles: Mapping[str, Mapping[str, Handle]],
) -> ChannelRouting | None:
    """A ``channel://discord`` routing with the users its ``allow_from_*`` admits added to
    every declared guild: the Discord ids of the pod's claws (``allow_from_handles``) and of
    the named services' bots (``allow_from_services``), sorted, after the explicit users."""
    if routing is None or target != "discord" or not routing.guilds:
        return routing
    derived: set[str] = set()
    if routing.allow_from_handles:
        derived |= {h["discord"].id for h in handles.values() if "discord" in h}
    for name in routing.allow_from_services:
        bot = pod.services[name].discord_bot_id
        if bot:
            derived.add(bot)
    if not derived:
        return routing
    guilds = {
        guild_id: guild.model_copy(
            update={"users": list(dict.fromkeys([*guild.users, *sorted(derived)]))}
        )
        for guild_id, guild in routing.guilds.items()
    }
    return routing.model_copy(update={"guilds": guilds})


def _contract(
    context: _Context,
    service: PodService,
    info: ClawImageInfo,
    path: tuple[str | int, ...],
) -> tuple[bytes | None, str]:
    claw = service.claw
    assert claw is not None
    if claw.agent:
        relative, where = claw.agent, (*path, "agent")
    elif info.agent:
        relative, where = info.agent, ("services", service.name)
    else:
        context.problem(
            path,
            "no contract: set x-claw.agent or AGENT in the Clawfile (no contract, no start)",
        )
        return None, ""
    try:
        _, text = read_pod_file(context.pod.directory, relative, "contract")
    except InvalidValueError as exc:
        context.problem(where, f"{exc.detail} (no contract, no start)")
        return None, Path(relative).name
    includes = [entry for entry in claw.include if entry.mode != "reference"]
    if includes:
        parts = [text.decode("utf-8", "replace").rstrip("\n")]
        for index, include in enumerate(claw.include):
            if include.mode == "reference":
                continue
            try:
                _, data = read_pod_file(context.pod.directory, include.file, "include")
                body = _inlined_text(data, include.file)
            except InvalidValueError as exc:
                context.problem((*path, "include", index, "file"), exc.detail)
                continue
            marker = f"{include.id} ({include.mode})"
            parts += [
                "",
                f"--- BEGIN: {marker} ---",
                "",
                body.rstrip("\n"),
                "",
                f"--- END: {marker} ---",
            ]
        text = ("\n".join(parts) + "\n").encode()
    return text, Path(relative).name


def _inlined_text(data: bytes, relative: str) -> str:
    """The text of an include inlined into the contract (InvalidValueError unless UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidValueError(
            f'include "{relative}" is not valid UTF-8 (byte {data[exc.start]:#04x} on line '
            f"{line}): enforce and guide includes are inlined into the contract as text; save it "
            "as UTF-8, or use mode: reference"
        ) from exc


def _skills(
    context: _Context,
    service: PodService,
    info: ClawImageInfo,
    handles: Mapping[str, Handle],
    path: tuple[str | int, ...],
) -> tuple[ResolvedSkill, ...]:
    claw = service.claw
    assert claw is not None
    pod = context.pod
    generated: dict[str, ResolvedSkill] = {}
    for entry in claw.surfaces:
        surface = entry.surface
        name = surface_skill_name(surface.target)
        if surface.scheme == "service" and surface.target in context.emitted:
            skill = context.emitted[surface.target]
            generated[skill.name] = ResolvedSkill(skill.name, content=skill.content)
            continue
        if surface.scheme == "service":
            target = pod.services[surface.target]
            content = service_skill(surface.target, _ports(target))
        elif surface.scheme == "channel":
            content = channel_skill(surface.target, entry.routing)
        else:
            continue
        generated[name] = ResolvedSkill(name, content=content.encode())
    for index, include in enumerate(claw.include):
        if include.mode != "reference":
            continue
        try:
            real, data = read_pod_file(pod.directory, include.file, "include")
        except InvalidValueError as exc:
            context.problem((*path, "include", index, "file"), exc.detail)
            continue
        name = include_skill_name(include.id, real.suffix)
        generated[name] = ResolvedSkill(name, content=data)
    for platform in sorted(handles):
        name = f"handle-{platform}.md"
        generated[name] = ResolvedSkill(
            name, content=handle_skill(platform, handles[platform]).encode()
        )
    image = _operator_skills(context, info.skills, ("services", service.name), "image")
    own = context.emitted.get(service.name)
    if own is not None:
        image[own.name] = ResolvedSkill(own.name, content=own.content, origin="image")
    pods = _operator_skills(context, claw.skills, (*path, "skills"), "pod")
    merged = dict(generated)
    for layer in (image, pods):
        merged.update(layer)
    return tuple(merged.values())


def _operator_skills(
    context: _Context,
    paths: tuple[str, ...] | list[str],
    where: tuple[str | int, ...],
    origin: Literal["image", "pod"],
) -> dict[str, ResolvedSkill]:
    skills: dict[str, ResolvedSkill] = {}
    seen: dict[str, str] = {}
    for index, relative in enumerate(paths):
        location = (*where, index) if origin == "pod" else where
        try:
            real = pod_file(context.pod.directory, relative, "skill")
        except InvalidValueError as exc:
            context.problem(location, exc.detail)
            continue
        if real.name in seen:
            context.problem(
                location,
                f'skills "{seen[real.name]}" and "{relative}" share the file name {real.name}; '
                "skills are mounted by name",
            )
            continue
        seen[real.name] = relative
        skills[real.name] = ResolvedSkill(real.name, host_path=real, origin=origin)
    return skills


def _ports(service: PodService) -> tuple[str, ...]:
    ports: list[str] = []
    for value in service.compose.get("expose") or []:
        ports.append(str(value))
    for value in service.compose.get("ports") or []:
        if isinstance(value, dict):
            port = str(value.get("target", ""))
        else:
            text = str(value).split("/")[0]
            port = text.rsplit(":", 1)[-1]
        if port:
            ports.append(port)
    return tuple(dict.fromkeys(ports))


def _environment(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    environment: dict[str, str] = {}
    for item in value if isinstance(value, list) else []:
        key, _, text = str(item).partition("=")
        environment[key.strip()] = text
    return environment
