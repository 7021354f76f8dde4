"""Dockerfile.generated: passthrough, label order, quoting, placement, file naming."""

from __future__ import annotations

import pytest

from clawlib.clawfile import (
    Clawfile,
    clawfile_labels,
    emit_dockerfile,
    generated_dockerfile_name,
    quote_label_value,
)
from clawlib.clawfile._lexer import lex
from tests.dockermodel import docker_labels
from tests.samples import UPSTREAM_REFERENCE as REFERENCE


def emit(text: str) -> str:
    return emit_dockerfile(Clawfile.parse(text))


def test_reference_clawfile_exact_output() -> None:
    assert emit(REFERENCE) == "\n".join(
        [
            "FROM node:24-bookworm-slim",
            "RUN apt-get update && apt-get install -y bash ca-certificates cron curl git jq tini",
            "RUN npm install -g openclaw@2026.2.9",
            "WORKDIR /workspace",
            "",
            'LABEL claw.type="openclaw"',
            'LABEL claw.agent.file="AGENTS.md"',
            'LABEL claw.model.primary="openrouter/anthropic/claude-sonnet-4"',
            'LABEL claw.surface.0="channel://discord"',
            'LABEL claw.surface.1="service://fleet-master"',
            'LABEL claw.privilege.runtime="claw-user"',
            'LABEL claw.privilege.worker="root"',
            'LABEL claw.track.0="apt"',
            'LABEL claw.track.1="pip"',
            'LABEL claw.track.2="npm"',
            'LABEL claw.skill.0="./skills/custom-workflow.md"',
            'LABEL claw.skill.1="./skills/team-conventions.md"',
            'LABEL claw.configure.0="openclaw config set agents.defaults.heartbeat.every 30m"',
            'LABEL claw.configure.1="openclaw config set agents.defaults.heartbeat.target none"',
            'LABEL claw.invoke.0="0,30 * * * *\theartbeat"',
            "",
        ]
    )


def test_no_directive_leaks_and_output_is_deterministic() -> None:
    first = emit(REFERENCE)
    assert first == emit(REFERENCE)
    keywords = ("CLAW_TYPE ", "AGENT ", "MODEL ", "CONFIGURE ", "INVOKE ", "TRACK ", "SURFACE ")
    assert not [line for line in first.splitlines() if line.startswith(keywords)]
    assert "/etc/cron.d" not in first


def test_label_order_for_every_kind() -> None:
    clawfile = Clawfile.parse(
        "INVOKE * * * * * x\nCONFIGURE c\nSKILL s\nTRACK t\nPRIVILEGE b p\nPRIVILEGE a p\n"
        "SURFACE volume://v\nHANDLE slack\nHANDLE discord\nMODEL z m\nMODEL a m\n"
        "PERSONA ./p\nCLLAMA passthrough\nCLLAMA policy\nAGENT A.md\nCLAW_TYPE openclaw\n"
    )
    assert [key for key, _ in clawfile_labels(clawfile)] == [
        "claw.type",
        "claw.agent.file",
        "claw.cllama.0",
        "claw.cllama.1",
        "claw.persona.default",
        "claw.model.a",
        "claw.model.z",
        "claw.handle.slack",
        "claw.handle.discord",
        "claw.surface.0",
        "claw.privilege.a",
        "claw.privilege.b",
        "claw.track.0",
        "claw.skill.0",
        "claw.configure.0",
        "claw.invoke.0",
    ]


def test_labels_go_after_the_final_stage() -> None:
    text = emit(
        "FROM alpine:3.20 AS base\nRUN echo base\nFROM alpine:3.20\nCLAW_TYPE openclaw\n"
        "INVOKE */5 * * * * heartbeat\nRUN echo final\n"
    )
    assert text.index("RUN echo final") < text.index("claw.invoke.0=")


def test_only_directives_gives_only_labels() -> None:
    assert emit("CLAW_TYPE openclaw\n") == 'LABEL claw.type="openclaw"\n'


def test_parser_directives_stay_on_top_and_escape_is_respected() -> None:
    text = emit("# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nCLAW_TYPE a\nCONFIGURE $A `b\n")
    assert text == (
        "# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n\n"
        'LABEL claw.type="a"\nLABEL claw.configure.0="`$A ``b"\n'
    )
    assert docker_labels(text)["claw.configure.0"] == "$A `b"


def test_continuations_comments_and_heredocs_are_kept() -> None:
    source = (
        "FROM x\n"
        "RUN apt-get update && \\\n"
        "    # why we need jq\n"
        "    apt-get install -y jq\n"
        "CLAW_TYPE openclaw\n"
        "COPY <<EOF /etc/motd\n"
        "CLAW_TYPE inside-a-heredoc\n"
        "EOF\n"
    )
    assert emit(source) == (
        "FROM x\n"
        "RUN apt-get update && \\\n"
        "    # why we need jq\n"
        "    apt-get install -y jq\n"
        "COPY <<EOF /etc/motd\n"
        "CLAW_TYPE inside-a-heredoc\n"
        "EOF\n"
        "\n"
        'LABEL claw.type="openclaw"\n'
    )


def test_open_continuation_at_end_cannot_swallow_the_labels() -> None:
    text = emit("FROM x\nCLAW_TYPE openclaw\nRUN echo hi \\\n")
    assert docker_labels(text) == {"claw.type": "openclaw"}


def test_a_byte_order_mark_inside_the_clawfile_does_not_open_the_dockerfile() -> None:
    """Docker drops a byte-order mark only at the very start of a file: one that starts a later
    line stays part of its instruction's keyword, and must not come first in the output."""
    clawfile = Clawfile.parse("# a comment\n\ufeffFROM x\nCLAW_TYPE generic\n")
    emitted = emit_dockerfile(clawfile)
    assert emitted == '\n\ufeffFROM x\n\nLABEL claw.type="generic"\n'
    assert lex(emitted).instructions[0].keyword == clawfile.instructions[0].keyword == "\ufefffrom"


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("${TOKEN} and $HOME", '"\\${TOKEN} and \\$HOME"'),
        ("back\\slash \\t", '"back\\\\slash \\\\t"'),
        ("tab\there", '"tab\there"'),
        ("ünïcode ✓", '"ünïcode ✓"'),
    ],
)
def test_quote_label_value(value: str, quoted: str) -> None:
    assert quote_label_value(value) == quoted
    assert docker_labels(f"FROM x\nLABEL k={quoted}\n") == {"k": value}


def test_dollar_values_survive_docker() -> None:
    clawfile = Clawfile.parse(
        "FROM x\nCLAW_TYPE openclaw\n"
        "CONFIGURE openclaw config set channels.discord.accounts "
        '[{"token":"${DISCORD_BOT_TOKEN}"}]\n'
        "INVOKE 15 8 * * 1-5 Pre-market synthesis for $DESK\n"
    )
    labels = docker_labels(emit_dockerfile(clawfile))
    assert labels["claw.configure.0"] == (
        'openclaw config set channels.discord.accounts [{"token":"${DISCORD_BOT_TOKEN}"}]'
    )
    assert labels["claw.invoke.0"] == "15 8 * * 1-5\tPre-market synthesis for $DESK"


@pytest.mark.parametrize(
    ("name", "generated"),
    [
        ("Clawfile", "Dockerfile.generated"),
        ("Clawfile.westin", "Dockerfile.westin.generated"),
        ("agents/a/Clawfile", "Dockerfile.generated"),
        ("bot.claw", "bot.claw.Dockerfile.generated"),
    ],
)
def test_generated_dockerfile_name(name: str, generated: str) -> None:
    assert generated_dockerfile_name(name) == generated
