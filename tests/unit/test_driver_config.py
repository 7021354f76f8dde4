"""Shared driver helpers: the dotted-path setter, CONFIGURE parsing, model refs, JSON bytes."""

from __future__ import annotations

from typing import Any

import pytest

from clawlib.drivers._config import (
    ConfigPathError,
    dump_json,
    json_type,
    parse_configure,
    set_path,
    split_model_ref,
)


def test_set_path_creates_objects_and_replaces_leaves() -> None:
    document: dict[str, Any] = {}
    set_path(document, "agents.defaults.model.primary", "a/b")
    set_path(document, " agents.defaults.model.primary ", "c/d")
    set_path(document, "agents.defaults.list", [1])
    set_path(document, "agents.defaults.list", "x")
    assert document == {"agents": {"defaults": {"model": {"primary": "c/d"}, "list": "x"}}}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "empty path"),
        ("   ", "empty path"),
        ("a..b", 'empty segment in path "a..b"'),
        (".a", 'empty segment in path ".a"'),
        ("a.", 'empty segment in path "a."'),
        ("mode.x", 'path conflict at "mode": expected object, found string'),
        ("n.x", 'path conflict at "n": expected object, found number'),
        ("flag.x.y", 'path conflict at "flag": expected object, found boolean'),
        ("list.x", 'path conflict at "list": expected object, found array'),
        ("none.x", 'path conflict at "none": expected object, found null'),
        ("obj", 'cannot overwrite object at "obj" with a value; set its keys one by one instead'),
    ],
)
def test_set_path_conflicts(path: str, message: str) -> None:
    document: dict[str, Any] = {
        "mode": "local",
        "n": 3,
        "flag": True,
        "list": [],
        "none": None,
        "obj": {"k": 1},
    }
    with pytest.raises(ConfigPathError) as caught:
        set_path(document, path, {"new": 1})
    assert str(caught.value) == message


def test_json_type_names() -> None:
    values: tuple[object, ...] = (None, True, 1, 1.5, "s", [], {})
    assert [json_type(v) for v in values] == [
        "null",
        "boolean",
        "number",
        "number",
        "string",
        "array",
        "object",
    ]


@pytest.mark.parametrize(
    ("command", "path", "value"),
    [
        ("openclaw config set a.b 30", "a.b", 30),
        ("openclaw config set a.b 1.5", "a.b", 1.5),
        ("openclaw config set a.b true", "a.b", True),
        ("openclaw config set a.b null", "a.b", None),
        ('openclaw config set a.b "open"', "a.b", "open"),
        ('openclaw config set a.b "two  words"', "a.b", "two words"),  # whitespace runs: one
        ("openclaw config set a.b [1, 2]", "a.b", [1, 2]),
        ('openclaw config set a.b {"k": "v"}', "a.b", {"k": "v"}),
        ("openclaw config set a.b 30m", "a.b", "30m"),
        ("openclaw   config set a.b You   are   terse", "a.b", "You are terse"),
        ("openclaw config set a.b NaN", "a.b", "NaN"),
        ("openclaw config set a.b Infinity", "a.b", "Infinity"),
    ],
)
def test_parse_configure_types_values(command: str, path: str, value: Any) -> None:
    assert parse_configure(command, "openclaw") == (path, value)


@pytest.mark.parametrize(
    "command",
    [
        "openclaw config set a.b",
        "openclaw config get a.b c",
        "nanobot config set a.b c",
        "set a.b c d e",
        "",
    ],
)
def test_parse_configure_rejects(command: str) -> None:
    with pytest.raises(ValueError, match="unrecognized CONFIGURE command") as caught:
        parse_configure(command, "openclaw")
    assert str(caught.value) == (
        f'unrecognized CONFIGURE command: "{command}" '
        "(expected 'openclaw config set <path> <value>')"
    )


def test_a_rejected_command_is_quoted_with_its_secret_masked() -> None:
    with pytest.raises(ValueError, match="unrecognized CONFIGURE command") as caught:
        parse_configure("nanobot config set providers.x.apiKey sk-live-1", "openclaw")
    assert str(caught.value) == (
        'unrecognized CONFIGURE command: "nanobot config set providers.x.apiKey '
        "•••• (providers.x.apiKey)\" (expected 'openclaw config set <path> <value>')"
    )


@pytest.mark.parametrize(
    ("ref", "split"),
    [
        (" OpenRouter / moonshotai/kimi-k2.5 ", ("openrouter", "moonshotai/kimi-k2.5")),
        ("gpt-4.1", ("anthropic", "gpt-4.1")),
        ("anthropic/claude-sonnet-4", ("anthropic", "claude-sonnet-4")),
    ],
)
def test_split_model_ref(ref: str, split: tuple[str, str]) -> None:
    assert split_model_ref(ref) == split


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("", "empty model reference"),
        ("  ", "empty model reference"),
        ("provider/", 'model reference "provider/" is not provider/model'),
        ("/model", 'model reference "/model" is not provider/model'),
    ],
)
def test_split_model_ref_rejects(ref: str, message: str) -> None:
    with pytest.raises(ValueError, match="model reference") as caught:
        split_model_ref(ref)
    assert str(caught.value) == message


def test_dump_json_is_canonical() -> None:
    assert (
        dump_json({"b": [1, {"y": 2, "x": "<é>"}], "a": True})
        == (
            '{\n  "a": true,\n  "b": [\n    1,\n    {\n      "x": "<é>",\n      "y": 2\n    }\n'
            "  ]\n}\n"
        ).encode()
    )
