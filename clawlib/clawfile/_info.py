"""Claw metadata as image labels carry it: ``claw.*`` labels ⇄ :class:`ClawImageInfo`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from clawlib.errors import InvalidValueError

from ._cron import CronSchedule, atoi
from ._lexer import after_fields, go_fields
from ._surface import Surface

__all__ = ["ClawImageInfo", "Invocation", "LabelKey"]


class LabelKey:
    """The ``claw.*`` label keys, single and prefixed (``<prefix><slot or index>``)."""

    TYPE = "claw.type"
    AGENT = "claw.agent.file"
    PERSONA = "claw.persona.default"
    SKILL_EMIT = "claw.skill.emit"
    CLLAMA_LEGACY = "claw.cllama.default"
    CLLAMA = "claw.cllama."
    MODEL = "claw.model."
    HANDLE = "claw.handle."
    SURFACE = "claw.surface."
    PRIVILEGE = "claw.privilege."
    TRACK = "claw.track."
    SKILL = "claw.skill."
    CONFIGURE = "claw.configure."
    INVOKE = "claw.invoke."


_TRUE_HANDLE_VALUES = frozenset({"true", "1"})


@dataclass(frozen=True, slots=True)
class Invocation:
    """A scheduled message to the agent: INVOKE ``<schedule> <command>``."""

    schedule: CronSchedule
    command: str

    def label_value(self) -> str:
        """The ``claw.invoke.N`` value: schedule, a TAB, the command (a TAB survives a build)."""
        return f"{self.schedule}\t{self.command}"

    @classmethod
    def from_label(cls, value: str) -> Invocation:
        """Read a ``claw.invoke.N`` value in any form a build may have left.

        Our own and upstream's intended form separate schedule and command by a TAB; images that
        upstream built hold a literal backslash-t instead (Docker does not unescape ``\\t``);
        failing both, the first five words are the schedule.
        """
        for separator in ("\t", "\\t"):
            schedule, found, command = value.partition(separator)
            if found and schedule.strip():
                return cls(CronSchedule.parse(schedule), command)
        words = go_fields(value)
        if len(words) < 6:
            raise InvalidValueError(f'"{value}" is not <5 cron fields><TAB><command>')
        return cls(CronSchedule.from_fields(words[:5]), after_fields(value, 5))

    def to_json(self) -> dict[str, str]:
        return {"schedule": str(self.schedule), "command": self.command}


def _frozen_map(items: Iterable[tuple[str, str]]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(items)))


@dataclass(frozen=True)
class ClawImageInfo:
    """The claw metadata of an image (or of a Clawfile, as its image will carry it).

    Mappings are sorted by key and handles alphabetically, because image labels have no order;
    surfaces, skills, configures, invocations, tracks and cllama keep their index order.
    ``problems`` lists labels that were present but unreadable and therefore left out.
    """

    claw_type: str | None = None
    agent: str | None = None
    persona: str | None = None
    models: Mapping[str, str] = field(default_factory=dict)
    cllama: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    surfaces: tuple[Surface, ...] = ()
    skills: tuple[str, ...] = ()
    skill_emit: str | None = None
    invocations: tuple[Invocation, ...] = ()
    configures: tuple[str, ...] = ()
    privileges: Mapping[str, str] = field(default_factory=dict)
    tracks: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", _frozen_map(self.models.items()))
        object.__setattr__(self, "privileges", _frozen_map(self.privileges.items()))
        object.__setattr__(self, "handles", tuple(sorted(self.handles)))

    @property
    def is_claw(self) -> bool:
        """Whether the labels make a claw image at all (``claw.type`` is set)."""
        return bool(self.claw_type)

    @classmethod
    def from_labels(cls, labels: Mapping[str, str] | None) -> ClawImageInfo:
        """Read an image's labels; unreadable ``claw.*`` entries are reported in ``problems``."""
        labels = labels or {}
        indexed: dict[str, list[tuple[tuple[int, int, str], str]]] = {}
        models: dict[str, str] = {}
        privileges: dict[str, str] = {}
        handles: list[str] = []
        cllama: dict[int, str] = {}
        for key, value in labels.items():
            if not key.startswith("claw."):
                continue
            if key == LabelKey.SKILL_EMIT:
                continue
            if key.startswith(LabelKey.MODEL):
                models[key.removeprefix(LabelKey.MODEL)] = value
            elif key.startswith(LabelKey.PRIVILEGE):
                privileges[key.removeprefix(LabelKey.PRIVILEGE)] = value
            elif key.startswith(LabelKey.HANDLE):
                if value in _TRUE_HANDLE_VALUES:
                    handles.append(key.removeprefix(LabelKey.HANDLE))
            elif key.startswith(LabelKey.CLLAMA):
                index = atoi(key.removeprefix(LabelKey.CLLAMA))
                if index is not None:
                    cllama[index] = value
            else:
                for prefix in _INDEXED_PREFIXES:
                    if key.startswith(prefix):
                        suffix = key.removeprefix(prefix)
                        indexed.setdefault(prefix, []).append((_index_order(suffix, key), value))
        if 0 not in cllama and LabelKey.CLLAMA_LEGACY in labels:
            cllama[0] = labels[LabelKey.CLLAMA_LEGACY]

        def values(prefix: str) -> list[str]:
            return [value for _, value in sorted(indexed.get(prefix, []))]

        problems: list[str] = []
        surfaces: list[Surface] = []
        for raw in values(LabelKey.SURFACE):
            try:
                surfaces.append(Surface.parse(raw))
            except InvalidValueError as exc:
                problems.append(f"surface label {raw!r} left out: {exc.detail}")
        invocations: list[Invocation] = []
        for raw in values(LabelKey.INVOKE):
            try:
                invocations.append(Invocation.from_label(raw))
            except InvalidValueError as exc:
                problems.append(f"invoke label {raw!r} left out: {exc.detail}")
        return cls(
            claw_type=labels.get(LabelKey.TYPE) or None,
            agent=labels.get(LabelKey.AGENT) or None,
            persona=labels.get(LabelKey.PERSONA) or None,
            models=models,
            cllama=tuple(cllama[index] for index in sorted(cllama)),
            handles=tuple(handles),
            surfaces=tuple(surfaces),
            skills=tuple(values(LabelKey.SKILL)),
            skill_emit=labels.get(LabelKey.SKILL_EMIT) or None,
            invocations=tuple(invocations),
            configures=tuple(values(LabelKey.CONFIGURE)),
            privileges=privileges,
            tracks=tuple(values(LabelKey.TRACK)),
            problems=tuple(problems),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``claw inspect --json`` prints)."""
        return {
            "type": self.claw_type,
            "agent": self.agent,
            "persona": self.persona,
            "models": dict(self.models),
            "cllama": list(self.cllama),
            "handles": list(self.handles),
            "surfaces": [
                {
                    "raw": s.raw,
                    "scheme": s.scheme,
                    "target": s.target,
                    "access_mode": s.access_mode,
                }
                for s in self.surfaces
            ],
            "skills": list(self.skills),
            "skill_emit": self.skill_emit,
            "invocations": [i.to_json() for i in self.invocations],
            "configures": list(self.configures),
            "privileges": dict(self.privileges),
            "tracks": list(self.tracks),
            "problems": list(self.problems),
        }


_INDEXED_PREFIXES = (
    LabelKey.SURFACE,
    LabelKey.SKILL,
    LabelKey.CONFIGURE,
    LabelKey.INVOKE,
    LabelKey.TRACK,
)


def _index_order(suffix: str, key: str) -> tuple[int, int, str]:
    """Sort numerically by index (2 before 10); a suffix that is no 64-bit number after them."""
    index = atoi(suffix)
    return (1, 0, key) if index is None else (0, index, key)
