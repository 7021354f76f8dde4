"""Secret values are masked wherever we show text; references stay visible."""

from __future__ import annotations

import pytest

from clawlib.secrets import is_secret_name, mask_command, mask_secrets, mask_value


@pytest.mark.parametrize(
    "name",
    [
        "DISCORD_BOT_TOKEN",
        "OPENAI_API_KEY",
        "apiKey",
        "SLACK_SIGNING_SECRET",
        "DB_PASSWORD",
        "passwd",
        "private_key",
        "AWS_SECRET_ACCESS_KEY",
        "key",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["CLAW_MANAGED", "OPENCLAW_STATE_DIR", "keyboard", "monkey"])
def test_plain_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("      OPENAI_API_KEY: sk-live-123\n", "      OPENAI_API_KEY: •••• (OPENAI_API_KEY)\n"),
        ("+      OPENAI_API_KEY: sk-live-123\n", "+      OPENAI_API_KEY: •••• (OPENAI_API_KEY)\n"),
        ("-      - DB_PASSWORD=hunter2\n", "-      - DB_PASSWORD=•••• (DB_PASSWORD)\n"),
        ("SLACK_BOT_TOKEN='xoxb-1'\n", "SLACK_BOT_TOKEN=•••• (SLACK_BOT_TOKEN)\n"),
        (
            '+      "apiKey": "tiverton:abc",\n',
            '+      "apiKey": "•••• (apiKey)",\n',
        ),
        ('  "token": "${DISCORD_BOT_TOKEN}"\n', '  "token": "${DISCORD_BOT_TOKEN}"\n'),
        ("  DISCORD_BOT_TOKEN: ${TIVERTON_TOKEN}\n", "  DISCORD_BOT_TOKEN: ${TIVERTON_TOKEN}\n"),
        ("  DISCORD_BOT_TOKEN: $TOKEN\n", "  DISCORD_BOT_TOKEN: $TOKEN\n"),
        ("  DISCORD_BOT_TOKEN: ''\n", "  DISCORD_BOT_TOKEN: ''\n"),
        ("  CLAW_MANAGED: 'true'\n", "  CLAW_MANAGED: 'true'\n"),
        ("--- a/compose.generated.yml\n", "--- a/compose.generated.yml\n"),
        ("no newline at the end", "no newline at the end"),
    ],
)
def test_mask_lines(line: str, masked: str) -> None:
    assert mask_secrets(line) == masked


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("OPENROUTER_API_KEY", "sk-or-123", "•••• (OPENROUTER_API_KEY)"),
        ("DISCORD_TOKEN", "${DISCORD_TOKEN}", "${DISCORD_TOKEN}"),
        ("DISCORD_TOKEN", "${DISCORD_TOKEN:-none}", "${DISCORD_TOKEN:-none}"),
        ("DISCORD_TOKEN", "$DISCORD_TOKEN", "$DISCORD_TOKEN"),
        ("DB_PASSWORD", "'hunter2'", "•••• (DB_PASSWORD)"),
        ("DB_PASSWORD", "", ""),
        ("DB_PASSWORD", "${A}${B}", "•••• (DB_PASSWORD)"),
        ("SSH_PRIVATE_KEY", "line one\nline two", "•••• (SSH_PRIVATE_KEY)"),
        ("CLAW_MANAGED", "true", "true"),
        (
            "OPENCLAW_CONFIG",
            '{"apiKey": "sk-1", "mode": "local"}',
            '{"apiKey": "•••• (apiKey)", "mode": "local"}',
        ),
        ("EXTRA", "SLACK_BOT_TOKEN=xoxb-1", "SLACK_BOT_TOKEN=•••• (SLACK_BOT_TOKEN)"),
        ("keyboard", "us", "us"),
    ],
)
def test_mask_value(name: str, value: str, shown: str) -> None:
    assert mask_value(name, value) == shown


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        (["openclaw", "gateway", "--port", "18789"], "openclaw gateway --port 18789"),
        (["bot", "--token", "abc", "--verbose"], "bot --token •••• (--token) --verbose"),
        (["bot", "--token", "${BOT_TOKEN}"], "bot --token '${BOT_TOKEN}'"),
        (["bot", "--api-key=sk-1", "--name=x y"], "bot --api-key=•••• (--api-key) '--name=x y'"),
        (["env", "GITHUB_TOKEN=ghp_1", "run"], "env GITHUB_TOKEN=•••• (GITHUB_TOKEN) run"),
        (
            ["openclaw", "config", "set", "channels.discord.token", "xyz"],
            "openclaw config set channels.discord.token •••• (channels.discord.token)",
        ),
        (
            ["sh", "-c", "exec bot --password hunter2"],
            "sh -c 'exec bot --password •••• (--password)'",
        ),
        (["sh", "-c", "echo hi && exec httpd"], "sh -c 'echo hi && exec httpd'"),
        (["sh", "-c", "echo 'unbalanced"], "sh -c 'echo '\"'\"'unbalanced'"),
    ],
)
def test_mask_command(words: list[str], shown: str) -> None:
    assert mask_command(words) == shown
