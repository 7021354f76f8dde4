"""Keep secret values off the screen: mask them in any text we show (diffs, config views, output).

Secret names
    A name is split into words at camelCase boundaries (``apiKey``, ``APIKey``: api, key),
    between letters and digits (``key2``: key, 2) and at ``_``, ``-``, ``.`` or any other
    character that is neither; words compare in lower case, and two neighbours also count
    joined (``API_KEY``: apikey). The name is secret when

    - any word is one of ``token``, ``secret``, ``password``, ``passwd``, ``passphrase``,
      ``apikey``, ``privatekey``, ``credential``, ``credentials``; or
    - its last word (trailing numbers aside: ``API_KEY_2``) is one of ``key``, ``pass``,
      ``pat``, ``pwd``, ``cookie``, ``authorization``: short words that name other things
      elsewhere in a name (``keyBindings``, ``pass_through``, ``cookie_domain``).

    So ``DISCORD_BOT_TOKEN``, ``Github_Pat``, ``db_pass``, ``x-api-key`` and ``SSH_PRIVATE_KEY``
    are secret; ``max_tokens`` (a plural: a count), ``keyboard`` and ``monkey`` (one word each)
    are not, nor is compose's ``secrets:`` section, which names secrets without holding them.

What is masked
    - The value of a secret name, whole, whatever its form: ``NAME: v``, ``NAME=v``, ``"name":
      v`` (a JSON string or number), ``{name: v}``, ``export``/``ENV``/``ARG`` lines,
      ``--name v`` and ``--name=v``, ``config set <path> v``; a YAML block scalar (``|`` or
      ``>``, any indicators), a quoted or plain scalar over several lines, a list under the
      name; a list item ``- NAME=v`` or ``- |`` whose first line is ``NAME=...``; an env-file
      ``NAME="..."`` over several lines. A mapping under a secret name is not masked as a
      whole: its keys name its values (compose's ``db_password: {file: ...}`` is no secret).
    - A URL's password, whatever the name around it: ``postgres://admin:••••@db/x``.
    - The default of a reference to a secret-named variable: ``${API_TOKEN:-••••}``, also for
      ``-``, ``:=``, ``=``, ``:+`` and ``+`` (the error message of ``?`` and ``:?`` stays).
    - A PEM private key, every line from ``-----BEGIN ... PRIVATE KEY-----`` to its ``-----END``
      line, whatever holds it.

What stays visible
    References, ``${VAR}`` or ``$VAR``: they say where a value comes from. Empty values and
    ``null``. A masked value reads ``•••• (NAME)``, so the reader knows what is there.

The masker reads a text top to bottom, a line at a time, remembering what earlier lines opened
(a block scalar, a quote, a value nested under a secret name, a PEM block), so each line is
masked in the context of the lines before it: :func:`mask_secrets` masks a whole text,
:func:`mask_lines` its lines one for one (for diffs), :class:`StreamMasker` lines as they
arrive. It knows YAML, env files, JSON and command lines well enough to find their values, and
never fails on text it does not understand: such lines get the one-line rules.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "MASK",
    "StreamMasker",
    "holds_secret",
    "is_secret_name",
    "mask_command",
    "mask_lines",
    "mask_secrets",
    "mask_value",
    "split_command",
]

MASK = "••••"

_SECRET_WORDS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "passphrase",
        "apikey",
        "privatekey",
        "credential",
        "credentials",
    }
)
_SECRET_LAST_WORDS = frozenset({"key", "pass", "pat", "pwd", "cookie", "authorization"})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def is_secret_name(name: str) -> bool:
    """Whether a variable or key called ``name`` holds a secret by its name (see the module
    docstring for the words)."""
    words = [word.lower() for word in _WORD.findall(name)]
    while words and words[-1].isdigit():
        words.pop()
    if not words:
        return False
    joined = [first + second for first, second in itertools.pairwise(words)]
    return words[-1] in _SECRET_LAST_WORDS or not _SECRET_WORDS.isdisjoint(words + joined)


# References: $VAR, ${VAR}, ${VAR<op><word>} (nested references allowed in the word).

_BRACED = re.compile(r"\$\{(?P<var>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-=+?])?")
_BARE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_DEFAULT_OPS = frozenset({"-", ":-", "=", ":=", "+", ":+"})


def _brace_ends(text: str) -> dict[int, int]:
    """Where each closed ``${`` of ``text`` starts → the index after its ``}``."""
    ends: dict[int, int] = {}
    open_at: list[int] = []
    index = text.find("$")
    while 0 <= index < len(text):
        if text.startswith("${", index):
            open_at.append(index)
            index += 2
        elif text[index] == "}" and open_at:
            ends[open_at.pop()] = index + 1
            index += 1
        else:
            index += 1
    return ends


def _reference(text: str) -> tuple[str, str, str] | None:
    """(variable, operator, word) when ``text`` is one reference and nothing else."""
    if _BARE.fullmatch(text):
        return text[1:], "", ""
    head = _BRACED.match(text)
    if head is None or _brace_ends(text).get(0) != len(text):
        return None
    op = head["op"] or ""
    if not op and head.end() != len(text) - 1:
        return None
    return head["var"], op, text[head.end() : -1]


def _plain_reference(text: str, depth: int = 4) -> bool:
    """Whether ``text`` is a reference that holds no literal value to hide (references nested
    deeper than ``depth`` count as holding one)."""
    found = _reference(text)
    if found is None:
        return False
    _var, op, word = found
    if op not in _DEFAULT_OPS or not word:
        return True
    return depth > 0 and _plain_reference(word, depth - 1)


def _shown_secret(name: str, value: str) -> str | None:
    """What to show for the literal ``value`` of the secret ``name``: None to show it as it is
    (empty, null, a plain reference, masked already), else its replacement."""
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    if not text or text in ("null", "~") or text.startswith(MASK) or _plain_reference(text):
        return None
    found = _reference(text)
    if found is not None:  # a reference with a literal default: that default is the secret
        var, op, _word = found
        return f"${{{var}{op}{MASK}}}"
    return f"{MASK} ({name})"


def _mask_defaults(text: str) -> str:
    """``text`` with the literal default of every ``${SECRET_NAME<op>default}`` masked."""
    if "${" not in text:
        return text
    ends = _brace_ends(text)
    out: list[str] = []
    done = 0
    start = text.find("${")
    while start >= 0:
        head = _BRACED.match(text, start)
        end = ends.get(start, -1)
        if head is not None and end > head.end() and head["op"] in _DEFAULT_OPS:
            word = text[head.end() : end - 1]
            if not word or word == MASK or _plain_reference(word):
                start = text.find("${", end)  # nothing literal inside
                continue
            if is_secret_name(head["var"]):
                out.append(text[done : head.end()] + MASK + "}")
                done = end
                start = text.find("${", end)
                continue
        start = text.find("${", start + 2)
    out.append(text[done:])
    return "".join(out)


# One-line rules: values found inside a line, wherever it stands.

# Each rule: the text before a value, naming it (``name``), and the value that follows.
_WORD_VALUE = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'`,;&|<>]+""")
_QUOTED_VALUE = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")
_JSON_MEMBER = re.compile(r'"(?P<name>(?:[^"\\]|\\.)+)"\s*:\s*')
_JSON_VALUE = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])')
_QUOTED_FLAG = re.compile(r"""(?P<q>["'])(?P<name>--?[A-Za-z][\w.-]*)(?P=q)\s*,\s*""")
_CONFIG_SET = re.compile(r"""(?<![\w-])config[ \t]+set[ \t]+(?P<name>[^\s"']+)[ \t]+""")
_CONFIG_VALUE = re.compile(  # to the end of the line, or to a quote
    r"""(?:[^\s"'\\]|\\.)+(?:[ \t]+(?:[^\s"'\\]|\\.)+)*"""
)
_FLAG = re.compile(r"(?<![\w-])(?P<name>--?[A-Za-z][\w.-]*)(?:=|[ \t]+)(?!-)")
_ASSIGN = re.compile(r"(?<![\w.${/-])(?P<name>[A-Za-z_][\w.-]*)=")
_COLON_PAIR = re.compile(r"(?<![\w.$/-])(?P<name>[A-Za-z_][\w.-]*):[ \t]+")
_COLON_VALUE = re.compile(  # to the end, or to a comma or closing bracket (a reference's kept)
    r"""(?:\$\{[^}\r\n]*\}|[^\s,;"'}\]])(?:[ \t]*(?:\$\{[^}\r\n]*\}|[^\s,;"'}\]]))*"""
)
_URL_PASSWORD = re.compile(
    r"""(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@"'<>]*:)(?P<password>[^\s/?#"'<>]+)(?=@)"""
)


def _url_password(match: re.Match[str]) -> str:
    password = match["password"]
    if password == MASK or _plain_reference(password):
        return match[0]
    found = _reference(password)
    hidden = f"${{{found[0]}{found[1]}{MASK}}}" if found is not None else MASK
    return match["head"] + hidden


# (what names the value, the value, how the mask is quoted: '"', like the value ("same"),
# or not at all)
_NAMED_RULES: tuple[tuple[re.Pattern[str], tuple[re.Pattern[str], ...], str], ...] = (
    (_JSON_MEMBER, (_JSON_VALUE,), '"'),
    (_QUOTED_FLAG, (_QUOTED_VALUE,), "same"),
    (_CONFIG_SET, (_QUOTED_VALUE, _CONFIG_VALUE), ""),
    (_FLAG, (_WORD_VALUE,), ""),
    (_ASSIGN, (_WORD_VALUE,), ""),
    (_COLON_PAIR, (_QUOTED_VALUE, _COLON_VALUE), ""),
)


def _mask_named(
    head: re.Pattern[str], values: Sequence[re.Pattern[str]], quote: str, text: str
) -> str:
    """``text`` with the value after every ``head`` that names a secret masked. Scanning goes
    on right after each head, so a value that holds another (a quoted command line with a
    ``token=...`` in it) is searched too."""
    out: list[str] = []
    done = position = 0
    while (found := head.search(text, position)) is not None:
        position = found.end()
        name = found["name"]
        if not is_secret_name(name):
            continue
        value = next((v for p in values if (v := p.match(text, position))), None)
        if value is None:
            continue
        shown = _shown_secret(name, value[0])
        if shown is not None:
            mark = value[0][0] if quote == "same" else quote
            out.append(f"{text[done:position]}{mark}{shown}{mark}")
            done = value.end()
        position = value.end()
    out.append(text[done:])
    return "".join(out)


def _inline(text: str) -> str:
    """``text`` (part of one line) with the one-line rules applied."""
    if not text.strip():
        return text
    for head, values, quote in _NAMED_RULES:
        text = _mask_named(head, values, quote, text)
    text = _URL_PASSWORD.sub(_url_password, text)
    return _mask_defaults(text)


# Line shapes.

# A line can be masked, or open what masks the lines after it, only if it holds one of these:
# a secret word's stem (every word of the lists contains one), a URL, a reference, a block
# scalar's header, a PEM line, or a quote left open. Lines without any, outside any context,
# are left alone without being parsed (most lines of most files, JSON included).
# (The look-ahead on first characters lets the regex engine skip most positions at once.)
_STEMS = r"(?i:token|secret|credential|key|pass|pat|pwd|cookie|authorization)"
_MAYBE = re.compile(rf"(?=[tTsScCkKpPaA:$|>-])(?:{_STEMS}|://|[$|>]|-----)")


# What a text must hold somewhere for any of it to be masked: a secret word's stem, a URL, a
# braced reference (whose default may be masked) or the start of a PEM private key.
_NEEDED = re.compile(rf"(?=[tTsScCkKpPaA:$-])(?:{_STEMS}|://|\$\{{|-----BEGIN)")


def _plain_line(line: str) -> bool:
    """Whether ``line`` can neither be masked nor open a context (see ``_MAYBE``)."""
    if _MAYBE.search(line) is not None:
        return False
    if "'" in line and line.count("'") % 2:
        return False
    return '"' not in line or (line.count('"') - line.count('\\"')) % 2 == 0


_ENDING = re.compile(r"(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])\Z")
_KEY = re.compile(
    r"""(?P<lead>(?:-[ \t]+)*)"""
    r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[A-Za-z0-9_][\w./-]*)"""
    r"""[ \t]*:(?=[ \t]|$)[ \t]*"""
)
_ITEM = re.compile(r"-(?:[ \t]+|$)")
_ENV = re.compile(
    r"""(?P<head>(?:export[ \t]+)?(?P<name>[A-Za-z_][\w.-]*)[ \t]*=[ \t]*)(?P<value>.*)"""
)
_DOCKER_ENV = re.compile(
    r"""(?P<head>(?i:ENV|ARG)[ \t]+(?P<name>[A-Za-z_][\w.-]*)[ \t]+)(?P<value>[^\s=].*)"""
)
_PROPERTIES = re.compile(r"(?:[&!]\S*[ \t]+)*")  # YAML anchors and tags
_COMMENT = re.compile(r"[ \t]+#.*")
_BLOCK_HEADER = re.compile(r"[|>][1-9+-]{0,2}(?:[ \t]+#.*)?")
_FLAG_WORD = re.compile(r"""(?P<q>["']?)(?P<flag>--?[A-Za-z][\w.-]*)(?P=q),?""")
_PUNCTUATION = re.compile(r"[\[\]{},]*")
_STRINGS = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_SHOWN = f"{MASK} (private key)"
_MAX_DEPTH = 8
"""Block scalars in block scalars followed as texts of their own; deeper ones get the
one-line rules (a hostile text must not cost a masker per line)."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _closing_quote(text: str, start: int, quote: str) -> int:
    """The index after the quote that closes a ``quote`` string whose content starts at
    ``start``; -1 when the text ends first."""
    index = start
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text.startswith("''", index):
                index += 2
                continue
            return index + 1
        index += 1
    return -1


def _closed(value: str) -> bool:
    """Whether a flow collection opened by ``value`` closes on the same line."""
    text = _STRINGS.sub("", value)
    return text.count("[") + text.count("{") <= text.count("]") + text.count("}")


def _whole(line: str, name: str) -> str:
    """A line that is all secret: its indentation, then the mask."""
    return line[: _indent(line)] + f"{MASK} ({name})"


def _nested(line: str, name: str) -> str:
    """A line of a list or mapping nested under the secret ``name``: dashes, keys and brackets
    kept, the value masked (unless it is a plain reference)."""
    indent = _indent(line)
    found = _KEY.match(line, indent) or _ITEM.match(line, indent)
    start = found.end() if found is not None else indent
    head, value = line[:start], line[start:].rstrip()
    trailer = ""
    if value.endswith(","):  # a JSON element
        value, trailer = value[:-1], ","
    if _PUNCTUATION.fullmatch(value) or _BLOCK_HEADER.fullmatch(value):
        return line
    shown = _shown_secret(name, value)
    if shown is None:
        return line
    quote = '"' if value.startswith('"') or head.rstrip().endswith('":') else ""
    return f"{head}{quote}{shown}{quote}{trailer}"


# The state a line leaves for the lines after it.


@dataclass
class _Block:
    """A block scalar: blank lines and lines indented past ``limit``."""

    limit: int
    name: str | None  # the secret name it is the value of; None: not (yet) a secret
    item: bool  # a list item: its first line may be NAME=...
    body: int = -1  # indentation of its first line
    inner: StreamMasker | None = None  # a text of its own, masked as one


@dataclass
class _Quoted:
    """A quoted scalar left open: the lines up to its closing quote."""

    quote: str
    name: str | None


@dataclass
class _Under:
    """The value of the secret ``name`` continues on lines indented past ``limit``: the rest
    of a plain scalar (``whole``), or a list, or a scalar on the lines after the name (a
    mapping under the name ends it: its keys name their values)."""

    limit: int
    name: str
    whole: bool
    dash_at_limit: bool = False  # a list at the key's own indentation belongs to it


@dataclass
class _FlagValue:
    """A list item that is a secret flag (``- --token``): the next item is its value."""

    indent: int
    flag: str


_State = _Block | _Quoted | _Under | _FlagValue | None


class StreamMasker:
    """Masks a text line by line, as it arrives, each line in the context of those before it.

    One masker per text: it remembers what earlier lines opened (a block scalar, a quote, a
    value nested under a secret name, a PEM private key).
    """

    def __init__(self) -> None:
        self._state: _State = None
        self._in_pem = False
        self._depth = 0  # of block scalars holding this text

    def mask(self, line: str) -> str:
        """``line`` (with or without its line ending, which is kept) as it may be shown."""
        if self._state is None and not self._in_pem and _plain_line(line):
            return line
        ending = _ENDING.search(line)
        body, end = (line[: ending.start()], ending[0]) if ending else (line, "")
        return self._line(self._pem(body)) + end

    def _pem(self, line: str) -> str:
        """``line`` with what lies inside a PEM private key masked (the BEGIN and END lines
        too), whatever else the line holds."""
        out: list[str] = []
        position = 0
        while True:
            if self._in_pem:
                end = _PEM_END.search(line, position)
                lead = line[position : position + _indent(line[position:])]
                if end is None:
                    out.append(lead + _PEM_SHOWN if line[position:].strip() else line[position:])
                    return "".join(out)
                out.append(lead + _PEM_SHOWN)
                position = end.end()
                self._in_pem = False
            begin = _PEM_BEGIN.search(line, position)
            if begin is None:
                out.append(line[position:])
                return "".join(out)
            out.append(line[position : begin.start()])
            position = begin.start()
            self._in_pem = True

    def _line(self, line: str) -> str:
        state = self._state
        blank = not line.strip()
        indent = _indent(line)
        if isinstance(state, _Quoted):
            return self._quoted(state, line)
        if isinstance(state, _Block):
            if blank or indent > state.limit:
                return self._block(state, line, blank)
        elif isinstance(state, _Under):
            if blank:
                return line
            if state.whole and indent > state.limit:
                return _whole(line, state.name)
            below = indent > state.limit or (
                state.dash_at_limit and indent == state.limit and _ITEM.match(line, indent)
            )
            if below and not _KEY.match(line, indent):  # a mapping's keys name its values
                return _nested(line, state.name)
        elif isinstance(state, _FlagValue):
            if blank:
                return line
            item = _ITEM.match(line, indent)
            if indent == state.indent and (item or line[indent:].startswith(("'", '"'))):
                self._state = None
                return _nested(line, state.flag)
        self._state = None
        return self._fresh(line, indent)

    def _quoted(self, state: _Quoted, line: str) -> str:
        close = _closing_quote(line, 0, state.quote)
        if close < 0:
            return _whole(line, state.name) if state.name else _inline(line)
        self._state = None
        if state.name:  # the quotes stay, so that the masked text reads the same way
            return _whole(line, state.name) + state.quote + _inline(line[close:])
        return _inline(line)

    def _block(self, state: _Block, line: str, blank: bool) -> str:
        if blank:
            return line
        indent = _indent(line)
        if state.body < 0:
            state.body = indent
            env = _ENV.match(line, indent) if state.item and state.name is None else None
            if env is not None and is_secret_name(env["name"]):
                state.name = env["name"]
                if _plain_reference(env["value"].strip()):
                    return line
                return line[: env.end("head")] + f"{MASK} ({state.name})"
            if state.name is None and self._depth < _MAX_DEPTH:
                state.inner = StreamMasker()
                state.inner._depth = self._depth + 1
        if state.name is not None:
            return _whole(line, state.name)
        if state.inner is None:  # too deep to follow: one-line rules only
            return _inline(line)
        cut = min(indent, state.body)
        return line[:cut] + state.inner.mask(line[cut:])

    def _fresh(self, line: str, indent: int) -> str:
        """A line that nothing before it governs."""
        text = line[indent:]
        if not text:
            return line
        if text.startswith("#"):
            return line[: indent + 1] + _inline(text[1:])
        for pattern in (_ENV, _DOCKER_ENV):
            env = pattern.fullmatch(line, indent)
            if env is not None:
                return self._assignment(line[: env.end("head")], env["name"], env["value"], None)
        key = _KEY.match(line, indent)
        if key is not None:
            return self._keyed(line, key)
        item = _ITEM.match(line, indent)
        if item is not None:
            return self._item(line, indent, item.end())
        flag = _FLAG_WORD.fullmatch(text)
        if flag is not None and flag["q"] == '"' and is_secret_name(flag["flag"]):
            self._state = _FlagValue(indent, flag["flag"])  # "--token", in a JSON list
            return line
        return line[:indent] + _inline(text)

    def _assignment(self, head: str, name: str, value: str, limit: int | None) -> str:
        """``NAME=value`` (an env line, a list item); a secret's open quote continues on the
        next lines, and so does a list item's plain value on lines indented past ``limit``."""
        if not is_secret_name(name):
            return head + _inline(value)
        if value[:1] in ("'", '"'):
            close = _closing_quote(value, 1, value[0])
            if close < 0:
                self._state = _Quoted(value[0], name)
                return f"{head}{value[0]}{MASK} ({name})"
            shown = _shown_secret(name, value[:close])
            return head + (value[:close] if shown is None else shown) + _inline(value[close:])
        if limit is not None:
            self._state = _Under(limit, name, whole=True)
        shown = _shown_secret(name, value)
        return head + (value if shown is None else shown)

    def _keyed(self, line: str, key: re.Match[str]) -> str:
        """``key: value`` (YAML, or a JSON member on a line of its own)."""
        quoted = key["key"][:1] in ("'", '"')
        name = key["key"][1:-1] if quoted else key["key"]
        column = key.start("key")
        properties = _PROPERTIES.match(line, key.end())
        assert properties is not None
        head, rest = line[: properties.end()], line[properties.end() :]
        value = rest.strip()
        secret = is_secret_name(name)
        if not value or value.startswith("#"):
            if secret:
                self._state = _Under(column, name, whole=False, dash_at_limit=True)
            return head + _inline(rest)
        if _BLOCK_HEADER.fullmatch(value):
            self._state = _Block(column, name if secret else None, item=False)
            return line
        if value[0] in ("'", '"'):
            close = _closing_quote(value, 1, value[0])
            if close < 0:
                self._state = _Quoted(value[0], name if secret else None)
                return f"{head}{value[0]}{MASK} ({name})" if secret else head + _inline(rest)
            shown = _shown_secret(name, value[:close]) if secret else None
            if shown is None:
                return head + _inline(rest)
            quote = '"' if key["key"].startswith('"') else ""
            return f"{head}{quote}{shown}{quote}{_inline(value[close:])}"
        if value[0] in "[{" and not _closed(value):
            if secret and value[0] == "[":
                self._state = _Under(_indent(line), name, whole=False)
                return head + value[0]
            return head + _inline(rest)
        if not secret:
            return head + _inline(rest)
        self._state = _Under(column, name, whole=True)  # a plain scalar may go on
        trailer = ""
        if quoted and value.endswith(","):
            value, trailer = value[:-1], ","
        shown = _shown_secret(name, _COMMENT.sub("", value))
        if shown is None:
            return line
        quote = '"' if key["key"].startswith('"') else ""
        return f"{head}{quote}{shown}{quote}{trailer}"

    def _item(self, line: str, indent: int, start: int) -> str:
        """``- value``: a list item that is not ``- key: value``."""
        head, value = line[:start], line[start:]
        if not value:
            return line
        if _BLOCK_HEADER.fullmatch(value.strip()):
            self._state = _Block(indent, None, item=True)
            return line
        quote = value[0] if value[0] in ("'", '"') else ""
        if quote:
            close = _closing_quote(value, 1, quote)
            content = value[1:] if close < 0 else value[1 : close - 1]
            env = _ENV.match(content)
            name = env["name"] if env is not None and is_secret_name(env["name"]) else None
            if close < 0:
                self._state = _Quoted(quote, name)
            if env is None or name is None:
                return head + _inline(value)
            if close < 0:
                return f"{head}{quote}{env['head']}{MASK} ({name})"
            shown = _shown_secret(name, env["value"])
            if shown is None:
                return line
            return f"{head}{quote}{env['head']}{shown}{quote}{_inline(value[close:])}"
        env = _ENV.fullmatch(value)
        if env is not None:
            return self._assignment(head + env["head"], env["name"], env["value"], indent)
        flag = _FLAG_WORD.fullmatch(value.strip())
        if flag is not None and is_secret_name(flag["flag"]):
            self._state = _FlagValue(indent, flag["flag"])
            return line
        return head + _inline(value)


def mask_lines(lines: Sequence[str]) -> list[str]:
    """Each of ``lines`` (one text, in order; line endings kept where given) as it may be
    shown, masked in the context of the lines before it: as many lines as given, so a diff of
    the raw lines can print the masked ones."""
    masker = StreamMasker()
    return [masker.mask(line) for line in lines]


def mask_secrets(text: str) -> str:
    """``text`` with every secret value masked (see the module docstring); line structure and
    everything else unchanged."""
    return "".join(mask_lines(text.splitlines(keepends=True)))


def holds_secret(text: str) -> bool:
    """Whether ``text`` holds a value :func:`mask_secrets` would hide (the first one found
    ends the search)."""
    if _NEEDED.search(text) is None:
        return False  # no secret name, URL, reference or PEM line anywhere: nothing to hide
    masker = StreamMasker()
    return any(masker.mask(line) != line for line in text.splitlines(keepends=True))


def mask_value(name: str, value: str) -> str:
    """``value`` (one line or several) as it may be shown under ``name``: ``•••• (name)`` for
    a literal secret, the masked default of a reference, else the value with
    :func:`mask_secrets` applied."""
    if is_secret_name(name):
        shown = _shown_secret(name, value)
        return value if shown is None else shown
    return mask_secrets(value)


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
    if is_secret_name(previous) and "=" not in previous and not word.startswith("-"):
        hidden = _shown_secret(previous, word)
        if hidden is not None:
            return hidden if hidden.startswith(MASK) else shlex.quote(hidden)
    name, sep, value = word.partition("=")
    if sep and name and is_secret_name(name):
        return f"{name}={mask_value(name, value)}"
    if any(char.isspace() for char in word):
        inner = split_command(word)
        masked = mask_command(inner)
        if masked != shlex.join(inner):
            return f"'{masked}'"
    return shlex.quote(_inline(word))


def split_command(command: str) -> list[str]:
    """``command``'s words as a shell would split them (as written when its quotes do not
    balance)."""
    try:
        return shlex.split(command)
    except ValueError:  # unbalanced quotes: words as written
        return command.split()
