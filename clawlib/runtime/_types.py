"""What resolution produces for one claw: everything a driver needs, as plain values.

A :class:`ResolvedClaw` joins a service's image metadata (labels, or its Clawfile before the image
exists) with its pod ``x-claw`` block, after every path has been checked and every generated skill
written (in memory). Drivers read it and return files; they never touch the disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from clawlib.clawfile import Surface
from clawlib.pod import ChannelRouting, Handle

__all__ = [
    "PERSONA_DIR",
    "EmittedSkill",
    "Invocation",
    "PersonaFile",
    "ProxyLink",
    "ResolvedClaw",
    "ResolvedInclude",
    "ResolvedSkill",
    "ResolvedSurface",
]


@dataclass(frozen=True, slots=True)
class ResolvedSkill:
    """A skill file the claw gets, mounted read-only under the driver's skill directory.

    Exactly one of ``host_path`` (a file of the operator's, inside the pod directory) and
    ``content`` (generated: handle, channel, service-surface or include skills) is set.
    """

    name: str
    host_path: Path | None = None
    content: bytes | None = None
    origin: Literal["generated", "image", "pod"] = "generated"


@dataclass(frozen=True, slots=True)
class ResolvedSurface:
    """A surface with what resolution learned: the target's ports and the skill describing it."""

    surface: Surface
    routing: ChannelRouting | None = None
    ports: tuple[str, ...] = ()
    skill_name: str | None = None

    @property
    def scheme(self) -> str:
        return self.surface.scheme

    @property
    def target(self) -> str:
        return self.surface.target


@dataclass(frozen=True, slots=True)
class Invocation:
    """A scheduled message: from the image's INVOKE (no name, no target) or the pod's invoke."""

    schedule: str
    message: str
    name: str | None = None
    to: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedInclude:
    """An ``x-claw.include`` entry: inlined into the contract, or (``reference``) a skill."""

    id: str
    mode: Literal["enforce", "guide", "reference"]
    source: str
    """The file as the pod names it (relative to the pod directory)."""
    description: str | None = None
    skill_name: str | None = None
    """The skill it is mounted as (``reference`` mode only)."""


@dataclass(frozen=True, slots=True)
class EmittedSkill:
    """The skill file an image ships (its ``claw.skill.emit`` label), read out of the image."""

    name: str
    """The file's base name: the name it is mounted under."""
    content: bytes


PERSONA_DIR = "persona"
"""A claw's writable persona workspace, relative to its runtime directory."""


@dataclass(frozen=True, slots=True)
class PersonaFile:
    """A file of the claw's persona workspace, relative to the persona directory."""

    path: str
    content: bytes
    mode: int = 0o644


@dataclass(frozen=True, slots=True)
class ProxyLink:
    """How a governed claw reaches the pod's governance proxy."""

    service: str
    """The proxy's compose service (``cllama``, ``cllama-<type>``)."""
    type: str
    """The proxy type, normalised (``passthrough``)."""
    token: str = field(repr=False)
    """The claw's bearer token (ordinal 0's for a claw with replicas: runner config files are
    shared by every replica, while each container's ``CLLAMA_TOKEN`` is its own)."""

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible endpoint: ``http://<service>:8080/v1``."""
        return f"{self.root_url}/v1"

    @property
    def root_url(self) -> str:
        """The proxy's root, ``http://<service>:8080``: what an Anthropic client takes as its
        base URL (it adds ``/v1/messages`` itself)."""
        return f"http://{self.service}:8080"


@dataclass(frozen=True)
class ResolvedClaw:
    """One claw service, resolved. ``service`` is the base name (never an ordinal)."""

    service: str
    pod: str
    image: str
    claw_type: str
    contract_name: str
    """The contract's file name (``AGENTS.md``)."""
    contract: bytes
    """The contract's text as the claw will read it (includes and service manuals composed in)."""
    models: Mapping[str, str] = field(default_factory=dict)
    handles: Mapping[str, Handle] = field(default_factory=dict)
    peer_handles: Mapping[str, Mapping[str, Handle]] = field(default_factory=dict)
    """Other claws' handles by service name (for guild allow-lists and mentions)."""
    surfaces: tuple[ResolvedSurface, ...] = ()
    skills: tuple[ResolvedSkill, ...] = ()
    configures: tuple[str, ...] = ()
    privileges: Mapping[str, str] = field(default_factory=dict)
    invocations: tuple[Invocation, ...] = ()
    count: int = 1
    environment: Mapping[str, str] = field(default_factory=dict)
    """The service's own ``environment:`` (values as written, ``${VAR}`` kept)."""
    cllama: tuple[str, ...] = ()
    persona: str | None = None
    """The persona reference as written (a local directory of the pod)."""
    persona_files: tuple[PersonaFile, ...] = ()
    includes: tuple[ResolvedInclude, ...] = ()
    proxy: ProxyLink | None = None
    """The governance proxy, for a governed claw (set by the planner, which owns the tokens)."""
    lookup_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Where a driver looks a bot token or a provider key up (:meth:`lookup`): the service's
    environment with its ``${VAR}`` resolved, over the pod's ``.env`` and the environment claw
    runs in (see :meth:`~clawlib.pod.Pod.lookup_environment`)."""

    def lookup(self, name: str) -> str | None:
        """The value of ``name`` for a token or key look-up, None when nothing sets it (or sets
        it empty)."""
        return self.lookup_env.get(name) or None
