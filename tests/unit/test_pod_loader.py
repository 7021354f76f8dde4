"""Loading claw-pod.yml: passthrough, x-claw models, placeholders, and every problem at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from clawlib.errors import PodError
from clawlib.pod import Pod, load_pod


def write_pod(tmp_path: Path, text: str, dotenv: str | None = None) -> Path:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(text).lstrip())
    if dotenv is not None:
        (tmp_path / ".env").write_text(textwrap.dedent(dotenv).lstrip())
    return tmp_path


def load(tmp_path: Path, text: str, dotenv: str | None = None, **env: str) -> Pod:
    return load_pod(write_pod(tmp_path, text, dotenv), environ=env)


def errors(tmp_path: Path, text: str, **env: str) -> list[str]:
    with pytest.raises(PodError) as caught:
        load(tmp_path, text, **env)
    return str(caught.value).replace(f"{tmp_path}/", "").splitlines()


BASIC = """
    x-claw:
      pod: research
    name: research-project
    services:
      api:
        image: demo-api:latest
        expose: ["8080"]
        environment:
          - LOG_LEVEL=debug
          - INHERITED
      bot:
        build:
          context: ./agents/bot
        command: ["run", "--fast"]
        depends_on: [api]
        x-claw:
          agent: ./agents/bot/AGENTS.md
          count: 2
          cllama: passthrough
          cllama-env:
            OPENROUTER_API_KEY: "${OPENROUTER_API_KEY}"
          surfaces:
            - service://api
            - volume://notes read-only
          skills: [./skills/a.md, ./skills/b.md]
        environment:
          DISCORD_BOT_TOKEN: "${DISCORD_BOT_TOKEN}"
    volumes:
      notes: {}
    x-extra:
      keep: me
    """


def test_compose_passes_through_in_order(tmp_path: Path) -> None:
    pod = load(tmp_path, BASIC)
    assert pod.name == "research"
    assert list(pod.compose) == ["name", "services", "volumes", "x-extra"]
    assert pod.compose["x-extra"] == {"keep": "me"}
    assert list(pod.services) == ["api", "bot"]
    bot = pod.services["bot"]
    assert list(bot.compose) == ["build", "command", "depends_on", "environment"]
    assert bot.compose["environment"] == {"DISCORD_BOT_TOKEN": "${DISCORD_BOT_TOKEN}"}
    assert pod.services["api"].compose["environment"] == ["LOG_LEVEL=debug", "INHERITED"]
    assert pod.compose["services"]["bot"] is bot.compose
    assert not pod.services["api"].is_claw
    assert [s.name for s in pod.claws] == ["bot"]
    assert pod.file == (tmp_path / "claw-pod.yml").resolve()


def test_service_claw_fields(tmp_path: Path) -> None:
    claw = load(tmp_path, BASIC).services["bot"].claw
    assert claw is not None
    assert claw.agent == "./agents/bot/AGENTS.md"
    assert claw.count == 2
    assert claw.cllama == ["passthrough"]
    assert claw.cllama_env == {"OPENROUTER_API_KEY": "${OPENROUTER_API_KEY}"}
    assert [(e.surface.scheme, e.surface.target, e.surface.access_mode) for e in claw.surfaces] == [
        ("service", "api", None),
        ("volume", "notes", "read-only"),
    ]
    assert claw.skills == ["./skills/a.md", "./skills/b.md"]
    assert (claw.handles, claw.invoke, claw.include) == ({}, [], [])


def test_pod_name_defaults_to_the_directory(tmp_path: Path) -> None:
    pod = load(tmp_path, "services:\n  a:\n    image: x\n    x-claw: {}\n")
    assert pod.name == tmp_path.name
    assert pod.services["a"].is_claw


def test_null_x_claw_is_a_plain_service(tmp_path: Path) -> None:
    pod = load(tmp_path, "services:\n  a:\n    image: x\n    x-claw:\n")
    assert not pod.services["a"].is_claw


def test_yaml_1_2_scalars_in_compose_and_x_claw(tmp_path: Path) -> None:
    pod = load(
        tmp_path,
        """
        services:
          bot:
            image: x
            environment:
              FEATURE: yes
              WHEN: 2024-01-01
              DURATION: 1:30
            x-claw:
              handles:
                discord: 0700
        """,
    )
    assert pod.services["bot"].compose["environment"] == {
        "FEATURE": "yes",
        "WHEN": "2024-01-01",
        "DURATION": "1:30",
    }
    claw = pod.services["bot"].claw
    assert claw is not None
    assert claw.handles["discord"].id == "0700"


def test_handles_forms(tmp_path: Path) -> None:
    claw = (
        load(
            tmp_path,
            """
        services:
          bot:
            image: x
            x-claw:
              handles:
                Discord:
                  id: 123456789012345678
                  username: tiverton
                  guilds:
                    - id: "111"
                      name: Trading
                      channels:
                        - id: "222"
                          name: floor
                        - 333
                slack: U123
                telegram: 42
        """,
        )
        .services["bot"]
        .claw
    )
    assert claw is not None
    assert list(claw.handles) == ["discord", "slack", "telegram"]
    discord = claw.handles["discord"]
    assert (discord.id, discord.username) == ("123456789012345678", "tiverton")
    assert [(g.id, g.name) for g in discord.guilds] == [("111", "Trading")]
    assert [(c.id, c.name) for c in discord.guilds[0].channels] == [("222", "floor"), ("333", None)]
    assert (claw.handles["slack"].id, claw.handles["telegram"].id) == ("U123", "42")


def test_handles_defaults_merge_into_declared_platforms_only(tmp_path: Path) -> None:
    pod = load(
        tmp_path,
        """
        x-claw:
          handles-defaults:
            discord:
              username: default-name
              guilds:
                - id: "111"
                  channels: ["222"]
        services:
          a:
            image: x
            x-claw:
              handles:
                discord: "900"
          b:
            image: x
            x-claw:
              handles:
                discord:
                  id: "901"
                  username: bee
                  guilds: [{id: "555"}]
          c:
            image: x
            x-claw: {}
        """,
    )
    a, b, c = (pod.services[n].claw for n in "abc")
    assert a is not None
    assert b is not None
    assert c is not None
    assert (a.handles["discord"].id, a.handles["discord"].username) == ("900", "default-name")
    assert [g.id for g in a.handles["discord"].guilds] == ["111"]
    assert [ch.id for ch in a.handles["discord"].guilds[0].channels] == ["222"]
    assert (b.handles["discord"].username, [g.id for g in b.handles["discord"].guilds]) == (
        "bee",
        ["555"],
    )
    assert c.handles == {}


def test_channel_surface_map_form(tmp_path: Path) -> None:
    claw = (
        load(
            tmp_path,
            """
        services:
          api:
            image: x
            environment:
              DISCORD_BOT_TOKEN: MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx.secret
          bot:
            image: x
            x-claw:
              surfaces:
                - service://api
                - channel://discord:
                    allow_from_handles: true
                    allow_from_services: [api]
                    guilds:
                      "1465489501551067136":
                        policy: allowlist
                        require_mention: true
                        users: ["1", "2"]
                    dm:
                      enabled: true
                      policy: allowlist
                      allow_from: ["3"]
        """,
        )
        .services["bot"]
        .claw
    )
    assert claw is not None
    service, channel = claw.surfaces
    assert (service.surface.scheme, service.routing) == ("service", None)
    routing = channel.routing
    assert routing is not None
    assert routing.allow_from_handles is True
    assert routing.allow_from_services == ["api"]
    guild = routing.guilds["1465489501551067136"]
    assert (guild.policy, guild.require_mention, guild.users) == ("allowlist", True, ["1", "2"])
    assert routing.dm is not None
    assert (routing.dm.enabled, routing.dm.policy, routing.dm.allow_from) == (
        True,
        "allowlist",
        ["3"],
    )


def test_invoke_and_include(tmp_path: Path) -> None:
    claw = (
        load(
            tmp_path,
            """
        services:
          bot:
            image: x
            x-claw:
              invoke:
                - schedule: "0  9 * * 1-5"
                  message: Morning briefing
                  name: briefing
                  to: discord:trading-floor
                - schedule: "*/30 * * * *"
                  message: Heartbeat
              include:
                - id: risk_limits
                  file: ./policy/risk.md
                  mode: enforce
                - id: notes
                  file: ./notes.md
                  mode: reference
                  description: Background
        """,
        )
        .services["bot"]
        .claw
    )
    assert claw is not None
    assert [(i.schedule, i.message, i.name, i.to) for i in claw.invoke] == [
        ("0 9 * * 1-5", "Morning briefing", "briefing", "discord:trading-floor"),
        ("*/30 * * * *", "Heartbeat", None, None),
    ]
    assert [(i.id, i.mode, i.description) for i in claw.include] == [
        ("risk_limits", "enforce", None),
        ("notes", "reference", "Background"),
    ]


def test_placeholders_from_dotenv_and_environment(tmp_path: Path) -> None:
    pod = load(
        tmp_path,
        """
        services:
          bot:
            image: x
            x-claw:
              agent: ./${AGENT_FILE}
              cllama: passthrough
              cllama-env:
                OPENROUTER_API_KEY: ${OPENROUTER_API_KEY}
              handles:
                discord:
                  id: ${BOT_ID}
                  guilds: [{id: "${GUILD_ID}"}]
              skills: ["${MISSING_SKILL}"]
        """,
        dotenv="""
            # comment
            export BOT_ID=111
            GUILD_ID="222"  # with a comment
            AGENT_FILE='from-dotenv.md'
            OPENROUTER_API_KEY=sk-secret
            broken line
        """,
        AGENT_FILE="AGENTS.md",
    )
    claw = pod.services["bot"].claw
    assert claw is not None
    assert claw.agent == "./AGENTS.md"  # the process environment wins over .env
    assert claw.handles["discord"].id == "111"
    assert claw.handles["discord"].guilds[0].id == "222"
    assert claw.cllama_env == {"OPENROUTER_API_KEY": "${OPENROUTER_API_KEY}"}  # left for compose
    assert claw.skills == ["${MISSING_SKILL}"]
    assert [str(w) for w in pod.warnings] == [
        "PodProblem(yaml_path='', line=0, detail='.env line 6 ignored: expected KEY=value')",
        "PodProblem(yaml_path='services.bot.x-claw.skills[0]', line=13, "
        "detail='${MISSING_SKILL} is not set (in .env or the environment); left as written')",
    ]


def test_every_problem_at_once(tmp_path: Path) -> None:
    text = """
        services:
          api:
            image: x
          bot:
            image: x
            container_name: bot
            x-claw:
              agnet: ./AGENTS.md
              count: 2
              surfaces:
                - volume://cache read-only-ish
                - service://nope
                - webhook://hooks
                - host://relative/dir
              handles:
                discord:
                  username: no-id
              invoke:
                - schedule: 99 * * * *
                  message: hi
              include:
                - id: a
                  file: a.md
                  mode: always
        """
    assert errors(tmp_path, text) == [
        'claw-pod.yml:8: services.bot.x-claw.agnet: unknown key "agnet" (valid keys: agent, '
        "persona, cllama, cllama-env, count, handles, surfaces, skills, invoke, include)",
        "claw-pod.yml:11: services.bot.x-claw.surfaces[0]: surface volume access mode "
        '"read-only-ish" is invalid (expected read-only or read-write)',
        "claw-pod.yml:12: services.bot.x-claw.surfaces[1]: service surface targets unknown "
        'service "nope" (services: api, bot)',
        'claw-pod.yml:13: services.bot.x-claw.surfaces[2]: unsupported surface scheme "webhook" '
        "(valid: channel, egress, host, service, volume)",
        'claw-pod.yml:14: services.bot.x-claw.surfaces[3]: host surface "host://relative/dir" '
        "must name an absolute host path",
        'claw-pod.yml:16: services.bot.x-claw.handles.discord.id: missing required key "id"',
        'claw-pod.yml:19: services.bot.x-claw.invoke[0].schedule: invalid minute field "99": '
        "value 99 out of bounds 0-59",
        "claw-pod.yml:24: services.bot.x-claw.include[0].mode: must be one of enforce, guide or "
        "reference",
    ]


def test_reference_problems_after_the_models_validate(tmp_path: Path) -> None:
    text = """
        services:
          api:
            image: x
          bot:
            image: x
            container_name: bot
            x-claw:
              count: 2
              surfaces:
                - service://nope
                - webhook://hooks
                - host://relative/dir
                - channel://discord:
                    allow_from_services: [ghost]
        """
    assert errors(tmp_path, text) == [
        "claw-pod.yml:8: services.bot.x-claw.count: count > 1 cannot be combined with "
        "container_name (replicas need distinct names)",
        "claw-pod.yml:10: services.bot.x-claw.surfaces[0]: service surface targets unknown "
        'service "nope" (services: api, bot)',
        'claw-pod.yml:11: services.bot.x-claw.surfaces[1]: unsupported surface scheme "webhook" '
        "(valid: channel, egress, host, service, volume)",
        'claw-pod.yml:12: services.bot.x-claw.surfaces[2]: host surface "host://relative/dir" '
        "must name an absolute host path",
        "claw-pod.yml:13: services.bot.x-claw.surfaces[3]: allow_from_services names unknown "
        'service "ghost" (services: api, bot)',
    ]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("count: 0", "services.bot.x-claw.count: must be at least 1, got 0"),
        ('count: "2"', 'services.bot.x-claw.count: must be a whole number, got "2"'),
        ("skills: foo", 'services.bot.x-claw.skills: must be a list, got "foo"'),
        ("cllama: ['']", "services.bot.x-claw.cllama: proxy types must not be empty"),
        (
            "handles: {discord: [1]}",
            "services.bot.x-claw.handles.discord: must be a mapping, got a list",
        ),
        (
            "handles: {discord: true}",
            "services.bot.x-claw.handles.discord: must be a mapping, got true (a boolean)",
        ),
        ("handles: {discord: ''}", "services.bot.x-claw.handles.discord.id: must not be empty"),
        (
            "surfaces: [{volume://x: {}}]",
            "services.bot.x-claw.surfaces[0]: only channel:// surfaces take routing (a map); "
            'write "volume://x" as a string',
        ),
        (
            "surfaces: [{channel://discord: {guilds: {'1': {require_mention: yes}}}}]",
            'services.bot.x-claw.surfaces[0]["channel://discord"].guilds.1.require_mention: '
            "must be true or "
            'false, got "yes"',
        ),
        (
            "surfaces: [42]",
            "services.bot.x-claw.surfaces[0]: a surface is a string like "
            "volume://cache read-only, or a channel:// map",
        ),
        (
            "invoke: [{schedule: '* * * * *'}]",
            'services.bot.x-claw.invoke[0].message: missing required key "message"',
        ),
        (
            "include: [{id: a, file: a.md, mode: guide}, {id: a, file: b.md, mode: guide}]",
            'services.bot.x-claw.include: duplicate include id "a"',
        ),
    ],
)
def test_single_problems(tmp_path: Path, block: str, message: str) -> None:
    text = f"services:\n  bot:\n    image: x\n    x-claw:\n      {block}\n"
    (line,) = errors(tmp_path, text)
    assert line == f"claw-pod.yml:5: {message}"


def test_document_shape_problems(tmp_path: Path) -> None:
    assert errors(tmp_path, "- a\n- b\n") == [
        "claw-pod.yml:1: a pod file is a mapping with a services: key"
    ]
    assert errors(tmp_path, "name: x\n") == [
        "claw-pod.yml:1: services: a pod needs services: a mapping of service name to service"
    ]
    assert errors(tmp_path, "x-claw:\n  pods: x\nservices:\n  a: 3\n") == [
        'claw-pod.yml:2: x-claw.pods: unknown key "pods" '
        "(valid keys: pod, handles-defaults, master, cllama-image)",
        "claw-pod.yml:4: services.a: a service is a mapping of compose keys",
    ]


def test_a_partial_load_keeps_what_loaded_and_lists_the_rest(tmp_path: Path) -> None:
    text = """
        services:
          web: 5
          "bad name":
            image: x
          api:
            image: x
            environment: 7
          bot:
            image: x
            x-claw: {agent: ./AGENTS.md, count: two}
          block:
            image: x
            x-claw: [agent]
          peer:
            image: x
            x-claw:
              surfaces:
                - service://web
                - channel://discord:
                    allow_from_services: ["bad name"]
          linked:
            image: x
            x-claw: {surfaces: [service://block, service://bot]}
          needy:
            image: x
            x-claw: {surfaces: [service://api]}
          fine:
            image: x
            x-claw: {agent: ./AGENTS.md}
        """
    expected = [
        "claw-pod.yml:2: services.web: a service is a mapping of compose keys",
        'claw-pod.yml:3: services["bad name"]: service name is not valid: "bad name"; a service '
        'name starts with a letter or a digit and holds only letters, digits, "_", "." and "-"',
        "claw-pod.yml:7: services.api.environment: must be a mapping of NAME: value, or a list "
        'of "NAME=value" strings, got 7 (a number)',
        'claw-pod.yml:10: services.bot.x-claw.count: must be a whole number, got "two"',
        "claw-pod.yml:13: services.block.x-claw: x-claw is a mapping (agent, surfaces, handles, "
        "...)",
    ]
    assert errors(tmp_path, text) == expected
    pod = load_pod(tmp_path, environ={}, partial=True)
    assert str(PodError(pod.display, pod.problems)).replace(f"{tmp_path}/", "").splitlines() == (
        expected
    )
    # Services that are no mapping or badly named are left out; the others are kept, and only
    # the claws without a problem of their own, or in the compose keys of a service they name,
    # stay claws (a claw reads the ports of its service:// targets, not their x-claw).
    assert list(pod.services) == ["api", "bot", "block", "peer", "linked", "needy", "fine"]
    assert [service.name for service in pod.claws] == ["linked", "fine"]
    assert pod.services["bot"].compose == {"image": "x"}
    assert load(tmp_path, "services:\n  a:\n    image: x\n").problems == ()


def test_missing_pod_file(tmp_path: Path) -> None:
    with pytest.raises(PodError) as caught:
        load_pod(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'claw-pod.yml'}: no such pod file"


def test_compose_keys_claw_uses_must_have_compose_shapes(tmp_path: Path) -> None:
    text = """
        services:
          a:
            image: 5
            build: {context: [.], dockerfile: 3}
            environment: {A: [1], B: 2, C: null, D: yes}
            labels: [1]
            env_file: [{required: false}, ./a.env]
            expose: [8080, "9090", 1.5, true]
            ports: [80, "81:81", {target: 82}, {published: 83}, null]
            volumes: {a: b}
            networks: [{a: b}]
            tmpfs: 3
          b:
            build: 3
            environment: [A=1, 2]
            labels: "x=y"
            env_file: 3
            networks: {n: 3, m: null, o: {}}
            tmpfs: ["/run", 1]
            ports: 80
        volumes: {v: 3, w: null, x: {}}
        networks: [n]
        """
    assert errors(tmp_path, text) == [
        "claw-pod.yml:3: services.a.image: must be a string (an image such as busybox:latest), "
        "got 5 (a number)",
        "claw-pod.yml:4: services.a.build.context: must be a string (a path), got a list",
        "claw-pod.yml:4: services.a.build.dockerfile: must be a string (a path), got 3 (a number)",
        "claw-pod.yml:5: services.a.environment.A: must be a string, number, boolean or null, "
        "got a list",
        'claw-pod.yml:6: services.a.labels[0]: must be a "label=value" string, got 1 (a number)',
        "claw-pod.yml:7: services.a.env_file[0]: must be a file path (a string, or a mapping "
        "with path:), got a mapping",
        'claw-pod.yml:8: services.a.expose[2]: must be a port (a string such as "8080" or '
        '"8000-8010/udp", or a whole number), got 1.5 (a number)',
        'claw-pod.yml:8: services.a.expose[3]: must be a port (a string such as "8080" or '
        '"8000-8010/udp", or a whole number), got true (a boolean)',
        'claw-pod.yml:9: services.a.ports[3]: must be a port (a whole number, a "HOST:CONTAINER" '
        "string, or a mapping with target:), got a mapping",
        'claw-pod.yml:9: services.a.ports[4]: must be a port (a whole number, a "HOST:CONTAINER" '
        "string, or a mapping with target:), got nothing (null)",
        'claw-pod.yml:10: services.a.volumes: must be a list of mounts ("SOURCE:TARGET[:MODE]" '
        'strings or mappings, e.g. ["./data:/data:ro"]), got a mapping',
        "claw-pod.yml:11: services.a.networks[0]: must be a network name (a string), got a mapping",
        "claw-pod.yml:12: services.a.tmpfs: must be a path, or a list of paths (strings, e.g. "
        '["/run"]), got 3 (a number)',
        "claw-pod.yml:14: services.b.build: must be a path (the build context), or a mapping "
        "with context: and dockerfile:, got 3 (a number)",
        'claw-pod.yml:15: services.b.environment[1]: must be a "NAME=value" string, '
        "got 2 (a number)",
        "claw-pod.yml:16: services.b.labels: must be a mapping of label: value, or a list of "
        '"label=value" strings, got "x=y"',
        "claw-pod.yml:17: services.b.env_file: must be a file path, or a list of file paths "
        '(strings, or mappings with path:; e.g. [".env"]), got 3 (a number)',
        "claw-pod.yml:18: services.b.networks.n: must be a mapping of options (or nothing), "
        "got 3 (a number)",
        "claw-pod.yml:19: services.b.tmpfs[1]: must be a path (a string), got 1 (a number)",
        'claw-pod.yml:20: services.b.ports: must be a list of ports (numbers, "HOST:CONTAINER" '
        'strings, or mappings with target:; e.g. ["8080:80"]), got 80 (a number)',
        "claw-pod.yml:21: volumes.v: must be a mapping of options (or nothing), got 3 (a number)",
        "claw-pod.yml:22: networks: must be a mapping of network name to its options (e.g. "
        '"backend: {}"), got a list',
    ]
