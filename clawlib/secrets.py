"""Keep secret values off the screen: mask them in any text we show (diffs, config views).

A value is secret when its name says so (``*_TOKEN``, ``*_KEY``, ``*SECRET*``, ``*PASSWORD*``,
``apiKey``, ...) and it is written out literally. References — ``${VAR}`` or ``$VAR`` — are not
secrets and stay visible: they say where the value comes from. A masked value is shown as
``••••`` followed by the name it belongs to, so the reader still knows what is there.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

__all__ = [
    "MASK",
    "is_secret_name",
    "mask_command",
    "mask_secrets",
    "mask_value",
    "split_command",
]

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


def mask_value(name: str, value: str) -> str:
    """``value`` as it may be shown under ``name``: ``•••• (name)`` for a literal secret."""
    if is_secret_name(name) and value.strip() and not _is_reference(value):
        return f"{MASK} ({name})"
    return mask_secrets(value)


def _is_reference(value: str) -> bool:
    # mask_secrets is the one judge of what counts as a reference (${VAR}, $VAR): a value it
    # leaves alone under a secret name is one.
    probe = f"TOKEN={value}"
    return "\n" not in value and mask_secrets(probe) == probe


def mask_command(words: Sequence[str]) -> str:
    """A command line for display, its words shell-quoted and each secret argument masked: the
    value of ``--api-key=…`` or ``TOKEN=…``, and the word after a secret-named one (``--token
    abc``, ``config set ….apiKey sk-…``), also inside a ``sh -c '…'`` script."""
    shown = []
    previous = ""
    for word in words:
        shown.append(_masked_word(previous, word))
        previous = word
    return " ".join(shown)


def _masked_word(previous: str, word: str) -> str:
    if (
        is_secret_name(previous)
        and "=" not in previous
        and not word.startswith("-")
        and word.strip()
        and not _is_reference(word)
    ):
        return f"{MASK} ({previous})"
    name, sep, value = word.partition("=")
    if sep and name and is_secret_name(name):
        return f"{name}={mask_value(name, value)}"
    if any(char.isspace() for char in word):
        inner = split_command(word)
        masked = mask_command(inner)
        if masked != shlex.join(inner):
            return f"'{masked}'"
    return shlex.quote(word)


def split_command(command: str) -> list[str]:
    """``command``'s words as a shell would split them (as written when its quotes do not
    balance)."""
    try:
        return shlex.split(command)
    except ValueError:  # unbalanced quotes: words as written
        return command.split()
