"""The pod files' YAML module: loading as compose reads YAML (1.2 core schema), and dumping.

Pins every place where PyYAML's YAML 1.1 defaults and compose's YAML 1.2 (Go yaml.v3) disagree,
the line map, the errors (exact text and line), alias and merge-key handling, and the dumper's
format and round trips through both a YAML 1.2 reader (this loader) and a YAML 1.1 one (PyYAML).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from clawlib import yamlio as _yaml
from clawlib.errors import PodError, PodProblem
from clawlib.yamlio import PlainScalar, YamlDocument, dump_yaml, format_path, load_yaml


def _value(text: str) -> Any:
    """The value of ``v: TEXT``."""
    return load_yaml(f"v: {text}\n", "pod.yml").data["v"]


def _error(text: str) -> PodError:
    with pytest.raises(PodError) as info:
        load_yaml(text, "pod.yml")
    return info.value


# Scalars: YAML 1.2 core schema ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # YAML 1.1 booleans are strings in YAML 1.2.
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "Yes",
        "NO",
        "On",
        "OFF",
        # YAML 1.1 sexagesimal numbers and the value key are strings.
        "1:30",
        "190:20:30",
        "=",
        # Numbers for neither the core schema nor yaml.v3.
        "0o8",
        "0xG",
        "0b",
        "1.2.3",
        "1e",
        "1,000",
        "_1",
        ".Nan",
        "inf",
        "tRUE",
        "nULL",
        "~x",
        "2024-13",
        "v1.0",
    ],
)
def test_strings_that_yaml_1_1_would_read_as_other_types(text: str) -> None:
    value = _value(text)
    assert value == text
    assert type(value) is str


@pytest.mark.parametrize(
    "text",
    [
        # Leading-zero decimals: yaml.v3 reads 0700 as the octal 448, YAML 1.2 as 700.
        "0700",
        "007",
        "00",
        "-01",
        "+0644",
        "0999",
        "08",
        # Numbers for yaml.v3 (Go's number syntax, underscores dropped), not the core schema.
        "1_000",
        "1_000.5",
        "0b101",
        "-0b1",
        "0X1F",
        "0O17",
        "0x_1F",
        ".5_0",
        # Dates and timestamps: strings in the core schema, yaml.v3 timestamps.
        "2024-01-01",
        "2024-1-2",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10",
        # Whole numbers beyond 64 bits: yaml.v3 reads a decimal as a float, others as strings.
        "18446744073709551616",
        "-9223372036854775809",
        "0x10000000000000000",
        "0o2000000000000000000000",
        "9" * 5000,  # beyond what Python converts to an int at all
        "0x" + "f" * 5000,
    ],
)
def test_text_the_readers_disagree_on_is_kept_as_plain_text(text: str) -> None:
    value = _value(text)
    assert type(value) is PlainScalar
    assert isinstance(value, str)
    assert value == text
    assert dump_yaml({"v": value}) == f"v: {text}\n"
    assert dump_yaml({"v": str(value)}) == f"v: '{text}'\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"123"', "123"),
        ("'true'", "true"),
        ('"null"', "null"),
        ("''", ""),
        ('"0o17"', "0o17"),
        ('"0700"', "0700"),
        ("'2024-01-01'", "2024-01-01"),
        ('"1_000"', "1_000"),
    ],
)
def test_quoted_scalars_are_always_strings(text: str, expected: str) -> None:
    value = _value(text)
    assert value == expected
    assert type(value) is str


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("0", 0),
        ("42", 42),
        ("-17", -17),
        ("+5", 5),
        ("-0", 0),
        ("0o17", 15),
        ("0o0", 0),
        ("0x1F", 31),
        ("0xff", 255),
        ("1.5", 1.5),
        ("-2.5e3", -2500.0),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        (".5", 0.5),
        ("1.", 1.0),
        ("+.75", 0.75),
        (".inf", math.inf),
        ("+.Inf", math.inf),
        ("-.INF", -math.inf),
        ("18446744073709551615", 2**64 - 1),
        ("-9223372036854775808", -(2**63)),
        ("0xffffffffffffffff", 2**64 - 1),
        ("0o1777777777777777777777", 2**64 - 1),
        ("1" + "0" * 19, 10**19),
    ],
)
def test_core_schema_booleans_ints_and_floats(text: str, expected: object) -> None:
    value = _value(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN"])
def test_nan(text: str) -> None:
    value = _value(text)
    assert isinstance(value, float)
    assert math.isnan(value)


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_nulls(text: str) -> None:
    assert _value(text) is None


def test_leading_zero_round_trips_unquoted() -> None:
    text = "services:\n  web:\n    x-claw:\n      handles:\n        discord: 0700\n"
    document = load_yaml(text, "pod.yml")
    assert document.data["services"]["web"]["x-claw"]["handles"]["discord"] == "0700"
    assert dump_yaml(document.data) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!str 123", "123"),
        ("!!str true", "true"),
        ("!!str 0700", "0700"),
        ("!!str", ""),
        ('!!int "5"', 5),
        ("!!int 0o17", 15),
        ("!!int 0x1F", 31),
        ("!!int 0700", 448),  # as SafeLoader and Go yaml.v3 read an explicit int
        ("!!float 1", 1.0),
        ("!!float .inf", math.inf),
        ("!!bool true", True),
        ("!!bool yes", True),  # as SafeLoader reads an explicit bool
        ("!!null null", None),
        ("! 123", 123),  # the non-specific tag resolves as untagged (PyYAML and yaml.v3 alike)
    ],
)
def test_explicit_tags_work_as_safe_loader_s(text: str, expected: object) -> None:
    value = _value(text)
    assert value == expected
    assert type(value) is type(expected)


def test_explicit_str_of_a_leading_zero_number_is_a_plain_str() -> None:
    assert type(_value("!!str 0700")) is str


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("!!timestamp 2024-01-01", 'unsupported tag "!!timestamp"'),
        ("!!binary aGk=", 'unsupported tag "!!binary"'),
        ("!!set {a: null}", 'unsupported tag "!!set"'),
        ("!!omap [a: 1]", 'unsupported tag "!!omap"'),
        ("!custom x", 'unsupported tag "!custom"'),
        ("!!str [a]", 'unsupported tag "!!str"'),
        ("!!int abc", '"abc" is not a valid !!int'),
        ("!!bool maybe", '"maybe" is not a valid !!bool'),
        ("!!float x", '"x" is not a valid !!float'),
        ("!!int", '"" is not a valid !!int'),
        ("!!float ''", '"" is not a valid !!float'),
        ("!!bool", '"" is not a valid !!bool'),
        (
            "!!int 18446744073709551616",
            '"18446744073709551616" is not a valid !!int (compose reads whole numbers from '
            "-9223372036854775808 to 18446744073709551615)",
        ),
        (
            "!!int " + "9" * 5000,
            f'"{"9" * 40}…" (5000 characters) is not a valid !!int (compose reads whole numbers '
            "from -9223372036854775808 to 18446744073709551615)",
        ),
        (
            "!!int " + "1:" * 50 + "1",
            f'"{"1:" * 20}…" (101 characters) is not a valid !!int (compose reads whole numbers '
            "from -9223372036854775808 to 18446744073709551615)",
        ),
    ],
)
def test_unsupported_tags_and_invalid_tagged_values(text: str, detail: str) -> None:
    error = _error(f"a: 1\nv: {text}\n")
    assert error.problems == (PodProblem("v", 2, detail),)
    assert str(error) == f"pod.yml:2: v: {detail}"


@pytest.mark.parametrize(
    ("text", "path", "escape"),
    [
        ('v: "x\\ud800y"', "v", "\\ud800"),
        ('v: "\\ud83d\\ude00"', "v", "\\ud83d"),  # a whole pair: compose refuses it as well
        ('v: {"\\udfff": 1}', "v", "\\udfff"),
        ('v: [a, !!str "\\udc00"]', "v[1]", "\\udc00"),
    ],
)
def test_surrogate_escapes_are_an_error(text: str, path: str, escape: str) -> None:
    error = _error(f"a: 1\n{text}\n")
    assert str(error) == (
        f'pod.yml:2: {path}: invalid escape "{escape}": half of a UTF-16 surrogate pair, which '
        "is no character (compose refuses it too); write the character itself, or escape it "
        "whole as \\UXXXXXXXX"
    )


def test_a_character_escaped_whole_is_that_character() -> None:
    assert _value('"\\U0001F600 \\u00e9"') == "\U0001f600 \u00e9"


def test_compose_environment_list_entries_stay_strings() -> None:
    text = (
        "services:\n"
        "  web:\n"
        "    environment:\n"
        "      - DEBUG\n"
        "      - PORT=8080\n"
        "      - FEATURE=yes\n"
        "      - EMPTY=\n"
        '      - "QUOTED=1"\n'
        "      - =\n"
    )
    environment = load_yaml(text, "pod.yml").data["services"]["web"]["environment"]
    assert environment == ["DEBUG", "PORT=8080", "FEATURE=yes", "EMPTY=", "QUOTED=1", "="]
    assert all(type(entry) is str for entry in environment)


def test_compose_environment_mapping_values() -> None:
    text = "environment:\n  DEBUG: yes\n  PORT: 8080\n  EMPTY:\n  OFF: off\n"
    assert load_yaml(text, "pod.yml").data == {
        "environment": {"DEBUG": "yes", "PORT": 8080, "EMPTY": None, "OFF": "off"}
    }


# Mappings: key order, key types, duplicates ---------------------------------------------------


def test_key_order_is_kept() -> None:
    data = load_yaml("zebra: 1\napple: 2\nmango: 3\n", "pod.yml").data
    assert list(data) == ["zebra", "apple", "mango"]


def test_keys_are_strings_as_written() -> None:
    text = "123456: a\ntrue: b\n1.50: c\n~: d\n0700: e\n0x1F: f\nyes: g\n'7': h\n"
    data = load_yaml(text, "pod.yml").data
    assert data == {
        "123456": "a",
        "true": "b",
        "1.50": "c",
        "~": "d",
        "0700": "e",
        "0x1F": "f",
        "yes": "g",
        "7": "h",
    }
    assert all(type(key) is str for key in data)


def test_flow_mapping_numeric_keys_are_strings() -> None:
    data = load_yaml("guilds: {1234: {require_mention: true}}\n", "pod.yml").data
    assert data == {"guilds": {"1234": {"require_mention": True}}}


def test_non_scalar_key_is_an_error() -> None:
    error = _error("a: 1\n? [x, y]\n: 2\n")
    assert error.problems == (PodProblem("", 2, "mapping keys must be scalars"),)


def test_duplicate_key_error_names_both_lines() -> None:
    text = "services:\n  web:\n    image: a\n    ports: []\n    image: b\n"
    error = _error(text)
    assert error.problems == (
        PodProblem("services.web", 5, 'duplicate key "image" (first on line 3)'),
    )
    assert str(error) == 'pod.yml:5: services.web: duplicate key "image" (first on line 3)'


def test_duplicate_key_at_the_root() -> None:
    error = _error("a: 1\nb: 2\na: 3\n")
    assert str(error) == 'pod.yml:3: duplicate key "a" (first on line 1)'


def test_keys_equal_as_written_strings_are_duplicates() -> None:
    error = _error("guilds:\n  1: a\n  '1': b\n")
    assert error.problems == (PodProblem("guilds", 3, 'duplicate key "1" (first on line 2)'),)


def test_every_node_that_cannot_be_built_at_once() -> None:
    text = (
        "services:\n"
        "  web:\n"
        "    image: a\n"
        "    image: b\n"
        "  bot:\n"
        "    x-claw: !custom {agent: ./A.md, count: !!int ten}\n"
        "    labels:\n"
        "      ? [x]\n"
        "      : 1\n"
        '      note: "\\ud800"\n'
        "  api:\n"
        "    <<: 5\n"
        "    image: c\n"
    )
    assert [(p.line, p.yaml_path, p.detail[:30]) for p in _error(text).problems] == [
        (4, "services.web", 'duplicate key "image" (first o'),
        (6, "services.bot.x-claw", 'unsupported tag "!custom"'),
        (6, "services.bot.x-claw.count", '"ten" is not a valid !!int'),
        (8, "services.bot.labels", "mapping keys must be scalars"),
        (10, "services.bot.labels.note", 'invalid escape "\\ud800": half '),
        (12, "services.api", "<< merges mappings only (or a "),
    ]


# Anchors, aliases, merge keys ------------------------------------------------------------------


def test_aliases_give_independent_copies() -> None:
    text = "base: &b {list: [1, 2], map: {k: v}}\none: *b\ntwo: *b\n"
    data = load_yaml(text, "pod.yml").data
    assert data["one"] == data["two"] == data["base"] == {"list": [1, 2], "map": {"k": "v"}}
    assert data["one"] is not data["two"]
    assert data["one"]["list"] is not data["base"]["list"]
    data["one"]["list"].append(3)
    data["one"]["map"]["k"] = "changed"
    assert data["two"] == {"list": [1, 2], "map": {"k": "v"}}
    assert data["base"] == {"list": [1, 2], "map": {"k": "v"}}


def test_scalar_alias() -> None:
    data = load_yaml("a: &x 0700\nb: *x\nc: &y yes\nd: *y\n", "pod.yml").data
    assert data == {"a": "0700", "b": "0700", "c": "yes", "d": "yes"}
    assert type(data["b"]) is PlainScalar


def test_merge_key_explicit_keys_win() -> None:
    text = (
        "x-base: &base\n"
        "  image: nginx\n"
        "  restart: always\n"
        "services:\n"
        "  web:\n"
        "    <<: *base\n"
        "    image: custom\n"
    )
    web = load_yaml(text, "pod.yml").data["services"]["web"]
    assert web == {"restart": "always", "image": "custom"}
    assert list(web) == ["restart", "image"]


def test_merge_key_explicit_key_before_the_merge_still_wins() -> None:
    data = load_yaml("a: &a {x: 1, y: 1}\nb:\n  y: 2\n  <<: *a\n  z: 3\n", "pod.yml").data
    assert data["b"] == {"y": 2, "x": 1, "z": 3}
    assert list(data["b"]) == ["y", "x", "z"]


def test_merge_key_list_earlier_sources_win() -> None:
    text = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2, w: 2}\nc:\n  <<: [*a, *b]\n  w: 3\n"
    data = load_yaml(text, "pod.yml").data
    assert data["c"] == {"x": 1, "y": 1, "z": 2, "w": 3}
    assert list(data["c"]) == ["x", "y", "z", "w"]


def test_merged_values_are_independent_copies() -> None:
    text = "base: &b {env: {A: '1'}}\none: {<<: *b}\ntwo: {<<: *b}\n"
    data = load_yaml(text, "pod.yml").data
    data["one"]["env"]["A"] = "changed"
    assert data["two"] == {"env": {"A": "1"}}
    assert data["base"] == {"env": {"A": "1"}}


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    data = load_yaml("a: &a {x: 1}\nb: {'<<': *a}\n", "pod.yml").data
    assert data["b"] == {"<<": {"x": 1}}


def test_merge_of_a_non_mapping_is_an_error() -> None:
    error = _error("a: &a [1]\nb:\n  <<: *a\n")
    assert error.problems == (PodProblem("b", 3, "<< merges mappings only (or a list of them)"),)


def test_anchor_may_be_redefined() -> None:
    data = load_yaml("a: &x 1\nb: *x\nc: &x 2\nd: *x\n", "pod.yml").data
    assert data == {"a": 1, "b": 1, "c": 2, "d": 2}


def test_undefined_alias() -> None:
    error = _error("services:\n  web: *nowhere\n")
    assert error.problems == (PodProblem("", 2, 'undefined alias "nowhere"'),)
    assert str(error) == 'pod.yml:2: undefined alias "nowhere"'


def test_recursive_alias_is_an_error() -> None:
    error = _error("a: &a\n  - *a\n")
    assert error.problems == (
        PodProblem("a[0][0]", 2, "nesting deeper than 200 levels (a recursive alias?)"),
    )


def test_recursive_merge_is_an_error() -> None:
    error = _error("a: &a\n  <<: *a\n")
    assert [p.detail for p in error.problems] == [
        "nesting deeper than 200 levels (a recursive alias?)"
    ]


def test_too_deep_nesting_is_an_error() -> None:
    error = _error("[" * 300 + "]" * 300)
    assert error.problems == (PodProblem("", 1, "nesting deeper than 200 levels"),)


def test_billion_laughs_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_yaml, "MAX_NODES", 10_000)
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    error = _error("\n".join(lines) + "\n")
    assert [p.detail for p in error.problems] == ["document expands to too many nodes"]


def test_node_cap_default() -> None:
    assert _yaml.MAX_NODES == 1_000_000


# Documents and syntax errors ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_loads_as_none(text: str) -> None:
    assert load_yaml(text, "pod.yml") == YamlDocument(None, {})


@pytest.mark.parametrize("text", ["---\n", "--- \n...\n", "~\n", "null\n"])
def test_null_document_loads_as_none(text: str) -> None:
    assert load_yaml(text, "pod.yml").data is None


def test_scalar_root() -> None:
    assert load_yaml("--- yes\n", "pod.yml").data == "yes"


def test_two_documents_are_an_error() -> None:
    error = _error("a: 1\n---\nb: 2\n")
    assert error.problems == (PodProblem("", 2, "only one YAML document is allowed"),)
    assert str(error) == "pod.yml:2: only one YAML document is allowed"


def test_two_documents_even_if_the_second_is_empty() -> None:
    error = _error("---\na: 1\n---\n")
    assert error.problems == (PodProblem("", 3, "only one YAML document is allowed"),)


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        ("services:\n  web:\n    image: a: b\n", 3, "mapping values are not allowed here"),
        ("a: 1\nb: [1, 2\n", 3, "expected ',' or ']', but got '<stream end>'"),
        ("a: 1\nb: 'open\n", 3, "found unexpected end of stream"),
        ("a:\n\t- x\n", 2, "found character '\\t' that cannot start any token"),
        ("a: 1\n b: 2\n", 2, "mapping values are not allowed here"),
        ("a: 1\n- b\n", 2, "expected <block end>, but found '-'"),
    ],
)
def test_syntax_errors_have_line_and_pyyaml_problem(text: str, line: int, detail: str) -> None:
    error = _error(text)
    assert error.problems == (PodProblem("", line, detail),)
    assert str(error) == f"pod.yml:{line}: {detail}"


def test_unacceptable_character() -> None:
    error = _error("a: 1\nb: x\x00y\n")
    assert error.problems == (
        PodProblem("", 2, "unacceptable character #x0000: special characters are not allowed"),
    )


# Lines and paths --------------------------------------------------------------------------------

_NESTED = """\
services:
  web:
    image: nginx
    x-claw:
      surfaces:
        - channel://discord
        - service://api:
            port: 80
    ports: ["80:80"]
"""


def test_lines_of_every_node() -> None:
    document = load_yaml(_NESTED, "pod.yml")
    claw = ("services", "web", "x-claw")
    assert dict(document.lines) == {
        (): 1,
        ("services",): 1,
        ("services", "web"): 2,
        ("services", "web", "image"): 3,
        claw: 4,
        (*claw, "surfaces"): 5,
        (*claw, "surfaces", 0): 6,
        (*claw, "surfaces", 1): 7,
        (*claw, "surfaces", 1, "service://api"): 7,
        (*claw, "surfaces", 1, "service://api", "port"): 8,
        ("services", "web", "ports"): 9,
        ("services", "web", "ports", 0): 9,
    }


def test_line_of_falls_back_to_the_nearest_ancestor() -> None:
    document = load_yaml(_NESTED, "pod.yml")
    surfaces = ("services", "web", "x-claw", "surfaces")
    assert document.line_of((*surfaces, 1)) == 7
    assert document.line_of((*surfaces, 5, "missing")) == 5
    assert document.line_of(("services", "db")) == 1
    assert document.line_of(()) == 1
    assert YamlDocument(None).line_of(("a",)) == 0
    assert load_yaml("", "pod.yml").line_of(()) == 0


def test_lines_of_aliases_and_merged_values() -> None:
    text = (
        "x-base: &base\n"  # 1
        "  image: nginx\n"  # 2
        "  environment:\n"  # 3
        "    A: '1'\n"  # 4
        "x-list: &list [a, b]\n"  # 5
        "services:\n"  # 6
        "  web:\n"  # 7
        "    <<: *base\n"  # 8
        "    image: custom\n"  # 9
        "    command:\n"  # 10
        "      - *list\n"  # 11
    )
    lines = load_yaml(text, "pod.yml").lines
    web = ("services", "web")
    assert lines[(*web, "image")] == 9
    assert lines[(*web, "environment")] == 3
    assert lines[(*web, "environment", "A")] == 4
    assert lines[(*web, "command", 0)] == 11
    assert lines[(*web, "command", 0, 1)] == 5
    assert (*web, "<<") not in lines


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("services",), "services"),
        (("services", "web", "x-claw", "surfaces", 1), "services.web.x-claw.surfaces[1]"),
        ((0, "a"), "[0].a"),
        (("a", 0, 1), "a[0][1]"),
        (("labels", "com.example.role"), 'labels["com.example.role"]'),
        (("surfaces", "channel://discord", "dm"), 'surfaces["channel://discord"].dm'),
        (("odd", 'say "hi"'), 'odd["say \\"hi\\""]'),
        (("", "x"), '[""].x'),
        (("snake_case", "CAPS", "v1"), "snake_case.CAPS.v1"),
    ],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


# PyYAML's global tables are untouched ---------------------------------------------------------


def test_safe_loader_and_safe_dumper_are_untouched() -> None:
    load_yaml("a: yes\nb: 0700\nc: &x {k: 1}\nd: {<<: *x}\n", "pod.yml")
    dump_yaml({"a": "0o700", "b": PlainScalar("0700")})
    assert yaml.safe_load("yes") is True
    assert yaml.safe_load("0700") == 448
    assert yaml.safe_load("1:30") == 90
    assert yaml.safe_load("2024-01-01") == datetime.date(2024, 1, 1)
    assert yaml.safe_load("a: &x {k: 1}\nb: {<<: *x}\n") == {"a": {"k": 1}, "b": {"k": 1}}
    assert yaml.safe_dump("0o700") == "0o700\n...\n"
    assert yaml.safe_dump(b"x") == "!!binary |\n  eA==\n"
    assert _yaml._Loader.yaml_implicit_resolvers is not yaml.SafeLoader.yaml_implicit_resolvers
    assert _yaml._Dumper.yaml_representers is not yaml.SafeDumper.yaml_representers


# Dumping -----------------------------------------------------------------------------------------

_TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "1:30",
    "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "0o700",
    "0x1F",
    "0X1F",
    "0O17",
    "0b101",
    "1_000",
    "0700",
    "08",
    "1e3",
    ".inf",
    "-.inf",
    ".nan",
    "True",
    "FALSE",
    "null",
    "Null",
    "~",
    "",
    "123",
    "-5",
    "+5",
    "1.5",
    "=",
    "<<",
    "a: b",
    "- x",
    "-",
    "#x",
    "a #b",
    "? x",
    "!tag",
    "&anchor",
    "*alias",
    "%x",
    "@x",
    "`x",
    "|",
    ">",
    "[x]",
    "{x}",
    "x,y",
    "'quoted'",
    '"double"',
    "multi\nline\n",
    "multi\nline",
    "multi\nline\n\n",
    "\n",
    "\nleading",
    " leading space\nx",
    "trailing space ",
    " leading space",
    "trailing space \nnext",
    "tab\tinside",
    "\ttab first",
    "ünïcode ✓",
    "中文",
    "${VAR}",
    "$${VAR}",
    "back\\slash",
    "bell\x07",
    "crlf\r\nline",
    "nel\x85x",
    "ls\u2028x",
    "bom\ufeff",
    "x" * 5000,
    "word " * 1000 + "end",
]


@pytest.mark.parametrize("text", _TRICKY)
def test_tricky_strings_round_trip_in_yaml_1_2_and_1_1(text: str) -> None:
    dumped = dump_yaml(text)
    assert load_yaml(dumped, "out.yml").data == text
    assert yaml.safe_load(dumped) == text
    nested = {"key": text, "list": [text], text: "as key"}
    dumped = dump_yaml(nested)
    assert load_yaml(dumped, "out.yml").data == nested
    assert yaml.safe_load(dumped) == nested


@pytest.mark.parametrize(
    ("text", "dumped"),
    [
        ("yes", "'yes'\n"),
        ("1:30", "'1:30'\n"),
        ("2024-01-01", "'2024-01-01'\n"),
        ("123", "'123'\n"),
        ("0o700", "'0o700'\n"),
        ("0x1F", "'0x1F'\n"),
        (".inf", "'.inf'\n"),
        ("True", "'True'\n"),
        ("1e3", "'1e3'\n"),
        ("0O17", "'0O17'\n"),
        ("08", "'08'\n"),
        ("", "''\n"),
        ("a: b", "'a: b'\n"),
        ("'quoted'", "'''quoted'''\n"),
        ("ünïcode ✓", "ünïcode ✓\n...\n"),
        ("1password/cli", "1password/cli\n...\n"),
        ("multi\nline\n", "|\n  multi\n  line\n"),
        ("multi\nline", "|-\n  multi\n  line\n"),
        ("trailing space \nnext", '"trailing space \\nnext"\n'),
        ("nel\x85x", '"nel\\Nx"\n'),
    ],
)
def test_string_quoting(text: str, dumped: str) -> None:
    assert dump_yaml(text) == dumped


def test_dump_format_is_pinned() -> None:
    data = {
        "services": {
            "web": {
                "image": "nginx:1.27",
                "command": ["sh", "-c", "echo hi"],
                "environment": {"DEBUG": "yes", "PORT": "8080", "EMPTY": ""},
                "x-claw": {
                    "enabled": True,
                    "count": 2,
                    "ratio": 0.5,
                    "note": None,
                    "mode": PlainScalar("0700"),
                    "script": "echo a\necho b\n",
                    "surfaces": [{"channel://discord": {"dm": False}}, "service://api"],
                },
                "ports": [],
                "labels": {},
            }
        }
    }
    assert dump_yaml(data) == (
        "services:\n"
        "  web:\n"
        "    image: nginx:1.27\n"
        "    command:\n"
        "      - sh\n"
        "      - -c\n"
        "      - echo hi\n"
        "    environment:\n"
        "      DEBUG: 'yes'\n"
        "      PORT: '8080'\n"
        "      EMPTY: ''\n"
        "    x-claw:\n"
        "      enabled: true\n"
        "      count: 2\n"
        "      ratio: 0.5\n"
        "      note: null\n"
        "      mode: 0700\n"
        "      script: |\n"
        "        echo a\n"
        "        echo b\n"
        "      surfaces:\n"
        "        - channel://discord:\n"
        "            dm: false\n"
        "        - service://api\n"
        "    ports: []\n"
        "    labels: {}\n"
    )


def test_keys_are_written_in_the_order_given() -> None:
    assert dump_yaml({"z": 1, "a": 2, "m": 3}) == "z: 1\na: 2\nm: 3\n"


def test_shared_objects_are_written_without_anchors() -> None:
    shared = {"k": [1]}
    assert dump_yaml({"a": shared, "b": shared}) == "a:\n  k:\n    - 1\nb:\n  k:\n    - 1\n"


def test_long_strings_are_not_folded() -> None:
    text = "word " * 200 + "end"
    assert dump_yaml({"k": text}) == f"k: {text}\n"


@pytest.mark.parametrize(
    ("value", "dumped"),
    [
        (math.inf, ".inf"),
        (-math.inf, "-.inf"),
        (math.nan, ".nan"),
        (1.5, "1.5"),
        (-0.25, "-0.25"),
        (1e20, "1.0e+20"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        (0, "0"),
        (-42, "-42"),
    ],
)
def test_scalar_values(value: object, dumped: str) -> None:
    assert dump_yaml({"v": value}) == f"v: {dumped}\n"
    loaded = load_yaml(dump_yaml({"v": value}), "out.yml").data["v"]
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(loaded)
    else:
        assert loaded == value
        assert type(loaded) is type(value)


def test_document_ends_with_exactly_one_newline() -> None:
    for data in ({"a": "x\n\n\n"}, ["x\n\n"], "x", {}, [], None, {"a": {"b": [1]}}):
        dumped = dump_yaml(data)
        assert dumped.endswith("\n")
        assert not dumped.endswith("\n\n")
        assert load_yaml(dumped, "out.yml").data == data


@pytest.mark.parametrize(
    "value",
    [(1, 2), {1, 2}, b"bytes", datetime.date(2024, 1, 1), object(), 1j, frozenset()],
)
def test_other_types_are_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match=rf"cannot write a {type(value).__name__} to YAML"):
        dump_yaml({"v": value})


def test_subclasses_other_than_plain_scalar_are_a_type_error() -> None:
    class Text(str):
        pass

    with pytest.raises(TypeError, match="cannot write a Text to YAML"):
        dump_yaml(Text("x"))


@pytest.mark.parametrize(
    "value", [2**64, -(2**63) - 1, 10**5000], ids=["2^64", "-2^63-1", "10^5000"]
)
def test_integers_beyond_64_bits_are_a_value_error(value: int) -> None:
    with pytest.raises(ValueError, match=r"cannot write a \d+-bit integer to YAML: compose reads"):
        dump_yaml({"v": value})


# Properties ------------------------------------------------------------------------------------

_SCALARS = (
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text()
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(_DOCUMENTS)
def test_dump_then_load_gives_back_the_data(data: Any) -> None:
    assert load_yaml(dump_yaml(data), "out.yml").data == data


@settings(max_examples=400)
@given(st.text())
def test_strings_round_trip_through_yaml_1_1_too(text: str) -> None:
    dumped = dump_yaml({"k": text, "l": [text]})
    assert load_yaml(dumped, "out.yml").data == {"k": text, "l": [text]}
    assert yaml.safe_load(dumped) == {"k": text, "l": [text]}
