"""The ``x-claw`` blocks of a pod file as strict pydantic models.

Everything else in the pod file is compose's and passes through untouched; these models are the
claw part only. They are strict: an unknown key is an error naming the valid ones, and values are
not coerced except where the claw format itself allows a shorthand (``cllama: passthrough`` for a
list of one, a handle or channel given as its bare id, numeric ids read as text).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from clawlib.clawfile import CronSchedule, Surface
from clawlib.errors import InvalidValueError
from clawlib.limits import MAX_COUNT

__all__ = [
    "Channel",
    "ChannelRouting",
    "DirectMessages",
    "Guild",
    "GuildRouting",
    "Handle",
    "Include",
    "InvokeEntry",
    "PodClaw",
    "ServiceClaw",
    "SurfaceEntry",
]


def _id_text(value: Any) -> Any:
    """Ids may be written as numbers; they are text (Discord ids overflow floats)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


IdText = Annotated[str, BeforeValidator(_id_text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Channel(_Model):
    """A channel in a guild: ``{id, name}``, or just its id."""

    id: IdText
    """The platform's channel id."""
    name: str | None = None
    """Its name (used to resolve ``invoke.to`` by name)."""

    _check_id = field_validator("id")(_non_empty)


def _channel_shorthand(value: Any) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return {"id": value}
    return value


class Guild(_Model):
    """A guild (server) the handle belongs to, with the channels it may use."""

    id: IdText
    name: str | None = None
    channels: list[Annotated[Channel, BeforeValidator(_channel_shorthand)]] = []

    _check_id = field_validator("id")(_non_empty)


class Handle(_Model):
    """A claw's identity on one chat platform: its id, username and guild memberships."""

    id: IdText
    """The bot's user id on the platform (required)."""
    username: str | None = None
    guilds: list[Guild] = []

    _check_id = field_validator("id")(_non_empty)


def handle_shorthand(value: Any) -> Any:
    """``discord: "123"`` and ``discord: 123`` mean ``discord: {id: "123"}``."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return {"id": value}
    return value


class GuildRouting(_Model):
    """Routing for one guild of a ``channel://`` surface."""

    policy: str | None = None
    require_mention: bool = False
    users: list[IdText] = []


class DirectMessages(_Model):
    """Direct-message routing of a ``channel://`` surface."""

    enabled: bool = False
    policy: str | None = None
    allow_from: list[IdText] = []


class ChannelRouting(_Model):
    """The map form of a ``channel://`` surface: who may talk to the claw, where."""

    guilds: dict[IdText, GuildRouting] = {}
    dm: DirectMessages | None = None
    allow_from_handles: bool = False
    """Admit every claw's handle id of the pod in each declared guild."""
    allow_from_services: list[str] = []
    """Admit the Discord bot users behind these services' bot tokens."""


class SurfaceEntry(_Model):
    """One ``surfaces`` entry: the parsed surface, plus routing for a ``channel://`` map entry."""

    surface: Surface
    routing: ChannelRouting | None = None

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, arbitrary_types_allowed=True
    )


def _surface_entry(value: Any) -> Any:
    if isinstance(value, SurfaceEntry):
        return value
    if isinstance(value, str):
        return {"surface": _parse_surface(value)}
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(
                f"a map-form surface has exactly one key, the channel:// URI (got {len(value)})"
            )
        ((uri, routing),) = value.items()
        surface = _parse_surface(str(uri))
        if surface.scheme != "channel":
            raise ValueError(
                f'only channel:// surfaces take routing (a map); write "{uri}" as a string'
            )
        return {"surface": surface, "routing": routing}
    raise ValueError("a surface is a string like volume://cache read-only, or a channel:// map")


def _parse_surface(text: str) -> Surface:
    try:
        return Surface.parse(text)
    except InvalidValueError as exc:
        raise ValueError(exc.detail.replace("SURFACE ", "surface ", 1)) from None


class Include(_Model):
    """A file inlined into (``enforce``/``guide``) or set beside (``reference``) the contract."""

    id: str
    file: str
    mode: Literal["enforce", "guide", "reference"]
    description: str | None = None

    _check = field_validator("id", "file")(_non_empty)


class InvokeEntry(_Model):
    """A scheduled message to the claw."""

    schedule: str
    """Five-field cron: minute hour day month weekday."""
    message: str
    name: str | None = None
    to: str | None = None
    """Where the run's answer goes: a channel id, a channel name, or ``platform:target``."""

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            return str(CronSchedule.parse(value))
        except InvalidValueError as exc:
            raise ValueError(exc.detail) from None

    _check = field_validator("message")(_non_empty)


def _string_or_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class ServiceClaw(_Model):
    """A service's ``x-claw`` block: what makes it a claw and how it is wired."""

    agent: str | None = None
    """The contract file, relative to the pod directory (overrides the image's AGENT)."""
    persona: str | None = None
    cllama: Annotated[list[str], BeforeValidator(_string_or_list)] = []
    """Governance proxy types; replaces the image's CLLAMA list when given."""
    cllama_env: dict[str, str] = Field(default={}, alias="cllama-env")
    """Environment of the proxy (provider keys live here, never in the claw's environment)."""
    count: int = Field(default=1, ge=1, le=MAX_COUNT)
    """Replicas: more than one gives services <name>-0 … <name>-(count-1); at most
    :data:`~clawlib.limits.MAX_COUNT`."""
    handles: dict[str, Annotated[Handle, BeforeValidator(handle_shorthand)]] = {}
    surfaces: list[Annotated[SurfaceEntry, BeforeValidator(_surface_entry)]] = []
    skills: list[str] = []
    """Skill files, relative to the pod directory."""
    invoke: list[InvokeEntry] = []
    include: list[Include] = []

    @field_validator("cllama")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("proxy types must not be empty")
        return value

    @field_validator("include")
    @classmethod
    def _unique_ids(cls, value: list[Include]) -> list[Include]:
        seen: set[str] = set()
        for entry in value:
            if entry.id in seen:
                raise ValueError(f'duplicate include id "{entry.id}"')
            seen.add(entry.id)
        return value


class PodClaw(_Model):
    """The pod-level ``x-claw`` block."""

    pod: str | None = None
    """The pod's name (labels, CLAWDAPUS.md, managed image names); default: the directory's."""
    handles_defaults: dict[str, Any] = Field(default={}, alias="handles-defaults")
    """Handle fields deep-merged into every claw's handles (guild topology, usually)."""
    master: str | None = None
    """Accepted for compatibility; unused."""
    cllama_image: str | None = Field(default=None, alias="cllama-image")
    """The governance proxy's image (default: ``claw-local/cllama:latest``, built locally)."""

    _check_image = field_validator("cllama_image")(_non_empty)
