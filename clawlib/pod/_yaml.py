"""YAML as compose reads it (YAML 1.2 core schema), with the line of every node.

PyYAML implements YAML 1.1, whose implicit types differ from what compose (Go yaml.v3) reads:
``yes``/``on``/``off`` would become booleans, ``2024-01-01`` a date, ``1:30`` a sexagesimal 90 and
``0700`` the octal 448. This loader resolves plain scalars by the 1.2 core schema instead, and
keeps a leading-zero number as a :class:`PlainScalar` (text written back unquoted) because the
readers disagree on it. Anchors, aliases and ``<<`` merge keys work as in compose; duplicate keys
are an error. The dumper quotes every string that either schema would read as something else.

Nothing here touches PyYAML's global tables: the loader and dumper are private subclasses.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from clawlib.errors import PodError, PodProblem

__all__ = ["PlainScalar", "YamlDocument", "dump_yaml", "format_path", "load_yaml"]

YamlPath = tuple[str | int, ...]
MAX_NODES = 1_000_000

_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_NULL = re.compile(r"~|null|Null|NULL|")
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.nan|\.NaN|\.NAN")
_KEY_WORD = re.compile(r"[A-Za-z0-9_-]+")
_TAG_PREFIX = "tag:yaml.org,2002:"


class PlainScalar(str):
    """A plain scalar kept as its text because YAML readers disagree on its type (``0700``)."""

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
    """``services.web.x-claw.surfaces[1]``; keys that are not plain words in ``["..."]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _KEY_WORD.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f'["{part}"]'
    return text


def _resolve_plain(value: str) -> Any:
    if _NULL.fullmatch(value):
        return None
    if _BOOL.fullmatch(value):
        return value.lower() == "true"
    if _INT.fullmatch(value):
        digits = value.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0"):
            return PlainScalar(value)
        return int(value)
    if _OCT.fullmatch(value):
        return int(value[2:], 8)
    if _HEX.fullmatch(value):
        return int(value[2:], 16)
    if _FLOAT.fullmatch(value):
        return float(value)
    if _INF.fullmatch(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.fullmatch(value):
        return float("nan")
    return value


class _Loader(yaml.SafeLoader):
    """Composes nodes with PyYAML; values are built by :class:`_Builder`, not by constructors.

    Only the merge key is resolved implicitly: every other plain scalar stays tagged ``str``
    and :func:`_resolve_plain` types it. Plain scalars are marked so that an explicit ``!!str``
    keeps its text.
    """

    yaml_implicit_resolvers: dict[str, Any] = {}  # noqa: RUF012

    def compose_scalar_node(self, anchor: Any) -> ScalarNode:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        node: ScalarNode = super().compose_scalar_node(anchor)
        plain = bool(event.implicit[0]) and event.style is None
        node.plain_implicit = plain  # type: ignore[attr-defined]
        return node


_Loader.add_implicit_resolver(f"{_TAG_PREFIX}merge", re.compile(r"<<"), ["<"])
MAX_DEPTH = 200


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[YamlPath, int] = {}
        self.nodes = 0
        self.problems: list[PodProblem] = []

    def fail(self, path: YamlPath, line: int, detail: str) -> PodError:
        return PodError.at(self.source, format_path(path), line, detail)

    def build(self, node: Node, path: YamlPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(path, node.start_mark.line + 1, "document expands to too many nodes")
        if len(path) > MAX_DEPTH:
            raise self.fail(
                path[:3], node.start_mark.line + 1, "nesting too deep (a recursive alias?)"
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, SequenceNode):
            self.check_tag(node, "seq", path)
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self.check_tag(node, "map", path)
            return self.mapping(node, path)
        raise self.fail(path, node.start_mark.line + 1, "unsupported YAML node")

    def check_tag(self, node: Node, kind: str, path: YamlPath) -> None:
        if node.tag not in (f"{_TAG_PREFIX}{kind}",):
            raise self.fail(path, node.start_mark.line + 1, f"unsupported tag {node.tag}")

    def scalar(self, node: ScalarNode, path: YamlPath) -> Any:
        value = node.value
        tag = node.tag
        if tag == f"{_TAG_PREFIX}str":
            return _resolve_plain(value) if getattr(node, "plain_implicit", False) else value
        line = node.start_mark.line + 1
        try:
            if tag == f"{_TAG_PREFIX}int":
                return int(value, 0) if not _INT.fullmatch(value) else int(value)
            if tag == f"{_TAG_PREFIX}float":
                return float(value)
            if tag == f"{_TAG_PREFIX}bool":
                return value.lower() == "true"
            if tag == f"{_TAG_PREFIX}null":
                return None
        except ValueError:
            raise self.fail(
                path, line, f"{value!r} is not a valid {tag.removeprefix(_TAG_PREFIX)}"
            ) from None
        raise self.fail(path, line, f"unsupported tag {tag}")

    def mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_TAG_PREFIX}merge":
                for source in self.merge_sources(value_node, path):
                    for key, value in source.items():
                        merged.setdefault(key, value)
                continue
            key = self.key(key_node, path)
            line = key_node.start_mark.line + 1
            if key in first_line:
                raise self.fail(
                    path, line, f'duplicate key "{key}" (first on line {first_line[key]})'
                )
            first_line[key] = line
            # A mapping value is located at its key's line (a nested mapping starts below it).
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def merge_sources(self, node: Node, path: YamlPath) -> list[dict[str, Any]]:
        nodes = node.value if isinstance(node, SequenceNode) else [node]
        sources = []
        for item in nodes:
            value = self.build(item, (*path, "<<"))
            if not isinstance(value, dict):
                raise self.fail(path, item.start_mark.line + 1, "<< merges mappings only")
            sources.append(value)
        return sources

    def key(self, node: Node, path: YamlPath) -> str:
        if not isinstance(node, ScalarNode):
            raise self.fail(path, node.start_mark.line + 1, "mapping keys must be scalars")
        return str(node.value)


def load_yaml(text: str, source: str) -> YamlDocument:
    """Load one YAML document; raise :class:`PodError` (with line) for any YAML problem."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        detail = str(exc.problem or exc.context or "invalid YAML")
        if "expected a single document" in str(exc.context):
            detail = "only one YAML document is allowed"
        elif "undefined alias" in detail or "found undefined alias" in str(exc.problem):
            detail = f"undefined alias: {detail}"
        raise PodError.at(source, "", line, detail) from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise PodError.at(source, "", line, str(exc.problem or exc.context)) from exc
    except yaml.YAMLError as exc:
        raise PodError.at(source, "", 0, str(exc)) from exc
    finally:
        loader.dispose()
    if root is None:
        return YamlDocument(None, {})
    builder = _Builder(source)
    data = builder.build(root, ())
    return YamlDocument(data, builder.lines)


# Dumping ---------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases; strings quoted whenever YAML 1.1 or 1.2 would misread them."""

    yaml_implicit_resolvers = copy.deepcopy(yaml.SafeDumper.yaml_implicit_resolvers)
    yaml_representers: ClassVar[dict[Any, Any]] = dict(yaml.SafeDumper.yaml_representers)

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


for _first, _pattern in (
    ("0", re.compile(r"0o[0-7]+|0x[0-9a-fA-F]+")),
    ("tTfF", _BOOL),
    ("-+.0123456789", re.compile(_FLOAT.pattern + "|" + _INF.pattern + "|" + _NAN.pattern)),
    ("nN~", re.compile(r"~|null|Null|NULL")),
):
    _Dumper.add_implicit_resolver("tag:yaml.org,2002:yaml12", _pattern, list(_first))


def _represent_str(dumper: _Dumper, value: str) -> ScalarNode:
    if isinstance(value, PlainScalar):
        # Tagged as the dumper itself resolves the text, so the emitter writes it plain.
        tag: str = dumper.resolve(ScalarNode, str(value), (True, False))  # type: ignore[no-untyped-call]
        return dumper.represent_scalar(tag, str(value))
    # The emitter falls back to quoting when a literal block would not keep the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar(f"{_TAG_PREFIX}str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(PlainScalar, _represent_str)


def dump_yaml(data: Any) -> str:
    """Deterministic block YAML: keys in the order given, 2-space indents, one final newline."""
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
