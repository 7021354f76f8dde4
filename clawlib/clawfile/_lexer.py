"""Split Clawfile text into instructions with the Dockerfile lexing rules.

A Clawfile is read exactly as Docker's (BuildKit's) Dockerfile parser reads a Dockerfile, so that
everything Docker accepts passes through unchanged:

- parser directives (``# escape=``, ``# syntax=``, ``# check=``) only in the leading run of
  ``# key=value`` lines; a repeated one is an error; ``escape`` sets the continuation character;
- whole-line comments and blank lines are skipped;
- a line ending with the escape character (then only blanks) continues on the next physical line;
  the pieces are joined with no separator, and comment or empty lines inside are skipped;
- ``RUN``/``COPY``/``ADD`` lines with heredoc words (``<<EOF``, ``<<-"EOF"``) own the lines
  that follow, up to each terminator;
- the keyword is the first word, case-insensitive.

Each instruction keeps its logical text (what directives are parsed from) *and* its verbatim
source lines (what the emitter writes back), so continuation lines and heredoc bodies reach
``Dockerfile.generated`` intact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clawlib.errors import ClawfileError

__all__ = [
    "Heredoc",
    "Instruction",
    "LexedFile",
    "ParserDirective",
    "after_fields",
    "go_fields",
    "go_strip",
    "lex",
]

MAX_LINE_BYTES = 65535

# Go's unicode.IsSpace: the White_Space property (Python's str.isspace also counts \x1c-\x1f).
_GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACE_CHARS = "".join(sorted(_GO_SPACE))
# Go's RE2 \s is [\t\n\f\r ].
_DIRECTIVE = re.compile(
    r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*"
)
_KNOWN_PARSER_DIRECTIVES = ("check", "escape", "syntax")
_KEYWORD_SPLIT = re.compile(r"[\t\v\f\r ]+")
_HEREDOC_WORD = re.compile(r"(\d*)<<(-?)([^<]*)", re.DOTALL)
_HEREDOC_KEYWORDS = frozenset({"add", "copy", "run"})


def go_strip(text: str) -> str:
    """Trim leading and trailing whitespace the way Go's ``strings.TrimSpace`` does."""
    return text.strip(_GO_SPACE_CHARS)


def go_fields(text: str) -> list[str]:
    """Split on runs of whitespace the way Go's ``strings.Fields`` does."""
    fields: list[str] = []
    word: list[str] = []
    for char in text:
        if char in _GO_SPACE:
            if word:
                fields.append("".join(word))
                word = []
        else:
            word.append(char)
    if word:
        fields.append("".join(word))
    return fields


def after_fields(text: str, count: int) -> str:
    """The text after its first ``count`` whitespace-separated words, trimmed.

    Inner spacing of the rest is kept, whatever separated the skipped words.
    """
    index = 0
    for _ in range(count):
        while index < len(text) and text[index] in _GO_SPACE:
            index += 1
        while index < len(text) and text[index] not in _GO_SPACE:
            index += 1
    return go_strip(text[index:])


@dataclass(frozen=True, slots=True)
class ParserDirective:
    """A ``# key=value`` parser directive from the head of the file."""

    name: str
    value: str
    line: int
    source: str


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A heredoc attached to a RUN/COPY/ADD instruction."""

    name: str
    body: str
    chomp: bool


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction: a logical line and the physical lines it came from.

    ``text`` is the logical line (continuations joined, left-trimmed), ``keyword`` its first word
    in lower case, ``line`` the 1-based line where it starts and ``source`` the verbatim physical
    lines from ``line`` to ``end_line``, heredoc bodies included.
    """

    keyword: str
    keyword_text: str
    text: str
    line: int
    end_line: int
    source: str
    heredocs: tuple[Heredoc, ...] = ()

    @property
    def remainder(self) -> str:
        """The text after the keyword, trimmed."""
        return go_strip(self.text[len(self.keyword_text) :])


@dataclass(frozen=True, slots=True)
class LexedFile:
    """The result of :func:`lex`."""

    directives: tuple[ParserDirective, ...]
    escape: str
    instructions: tuple[Instruction, ...]
    warnings: tuple[tuple[int, str], ...]


def _physical_lines(text: str) -> list[str]:
    # Like Go's bufio.ScanLines: split on \n only, drop one trailing \r per line; a final newline
    # does not start another line.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines


def _lstrip(text: str) -> str:
    return text.lstrip(_GO_SPACE_CHARS)


def _is_comment(line: str) -> bool:
    return _lstrip(line).startswith("#")


class _Continuation:
    """Recognises and removes a trailing escape character (then only blanks)."""

    def __init__(self, escape: str) -> None:
        self._pattern = re.compile(re.escape(escape) + r"[ \t]*\Z")

    def split(self, line: str) -> tuple[str, bool]:
        """Return the line without its continuation marker and whether it continues."""
        match = self._pattern.search(line)
        if match is None:
            return line, False
        return line[: match.start()], True


def lex(text: str, path: str = "Clawfile") -> LexedFile:
    """Split ``text`` into parser directives and instructions.

    Raises :class:`ClawfileError` (with ``path`` and the line) for an over-long line, a bad or
    repeated parser directive, or an unterminated heredoc.
    """
    lines = _physical_lines(text)
    for number, line in enumerate(lines, start=1):
        size = len(line.encode("utf-8", "surrogatepass"))
        if size > MAX_LINE_BYTES:
            raise ClawfileError.at(
                path, number, f"line is {size} bytes long; Docker reads at most {MAX_LINE_BYTES}"
            )

    directives, start = _parser_directives(lines, path)
    escape = next((d.value for d in directives if d.name == "escape"), "\\")
    continuation = _Continuation(escape)
    instructions: list[Instruction] = []
    warnings: list[tuple[int, str]] = []
    index = start
    while index < len(lines):
        first = index
        raw = lines[index]
        index += 1
        if _is_comment(raw):
            continue
        logical, continues = continuation.split(_lstrip(raw))
        if not continues and logical == "":
            continue
        while continues and index < len(lines):
            raw = lines[index]
            index += 1
            if _is_comment(raw):
                continue
            if _lstrip(raw) == "":
                warnings.append((index, "empty continuation line"))
                continue
            piece, continues = continuation.split(raw)
            logical += piece
        if go_strip(logical) == "":
            continue
        keyword_text = _KEYWORD_SPLIT.split(go_strip(logical), maxsplit=1)[0]
        keyword = keyword_text.lower()
        heredocs: list[Heredoc] = []
        if keyword in _HEREDOC_KEYWORDS and "<<" in logical:
            for name, chomp in _heredoc_names(logical):
                body, index = _read_heredoc(lines, index, name, chomp, first + 1, path)
                heredocs.append(Heredoc(name, body, chomp))
        instructions.append(
            Instruction(
                keyword=keyword,
                keyword_text=keyword_text,
                text=logical,
                line=first + 1,
                end_line=index,
                # A continuation left open at the end of the file would swallow whatever is
                # written after it, so such an instruction is written back as its logical line,
                # without the escape characters it may still end with (``FROM \\``).
                source=_closed(logical, escape) if continues else "\n".join(lines[first:index]),
                heredocs=tuple(heredocs),
            )
        )
    return LexedFile(tuple(directives), escape, tuple(instructions), tuple(warnings))


def _closed(logical: str, escape: str) -> str:
    """``logical`` without the escape characters (and blanks) that would continue it again."""
    while logical.rstrip(" \t").endswith(escape):
        logical = logical.rstrip(" \t")[: -len(escape)]
    return logical


def _parser_directives(lines: list[str], path: str) -> tuple[list[ParserDirective], int]:
    directives: list[ParserDirective] = []
    seen: set[str] = set()
    for number, line in enumerate(lines):
        match = _DIRECTIVE.fullmatch(_lstrip(line))
        if match is None or match.group(1).lower() not in _KNOWN_PARSER_DIRECTIVES:
            return directives, number
        name, value = match.group(1).lower(), match.group(2)
        if name in seen:
            raise ClawfileError.at(
                path, number + 1, f"only one {name} parser directive can be used"
            )
        seen.add(name)
        if name == "escape" and value not in ("\\", "`"):
            raise ClawfileError.at(
                path, number + 1, f"invalid escape token {value!r}: must be \\ or `"
            )
        directives.append(ParserDirective(name, value, number + 1, line))
    return directives, len(lines)


def _read_heredoc(
    lines: list[str], index: int, name: str, chomp: bool, start_line: int, path: str
) -> tuple[str, int]:
    body: list[str] = []
    while index < len(lines):
        line = lines[index]
        index += 1
        candidate = line.lstrip("\t") if chomp else line
        if candidate == name:
            return "".join(body), index
        body.append(line + "\n")
    raise ClawfileError.at(
        path, start_line, f"unterminated heredoc: no line {name!r} closes <<{name}"
    )


def _heredoc_names(line: str) -> list[tuple[str, bool]]:
    """The heredocs a RUN/COPY/ADD line opens, in order, as (name, chomp)."""
    names: list[tuple[str, bool]] = []
    for word in _shell_words(line, raw=True) or []:
        match = _HEREDOC_WORD.fullmatch(word)
        if match is None:
            continue
        unquoted = _shell_words(match.group(3), raw=False)
        if unquoted is None or len(unquoted) != 1:
            continue
        names.append((unquoted[0], match.group(2) == "-"))
    return names


def _shell_words(text: str, *, raw: bool) -> list[str] | None:
    """Split ``text`` into shell words; ``raw`` keeps quotes and backslashes in the words.

    Returns None when a quote is left open (Docker then finds no heredoc either).
    """
    words: list[str] = []
    word: list[str] = []
    in_word = False
    index = 0
    while index < len(text):
        char = text[index]
        index += 1
        if char in " \t\r\n":
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            continue
        in_word = True
        if char == "\\":
            if index < len(text):
                if raw:
                    word.append(char)
                word.append(text[index])
                index += 1
            continue
        if char in "'\"":
            end = _closing_quote(text, index, char)
            if end < 0:
                return None
            inner = text[index:end]
            if char == '"' and not raw:
                inner = re.sub(r'\\([\\"$`])', r"\1", inner)
            word.append(f"{char}{inner}{char}" if raw else inner)
            index = end + 1
            continue
        word.append(char)
    if in_word:
        words.append("".join(word))
    return words


def _closing_quote(text: str, start: int, quote: str) -> int:
    index = start
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            return index
        index += 1
    return -1
