"""Keep secret values off the screen: mask them in any text we show (diffs, config views).

A value is secret when its name says so (``*_TOKEN``, ``*_KEY``, ``*SECRET*``, ``*PASSWORD*``,
``apiKey``, ...) and it is written out literally. References — ``${VAR}`` or ``$VAR`` — are not
secrets and stay visible: they say where the value comes from. A masked value is shown as
``••••`` followed by the name it belongs to, so the reader still knows what is there.
"""

from __future__ import annotations

import re

__all__ = ["MASK", "is_secret_name", "mask_secrets"]

MASK = "••••"

_SECRET_NAME = re.compile(
    r"(token|secret|passw(or)?d|passphrase|api[_-]?key|private[_-]?key|credential|_key$|^key$)",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"""^["']?(\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}|\$[A-Za-z_]\w*)["']?,?$"""
)
# KEY: value / KEY=value (YAML maps, env files, list-form environment)
_ASSIGNMENT = re.compile(
    r"""^(?P<lead>[-+ ]?\s*(?:-\s+)?["']?)"""
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)(?P<sep>["']?\s*[:=]\s*)"""
    r"""(?P<value>\S.*?)\s*$"""
)
# "name": "value" inside JSON
_JSON_PAIR = re.compile(r'"(?P<name>[^"\\]+)"(?P<sep>\s*:\s*)"(?P<value>(?:[^"\\]|\\.)*)"')


def is_secret_name(name: str) -> bool:
    """Whether a variable or key called ``name`` holds a secret by its name."""
    return bool(_SECRET_NAME.search(name))


def _masked(name: str, value: str) -> bool:
    text = value.strip().rstrip(",").strip("\"'")
    return is_secret_name(name) and bool(text) and not _REFERENCE.match(text)


def mask_secrets(text: str) -> str:
    """``text`` with every literal secret value replaced by ``•••• (NAME)``; line structure and
    everything else unchanged."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        ending = line[len(body) :]
        if '"' in body and _JSON_PAIR.search(body):

            def json_pair(match: re.Match[str]) -> str:
                name, value = match.group("name"), match.group("value")
                if not _masked(name, value):
                    return match.group(0)
                return f'"{name}"{match.group("sep")}"{MASK} ({name})"'

            masked = _JSON_PAIR.sub(json_pair, body)
            if masked != body:
                out.append(masked + ending)
                continue
        match = _ASSIGNMENT.match(body)
        if match and _masked(match.group("name"), match.group("value")):
            name = match.group("name")
            body = f"{match.group('lead')}{name}{match.group('sep')}{MASK} ({name})"
        out.append(body + ending)
    return "".join(out)
