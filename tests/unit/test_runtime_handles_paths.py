"""CLAW_HANDLE_* variables, invoke targets, and the pod-file path guard."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from clawlib.errors import InvalidValueError
from clawlib.pod._models import Channel, Guild, Handle
from clawlib.runtime._handles import InvokeTarget, handle_env, handle_json, resolve_invoke_target
from clawlib.runtime._paths import pod_file


def test_handle_env_for_every_claw_sorted() -> None:
    env = handle_env(
        {
            "crusher": {"discord": Handle(id="123456789", username="crypto-bot")},
            "alpha-bot": {
                "slack": Handle(id="U1"),
                "discord": Handle(id="1", guilds=[Guild(id="aaa"), Guild(id="ccc", name="C")]),
            },
        }
    )
    assert env == {
        "CLAW_HANDLE_ALPHA_BOT_DISCORD_GUILDS": "aaa,ccc",
        "CLAW_HANDLE_ALPHA_BOT_DISCORD_ID": "1",
        "CLAW_HANDLE_ALPHA_BOT_DISCORD_JSON": (
            '{"id":"1","guilds":[{"id":"aaa"},{"id":"ccc","name":"C"}]}'
        ),
        "CLAW_HANDLE_ALPHA_BOT_SLACK_ID": "U1",
        "CLAW_HANDLE_ALPHA_BOT_SLACK_JSON": '{"id":"U1"}',
        "CLAW_HANDLE_CRUSHER_DISCORD_ID": "123456789",
        "CLAW_HANDLE_CRUSHER_DISCORD_JSON": '{"id":"123456789","username":"crypto-bot"}',
        "CLAW_HANDLE_CRUSHER_DISCORD_USERNAME": "crypto-bot",
    }
    assert list(env) == sorted(env)
    assert handle_env({}) == {}


def test_handle_json_shape() -> None:
    handle = Handle(
        id="1",
        username="u",
        guilds=[Guild(id="g", channels=[Channel(id="c", name="n"), Channel(id="d")])],
    )
    assert json.loads(handle_json(handle)) == {
        "id": "1",
        "username": "u",
        "guilds": [{"id": "g", "channels": [{"id": "c", "name": "n"}, {"id": "d"}]}],
    }


HANDLES = {
    "discord": Handle(
        id="1",
        guilds=[
            Guild(
                id="g",
                channels=[
                    Channel(id="100", name="trading-floor"),
                    Channel(id="101", name="general"),
                ],
            )
        ],
    ),
    "slack": Handle(id="U", guilds=[Guild(id="w", channels=[Channel(id="C9", name="general")])]),
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("trading-floor", InvokeTarget("100")),
        ("100", InvokeTarget("100")),
        ("discord:trading-floor", InvokeTarget("100")),
        ("telegram:-100777", InvokeTarget("-100777")),
        ("unknown-room", InvokeTarget("unknown-room")),
        ("mattermost:town-square", InvokeTarget("town-square")),
        (
            "general",
            InvokeTarget(
                "general",
                'invoke target "general" is ambiguous (discord:general (101), slack:general (C9)); '
                "use platform:target to disambiguate",
            ),
        ),
    ],
)
def test_invoke_targets(raw: str, expected: InvokeTarget) -> None:
    assert resolve_invoke_target(HANDLES, raw) == expected


def test_invoke_target_ambiguous_within_a_platform() -> None:
    handles = {
        "discord": Handle(
            id="1",
            guilds=[
                Guild(id="a", channels=[Channel(id="1", name="ops")]),
                Guild(id="b", channels=[Channel(id="2", name="ops")]),
            ],
        )
    }
    assert resolve_invoke_target(handles, "discord:ops") == InvokeTarget(
        "ops",
        'invoke target "discord:ops" is ambiguous (discord:ops (1), discord:ops (2)); '
        "use a channel ID to disambiguate",
    )
    assert resolve_invoke_target({}, "discord:ops") == InvokeTarget("ops")


@pytest.fixture
def pod(tmp_path: Path) -> Path:
    (tmp_path / "pod" / "agents").mkdir(parents=True)
    (tmp_path / "pod" / "agents" / "AGENTS.md").write_text("# A\n")
    (tmp_path / "outside.md").write_text("secret\n")
    return tmp_path / "pod"


def test_pod_file_inside(pod: Path) -> None:
    assert pod_file(pod, "./agents/AGENTS.md", "contract") == (pod / "agents/AGENTS.md").resolve()
    assert pod_file(pod, "agents/../agents/AGENTS.md", "contract").name == "AGENTS.md"


@pytest.mark.parametrize(
    ("relative", "message"),
    [
        ("", "contract path is empty"),
        ("/etc/passwd", 'contract "/etc/passwd" must be a path relative to the pod directory'),
        ("../outside.md", 'contract "../outside.md" is outside the pod directory'),
        (
            "agents/../../outside.md",
            'contract "agents/../../outside.md" is outside the pod directory',
        ),
        ("agents", 'contract "agents" is not a regular file'),
    ],
)
def test_pod_file_refusals(pod: Path, relative: str, message: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        pod_file(pod, relative, "contract")
    assert caught.value.detail == message


def test_pod_file_missing_and_symlinks(pod: Path) -> None:
    with pytest.raises(InvalidValueError) as missing:
        pod_file(pod, "nope.md", "skill")
    assert (
        missing.value.detail
        == f'skill "nope.md" not found (looked for {pod.resolve() / "nope.md"})'
    )
    os.symlink(pod.parent / "outside.md", pod / "link.md")
    with pytest.raises(InvalidValueError) as escaped:
        pod_file(pod, "link.md", "skill")
    assert escaped.value.detail == (
        f'skill "link.md" is a symlink leading outside the pod directory '
        f"(to {(pod.parent / 'outside.md').resolve()})"
    )
    os.symlink(pod / "agents" / "AGENTS.md", pod / "inside.md")
    assert pod_file(pod, "inside.md", "skill") == (pod / "agents/AGENTS.md").resolve()
