"""The pod's ``.env`` file and ``${VAR}`` placeholders in x-claw values.

``.env`` is read the way compose reads it (``KEY=value``, ``export`` prefix, single quotes
literal, double quotes with escapes, `` #`` comments after unquoted values) so that claw and compose
agree on every value. Placeholders are ``${NAME}`` with an upper-case NAME; the process environment
wins over ``.env``; an unknown name is left as written and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clawlib._files import read_regular
from clawlib.errors import UnreadableFileError

__all__ = ["PLACEHOLDER", "DotEnv", "expand", "read_dotenv"]

PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "$": "$"}


@dataclass(frozen=True, slots=True)
class DotEnv:
    """The values of a ``.env`` file and the lines it could not read (line, reason)."""

    values: Mapping[str, str]
    problems: tuple[tuple[int, str], ...] = ()


def read_dotenv(path: Path) -> DotEnv:
    """Read ``path`` if it exists (an absent file is an empty one). Raises
    :class:`~clawlib.errors.UnreadableFileError` for anything but a regular file of at most
    :data:`~clawlib.limits.MAX_INPUT_BYTES`."""
    try:
        data = read_regular(path)
    except UnreadableFileError as exc:
        if exc.missing:
            return DotEnv({})
        raise
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = data[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(str(path), f"line {where}: not valid UTF-8") from exc
    values: dict[str, str] = {}
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, equals, rest = line.partition("=")
        key = key.strip()
        if not equals or not _KEY.fullmatch(key):
            problems.append((number, "expected KEY=value"))
            continue
        value, problem = _value(rest.strip())
        if problem:
            problems.append((number, problem))
            continue
        values[key] = value
    return DotEnv(values, tuple(problems))


def _value(text: str) -> tuple[str, str | None]:
    if text.startswith("'"):
        end = text.find("'", 1)
        return (text[1:end], None) if end > 0 else ("", "unterminated single quote")
    if text.startswith('"'):
        out: list[str] = []
        index = 1
        while index < len(text):
            char = text[index]
            if char == "\\" and index + 1 < len(text):
                out.append(_ESCAPES.get(text[index + 1], "\\" + text[index + 1]))
                index += 2
                continue
            if char == '"':
                return "".join(out), None
            out.append(char)
            index += 1
        return "", "unterminated double quote"
    comment = re.search(r"\s#", text)
    return (text[: comment.start()] if comment else text).strip(), None


def expand(
    value: Any,
    environ: Mapping[str, str],
    on_unset: Callable[[tuple[str | int, ...], str], None],
    path: tuple[str | int, ...] = (),
) -> Any:
    """``value`` with every ``${NAME}`` in its strings (and mapping keys) replaced.

    ``on_unset(path, name)`` hears about each name that has no value; it stays as written.
    """
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in environ:
                return environ[name]
            on_unset(path, name)
            return match.group(0)

        return PLACEHOLDER.sub(replace, value)
    if isinstance(value, dict):
        return {
            expand(key, environ, on_unset, (*path, key)): expand(
                item, environ, on_unset, (*path, key)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [expand(item, environ, on_unset, (*path, i)) for i, item in enumerate(value)]
    return value
