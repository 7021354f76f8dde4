"""What changed in each compose service's definition between two generated files, in words.

compose recreates a container when its service's definition changed, and the definition it hashes
is the one it runs: the environment includes what the ``env_file:`` files set, read when compose
loads the file. claw's own env file (the handle variables, named by every service) changes no
line of the compose file when a handle changes, yet every service's environment; so the files a
service names are compared by what they set, not by their names alone. Only variable names are
ever said, never values (they may be secrets).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._document import same_value

__all__ = ["env_file_paths", "env_file_values", "service_changes"]

EnvFiles = Mapping[str, str | None]
"""An env file's path as a service names it (``./.claw-runtime/handles.env``) → its text (None:
not known, e.g. not on disk)."""


def service_changes(
    before: Mapping[str, Mapping[str, Any]],
    after: Mapping[str, Mapping[str, Any]],
    env_before: EnvFiles | None = None,
    env_after: EnvFiles | None = None,
) -> dict[str, tuple[str, ...]]:
    """For each service in both ``before`` and ``after`` whose definition differs, why:
    ``environment changed: A, B`` (its ``environment:`` or what the env files in ``env_before``
    and ``env_after`` set for it), then ``<key> changed`` for every other top-level key, in
    the order the keys come. Services that are the same are left out."""
    env_before = env_before or {}
    env_after = env_after or {}
    changes: dict[str, tuple[str, ...]] = {}
    for name in after:
        if name not in before:
            continue
        old, new = before[name], after[name]
        reasons: list[str] = []
        variables = _environment_changes(old, new, env_before, env_after)
        if variables:
            reasons.append(f"environment changed: {', '.join(variables)}")
        keys = list(dict.fromkeys([*new, *old]))
        for key in keys:
            if key == "environment":
                continue
            if key == "env_file" and env_file_paths(old) == env_file_paths(new):
                continue  # the same files: what they set is compared above
            if not same_value(old.get(key), new.get(key)):
                reasons.append(f"{key} changed")
        if reasons:
            changes[name] = tuple(reasons)
    return changes


def env_file_values(text: str) -> dict[str, str]:
    """The variables a compose env file sets (``KEY=value``, ``export KEY=value``; comments and
    blank lines skipped), each with the text of its value as written."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.removeprefix("export ").lstrip().partition("=")
        if key.strip():
            values[key.strip()] = value
    return values


def _environment_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], env_before: EnvFiles, env_after: EnvFiles
) -> list[str]:
    """The names of the variables whose value differs, sorted: the env files first, the
    ``environment:`` over them (as compose ranks them)."""
    before = _effective(old, env_before)
    after = _effective(new, env_after)
    return sorted(
        k for k in before.keys() | after.keys() if before.get(k, _NONE) != after.get(k, _NONE)
    )


_NONE = object()


def _effective(service: Mapping[str, Any], env_files: EnvFiles) -> dict[str, object]:
    values: dict[str, object] = {}
    for path in env_file_paths(service):
        text = env_files.get(path)
        if text is not None:
            values.update(env_file_values(text))
    values.update(_environment(service.get("environment")))
    return values


def _environment(value: object) -> dict[str, object]:
    """``environment:`` as a mapping, from either of its forms (a bare ``KEY``: None)."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        found: dict[str, object] = {}
        for item in value:
            key, sep, rest = str(item).partition("=")
            found[key] = rest if sep else None
        return found
    return {}


def env_file_paths(service: Mapping[str, Any]) -> list[str]:
    """The env files a compose service names (``env_file``: a path, or a list of paths or of
    ``{path: ...}`` mappings), as written."""
    value = service.get("env_file")
    items = value if isinstance(value, list) else [value] if value is not None else []
    paths = []
    for item in items:
        path = item.get("path") if isinstance(item, Mapping) else item
        if isinstance(path, str):
            paths.append(path)
    return paths
