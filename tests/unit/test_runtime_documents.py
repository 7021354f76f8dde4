"""CLAWDAPUS.md and the generated skills, text exact."""

from __future__ import annotations

from clawlib.clawfile import Surface
from clawlib.pod._models import Channel, ChannelRouting, DirectMessages, Guild, GuildRouting, Handle
from clawlib.runtime import (
    ResolvedClaw,
    ResolvedSkill,
    ResolvedSurface,
    channel_skill,
    clawdapus_md,
    handle_skill,
    service_skill,
    skill_markdown,
    surface_skill_name,
    token_variable,
)


def test_skill_markdown() -> None:
    assert skill_markdown("x", "Does x.", "\n# X\n\nbody\n\n") == (
        '---\nname: "x"\ndescription: "Does x."\n---\n\n# X\n\nbody\n'
    )
    assert skill_markdown("", "", "") == (
        '---\nname: "unnamed-skill"\ndescription: "Generated skill."\n---\n'
    )


def test_handle_skill_with_guilds() -> None:
    handle = Handle(
        id="111",
        username="tiverton",
        guilds=[
            Guild(id="G1", name="Desk", channels=[Channel(id="C1", name="floor"), Channel(id="C2")])
        ],
    )
    assert handle_skill("discord", handle) == (
        "---\n"
        'name: "handle-discord"\n'
        'description: "Identity and membership details for the Discord handle."\n'
        "---\n"
        "\n"
        "# Discord Handle\n"
        "\n"
        "Your identity on Discord. Use this information when sending messages, mentioning "
        "yourself, or routing responses.\n"
        "\n"
        "## Identity\n"
        "- **ID:** 111\n"
        "- **Username:** tiverton\n"
        "\n"
        "## Memberships\n"
        "\n"
        "### G1 — Desk\n"
        "\n"
        "Channels:\n"
        "- `C1` (#floor)\n"
        "- `C2`\n"
        "\n"
        "## Usage\n"
        "- When referring to yourself on Discord, use your ID `111` or username `tiverton`.\n"
        "- Your guild memberships and channel access are listed above.\n"
        "- Other agents in this pod know your ID via the `CLAW_HANDLE_*` environment variables.\n"
    )


def test_handle_skill_id_only() -> None:
    assert handle_skill("slack", Handle(id="U1")).endswith(
        "## Identity\n- **ID:** U1\n\n## Usage\n"
        "- When referring to yourself on Slack, use your ID `U1`.\n"
    )


def test_channel_skill() -> None:
    routing = ChannelRouting(
        guilds={"2": GuildRouting(require_mention=True), "1": GuildRouting(policy="allowlist")},
        dm=DirectMessages(enabled=True, policy="pairing"),
    )
    assert channel_skill("discord", routing) == (
        "---\n"
        'name: "surface-discord"\n'
        'description: "Routing, access, and token details for the Discord channel surface."\n'
        "---\n"
        "\n"
        "# Discord Channel Surface\n"
        "\n"
        "**Platform:** Discord\n"
        "**Token env var:** `DISCORD_BOT_TOKEN`\n"
        "\n"
        "## Guild Access\n"
        "- Guild `1`: allowlist policy\n"
        "- Guild `2`, mentions required\n"
        "\n"
        "## Direct Messages\n"
        "- DMs enabled: policy=pairing\n"
        "\n"
        "## Usage\n"
        "\n"
        "Use the Discord channel to send messages, receive commands, and interact with users.\n"
        "Messages arrive as agent invocations via your runtime's channel integration.\n"
        "Only reply to users matching the configured policy.\n"
    )
    plain = channel_skill("mattermost", None)
    assert "**Token env var:**" not in plain
    assert "Only reply" not in plain


def test_service_skill() -> None:
    assert service_skill("api/v1", ["8080", "9090"]) == (
        "---\n"
        'name: "surface-api-v1"\n'
        'description: "Connection details for the api/v1 service surface."\n'
        "---\n"
        "\n"
        "# api/v1 (service surface)\n"
        "\n"
        "## Connection\n"
        "- **Hostname:** api/v1\n"
        "- **Network:** claw-internal (the pod network shared by claws and their services)\n"
        "- **Ports:** 8080, 9090\n"
        "\n"
        "## Usage\n"
        "This service is available to you within the pod network.\n"
        "Use the hostname `api/v1` to connect.\n"
        "Credentials, if required, are provided via environment variables.\n"
    )
    assert "**Ports:**" not in service_skill("db", [])
    assert surface_skill_name("api/v1") == "surface-api-v1.md"


def test_token_variable() -> None:
    assert (token_variable("Discord"), token_variable("wecom_app"), token_variable("irc")) == (
        "DISCORD_BOT_TOKEN",
        "WECOM_APP_BOT_TOKEN",
        None,
    )


def test_clawdapus_md() -> None:
    claw = ResolvedClaw(
        service="analyst",
        pod="research",
        image="research/analyst:latest",
        claw_type="openclaw",
        contract_name="AGENTS.md",
        contract=b"# Analyst\n",
        handles={
            "slack": Handle(id="U1"),
            "discord": Handle(
                id="111",
                username="ana",
                guilds=[Guild(id="G1", name="Lab", channels=[Channel(id="C1", name="general")])],
            ),
        },
        surfaces=(
            ResolvedSurface(Surface.parse("volume://cache read-only")),
            ResolvedSurface(Surface.parse("host:///srv/data")),
            ResolvedSurface(Surface.parse("service://api"), ports=("8080",), skill_name="api.md"),
            ResolvedSurface(Surface.parse("channel://discord")),
        ),
        skills=(
            ResolvedSkill("handle-discord.md", content=b"x"),
            ResolvedSkill("method.md", content=b"y", origin="pod"),
        ),
        cllama=("passthrough",),
    )
    assert clawdapus_md(claw, proxy_service="cllama") == "\n".join(
        [
            "# CLAWDAPUS.md",
            "",
            "This file is generated by Clawdapus. It describes your infrastructure environment.",
            "",
            "## Identity",
            "",
            "- **Pod:** research",
            "- **Service:** analyst",
            "- **Type:** openclaw",
            "",
            "## Surfaces",
            "",
            "### cache (volume)",
            "- **Access:** read-only",
            "- **Mount path:** /mnt/cache",
            "",
            "### /srv/data (host)",
            "- **Mount path:** /srv/data",
            "",
            "### api (service)",
            "- **Host:** api",
            "- **Skill:** `skills/api.md`",
            "",
            "### discord (channel)",
            "- **Token:** `DISCORD_BOT_TOKEN` (env)",
            "- **Skill:** `skills/surface-discord.md`",
            "",
            "## LLM Proxy",
            "",
            "Your LLM requests are routed through a governance proxy.",
            "",
            "- **Endpoint:** `http://cllama:8080/v1`",
            "- **Auth:** Bearer token (pre-configured)",
            "- **Mode:** passthrough",
            "",
            "All inference requests pass through this proxy for logging and policy enforcement.",
            "You do not need to configure this - model settings are pre-wired.",
            "",
            "## Handles",
            "",
            "Your channel identities on social platforms. Other agents use these to reach you.",
            "",
            "### discord",
            "- **ID:** 111",
            "- **Username:** ana",
            "- **Guild:** G1 (Lab)",
            "  - **Channel:** C1 (#general)",
            "",
            "### slack",
            "- **ID:** U1",
            "",
            "## Skills",
            "",
            "- `skills/handle-discord.md` — discord channel identity",
            "- `skills/handle-slack.md` — slack channel identity",
            "- `skills/api.md` — api service surface",
            "- `skills/surface-discord.md` — discord channel surface",
            "- `skills/method.md` — operator-provided skill",
            "",
        ]
    )


def test_clawdapus_md_minimal() -> None:
    claw = ResolvedClaw("a", "p", "img", "generic", "AGENTS.md", b"")
    text = clawdapus_md(claw)
    assert "No surfaces declared for this service.\n" in text
    assert text.endswith("## Skills\n\nNo skills available.\n")
    assert "## LLM Proxy" not in text


def test_clawdapus_md_persona_includes_and_a_shipped_service_skill() -> None:
    from clawlib.runtime import PersonaFile, ResolvedInclude

    claw = ResolvedClaw(
        "a",
        "p",
        "img",
        "openclaw",
        "AGENTS.md",
        b"",
        persona="./persona",
        persona_files=(PersonaFile("voice.md", b"x"),),
        surfaces=(ResolvedSurface(Surface.parse("service://api"), skill_name="api-skill.md"),),
        skills=(ResolvedSkill("api-skill.md", content=b"manual"),),
        includes=(
            ResolvedInclude("rules", "enforce", "./rules.md"),
            ResolvedInclude("style", "reference", "./style.md", "House style.", "include-style.md"),
        ),
    )
    text = clawdapus_md(claw)
    assert (
        "- **Persona Ref:** ./persona\n\n## Persona\n\n"
        "Your mutable persona workspace is mounted separately from the behavioral contract.\n\n"
        "- **Mount:** `persona/`\n- **Source:** `./persona`\n\n## Surfaces\n"
    ) in text
    # The shipped skill is listed once, as the surface's skill.
    assert "## Skills\n\n- `skills/api-skill.md` — api service surface\n\n" in text
    assert text.endswith(
        "## Included Context\n\n"
        "### rules (enforce)\n- **Contract:** inlined into `/claw/AGENTS.md`\n"
        "- **Source:** `./rules.md`\n\n"
        "### style (reference)\n- **Description:** House style.\n"
        "- **Mount:** `skills/include-style.md`\n- **Source:** `./style.md`\n"
    )
