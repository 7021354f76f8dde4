"""Handles seen from the rest of the pod: ``CLAW_HANDLE_*`` variables and ``invoke.to`` targets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clawlib.pod import Handle

__all__ = [
    "InvokeTarget",
    "env_file_text",
    "handle_env",
    "handle_json",
    "resolve_invoke_target",
]


def handle_json(handle: Handle) -> str:
    """The compact JSON of a handle: id, then username, guilds (id, name, channels) when set."""
    value: dict[str, Any] = {"id": handle.id}
    if handle.username:
        value["username"] = handle.username
    if handle.guilds:
        guilds = []
        for guild in handle.guilds:
            item: dict[str, Any] = {"id": guild.id}
            if guild.name:
                item["name"] = guild.name
            if guild.channels:
                item["channels"] = [
                    {"id": c.id, **({"name": c.name} if c.name else {})} for c in guild.channels
                ]
            guilds.append(item)
        value["guilds"] = guilds
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _env_part(text: str) -> str:
    return text.upper().replace("-", "_")


def handle_env(handles: Mapping[str, Mapping[str, Handle]]) -> dict[str, str]:
    """``CLAW_HANDLE_<SVC>_<PLATFORM>_{ID,USERNAME,GUILDS,JSON}`` for every claw's handles.

    ``handles`` maps service name → platform → handle; the result is sorted by variable name.
    """
    env: dict[str, str] = {}
    for service in sorted(handles):
        for platform in sorted(handles[service]):
            handle = handles[service][platform]
            prefix = f"CLAW_HANDLE_{_env_part(service)}_{platform.upper()}"
            env[f"{prefix}_ID"] = handle.id
            if handle.username:
                env[f"{prefix}_USERNAME"] = handle.username
            if handle.guilds:
                env[f"{prefix}_GUILDS"] = ",".join(guild.id for guild in handle.guilds)
            env[f"{prefix}_JSON"] = handle_json(handle)
    return dict(sorted(env.items()))


def env_file_text(env: Mapping[str, str]) -> str:
    """``env`` as a compose env file: one ``KEY='value'`` per line, quoted literally."""
    lines = []
    for key, value in env.items():
        if "'" not in value and "\n" not in value:
            lines.append(f"{key}='{value}'")
        else:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            lines.append(f'{key}="{escaped}"')
    return "".join(f"{line}\n" for line in lines)


@dataclass(frozen=True, slots=True)
class InvokeTarget:
    """Where an invocation's answer goes, and a warning when the name was ambiguous."""

    to: str
    warning: str | None = None


def resolve_invoke_target(handles: Mapping[str, Handle], raw: str) -> InvokeTarget:
    """Resolve ``invoke.to``: a channel id, a unique channel name, or ``platform:target``.

    Only the claw's own handles' guild channels are searched. A channel id is kept, a unique
    name becomes its id, anything else stays as written; a name matching several channels stays
    as written with a warning naming the candidates.
    """
    text = raw.strip()
    platform: str | None = None
    target = text
    head, colon, rest = text.partition(":")
    if colon and head and rest.strip() and " " not in head.strip():
        platform, target = head.strip().lower(), rest.strip()
    candidates: dict[str, list[str]] = {}
    for name in sorted(handles):
        if platform is not None and name != platform:
            continue
        for guild in handles[name].guilds:
            for channel in guild.channels:
                if channel.id == target:
                    return InvokeTarget(channel.id)
                if channel.name == target:
                    candidates.setdefault(channel.id, []).append(
                        f"{name}:{channel.name or '<unnamed>'} ({channel.id})"
                    )
    if len(candidates) == 1:
        return InvokeTarget(next(iter(candidates)))
    if not candidates:
        return InvokeTarget(target)
    listed = ", ".join(sorted(label for labels in candidates.values() for label in labels))
    hint = "a channel ID" if platform else "platform:target"
    return InvokeTarget(
        target, f'invoke target "{raw}" is ambiguous ({listed}); use {hint} to disambiguate'
    )
