"""What the Inspect pane shows, as plain rows: sections cut from an engine inspect document, the
planned claw and the planned compose service, with every secret value masked.

Pure functions over plain data (no Textual), so each section can be checked line by line. A
value is masked when its name says it is a secret (``OPENROUTER_API_KEY=sk-…`` becomes
``•••• (OPENROUTER_API_KEY)``), whole however many lines it has, unless it is a ``${VAR}``
reference; and whenever :func:`~clawlib.secrets.mask_secrets` would mask something inside it (a
JSON value holding an ``apiKey``, a URL's password). Missing or mistyped keys in the inspect
document give empty rows, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from clawlib.engine import parse_engine_time
from clawlib.runtime import ResolvedClaw, ResolvedSurface
from clawlib.secrets import mask_command, mask_secrets, mask_value, split_command

__all__ = [
    "PLANNED_NOTE",
    "InspectView",
    "Row",
    "Section",
    "claw_labels_section",
    "claw_section",
    "container_section",
    "environment_section",
    "inspect_view",
    "masked_env",
    "mounts_section",
    "networks_section",
    "planned_sections",
    "security_section",
]

Row = tuple[str, str]
"""A (key, value) line of a section."""

PLANNED_NOTE = "not running: showing the planned service"
_FROM_ENVIRONMENT = "(taken from the environment)"
_MOUNT_SCHEMES = frozenset({"host", "volume"})


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its rows; ``empty`` is shown when there are no rows."""

    title: str
    rows: tuple[Row, ...]
    empty: str = "none"


@dataclass(frozen=True, slots=True)
class InspectView:
    """Everything the Inspect pane shows for one node: an optional note, then the sections."""

    note: str | None
    sections: tuple[Section, ...]


def masked_env(env: Sequence[str]) -> list[Row]:
    """``K=V`` entries (the engine's ``Config.Env``) as sorted (name, masked value) rows."""
    rows = []
    for entry in env:
        name, sep, value = str(entry).partition("=")
        rows.append((name, mask_value(name, value) if sep else _FROM_ENVIRONMENT))
    return sorted(rows)


def inspect_view(
    *,
    inspect: Mapping[str, Any] | None,
    claw: ResolvedClaw | None,
    service: Mapping[str, Any] | None,
) -> InspectView:
    """The sections for a node: its claw (when planned as one), then the running container's
    inspect document or, without a container, the planned compose service."""
    sections: list[Section] = [claw_section(claw)] if claw is not None else []
    if inspect is not None:
        sections += [
            container_section(inspect),
            claw_labels_section(inspect),
            security_section(inspect),
            mounts_section(inspect),
            networks_section(inspect),
            environment_section(inspect),
        ]
        return InspectView(None, tuple(sections))
    if service is not None:
        return InspectView(PLANNED_NOTE, (*sections, *planned_sections(service)))
    return InspectView("not running, and not in the generated compose file", tuple(sections))


# The planned claw.


def claw_section(claw: ResolvedClaw) -> Section:
    """What the claw was planned with: runner, image, models, identities, surfaces, skills."""
    rows: list[Row] = [
        ("type", claw.claw_type),
        ("image", claw.image),
        ("count", str(claw.count)),
        ("contract", claw.contract_name),
    ]
    rows += [(f"model {slot}", claw.models[slot]) for slot in sorted(claw.models)]
    for platform in sorted(claw.handles):
        handle = claw.handles[platform]
        text = handle.id + (f" (@{handle.username})" if handle.username else "")
        if handle.guilds:
            text += f", {_count(len(handle.guilds), 'guild')}"
        rows.append((f"handle {platform}", text))
    rows += [("surface", _surface(s)) for s in claw.surfaces]
    rows += [("skill", f"{s.name} ({s.origin})") for s in claw.skills]
    for invocation in claw.invocations:
        text = f"{invocation.schedule}  {mask_secrets(invocation.message)}"
        if invocation.to:
            text += f" (to {invocation.to})"
        rows.append((f"invoke {invocation.name}" if invocation.name else "invoke", text))
    rows += [("configure", mask_command(split_command(command))) for command in claw.configures]
    rows += [(f"privilege {k}", mask_value(k, claw.privileges[k])) for k in sorted(claw.privileges)]
    if claw.proxy is not None:
        governed = f"governed by {claw.proxy.service} ({claw.proxy.type}), token ••••"
        rows.append(("governance", governed))
    elif claw.cllama:
        rows.append(("governance", f"{', '.join(claw.cllama)} (no proxy wired)"))
    else:
        rows.append(("governance", "none: the claw reaches its model providers directly"))
    rows.append(("persona", claw.persona or "none"))
    return Section("Claw", tuple(rows))


def _surface(resolved: ResolvedSurface) -> str:
    surface = resolved.surface
    if surface.access_mode is None and surface.scheme in _MOUNT_SCHEMES:
        return f"{surface.raw} (read-write by default)"
    if resolved.ports:
        return f"{surface.raw} (ports {', '.join(resolved.ports)})"
    routing = resolved.routing
    if routing is not None:
        parts = [_count(len(routing.guilds), "guild")]
        if routing.dm is not None and routing.dm.enabled:
            parts.append("direct messages")
        return f"{surface.raw} ({', '.join(parts)})"
    return surface.raw


# The running container, from its inspect document.


def container_section(inspect: Mapping[str, Any]) -> Section:
    """Name, id, image, creation time, state and command of the container."""
    config = _mapping(inspect.get("Config"))
    state = _mapping(inspect.get("State"))
    status = str(state.get("Status") or "unknown")
    if status == "exited":
        status += f" (exit code {state.get('ExitCode', '?')})"
    rows: list[Row] = [
        ("name", str(inspect.get("Name") or "").lstrip("/") or "unknown"),
        ("id", str(inspect.get("Id") or "")[:12] or "unknown"),
        ("image", str(config.get("Image") or "unknown")),
        ("created", _time(inspect.get("Created"))),
        ("state", status),
    ]
    if state.get("StartedAt"):
        rows.append(("started", _time(state.get("StartedAt"))))
    for key, name in (("Entrypoint", "entrypoint"), ("Cmd", "command")):
        if config.get(key):
            rows.append((name, mask_command(_words_list(config[key]))))
    if config.get("WorkingDir"):
        rows.append(("working dir", str(config["WorkingDir"])))
    return Section("Container", tuple(rows))


def claw_labels_section(inspect: Mapping[str, Any]) -> Section:
    """The ``claw.*`` labels the image passed down to the container, sorted."""
    labels = _mapping(_mapping(inspect.get("Config")).get("Labels"))
    rows = [
        (str(k), mask_value(str(k), str(v)))
        for k, v in labels.items()
        if str(k).startswith("claw.")
    ]
    return Section("Image claw metadata", tuple(sorted(rows)), "no claw.* labels")


def security_section(inspect: Mapping[str, Any]) -> Section:
    """Root filesystem, capabilities, security options, tmpfs mounts, restart policy, user."""
    host = _mapping(inspect.get("HostConfig"))
    config = _mapping(inspect.get("Config"))
    policy = _mapping(host.get("RestartPolicy"))
    restart = str(policy.get("Name") or "no")
    if policy.get("MaximumRetryCount"):
        restart += f" (at most {policy['MaximumRetryCount']} retries)"
    tmpfs = _mapping(host.get("Tmpfs"))
    rows: list[Row] = [
        ("read-only root fs", _yes(host.get("ReadonlyRootfs"))),
        ("privileged", _yes(host.get("Privileged"))),
        ("cap drop", _words(host.get("CapDrop"))),
        ("cap add", _words(host.get("CapAdd"))),
        ("security opt", _words(host.get("SecurityOpt"))),
        ("tmpfs", ", ".join(f"{p} ({o})" if o else str(p) for p, o in sorted(tmpfs.items()))),
        ("restart policy", restart),
        ("user", str(config.get("User") or "") or "image default"),
    ]
    return Section("Security", tuple((k, v or "none") for k, v in rows))


def mounts_section(inspect: Mapping[str, Any]) -> Section:
    """Each mount as ``type``: ``source → destination  ro|rw``, sorted by destination."""
    mounts = sorted(
        (_mapping(m) for m in _list(inspect.get("Mounts"))),
        key=lambda m: str(m.get("Destination") or ""),
    )
    rows = []
    for mount in mounts:
        kind = str(mount.get("Type") or "?")
        source = mount.get("Name") if kind == "volume" else mount.get("Source")
        access = "rw" if mount.get("RW", True) else "ro"
        rows.append((kind, f"{source or '?'} → {mount.get('Destination') or '?'}  {access}"))
    return Section("Mounts", tuple(rows), "no mounts")


def networks_section(inspect: Mapping[str, Any]) -> Section:
    """Each network with the container's address and aliases, then its ports."""
    settings = _mapping(inspect.get("NetworkSettings"))
    rows: list[Row] = []
    networks = _mapping(settings.get("Networks"))
    for name in sorted(networks):
        network = _mapping(networks[name])
        text = str(network.get("IPAddress") or "no address")
        aliases = sorted(str(a) for a in _list(network.get("Aliases")))
        if aliases:
            text += f"  aliases {', '.join(aliases)}"
        rows.append((str(name), text))
    ports = _mapping(settings.get("Ports"))
    for port in sorted(ports):
        bindings = [_mapping(b) for b in _list(ports[port])]
        published = ", ".join(
            f"{b.get('HostIp') or '0.0.0.0'}:{b.get('HostPort')}" for b in bindings
        )
        rows.append((f"port {port}", f"published on {published}" if published else "not published"))
    return Section("Networks", tuple(rows), "no networks")


def environment_section(inspect: Mapping[str, Any]) -> Section:
    """The container's environment, sorted, secret values masked."""
    env = _list(_mapping(inspect.get("Config")).get("Env"))
    return Section("Environment", tuple(masked_env([str(e) for e in env])), "empty")


# The planned compose service, when nothing runs.


def planned_sections(service: Mapping[str, Any]) -> tuple[Section, ...]:
    """The service as compose.generated.yml plans it: image, security, volumes, environment
    and labels."""
    build = service.get("build")
    context = _mapping(build).get("context") if isinstance(build, Mapping) else build
    rows: list[Row] = [("image", str(service.get("image") or "none"))]
    if context:
        rows.append(("build", str(context)))
    rows += [("env file", str(f)) for f in _words_list(service.get("env_file"))]
    rows += [("network", str(n)) for n in sorted(_names(service.get("networks")))]
    rows += [("port", str(p)) for p in _list(service.get("ports"))]
    for key in ("entrypoint", "command"):
        value = service.get(key)
        if value:
            words = split_command(value) if isinstance(value, str) else _words_list(value)
            rows.append((key, mask_command(words)))
    security: list[Row] = [
        ("read-only root fs", _yes(service.get("read_only"))),
        ("privileged", _yes(service.get("privileged"))),
        ("cap drop", _words(service.get("cap_drop"))),
        ("cap add", _words(service.get("cap_add"))),
        ("security opt", _words(service.get("security_opt"))),
        ("tmpfs", _words(_words_list(service.get("tmpfs")))),
        ("restart policy", str(service.get("restart") or "no")),
        ("user", str(service.get("user") or "") or "image default"),
    ]
    return (
        Section("Planned service", tuple(rows)),
        Section("Security", tuple((k, v or "none") for k, v in security)),
        Section("Volumes", tuple(_volume(v) for v in _list(service.get("volumes"))), "no volumes"),
        Section("Environment", tuple(_planned_env(service.get("environment"))), "empty"),
        Section("Labels", tuple(_planned_labels(service.get("labels"))), "no labels"),
    )


def _volume(volume: Any) -> Row:
    if isinstance(volume, Mapping):
        source = volume.get("source") or "anonymous"
        target = volume.get("target") or "?"
        access = "ro" if volume.get("read_only") else "rw"
        return str(volume.get("type") or "volume"), f"{source} → {target}  {access}"
    parts = str(volume).split(":")
    if len(parts) == 1:
        return "volume", f"anonymous → {parts[0]}  rw"
    source, target = parts[0], parts[1]
    access = "ro" if len(parts) > 2 and "ro" in parts[2].split(",") else "rw"
    kind = "bind" if source.startswith((".", "/", "~")) else "volume"
    return kind, f"{source} → {target}  {access}"


def _planned_env(environment: Any) -> list[Row]:
    if isinstance(environment, Mapping):
        entries = [k if v is None else f"{k}={_scalar(v)}" for k, v in environment.items()]
        return masked_env(entries)
    return masked_env([str(e) for e in _list(environment)])


def _planned_labels(labels: Any) -> list[Row]:
    if isinstance(labels, Mapping):
        pairs = [(str(k), "" if v is None else _scalar(v)) for k, v in labels.items()]
    else:
        pairs = [(n, v) for n, _, v in (str(e).partition("=") for e in _list(labels))]
    return sorted((name, mask_value(name, value)) for name, value in pairs)


# Small readers that never fail on a missing or mistyped key.


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _words_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in _list(value)]


def _names(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [str(k) for k in value]
    return _words_list(value)


def _words(value: Any) -> str:
    return ", ".join(_words_list(value))


def _yes(value: Any) -> str:
    return "yes" if value is True else "no"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _time(value: Any) -> str:
    parsed = parse_engine_time(value)
    if parsed is None:
        return str(value or "unknown")
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
