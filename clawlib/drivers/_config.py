"""Helpers shared by drivers that write a runner's JSON configuration.

The ``CONFIGURE <runner> config set <path> <value>`` directive addresses a nested document by a
dotted path; :func:`set_path` applies it with the same conflict rules for every runner, and
:func:`parse_configure` reads the command with JSON-typed values. :func:`dump_json` gives the
canonical bytes (sorted keys, two-space indent, trailing newline) so that the same input is
always the same file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from clawlib.secrets import mask_secrets

__all__ = [
    "ConfigPathError",
    "apply_configures",
    "dump_json",
    "json_type",
    "parse_configure",
    "set_keys",
    "set_path",
    "split_model_ref",
]


class ConfigPathError(ValueError):
    """A dotted path that cannot be set in a document."""


def json_type(value: Any) -> str:
    """The JSON name of ``value``'s type, as messages say it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def set_keys(document: dict[str, Any], keys: Sequence[str], value: Any) -> None:
    """Set ``value`` at ``keys`` in ``document``, creating objects on the way.

    An existing non-object on the way is a conflict; so is replacing an object at the leaf
    (even by another object: CONFIGURE cannot silently drop what a HANDLE generated). Scalars
    and arrays at the leaf are replaced.
    """
    if not keys:
        raise ConfigPathError("empty path")
    current = document
    for depth, key in enumerate(keys[:-1]):
        if key not in current:
            current[key] = {}
        child = current[key]
        if not isinstance(child, dict):
            prefix = ".".join(keys[: depth + 1])
            raise ConfigPathError(
                f'path conflict at "{prefix}": expected object, found {json_type(child)}'
            )
        current = child
    leaf = keys[-1]
    if isinstance(current.get(leaf), dict):
        raise ConfigPathError(
            f'cannot overwrite object at "{".".join(keys)}" with a value; '
            "set its keys one by one instead"
        )
    current[leaf] = value


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """:func:`set_keys` with a dotted path (``channels.discord.groupPolicy``)."""
    text = path.strip()
    if not text:
        raise ConfigPathError("empty path")
    keys = text.split(".")
    if any(not key for key in keys):
        raise ConfigPathError(f'empty segment in path "{text}"')
    set_keys(document, keys, value)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _typed(text: str) -> Any:
    """JSON when the text is JSON (``30``, ``true``, ``"a b"``, ``[1]``, ``{}``, ``null``), else
    the text itself (``30m``, ``You are terse``)."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return text


def parse_configure(
    command: str, runner: str, typed: Callable[[str], Any] = _typed
) -> tuple[str, Any]:
    """``<runner> config set <path> <value>`` → (path, typed value).

    Tokens are split on whitespace and the value re-joined with single spaces; quotes are JSON
    (``"a b"`` is the string ``a b``), not shell. Raises :class:`ValueError` naming the form.
    ``typed`` reads the value's text (default: JSON when it is JSON, else the text), for a
    runner whose configuration is not JSON.
    """
    tokens = command.split()
    if len(tokens) < 5 or tokens[:3] != [runner, "config", "set"]:
        raise ValueError(
            f'unrecognized CONFIGURE command: "{mask_secrets(command)}" '
            f"(expected '{runner} config set <path> <value>')"
        )
    return tokens[3], typed(" ".join(tokens[4:]))


def apply_configures(
    document: dict[str, Any],
    commands: Sequence[str],
    runner: str,
    typed: Callable[[str], Any] = _typed,
) -> list[str]:
    """Apply each ``<runner> config set <path> <value>`` of ``commands`` to ``document`` in
    order (values read by ``typed``, see :func:`parse_configure`); the problems, one per
    command that could not be applied (a secret in one is masked)."""
    problems = []
    for command in commands:
        try:
            path, value = parse_configure(command, runner, typed)
            set_path(document, path, value)
        except ConfigPathError as exc:
            problems.append(f'CONFIGURE "{mask_secrets(command)}": {exc}')
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def split_model_ref(ref: str) -> tuple[str, str]:
    """``provider/model`` → (provider lower-cased, model); a bare model is Anthropic's.

    Only the first ``/`` splits (``openrouter/moonshotai/kimi-k2.5`` → ``openrouter``,
    ``moonshotai/kimi-k2.5``). Raises :class:`ValueError` for an empty provider or model.
    """
    text = ref.strip()
    if not text:
        raise ValueError("empty model reference")
    if "/" not in text:
        return "anthropic", text
    provider, model = (part.strip() for part in text.split("/", 1))
    if not provider or not model:
        raise ValueError(f'model reference "{text}" is not provider/model')
    return provider.lower(), model


def dump_json(document: Any) -> bytes:
    """Canonical JSON: keys sorted at every level, two-space indent, UTF-8, final newline."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
