"""YAML as compose reads it (YAML 1.2 core schema), with the line of every node.

PyYAML implements YAML 1.1, whose implicit types differ from what compose (Go yaml.v3) reads:
``yes``/``on``/``off`` would become booleans, ``2024-01-01`` a date, ``1:30`` a sexagesimal 90 and
``0700`` the octal 448. This loader resolves plain scalars by the 1.2 core schema instead.
Where that schema and yaml.v3 disagree, the text is kept as a :class:`PlainScalar` (a ``str``
written back unquoted, exactly as it was), so that compose reads the generated file as it would
have read the original: ``0700`` (yaml.v3: 448, core schema: 700), ``1_000``, ``0b101``, ``0X1F``
(yaml.v3 numbers), ``2024-01-01`` (a yaml.v3 timestamp), and whole numbers beyond 64 bits
(yaml.v3 reads a longer decimal as a float, any other as a string; Python could not even convert
a long enough one to text). No integer beyond 64 bits is loaded, and none can be dumped.

Loading composes PyYAML nodes and builds plain Python values from them (no constructors run):

- anchors, aliases and ``<<`` merge keys work as in compose: explicit keys win over merged ones,
  earlier merge sources over later ones, and merged keys take the place of the ``<<`` entry;
  an anchor may be redefined (YAML 1.2), an alias then names the latest definition;
- every alias is built afresh, so the result holds no shared sub-objects and callers may mutate
  it freely; the number of nodes built is capped (:data:`MAX_NODES`) against "billion laughs";
- mapping keys are always strings, written as in the file (``123456:`` gives ``"123456"``);
  a duplicate key is an error, as in compose;
- :attr:`YamlDocument.lines` gives the line of each node by path; a mapping value is located at
  its key's line, an aliased node at the alias, a merged value where its anchor defines it.

The dumper writes block YAML that both a YAML 1.1 reader (PyYAML) and a YAML 1.2 reader (compose)
read back as the same data: a string is quoted whenever either schema, or yaml.v3's liberal
number and timestamp parsing, would read its plain text as something else.

Nothing here touches PyYAML's global tables: the loader and dumper are private subclasses with
their own resolver and representer tables.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NoReturn

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, StreamEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.representer import SafeRepresenter

from clawlib.errors import PodError, PodProblem
from clawlib.limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from clawlib.secrets import is_secret_name, mask_secrets

__all__ = [
    "PlainScalar",
    "YamlDocument",
    "YamlPath",
    "describe",
    "dump_yaml",
    "format_path",
    "load_yaml",
]

YamlPath = tuple[str | int, ...]
MAX_NODES = MAX_YAML_NODES
"""Most nodes one document may build, aliases expanded (a "billion laughs" guard)."""
MAX_DEPTH = MAX_YAML_DEPTH
"""Deepest nesting of collections, aliases expanded (a recursive alias never ends)."""

_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = f"{_TAG_PREFIX}str"
_MERGE_TAG = f"{_TAG_PREFIX}merge"
_INT_TAG = f"{_TAG_PREFIX}int"
# Explicitly tagged scalars are built as PyYAML's SafeLoader builds them.
_EXPLICIT_SCALARS = {
    f"{_TAG_PREFIX}bool": SafeConstructor.construct_yaml_bool,
    f"{_TAG_PREFIX}float": SafeConstructor.construct_yaml_float,
    _INT_TAG: SafeConstructor.construct_yaml_int,
    f"{_TAG_PREFIX}null": SafeConstructor.construct_yaml_null,
}

# The YAML 1.2 core schema, by its spec's regular expressions.
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.nan|\.NaN|\.NAN")
# What Go yaml.v3 reads beyond the core schema (a superset of it, checked against compose):
# numbers, once underscores are dropped, in Go's base-0 integer syntax (0x / 0o / 0b prefixes in
# either case, a leading 0 for octal) or as floats, for text starting with a digit, sign or dot;
# and timestamps.
_GO_NUMBER_START = frozenset("+-.0123456789")
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)")
_GO_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"([Tt \t][ \t]*[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?[ \t]*(Z|[-+][0-9:]+)?)?"
)
_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1
"""The whole numbers yaml.v3 reads as such: int64 and uint64."""
_INT_RANGE = f"compose reads whole numbers from {_INT_MIN} to {_INT_MAX}"
_INT_DIGITS = 64
"""More significant digits than this, in any base, is beyond :data:`_INT_MAX`."""
_KEY_WORD = re.compile(r"[A-Za-z0-9_-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Line breaks other than \n: a loader folds them inside plain, single-quoted and block scalars.
_OTHER_BREAKS = frozenset("\r\x85\u2028\u2029")


class PlainScalar(str):
    """A plain scalar kept as its text because YAML readers disagree on its type (``0700``).

    :func:`dump_yaml` writes it back unquoted, exactly as it was, so compose reads what it would
    have read from the original file.
    """

    __slots__ = ()


@dataclass(frozen=True)
class YamlDocument:
    """Loaded data, and the 1-based line where each node starts, by path."""

    data: Any
    lines: Mapping[YamlPath, int] = field(default_factory=dict)

    def line_of(self, path: YamlPath) -> int:
        """The line of ``path``, else of its nearest ancestor that has one, else 0."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line:
                return line
        return 0


def format_path(path: YamlPath) -> str:
    """``services.web.x-claw.surfaces[1]``; keys that are not plain words as ``["a.b"]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _KEY_WORD.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


_SHOWN = 40
"""Characters of a long text a message shows."""


def describe(value: Any, where: YamlPath = ()) -> str:
    """A loaded value as a message shows what was found at ``where``: ``true (a boolean)``,
    ``a list``, ``8080 (a number)``, ``"text"``; a long text is cut, with its length.

    A secret is never quoted: a value under a secret-named key anywhere in ``where`` is only
    named by its kind, and any other text is masked as :func:`~clawlib.secrets.mask_secrets`
    masks it (a ``NAME=value`` of a secret name, a URL's password...)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    secret = any(isinstance(part, str) and is_secret_name(part) for part in where)
    if isinstance(value, int | float):
        return "a number (not shown: a secret)" if secret else f"{value} (a number)"
    if secret:
        return "a string (not shown: a secret)"
    text = mask_secrets(str(value))
    if len(text) > _SHOWN:
        return f'"{text[:_SHOWN]}…" ({len(text)} characters)'
    return f'"{text}"'


def _go_reads_as_non_string(value: str) -> bool:
    """Whether Go yaml.v3 (compose) reads this plain text as a number or a timestamp."""
    if value[:1] in _GO_NUMBER_START and value:
        plain = value.replace("_", "")
        if _GO_INT.fullmatch(plain) or _FLOAT.fullmatch(plain):
            return True
    return bool(_GO_TIMESTAMP.fullmatch(value))


def _in_range(number: int) -> bool:
    return _INT_MIN <= number <= _INT_MAX


def _whole(text: str, digits: str, base: int) -> int | PlainScalar:
    """The integer ``digits`` (in ``base``) of the plain scalar ``text``, or ``text`` kept as a
    :class:`PlainScalar` when it is beyond 64 bits: yaml.v3 reads no wider integer (it reads a
    longer decimal as a float, any other as a string), and Python converts only so many digits
    to and from text."""
    if len(digits.lstrip("+-0")) > _INT_DIGITS:
        return PlainScalar(text)
    number = int(digits, base)
    return number if _in_range(number) else PlainScalar(text)


def _resolve_plain(value: str) -> Any:
    """The value of an untagged plain scalar by the YAML 1.2 core schema.

    Text the core schema reads as a string but compose as a number or a timestamp (``0700``,
    ``1_000``, ``0X1F``, ``2024-01-01``) is a :class:`PlainScalar`.
    """
    if _NULL.fullmatch(value):
        return None
    if _BOOL.fullmatch(value):
        return value in ("true", "True", "TRUE")
    if _INT.fullmatch(value):
        digits = value.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0"):
            return PlainScalar(value)
        return _whole(value, value, 10)
    if _OCT.fullmatch(value):
        return _whole(value, value[2:], 8)
    if _HEX.fullmatch(value):
        return _whole(value, value[2:], 16)
    if _FLOAT.fullmatch(value):
        return float(value)
    if _INF.fullmatch(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.fullmatch(value):
        return float("nan")
    return PlainScalar(value) if _go_reads_as_non_string(value) else value


# Loading ---------------------------------------------------------------------------------------


class _LoadError(Exception):
    """A problem found while building values: recorded where a node can be left out (the
    builder carries on, to find the others), raised up to :func:`load_yaml` where it cannot."""

    def __init__(self, path: YamlPath, line: int, detail: str) -> None:
        super().__init__(detail)
        self.problem = PodProblem(format_path(path), line, detail)


class _Loader(yaml.SafeLoader):
    """Composes nodes with PyYAML; :class:`_Builder` makes the values, no constructor runs.

    Its resolver table holds only the merge key: every other untagged scalar is tagged ``str``
    and marked ``plain_implicit`` when it was plain, for :func:`_resolve_plain` to type it.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's own declaration)

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(
                    None, None, f'undefined alias "{event.anchor}"', mark
                )
            # A shallow copy located at the alias, so that its line is where it is used.
            node = copy.copy(super().compose_node(parent, index))
            if node is not None:
                node.start_mark = mark
            return node
        if event.anchor is not None:
            self.anchors.pop(event.anchor, None)  # YAML 1.2: the latest definition wins.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nesting deeper than {MAX_DEPTH} levels", mark
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_scalar_node(self, anchor: Any) -> ScalarNode:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        node = super().compose_scalar_node(anchor)
        node.plain_implicit = bool(event.implicit[0]) and event.style is None  # type: ignore[attr-defined]
        return node

    def compose_root(self) -> Node | None:
        """The one document's root node, None for an empty stream."""
        self.get_event()  # type: ignore[no-untyped-call]  # StreamStartEvent
        if self.check_event(StreamEndEvent):
            return None
        root = self.compose_document()
        if not self.check_event(StreamEndEvent):
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "only one YAML document is allowed", event.start_mark
            )
        return root


_Loader.add_implicit_resolver(_MERGE_TAG, re.compile(r"<<\Z"), ["<"])


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG_PREFIX) if tag.startswith(_TAG_PREFIX) else tag


class _Builder:
    """Builds plain values from composed nodes, recording the line of each path.

    A node that cannot be built (an unsupported tag, an invalid tagged value, a duplicate key)
    is recorded in :attr:`problems` and left out (a scalar builds as None), so that one load
    reports every such node; only the guards against runaway documents stop it at once.
    """

    def __init__(self) -> None:
        self.lines: dict[YamlPath, int] = {}
        self.problems: list[PodProblem] = []
        self.nodes = 0
        self.depth = 0
        self.constructor = SafeConstructor()

    def build(self, node: Node, path: YamlPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _LoadError(path, _line(node), "document expands to too many nodes")
        self.lines.setdefault(path, _line(node))
        if isinstance(node, ScalarNode):
            try:
                return self.scalar(node, path)
            except _LoadError as exc:
                self.problems.append(exc.problem)
                return None
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                # The path is cut short: a recursive alias would make it endless.
                detail = f"nesting deeper than {MAX_DEPTH} levels (a recursive alias?)"
                raise _LoadError(path[:3], _line(node), detail)
            if isinstance(node, SequenceNode):
                self.check_tag(node, f"{_TAG_PREFIX}seq", path)
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                self.check_tag(node, f"{_TAG_PREFIX}map", path)
                return self.mapping(node, path)
        finally:
            self.depth -= 1
        raise _LoadError(path, _line(node), "unsupported YAML node")

    def check_tag(self, node: Node, expected: str, path: YamlPath) -> None:
        """Record an unsupported tag on a collection (its items are still built and checked)."""
        if node.tag != expected:
            detail = f'unsupported tag "{_tag_name(node.tag)}"'
            self.problems.append(PodProblem(format_path(path), _line(node), detail))

    def scalar(self, node: ScalarNode, path: YamlPath) -> Any:
        surrogate = _SURROGATE.search(node.value)
        if surrogate:  # only an escape (\ud800) makes one: the reader takes UTF-8 text
            raise _LoadError(
                path,
                _line(node),
                f'invalid escape "\\u{ord(surrogate.group()):04x}": half of a UTF-16 surrogate '
                "pair, which is no character (compose refuses it too); write the character "
                "itself, or escape it whole as \\UXXXXXXXX",
            )
        if node.tag == _STR_TAG:
            if getattr(node, "plain_implicit", False):
                return _resolve_plain(node.value)
            return node.value
        construct = _EXPLICIT_SCALARS.get(node.tag)
        if construct is None:
            raise _LoadError(path, _line(node), f'unsupported tag "{_tag_name(node.tag)}"')
        invalid = f"{describe(node.value, path)} is not a valid {_tag_name(node.tag)}"
        if node.tag == _INT_TAG and len(node.value.replace("_", "")) > _INT_DIGITS + 3:
            # Sexagesimal 1:2:3... would otherwise build any size of number, slowly.
            raise _LoadError(path, _line(node), f"{invalid} ({_INT_RANGE})")
        try:
            value = construct(self.constructor, node)
        except (ValueError, KeyError, IndexError):  # as PyYAML's constructors fail (empty text)
            raise _LoadError(path, _line(node), invalid) from None
        if isinstance(value, int) and not isinstance(value, bool) and not _in_range(value):
            raise _LoadError(path, _line(node), f"{invalid} ({_INT_RANGE})")
        return value

    def mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any]:
        # Explicit keys (str) and the sources of each << entry (list), in the order written.
        entries: list[str | list[tuple[dict[str, Any], dict[YamlPath, int]]]] = []
        explicit: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                entries.append(self.merge_sources(value_node, path, _line(key_node)))
                continue
            try:
                key = self.key(key_node, path)
            except _LoadError as exc:
                self.problems.append(exc.problem)
                continue
            line = _line(key_node)
            if key in first_line:
                detail = f'duplicate key "{key}" (first on line {first_line[key]})'
                self.problems.append(PodProblem(format_path(path), line, detail))
                continue
            first_line[key] = line
            # A mapping value is located at its key's line (a nested block starts below it).
            self.lines[(*path, key)] = line
            explicit[key] = self.build(value_node, (*path, key))
            entries.append(key)
        if len(entries) == len(explicit):
            return explicit
        # Merged keys go where their << is; explicit keys win, then earlier sources.
        result: dict[str, Any] = {}
        for entry in entries:
            if isinstance(entry, str):
                result[entry] = explicit[entry]
                continue
            for source, lines in entry:
                for key, value in source.items():
                    if key not in explicit and key not in result:
                        result[key] = value
                        self.adopt_lines(lines, (*path, key))
        return result

    def adopt_lines(self, lines: Mapping[YamlPath, int], prefix: YamlPath) -> None:
        """Record the lines of a merged value, found where its source defines it."""
        size = len(prefix)
        for sub_path, line in lines.items():
            if sub_path[:size] == prefix:
                self.lines.setdefault(sub_path, line)

    def merge_sources(
        self, node: Node, path: YamlPath, line: int
    ) -> list[tuple[dict[str, Any], dict[YamlPath, int]]]:
        """The mappings the ``<<`` on ``line`` names, each with the lines of its paths."""
        items = node.value if isinstance(node, SequenceNode) else [node]
        sources = []
        for item in items:
            outer, self.lines = self.lines, {}
            try:
                value = self.build(item, path)
            finally:
                lines, self.lines = self.lines, outer
            if not isinstance(value, dict):
                detail = "<< merges mappings only (or a list of them)"
                self.problems.append(PodProblem(format_path(path), line, detail))
                continue
            sources.append((value, lines))
        return sources

    def key(self, node: Node, path: YamlPath) -> str:
        if not isinstance(node, ScalarNode):
            raise _LoadError(path, _line(node), "mapping keys must be scalars")
        self.scalar(node, path)  # rejects an unsupported tag or an invalid tagged value
        return str(node.value)


def _reader_problem(text: str, exc: yaml.reader.ReaderError) -> PodProblem:
    line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 0
    character = exc.character
    code = ord(character) if isinstance(character, str) else int(character)
    return PodProblem("", line, f"unacceptable character #x{code:04x}: {exc.reason}")


def load_yaml(text: str, source: str) -> YamlDocument:
    """Load one YAML document read as compose reads it; ``source`` names the file in errors.

    An empty document loads as ``None``. Any YAML problem raises :class:`PodError` with its
    line: the first syntax error (nothing after it can be read), or every node that cannot be
    built.
    """
    try:
        loader = _Loader(text)  # the reader rejects unprintable characters right away
        try:
            root = loader.compose_root()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:
        raise PodError(source, [_reader_problem(text, exc)]) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise PodError.at(source, "", line, str(exc.problem or exc.context)) from exc
    except yaml.YAMLError as exc:
        raise PodError.at(source, "", 0, str(exc)) from exc
    if root is None:
        return YamlDocument(None, {})
    builder = _Builder()
    try:
        data = builder.build(root, ())
    except _LoadError as exc:
        raise PodError(source, [*builder.problems, exc.problem]) from None
    if builder.problems:
        raise PodError(source, builder.problems)
    return YamlDocument(data, builder.lines)


# Dumping ---------------------------------------------------------------------------------------


def _plain_is_not_a_string(value: str) -> bool:
    """Whether compose or :func:`load_yaml` would read this text, unquoted, as no plain string.

    (PyYAML's own YAML 1.1 resolvers cover the 1.1 reading.)
    """
    return type(_resolve_plain(value)) is not str


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases; strings quoted whenever YAML 1.1 or 1.2 would misread them."""

    yaml_representers: ClassVar[dict[Any, Any]] = {}
    yaml_multi_representers: ClassVar[dict[Any, Any]] = {}

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Never indentless: sequences are indented under their key.
        super().increase_indent(flow, False)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if kind is ScalarNode and implicit[0] and tag == _STR_TAG and _plain_is_not_a_string(value):
            return f"{_TAG_PREFIX}yaml12"  # any tag but str: the emitter then quotes the text
        return tag


def _represent_str(dumper: _Dumper, value: str) -> ScalarNode:
    if isinstance(value, PlainScalar):
        # Tagged as the dumper itself resolves the text, so the emitter writes it plain.
        text = str(value)
        return dumper.represent_scalar(dumper.resolve(ScalarNode, text, (True, False)), text)
    style: str | None = None
    if _OTHER_BREAKS.intersection(value):
        style = '"'  # escaped there; any other style would turn them into \n on loading
    elif "\n" in value:
        style = "|"  # the emitter falls back to quoting when a block would not keep the text
    return dumper.represent_scalar(_STR_TAG, value, style=style)


def _represent_int(dumper: _Dumper, value: int) -> ScalarNode:
    if not _in_range(value):  # (checked before str(): Python converts only so many digits)
        raise ValueError(f"cannot write a {value.bit_length()}-bit integer to YAML: {_INT_RANGE}")
    return dumper.represent_int(value)


def _reject(dumper: _Dumper, value: Any) -> NoReturn:
    raise TypeError(f"cannot write a {type(value).__name__} to YAML: {value!r}")


_Dumper.add_representer(type(None), SafeRepresenter.represent_none)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(PlainScalar, _represent_str)
_Dumper.add_representer(bool, SafeRepresenter.represent_bool)
_Dumper.add_representer(int, _represent_int)
_Dumper.add_representer(float, SafeRepresenter.represent_float)
_Dumper.add_representer(list, SafeRepresenter.represent_list)
_Dumper.add_representer(dict, SafeRepresenter.represent_dict)
_Dumper.add_representer(None, _reject)  # type: ignore[arg-type]


def dump_yaml(data: Any) -> str:
    """Deterministic block YAML: keys in the order given, 2-space indents, one final newline.

    Only dict, list, str (and :class:`PlainScalar`), int, float, bool and None can be written;
    anything else raises :class:`TypeError`, an integer beyond 64 bits :class:`ValueError`.
    """
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=4096,
        indent=2,
    )
    return text.rstrip("\n") + "\n"
