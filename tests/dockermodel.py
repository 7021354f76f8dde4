"""An independent model of how Docker reads LABEL instructions, for round-trip tests.

Written from Docker's documented Dockerfile rules (not from clawlib's lexer): logical lines,
the ``escape`` parser directive, ``LABEL k=v ...`` word splitting, and the shell-word processing
Docker applies to each key and value (quotes, escapes, ``$VAR`` / ``${VAR}`` expansion against
the build environment, empty here).
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GO_SPACE = (  # Go's unicode.IsSpace
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _logical_lines(text: str) -> tuple[list[str], str]:
    lines = text.split("\n")
    escape = "\\"
    head = True
    logical: list[str] = []
    current: str | None = None
    for line in lines:
        if head:
            # Docker strips leading white space (Go's unicode.IsSpace) before it looks.
            directive = line.lstrip(_GO_SPACE)
            match = re.fullmatch(r"#\s*escape\s*=\s*(\S)\s*", directive)
            if match:
                escape = match.group(1)
                continue
            if not re.fullmatch(r"#\s*[a-zA-Z][a-zA-Z0-9]*\s*=.*", directive):
                head = False
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        if current is None and not stripped:
            continue
        if current is not None and not stripped:
            continue
        piece = stripped if current is None else line
        match = re.search(re.escape(escape) + r"[ \t]*$", piece)
        if match:
            current = (current or "") + piece[: match.start()]
            continue
        logical.append((current or "") + piece)
        current = None
    if current is not None:
        logical.append(current)
    return logical, escape


def _split_words(rest: str, escape: str) -> list[str]:
    words: list[str] = []
    word = ""
    quote = ""
    index = 0
    while index < len(rest):
        char = rest[index]
        if not quote and char in " \t":
            if word:
                words.append(word)
                word = ""
        elif char == escape and index + 1 < len(rest):
            word += char + rest[index + 1]
            index += 1
        else:
            if quote and char == quote:
                quote = ""
            elif not quote and char in "\"'":
                quote = char
            word += char
        index += 1
    if word:
        words.append(word)
    return words


def _process(word: str, escape: str) -> str:
    out = ""
    index = 0
    while index < len(word):
        char = word[index]
        index += 1
        if char == "'":
            end = word.find("'", index)
            end = len(word) if end < 0 else end
            out += word[index:end]
            index = end + 1
        elif char == '"':
            while index < len(word) and word[index] != '"':
                inner = word[index]
                index += 1
                if inner == escape and word[index : index + 1] in ('"', "$", escape):
                    out += word[index]
                    index += 1
                elif inner == "$":
                    expanded, index = _dollar(word, index)
                    out += expanded
                else:
                    out += inner
            index += 1
        elif char == escape:
            if index < len(word):
                out += word[index]
                index += 1
        elif char == "$":
            expanded, index = _dollar(word, index)
            out += expanded
        else:
            out += char
    return out


def _dollar(word: str, index: int) -> tuple[str, int]:
    """Expand ``$NAME`` or ``${...}`` against an empty environment."""
    if index < len(word) and word[index] == "{":
        end = word.find("}", index)
        return "", len(word) if end < 0 else end + 1
    match = _NAME.match(word, index)
    if match:
        return "", match.end()
    return "$", index


def docker_labels(dockerfile: str) -> dict[str, str]:
    """The labels Docker would store for ``dockerfile`` (LABEL instructions, in order)."""
    logical, escape = _logical_lines(dockerfile)
    labels: dict[str, str] = {}
    for line in logical:
        keyword, _, rest = line.partition(" ")
        if keyword.upper() != "LABEL":
            continue
        for word in _split_words(rest.strip(), escape):
            key, _, value = word.partition("=")
            labels[_process(key, escape)] = _process(value, escape)
    return labels
