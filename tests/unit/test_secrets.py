"""Secret values are masked wherever we show text; references stay visible."""

from __future__ import annotations

import textwrap
import time

import pytest

from clawlib.secrets import (
    MASK,
    StreamMasker,
    holds_secret,
    is_secret_name,
    mask_command,
    mask_lines,
    mask_secrets,
    mask_value,
)


@pytest.mark.parametrize(
    "name",
    [
        "DISCORD_BOT_TOKEN",
        "OPENAI_API_KEY",
        "API_KEY",
        "apiKey",
        "APIKey",
        "x-api-key",
        "SLACK_SIGNING_SECRET",
        "clientSecretValue",
        "DB_PASSWORD",
        "db_pass",
        "passwd",
        "PassPhrase",
        "private_key",
        "SSH_PRIVATE_KEY",
        "privateKeyFile",
        "AWS_SECRET_ACCESS_KEY",
        "Github_Pat",
        "GITHUB_PAT",
        "github-pat",
        "key",
        "KEY2",
        "api_key_2",
        "pwd",
        "SESSION_COOKIE",
        "Authorization",
        "google.credentials",
        "CREDENTIAL_ID",
        "token_limit",
        "channels.discord.token",
        "--api-key",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "CLAW_MANAGED",
        "OPENCLAW_STATE_DIR",
        "keyboard",
        "monkey",
        "maxTokens",
        "max_tokens",
        "MAX_TOKENS",
        "keyBindings",
        "key_id",
        "pass_through",
        "passthrough",
        "patch",
        "path",
        "cookie_domain",
        "secrets",
        "tokenizer",
        "OLDPWD",
        "",
        "123",
    ],
)
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
        ("DISCORD_TOKEN", "${DISCORD_TOKEN:-none}", "${DISCORD_TOKEN:-••••}"),
        ("DISCORD_TOKEN", "${OTHER:-sk-1}", "${OTHER:-••••}"),
        ("DISCORD_TOKEN", "${DISCORD_TOKEN:-${FALLBACK}}", "${DISCORD_TOKEN:-${FALLBACK}}"),
        ("DISCORD_TOKEN", "${DISCORD_TOKEN:?set it}", "${DISCORD_TOKEN:?set it}"),
        ("DISCORD_TOKEN", "null", "null"),
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
        ("DATABASE_URL", "postgres://admin:pw@db/x", "postgres://admin:••••@db/x"),
        (
            "NOTES",
            "a\nAPI_TOKEN: sk-1\n  more",
            "a\nAPI_TOKEN: •••• (API_TOKEN)\n  •••• (API_TOKEN)",
        ),
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
        (["bot", "--token", "${T:-sk-1}"], "bot --token '${T:-••••}'"),
        (["psql", "postgres://u:pw@db/x"], "psql 'postgres://u:••••@db/x'"),
    ],
)
def test_mask_command(words: list[str], shown: str) -> None:
    assert mask_command(words) == shown


def _text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# Whole texts: each case is (what is written, what is shown).
FORMS = {
    "block scalar holding a PEM key": (
        """
        environment:
          SSH_PRIVATE_KEY: |
            -----BEGIN OPENSSH PRIVATE KEY-----
            b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW

            QyNTUxOQAAACBSRDuCFlD8ojmAqr4lJgvSVE7rJePkh+MjAqLpR0UTaAAAAJgxLmVNMS5l
            -----END OPENSSH PRIVATE KEY-----
          AFTER: shown
        """,
        """
        environment:
          SSH_PRIVATE_KEY: |
            •••• (SSH_PRIVATE_KEY)
            •••• (SSH_PRIVATE_KEY)

            •••• (SSH_PRIVATE_KEY)
            •••• (SSH_PRIVATE_KEY)
          AFTER: shown
        """,
    ),
    "block scalars with chomping and indentation indicators": (
        """
        a:
          DB_PASSWORD: >-
            folded
            words
          API_TOKEN: |2+
              indented
          secret_note: !!str |-  # a comment
            kept out
          plain: |
            shown
        """,
        """
        a:
          DB_PASSWORD: >-
            •••• (DB_PASSWORD)
            •••• (DB_PASSWORD)
          API_TOKEN: |2+
              •••• (API_TOKEN)
          secret_note: !!str |-  # a comment
            •••• (secret_note)
          plain: |
            shown
        """,
    ),
    "quoted scalars over several lines": (
        """
        DQ_TOKEN: "first \\" line
          second line"
        SQ_TOKEN: 'it''s
          two'
        next: "shown
          too"
        """,
        """
        DQ_TOKEN: "•••• (DQ_TOKEN)
          •••• (DQ_TOKEN)"
        SQ_TOKEN: '•••• (SQ_TOKEN)
          •••• (SQ_TOKEN)'
        next: "shown
          too"
        """,
    ),
    "plain scalar over several lines": (
        """
        - PLAIN_TOKEN: first
            second

            third
          sibling: shown
        """,
        """
        - PLAIN_TOKEN: •••• (PLAIN_TOKEN)
            •••• (PLAIN_TOKEN)

            •••• (PLAIN_TOKEN)
          sibling: shown
        """,
    ),
    "list-form environment": (
        """
        environment:
          - |
            SSH_PRIVATE_KEY=-----BEGIN RSA PRIVATE KEY-----
            MIIEpAIBAAKCAQEA
            -----END RSA PRIVATE KEY-----
          - >
            GREETING=one
            API_TOKEN=two
          - DB_PASSWORD=hunter2
              more of it
          - "GITHUB_TOKEN=ghp-one
            ghp-two"
          - DISCORD_TOKEN=${DISCORD_TOKEN}
          - OTHER=shown
        """,
        """
        environment:
          - |
            SSH_PRIVATE_KEY=•••• (SSH_PRIVATE_KEY)
            •••• (SSH_PRIVATE_KEY)
            •••• (SSH_PRIVATE_KEY)
          - >
            GREETING=one
            API_TOKEN=•••• (API_TOKEN)
          - DB_PASSWORD=•••• (DB_PASSWORD)
              •••• (DB_PASSWORD)
          - "GITHUB_TOKEN=•••• (GITHUB_TOKEN)
            •••• (GITHUB_TOKEN)"
          - DISCORD_TOKEN=${DISCORD_TOKEN}
          - OTHER=shown
        """,
    ),
    "env file": (
        """
        # OPENAI_API_KEY=sk-commented
        SECRET_TOKEN="multi
        line"
        export DB_PASS='hunter2'
        SLACK_TOKEN=${SLACK_TOKEN}
        EMPTY_TOKEN=
        MODE=local
        """,
        """
        # OPENAI_API_KEY=•••• (OPENAI_API_KEY)
        SECRET_TOKEN="•••• (SECRET_TOKEN)
        •••• (SECRET_TOKEN)"
        export DB_PASS=•••• (DB_PASS)
        SLACK_TOKEN=${SLACK_TOKEN}
        EMPTY_TOKEN=
        MODE=local
        """,
    ),
    "JSON": (
        """
        {
          "apiKey": "sk-1",
          "pin": 1234,
          "secretPin": 1234,
          "token": "${DISCORD_BOT_TOKEN}",
          "auth": {"password": "hunter2", "user": "me"},
          "credentials": {
            "user": "me",
            "password": "hunter2"
          },
          "token": [
            "sk-2",
            ["sk-3"],
            "${TOKEN_REF}"
          ],
          "maxTokens": 4096
        }
        """,
        """
        {
          "apiKey": "•••• (apiKey)",
          "pin": 1234,
          "secretPin": "•••• (secretPin)",
          "token": "${DISCORD_BOT_TOKEN}",
          "auth": {"password": "•••• (password)", "user": "me"},
          "credentials": {
            "user": "me",
            "password": "•••• (password)"
          },
          "token": [
            "•••• (token)",
            •••• (token),
            "${TOKEN_REF}"
          ],
          "maxTokens": 4096
        }
        """,
    ),
    "lists under a secret name, not mappings": (
        """
        tokens: [a, b]
        token: [a, b]
        api_key:
        - sk-1
        - ${KEY_REF}
        api_token:
          sk-on-the-next-line
        credentials:
          user: admin
          password: hunter2
        visible: yes
        """,
        """
        tokens: [a, b]
        token: •••• (token)
        api_key:
        - •••• (api_key)
        - ${KEY_REF}
        api_token:
          •••• (api_token)
        credentials:
          user: admin
          password: •••• (password)
        visible: yes
        """,
    ),
    "command lines": (
        """
        command:
          - bot
          - --token
          - abc123
          - --verbose
        entrypoint: ["bot", "--api-key", "sk-2", "--port", "80"]
        healthcheck: curl -H 'X-Token: abc' --password pw
          http://x/?token=t&a=b
        RUN openclaw config set channels.discord.token xoxb-3 && echo done
        LABEL claw.configure.0="openclaw config set x.apiKey sk-4"
        LABEL claw.privilege.token="abc"
        ENV GH_TOKEN ghp-5
        ENV A=1 B_TOKEN=2
        """,
        """
        command:
          - bot
          - --token
          - •••• (--token)
          - --verbose
        entrypoint: ["bot", "--api-key", "•••• (--api-key)", "--port", "80"]
        healthcheck: curl -H 'X-Token: •••• (X-Token)' --password •••• (--password)
          http://x/?token=•••• (token)&a=b
        RUN openclaw config set channels.discord.token •••• (channels.discord.token)
        LABEL claw.configure.0="openclaw config set x.apiKey •••• (x.apiKey)"
        LABEL claw.privilege.token=•••• (claw.privilege.token)
        ENV GH_TOKEN •••• (GH_TOKEN)
        ENV A=1 B_TOKEN=•••• (B_TOKEN)
        """,
    ),
    "URL passwords, whatever the name": (
        """
        DATABASE_URL: postgres://admin:hunter2@db/x
        cache: redis://:s3cr3t@cache:6379/0
        broker: amqp://user:p@ss@mq//
        mirror: https://user@example.com/x
        ports: http://example.com:8080/x
        REF_URL: mysql://root:${DB_ROOT_PASSWORD}@db/x
        DEFAULTED: mysql://root:${DB_PW:-changeme}@db/x
        """,
        """
        DATABASE_URL: postgres://admin:••••@db/x
        cache: redis://:••••@cache:6379/0
        broker: amqp://user:••••@mq//
        mirror: https://user@example.com/x
        ports: http://example.com:8080/x
        REF_URL: mysql://root:${DB_ROOT_PASSWORD}@db/x
        DEFAULTED: mysql://root:${DB_PW:-••••}@db/x
        """,
    ),
    "defaults of secret-named variables": (
        """
        a: ${API_TOKEN:-sk-live-1}
        b: ${API_TOKEN-sk-live-2}
        c: ${API_TOKEN:=sk-live-3}
        d: ${API_TOKEN=sk-live-4}
        e: ${API_TOKEN:+sk-live-5}
        f: ${API_TOKEN+sk-live-6}
        g: ${API_TOKEN:?API_TOKEN must be set}
        h: ${API_TOKEN?unset}
        i: ${MODE:-local}
        j: ${API_TOKEN:-${FALLBACK_TOKEN}}
        k: prefix-${URL:-${API_TOKEN:-sk-live-7}}-suffix
        l: $API_TOKEN and ${API_TOKEN}
        """,
        """
        a: ${API_TOKEN:-••••}
        b: ${API_TOKEN-••••}
        c: ${API_TOKEN:=••••}
        d: ${API_TOKEN=••••}
        e: ${API_TOKEN:+••••}
        f: ${API_TOKEN+••••}
        g: ${API_TOKEN:?API_TOKEN must be set}
        h: ${API_TOKEN?unset}
        i: ${MODE:-local}
        j: ${API_TOKEN:-${FALLBACK_TOKEN}}
        k: prefix-${URL:-${API_TOKEN:-••••}}-suffix
        l: $API_TOKEN and ${API_TOKEN}
        """,
    ),
    "a PEM private key, whatever holds it": (
        """
        Here is the deploy key:

            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oEqkeGMHbA8SoAoGCCqGSM49
            -----END EC PRIVATE KEY-----
        and a public one, which is not secret:
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
        -----END PUBLIC KEY-----
        {"k": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n", "n": 1}
        """,
        """
        Here is the deploy key:

            •••• (private key)
            •••• (private key)
            •••• (private key)
        and a public one, which is not secret:
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
        -----END PUBLIC KEY-----
        {"k": "•••• (private key)\\n", "n": 1}
        """,
    ),
    "what stays visible": (
        """
        services:
          web:
            image: nginx:1.27
            environment:
              DISCORD_BOT_TOKEN: ${TIVERTON_TOKEN}
              EMPTY_TOKEN: ''
              NULL_TOKEN: null
              CLAW_MANAGED: 'true'
              max_tokens: 4096
              NOTE: the log says token: ${API_TOKEN}, {token: $API_TOKEN}
            secrets:
              - db_password
        secrets:
          db_password:
            file: ./db_password.txt
        """,
        None,
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_mask_secrets_masks_whole_values(form: str) -> None:
    written, shown = FORMS[form]
    text = _text(written)
    expected = text if shown is None else _text(shown)
    assert mask_secrets(text) == expected
    assert mask_secrets(expected) == expected  # masking what is masked changes nothing
    assert holds_secret(text) is (shown is not None)
    assert not holds_secret(expected)


@pytest.mark.parametrize("form", FORMS)
def test_mask_lines_masks_line_for_line(form: str) -> None:
    text = _text(FORMS[form][0])
    lines = text.splitlines()
    shown = mask_lines(lines)
    assert len(shown) == len(lines)
    assert shown == mask_secrets(text).splitlines()
    # Line endings are kept as given; a stream masks the same way.
    assert mask_lines(text.splitlines(keepends=True)) == mask_secrets(text).splitlines(True)
    masker = StreamMasker()
    assert [masker.mask(line) for line in lines] == shown


def test_a_line_far_below_its_key_is_masked() -> None:
    body = [f"    line{n:03}" for n in range(200)]
    lines = ["env:", "  SSH_PRIVATE_KEY: |", *body, "  NEXT: shown"]
    shown = mask_lines(lines)
    assert shown[150] == "    •••• (SSH_PRIVATE_KEY)"
    assert shown[-1] == "  NEXT: shown"
    assert not any("line" in line for line in shown)


def test_line_endings_are_kept() -> None:
    assert mask_secrets("API_KEY=sk-1\r\nMODE=x\r\n") == f"API_KEY={MASK} (API_KEY)\r\nMODE=x\r\n"
    assert mask_lines(["API_KEY=sk-1\n", "PEM: |\r\n"]) == [
        f"API_KEY={MASK} (API_KEY)\n",
        "PEM: |\r\n",
    ]


def test_a_key_left_open_masks_to_the_end() -> None:
    # A stray quote or PEM header hides everything after it rather than show a secret.
    assert mask_secrets('TOKEN="abc\nmore\n') == 'TOKEN="•••• (TOKEN)\n•••• (TOKEN)\n'
    assert mask_secrets("-----BEGIN PRIVATE KEY-----\nabc\n\n  def\n") == (
        "•••• (private key)\n•••• (private key)\n\n  •••• (private key)\n"
    )


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("API_KEY=sk-1", True),
        ("API_KEY=${API_KEY}", False),
        ("url: postgres://u:pw@db/x", True),
        ("url: postgres://u@db/x", False),
        ("x: ${API_TOKEN:-sk}", True),
        ("x: ${API_TOKEN:?set it}", False),
        ("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n", True),
        ('{"maxTokens": 4096, "mode": "local"}', False),
        ("# Worker\n\nAnswer in English.\n", False),
        ("", False),
    ],
)
def test_holds_secret(text: str, held: bool) -> None:
    assert holds_secret(text) is held


@pytest.mark.parametrize(
    "text",
    [
        "x: " * 100_000,
        "a=" * 100_000,
        "--token=" * 100_000,
        "${" * 100_000,
        "${API_TOKEN:-" * 50_000,
        "".join(" " * n + "k: |\n" for n in range(1_000)),
    ],
    ids=["colons", "assignments", "flags", "references", "defaults", "nested blocks"],
)
def test_a_hostile_text_is_masked_in_linear_time(text: str) -> None:
    start = time.monotonic()
    mask_secrets(text)
    assert time.monotonic() - start < 5.0  # seconds; quadratic work would take minutes
