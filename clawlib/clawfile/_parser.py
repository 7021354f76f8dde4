"""Parse a Clawfile: claw directives out, Docker instructions through.

Every directive problem in the file is collected and raised at once as one
:class:`~clawlib.errors.ClawfileError`, each with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from clawlib._files import read_regular
from clawlib.errors import (
    ClawfileError,
    ClawfileNotFoundError,
    InvalidValueError,
    Problem,
    UnreadableFileError,
)

from ._cron import CronSchedule
from ._info import ClawImageInfo, Invocation
from ._lexer import Instruction, ParserDirective, after_fields, go_fields, lex
from ._surface import Surface

__all__ = ["DIRECTIVES", "Clawfile", "read_clawfile"]

DIRECTIVES = (
    "ACT",
    "AGENT",
    "CLAW_TYPE",
    "CLLAMA",
    "CONFIGURE",
    "HANDLE",
    "INVOKE",
    "MODEL",
    "PERSONA",
    "PRIVILEGE",
    "SKILL",
    "SURFACE",
    "TRACK",
)
# Words that become part of a label key (claw.model.<slot>, ...): nothing Docker would split on.
_KEY_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_KEY_WORD_RULE = "allowed: letters, digits, '.', '_', '-', starting with a letter or digit"


@dataclass(frozen=True)
class Clawfile:
    """A parsed Clawfile: its claw metadata and the Docker instructions it passes through.

    Collections keep declaration order (labels are emitted from them in a fixed order);
    :meth:`info` gives the metadata as the built image's labels will carry it.
    """

    path: str
    claw_type: str
    agent: str | None = None
    persona: str | None = None
    models: Mapping[str, str] = field(default_factory=dict)
    cllama: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    surfaces: tuple[Surface, ...] = ()
    skills: tuple[str, ...] = ()
    invocations: tuple[Invocation, ...] = ()
    privileges: Mapping[str, str] = field(default_factory=dict)
    configures: tuple[str, ...] = ()
    tracks: tuple[str, ...] = ()
    instructions: tuple[Instruction, ...] = ()
    parser_directives: tuple[ParserDirective, ...] = ()
    escape: str = "\\"
    directive_lines: Mapping[str, int] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    def __post_init__(self) -> None:
        for name in ("models", "privileges", "directive_lines"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @classmethod
    def parse(cls, text: str, path: str = "Clawfile") -> Clawfile:
        """Parse Clawfile ``text``; ``path`` is how errors name the file.

        Raises :class:`ClawfileError` listing every problem with its line.
        """
        lexed = lex(text, path)
        builder = _Builder()
        for instruction in lexed.instructions:
            keyword = instruction.keyword.upper()
            handler = _HANDLERS.get(keyword)
            if handler is not None:
                builder.current = instruction
                try:
                    handler(builder, instruction.remainder)
                except InvalidValueError as exc:
                    builder.problems.append(Problem(instruction.line, exc.detail))
                builder.lines.setdefault(keyword, instruction.line)
            elif keyword.startswith("CLAW_"):
                builder.problems.append(
                    Problem(
                        instruction.line,
                        f"unknown Claw directive {instruction.keyword_text.upper()} "
                        f"(known directives: {', '.join(DIRECTIVES)})",
                    )
                )
            else:
                builder.instructions.append(instruction)
        if "CLAW_TYPE" not in builder.lines:
            builder.problems.append(
                Problem(0, "missing required CLAW_TYPE directive (e.g. CLAW_TYPE openclaw)")
            )
        if builder.problems or builder.claw_type is None:
            raise ClawfileError(path, builder.problems)
        return cls(
            path=path,
            claw_type=builder.claw_type,
            agent=builder.agent,
            persona=builder.persona,
            models=builder.models,
            cllama=tuple(builder.cllama),
            handles=tuple(builder.handles),
            surfaces=tuple(builder.surfaces),
            skills=tuple(builder.skills),
            invocations=tuple(builder.invocations),
            privileges=builder.privileges,
            configures=tuple(builder.configures),
            tracks=tuple(builder.tracks),
            instructions=tuple(builder.instructions),
            parser_directives=lexed.directives,
            escape=lexed.escape,
            directive_lines=builder.lines,
            warnings=tuple(Problem(line, text) for line, text in lexed.warnings),
        )

    def info(self) -> ClawImageInfo:
        """The claw metadata an image built from this Clawfile carries."""
        return ClawImageInfo(
            claw_type=self.claw_type,
            agent=self.agent,
            persona=self.persona,
            models=self.models,
            cllama=self.cllama,
            handles=self.handles,
            surfaces=self.surfaces,
            skills=self.skills,
            invocations=self.invocations,
            configures=self.configures,
            privileges=self.privileges,
            tracks=self.tracks,
        )

    @property
    def heredoc_lines(self) -> tuple[int, ...]:
        """Lines of the Docker instructions that carry heredocs (BuildKit only)."""
        return tuple(i.line for i in self.instructions if i.heredocs)


def read_clawfile(path: str | Path, display: str | None = None) -> Clawfile:
    """Read and parse the Clawfile at ``path``; errors name it ``display`` (default: ``path``)."""
    name = display if display is not None else str(path)
    try:
        data = read_regular(Path(path))
    except UnreadableFileError as exc:
        raise ClawfileNotFoundError(name, "no such file" if exc.missing else exc.reason) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ClawfileError.at(
            name, line, f"not valid UTF-8 (byte {data[exc.start]:#04x}); save the file as UTF-8"
        ) from exc
    return Clawfile.parse(text, name)


class _Builder:
    """What the directive handlers fill in while the file is walked."""

    def __init__(self) -> None:
        self.current: Instruction | None = None
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}
        self.instructions: list[Instruction] = []
        self.claw_type: str | None = None
        self.agent: str | None = None
        self.persona: str | None = None
        self.models: dict[str, str] = {}
        self.model_lines: dict[str, int] = {}
        self.cllama: list[str] = []
        self.handles: list[str] = []
        self.handle_lines: dict[str, int] = {}
        self.surfaces: list[Surface] = []
        self.skills: list[str] = []
        self.invocations: list[Invocation] = []
        self.privileges: dict[str, str] = {}
        self.privilege_lines: dict[str, int] = {}
        self.configures: list[str] = []
        self.tracks: list[str] = []

    @property
    def line(self) -> int:
        assert self.current is not None
        return self.current.line

    def single(self, keyword: str, remainder: str, usage: str) -> str:
        """The one word a singleton directive takes, after checking it is not a duplicate."""
        words = go_fields(remainder)
        if not words:
            raise InvalidValueError(f"{keyword} requires {usage}")
        if len(words) > 1:
            raise InvalidValueError(
                f'{keyword} takes exactly one value, got {len(words)}: "{remainder}"'
            )
        if keyword in self.lines:
            raise InvalidValueError(
                f"duplicate {keyword} directive (first on line {self.lines[keyword]})"
            )
        return words[0]

    def keyed(
        self, keyword: str, remainder: str, usage: str, what: str, seen: dict[str, int]
    ) -> tuple[str, str]:
        """``<key> <value...>`` with a label-safe, not yet seen key."""
        words = go_fields(remainder)
        if len(words) < 2:
            raise InvalidValueError(f"{keyword} requires {usage}")
        key = words[0]
        _check_key_word(keyword, what, key)
        if key in seen:
            raise InvalidValueError(
                f'duplicate {keyword} {what} "{key}" (first on line {seen[key]})'
            )
        seen[key] = self.line
        return key, after_fields(remainder, 1)


def _check_key_word(keyword: str, what: str, word: str) -> None:
    if not _KEY_WORD.fullmatch(word):
        raise InvalidValueError(f'{keyword} {what} "{word}" is invalid ({_KEY_WORD_RULE})')


def _claw_type(b: _Builder, rest: str) -> None:
    b.claw_type = b.single("CLAW_TYPE", rest, "an argument: the claw type, e.g. CLAW_TYPE openclaw")


def _agent(b: _Builder, rest: str) -> None:
    b.agent = b.single("AGENT", rest, "a filename, e.g. AGENT AGENTS.md")


def _persona(b: _Builder, rest: str) -> None:
    b.persona = b.single(
        "PERSONA", rest, "a value: a local directory (./persona) or an OCI reference"
    )


def _model(b: _Builder, rest: str) -> None:
    slot, ref = b.keyed(
        "MODEL",
        rest,
        "<slot> <provider/model>, e.g. MODEL primary anthropic/claude-sonnet-4",
        "slot",
        b.model_lines,
    )
    b.models[slot] = ref


def _cllama(b: _Builder, rest: str) -> None:
    if not rest:
        raise InvalidValueError("CLLAMA requires a value: the proxy type, e.g. CLLAMA passthrough")
    b.cllama.append(rest)


def _handle(b: _Builder, rest: str) -> None:
    words = go_fields(rest)
    if len(words) != 1:
        raise InvalidValueError("HANDLE requires exactly one platform name, e.g. HANDLE discord")
    platform = words[0].lower()
    _check_key_word("HANDLE", "platform", platform)
    if platform in b.handle_lines:
        raise InvalidValueError(
            f'duplicate HANDLE directive for platform "{platform}" '
            f"(first on line {b.handle_lines[platform]})"
        )
    b.handle_lines[platform] = b.line
    b.handles.append(platform)


def _surface(b: _Builder, rest: str) -> None:
    b.surfaces.append(Surface.parse(rest))


def _skill(b: _Builder, rest: str) -> None:
    words = go_fields(rest)
    if not words:
        raise InvalidValueError("SKILL requires a file path, e.g. SKILL ./skills/runbook.md")
    if len(words) > 1:
        raise InvalidValueError(f'SKILL takes exactly one file path, got {len(words)}: "{rest}"')
    b.skills.append(words[0])


def _invoke(b: _Builder, rest: str) -> None:
    words = go_fields(rest)
    if len(words) < 6:
        raise InvalidValueError(
            "INVOKE requires 5 cron fields + command, e.g. INVOKE 0 9 * * 1-5 Morning briefing"
        )
    schedule = CronSchedule.from_fields(words[:5])
    b.invocations.append(Invocation(schedule, after_fields(rest, 5)))


def _privilege(b: _Builder, rest: str) -> None:
    mode, spec = b.keyed(
        "PRIVILEGE",
        rest,
        "<mode> <user-spec>, e.g. PRIVILEGE runtime node",
        "mode",
        b.privilege_lines,
    )
    b.privileges[mode] = spec


def _configure(b: _Builder, rest: str) -> None:
    if not rest:
        raise InvalidValueError(
            "CONFIGURE requires a command, "
            "e.g. CONFIGURE openclaw config set agents.defaults.heartbeat.every 30m"
        )
    b.configures.append(rest)


def _track(b: _Builder, rest: str) -> None:
    words = go_fields(rest)
    if not words:
        raise InvalidValueError("TRACK requires at least one value, e.g. TRACK apt pip npm")
    b.tracks.extend(words)


def _act(b: _Builder, rest: str) -> None:
    """ACT is reserved for worker mode: accepted with anything and ignored."""


_HANDLERS: dict[str, Callable[[_Builder, str], None]] = {
    "ACT": _act,
    "AGENT": _agent,
    "CLAW_TYPE": _claw_type,
    "CLLAMA": _cllama,
    "CONFIGURE": _configure,
    "HANDLE": _handle,
    "INVOKE": _invoke,
    "MODEL": _model,
    "PERSONA": _persona,
    "PRIVILEGE": _privilege,
    "SKILL": _skill,
    "SURFACE": _surface,
    "TRACK": _track,
}
