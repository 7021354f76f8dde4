"""Resolve every claw of a pod: image metadata + x-claw → :class:`ResolvedClaw`.

Pure given the image metadata (the caller reads labels from the engine, or parses the Clawfile
when the image is not built yet). Every problem of every claw is collected and raised at once as
a :class:`PodError`, each with the YAML path it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from clawlib.clawfile import ClawImageInfo
from clawlib.errors import InvalidValueError, PodError, PodProblem
from clawlib.pod import Handle, Pod, PodService

from ._documents import channel_skill, handle_skill, service_skill, surface_skill_name
from ._handles import resolve_invoke_target
from ._paths import pod_file
from ._types import Invocation, ResolvedClaw, ResolvedSkill, ResolvedSurface

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
    """Every claw resolved, with the warnings resolution produced."""

    claws: Mapping[str, ResolvedClaw]
    warnings: tuple[PodProblem, ...] = ()


@dataclass
class _Context:
    pod: Pod
    problems: list[PodProblem] = field(default_factory=list)
    warnings: list[PodProblem] = field(default_factory=list)

    def problem(self, path: tuple[str | int, ...], detail: str) -> None:
        self.problems.append(self.pod.problem(path, detail))

    def warn(self, path: tuple[str | int, ...], detail: str) -> None:
        self.warnings.append(self.pod.problem(path, detail))


def resolve_pod(pod: Pod, metadata: Mapping[str, ImageMetadata]) -> Resolution:
    """Resolve every claw service of ``pod``; ``metadata`` maps service name → its image's."""
    context = _Context(pod)
    handles = {
        service.name: dict(service.claw.handles)
        for service in pod.claws
        if service.claw is not None and service.claw.handles
    }
    claws: dict[str, ResolvedClaw] = {}
    for service in pod.claws:
        meta = metadata.get(service.name)
        if meta is None:
            context.problem(("services", service.name), "no image metadata (internal error)")
            continue
        resolved = _resolve(context, service, meta, handles)
        if resolved is not None:
            claws[service.name] = resolved
    if context.problems:
        raise PodError(pod.display, context.problems)
    return Resolution(claws, tuple(context.warnings))


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
    skills = _skills(context, service, info, handles.get(service.name, {}), path)
    surfaces = tuple(
        ResolvedSurface(
            entry.surface,
            entry.routing,
            ports=_ports(pod.services[entry.surface.target])
            if entry.surface.scheme == "service"
            else (),
            skill_name=surface_skill_name(entry.surface.target)
            if entry.surface.scheme in ("service", "channel")
            else None,
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
    if contract_text is None:
        return None
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
        environment=_environment(service.compose.get("environment")),
        cllama=tuple(claw.cllama) or info.cllama,
        persona=claw.persona or info.persona,
    )


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
        real = pod_file(context.pod.directory, relative, "contract")
    except InvalidValueError as exc:
        context.problem(where, f"{exc.detail} (no contract, no start)")
        return None, Path(relative).name
    text = real.read_bytes()
    includes = [entry for entry in claw.include if entry.mode != "reference"]
    if includes:
        parts = [text.decode("utf-8", "replace").rstrip("\n")]
        for index, include in enumerate(claw.include):
            if include.mode == "reference":
                continue
            try:
                body = pod_file(context.pod.directory, include.file, "include").read_text()
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
            real = pod_file(pod.directory, include.file, "include")
        except InvalidValueError as exc:
            context.problem((*path, "include", index, "file"), exc.detail)
            continue
        safe = "".join(c if c.isalnum() or c in "_-" else "_" for c in include.id) or "include"
        name = f"include-{safe}{real.suffix or '.md'}"
        generated[name] = ResolvedSkill(name, content=real.read_bytes())
    for platform in sorted(handles):
        name = f"handle-{platform}.md"
        generated[name] = ResolvedSkill(
            name, content=handle_skill(platform, handles[platform]).encode()
        )
    image = _operator_skills(context, info.skills, ("services", service.name), "image")
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
