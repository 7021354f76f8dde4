"""The helpers runner drivers share: seeded contract, cron store, key and token look-ups."""

from __future__ import annotations

import dataclasses
import json

from clawlib.drivers._runner import (
    cron_store,
    first_guild,
    missing_token,
    provider_key,
    provider_key_names,
    provider_key_problem,
    seeded_contract,
)
from clawlib.pod import Guild
from clawlib.runtime import Invocation, ResolvedClaw


def claw(lookup: dict[str, str] | None = None, *invocations: Invocation) -> ResolvedClaw:
    return ResolvedClaw(
        service="bot",
        pod="desk",
        image="bot:1",
        claw_type="nanobot",
        contract_name="AGENTS.md",
        contract=b"# Bot\n",
        invocations=invocations,
        lookup_env=lookup or {},
    )


def test_the_seeded_contract_is_both_texts_trimmed_and_parted_by_a_rule() -> None:
    assert seeded_contract(b"\n# Bot\n\nBe brief.\n\n", "\n# Guide\n") == (
        b"# Bot\n\nBe brief.\n\n---\n\n# Guide\n"
    )


def test_provider_key_names() -> None:
    assert provider_key_names("OpenRouter") == (
        "OPENROUTER_API_KEY",
        "PROVIDER_API_KEY_OPENROUTER",
        "PROVIDER_API_KEY",
        "OPENAI_API_KEY",
    )
    assert provider_key_names("anthropic") == (
        "ANTHROPIC_API_KEY",
        "PROVIDER_API_KEY_ANTHROPIC",
        "PROVIDER_API_KEY",
    )
    assert provider_key_names("x.ai/beta-1")[0] == "X_AI_BETA_1_API_KEY"
    assert provider_key_names("") == (
        "OPENAI_API_KEY",
        "PROVIDER_API_KEY_OPENAI",
        "PROVIDER_API_KEY",
    )


def test_the_provider_key_is_the_first_found() -> None:
    both = claw({"PROVIDER_API_KEY": "generic", "OPENROUTER_API_KEY": "specific"})
    assert provider_key(both, "openrouter") == "specific"
    assert provider_key(claw({"OPENAI_API_KEY": "oa"}), "openrouter") == "oa"
    assert provider_key(claw({"OPENAI_API_KEY": "oa"}), "anthropic") is None


def test_a_missing_provider_key_says_where_it_was_looked_for() -> None:
    assert provider_key_problem(claw({"ANTHROPIC_API_KEY": "k"}), "anthropic") is None
    assert provider_key_problem(claw(), "ollama") is None
    assert provider_key_problem(claw(), "Anthropic") == (
        'no API key found for provider "anthropic" (checked: ANTHROPIC_API_KEY, '
        "PROVIDER_API_KEY_ANTHROPIC, PROVIDER_API_KEY; set one in the service's environment, "
        "the pod's .env or the environment claw runs in, or govern the claw with cllama)"
    )


def test_a_missing_bot_token_names_the_variable_the_service_refers_to() -> None:
    """``DISCORD_BOT_TOKEN: ${LOGAN_BOT_TOKEN}`` with LOGAN_BOT_TOKEN unset: the message names
    the variable the operator has to set, not only the one the runner reads."""
    unset = ResolvedClaw(
        service="logan",
        pod="desk",
        image="logan:1",
        claw_type="nullclaw",
        contract_name="AGENTS.md",
        contract=b"# Logan\n",
        environment={"DISCORD_BOT_TOKEN": "${LOGAN_BOT_TOKEN}"},
    )
    assert missing_token(unset, "discord", "DISCORD_BOT_TOKEN") == (
        "HANDLE discord requires DISCORD_BOT_TOKEN: the service sets it to ${LOGAN_BOT_TOKEN}, "
        "and LOGAN_BOT_TOKEN is set neither in the pod's .env nor in the environment claw runs in"
    )
    itself = dataclasses.replace(unset, environment={"DISCORD_BOT_TOKEN": "${DISCORD_BOT_TOKEN}"})
    assert missing_token(itself, "discord", "DISCORD_BOT_TOKEN") == (
        "HANDLE discord requires DISCORD_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)"
    )


def test_a_missing_bot_token() -> None:
    assert missing_token(claw({"DISCORD_BOT_TOKEN": "t"}), "discord", "DISCORD_BOT_TOKEN") is None
    assert missing_token(claw(), "slack", "SLACK_BOT_TOKEN") == (
        "HANDLE slack requires SLACK_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)"
    )


def test_the_cron_store() -> None:
    assert cron_store(claw(), deliver=True) == (None, [])
    store, problems = cron_store(
        claw(
            None,
            Invocation("0 9  * * 1-5", "Morning brief", name="brief", to="floor"),
            Invocation("*/30 * * * *", "Check in"),
        ),
        deliver=True,
    )
    assert problems == []
    assert store is not None
    assert json.loads(store) == {
        "version": 1,
        "jobs": [
            {
                "name": "brief",
                "schedule": {"kind": "cron", "expression": "0 9 * * 1-5"},
                "payload": {
                    "kind": "agent_turn",
                    "message": "Morning brief",
                    "deliver": True,
                    "to": "floor",
                },
                "state": {"enabled": True},
            },
            {
                "name": "invoke-02",
                "schedule": {"kind": "cron", "expression": "*/30 * * * *"},
                "payload": {"kind": "agent_turn", "message": "Check in", "deliver": False},
                "state": {"enabled": True},
            },
        ],
    }
    assert store.endswith(b"}\n")
    without, _ = cron_store(claw(None, Invocation("0 9 * * *", "Hi", to="x")), deliver=False)
    assert without is not None
    assert json.loads(without)["jobs"][0]["payload"] == {
        "kind": "agent_turn",
        "message": "Hi",
        "to": "x",
    }


def test_every_bad_invocation_is_reported() -> None:
    store, problems = cron_store(
        claw(None, Invocation("@daily", "Hi"), Invocation("0 9 * * *", "  ")), deliver=True
    )
    assert store is None
    assert problems == [
        'INVOKE 1: schedule "@daily" must be a five-field cron expression (minute hour day '
        'month weekday, e.g. "0 9 * * 1-5")',
        "INVOKE 2: the message is empty (say what the agent is to do)",
    ]


def test_the_first_guild() -> None:
    assert first_guild([]) is None
    assert first_guild([Guild(id="G1"), Guild(id="G2")]) == "G1"
