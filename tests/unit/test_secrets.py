"""Secret values are masked wherever we show text; references stay visible."""

from __future__ import annotations

import pytest

from clawlib.secrets import is_secret_name, mask_secrets


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
