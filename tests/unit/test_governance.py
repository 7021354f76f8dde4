"""Governance wiring in the plan: one proxy per pod, tokens kept across plans, the proxy's
context, each governed claw's CLLAMA_TOKEN and provider config, secrets masked and private."""

from __future__ import annotations

import json
import re
import stat
import textwrap
from pathlib import Path

import pytest

from clawlib.errors import PodError
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod
from clawlib.runtime import (
    agent_ids,
    is_token_for,
    new_token,
    normalise_proxy_type,
    proxy_healthcheck,
    proxy_service_name,
    proxy_type_problem,
    token_in_metadata,
)
from clawtui.cli import main

POD = """
    x-claw:
      pod: gov
    services:
      alpha:
        build: ./agents/alpha
        x-claw:
          agent: ./agents/alpha/AGENTS.md
          cllama: passthrough
          cllama-env:
            OPENROUTER_API_KEY: ${OPENROUTER_API_KEY}
            LOG_LEVEL: info
      beta:
        build: ./agents/beta
        x-claw:
          agent: ./agents/beta/AGENTS.md
          count: 2
          cllama: [" PassThrough "]
          cllama-env:
            OPENROUTER_API_KEY: ${OPENROUTER_API_KEY}
            LOG_LEVEL: debug
      gamma:
        build: ./agents/gamma
        x-claw: {agent: ./agents/gamma/AGENTS.md}
      web:
        image: busybox
    """
CLAWFILE = "FROM claw-base/busybox:latest\nCLAW_TYPE {kind}\nAGENT AGENTS.md\n{extra}"
TOKEN = re.compile(r"[0-9a-f]{48}")


def fixed_tokens(agent: str) -> str:
    return f"{agent}:" + f"{len(agent):02d}" * 24


@pytest.fixture
def pod_dir(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(POD).lstrip())
    models = "MODEL primary openrouter/anthropic/claude-sonnet-4\n"
    for name, kind, extra in (
        ("alpha", "openclaw", models + "MODEL fallback anthropic/claude-haiku-4-5\n"),
        ("beta", "openclaw", "MODEL primary google/gemini-2.5-pro\n"),
        ("gamma", "generic", "CLLAMA passthrough\n"),
    ):
        agent = tmp_path / "agents" / name
        agent.mkdir(parents=True)
        (agent / "Clawfile").write_text(CLAWFILE.format(kind=kind, extra=extra))
        (agent / "AGENTS.md").write_text(f"# {name.title()}\n")
    (tmp_path / ".env").write_text("OPENROUTER_API_KEY=sk-or-secret-value\n")
    return tmp_path


def plan(pod_dir: Path, **kwargs: object) -> Plan:
    environ = kwargs.pop("environ", {})
    assert isinstance(environ, dict)
    return plan_pod(load_pod(pod_dir, environ=environ), lambda ref: None, **kwargs)  # type: ignore[arg-type]


def files(the_plan: Plan) -> dict[str, bytes]:
    return {f.path: f.content for f in the_plan.files}


def test_proxy_naming_and_type_normalisation() -> None:
    assert normalise_proxy_type(" PassThrough ") == "passthrough"
    assert normalise_proxy_type("  ") == "passthrough"
    assert normalise_proxy_type("Policy") == "policy"
    assert proxy_service_name("passthrough") == "cllama"
    assert proxy_service_name("policy") == "cllama-policy"
    assert proxy_healthcheck("passthrough") == ["CMD", "/cllama", "-healthcheck"]
    assert proxy_healthcheck("policy") == ["CMD", "/cllama-policy", "-healthcheck"]
    assert proxy_type_problem("policy.v2") is None
    assert proxy_type_problem("a/b") == (
        'governance proxy type "a/b" is not valid: it names the proxy service (cllama-<type>), '
        'so it holds only letters, digits, "_", "." and "-", starting with a letter or digit'
    )
    assert agent_ids("beta", 1) == ["beta"]
    assert agent_ids("beta", 3) == ["beta-0", "beta-1", "beta-2"]


def test_token_format_and_metadata_reading() -> None:
    token = new_token("beta-1")
    owner, _, secret = token.partition(":")
    assert owner == "beta-1"
    assert TOKEN.fullmatch(secret)
    assert new_token("beta-1") != token
    assert is_token_for("beta-1", token)
    assert not is_token_for("beta-0", token)
    assert not is_token_for("beta-1", "beta-1:ABC")
    assert token_in_metadata(json.dumps({"token": token}).encode(), "beta-1") == token
    assert token_in_metadata(b"{not json", "beta-1") is None
    assert token_in_metadata(b"[1]", "beta-1") is None
    assert token_in_metadata(json.dumps({"token": token}).encode(), "alpha") is None
    assert token_in_metadata(None, "beta-1") is None


def test_governed_pod_gets_one_proxy_service(pod_dir: Path) -> None:
    the_plan = plan(pod_dir, tokens=fixed_tokens)
    services = the_plan.compose.services
    assert list(services) == ["alpha", "beta-0", "beta-1", "gamma", "web", "cllama"]
    assert services["cllama"] == {
        "image": "claw-local/cllama:latest",
        "environment": {
            "CLAW_AUTH_DIR": "/claw/auth",
            "CLAW_CONTEXT_ROOT": "/claw/context",
            "CLAW_POD": "gov",
            "LOG_LEVEL": "info",
            "OPENROUTER_API_KEY": "${OPENROUTER_API_KEY}",
        },
        "volumes": [
            "./.claw-runtime/cllama/context:/claw/context:ro",
            "./.claw-runtime/cllama/auth:/claw/auth:rw",
        ],
        "healthcheck": {
            "test": ["CMD", "/cllama", "-healthcheck"],
            "interval": "15s",
            "timeout": "5s",
            "retries": 3,
        },
        "restart": "on-failure",
        "labels": {
            "claw.pod": "gov",
            "claw.proxy.type": "passthrough",
            "claw.role": "proxy",
            "claw.service": "cllama",
        },
        "networks": ["default", "claw-internal"],
    }
    assert "sk-or-secret-value" not in the_plan.compose.text


def test_pod_level_proxy_image(pod_dir: Path) -> None:
    text = (pod_dir / "claw-pod.yml").read_text()
    (pod_dir / "claw-pod.yml").write_text(
        text.replace("  pod: gov\n", "  pod: gov\n  cllama-image: registry.local/cllama:2\n")
    )
    assert plan(pod_dir).compose.services["cllama"]["image"] == "registry.local/cllama:2"
    (pod_dir / "claw-pod.yml").write_text(
        text.replace("  pod: gov\n", '  pod: gov\n  cllama-image: " "\n')
    )
    with pytest.raises(PodError) as caught:
        load_pod(pod_dir, environ={})
    assert [p.detail for p in caught.value.problems] == ["must not be empty"]


def test_each_replica_gets_its_own_token(pod_dir: Path) -> None:
    services = plan(pod_dir, tokens=fixed_tokens).compose.services
    assert services["alpha"]["environment"]["CLLAMA_TOKEN"] == fixed_tokens("alpha")
    assert services["beta-0"]["environment"]["CLLAMA_TOKEN"] == fixed_tokens("beta-0")
    assert services["beta-1"]["environment"]["CLLAMA_TOKEN"] == fixed_tokens("beta-1")
    assert services["gamma"]["environment"]["CLLAMA_TOKEN"] == fixed_tokens("gamma")
    assert "CLLAMA_TOKEN" not in services["web"].get("environment", {})


def test_random_tokens_have_the_form(pod_dir: Path) -> None:
    the_plan = plan(pod_dir)
    assert sorted(the_plan.tokens) == ["alpha", "beta-0", "beta-1", "gamma"]
    for agent, token in the_plan.tokens.items():
        assert re.fullmatch(rf"{agent}:[0-9a-f]{{48}}", token)


def test_context_files(pod_dir: Path) -> None:
    found = files(plan(pod_dir, tokens=fixed_tokens))
    context = ".claw-runtime/cllama/context"
    assert sorted(p for p in found if p.startswith(".claw-runtime/cllama/")) == [
        ".claw-runtime/cllama/auth/README.md",
        *(
            f"{context}/{a}/{f}"
            for a in ("alpha", "beta-0", "beta-1", "gamma")
            for f in ("AGENTS.md", "CLAWDAPUS.md", "metadata.json")
        ),
    ]
    assert found[f"{context}/beta-1/AGENTS.md"] == b"# Beta\n"
    assert json.loads(found[f"{context}/beta-1/metadata.json"]) == {
        "ordinal": 1,
        "pod": "gov",
        "service": "beta",
        "token": fixed_tokens("beta-1"),
        "type": "openclaw",
    }
    assert found[f"{context}/alpha/metadata.json"].decode() == (
        "{\n"
        '  "pod": "gov",\n'
        '  "service": "alpha",\n'
        f'  "token": "{fixed_tokens("alpha")}",\n'
        '  "type": "openclaw"\n'
        "}\n"
    )
    clawdapus = found[f"{context}/beta-1/CLAWDAPUS.md"].decode()
    assert "- **Service:** beta-1\n" in clawdapus
    assert "- **Mode:** passthrough\n" in clawdapus  # written " PassThrough " in the pod
    assert "- **Endpoint:** `http://cllama:8080/v1`\n" in clawdapus


def test_clawdapus_md_of_a_governed_claw_has_the_proxy_section(pod_dir: Path) -> None:
    found = files(plan(pod_dir, tokens=fixed_tokens))
    text = found[".claw-runtime/gamma/CLAWDAPUS.md"].decode()
    assert (
        "## LLM Proxy\n\n"
        "Your LLM requests are routed through a governance proxy.\n\n"
        "- **Endpoint:** `http://cllama:8080/v1`\n"
        "- **Auth:** Bearer token (pre-configured)\n"
        "- **Mode:** passthrough\n\n"
        "All inference requests pass through this proxy for logging and policy enforcement.\n"
        "You do not need to configure this - model settings are pre-wired.\n"
    ) in text
    assert "## LLM Proxy" in found[".claw-runtime/alpha/AGENTS.effective.md"].decode()


def test_openclaw_providers_point_at_the_proxy(pod_dir: Path) -> None:
    found = files(plan(pod_dir, tokens=fixed_tokens))
    alpha = json.loads(found[".claw-runtime/alpha/config/openclaw.json"])
    assert alpha["models"] == {
        "providers": {
            "anthropic": {
                "api": "anthropic-messages",
                "apiKey": fixed_tokens("alpha"),
                "baseUrl": "http://cllama:8080/v1",
                "models": [
                    {"id": "anthropic/claude-haiku-4-5", "name": "anthropic/claude-haiku-4-5"}
                ],
            },
            "openrouter": {
                "api": "openai-completions",
                "apiKey": fixed_tokens("alpha"),
                "baseUrl": "http://cllama:8080/v1",
                "models": [
                    {
                        "id": "openrouter/anthropic/claude-sonnet-4",
                        "name": "openrouter/anthropic/claude-sonnet-4",
                    }
                ],
            },
        }
    }
    beta = json.loads(found[".claw-runtime/beta/config/openclaw.json"])
    assert beta["models"]["providers"] == {
        "google": {
            "api": "google-generative-ai",
            "apiKey": fixed_tokens("beta-0"),
            "baseUrl": "http://cllama:8080/v1",
            "models": [{"id": "google/gemini-2.5-pro", "name": "google/gemini-2.5-pro"}],
        }
    }


def test_secret_files_are_private(pod_dir: Path) -> None:
    modes = {f.path: f.mode for f in plan(pod_dir, tokens=fixed_tokens).files}
    assert modes[".claw-runtime/cllama/context/alpha/metadata.json"] == 0o600
    assert modes[".claw-runtime/alpha/config/openclaw.json"] == 0o600
    assert modes["compose.generated.yml"] == 0o600
    assert modes[".claw-runtime/cllama/context/alpha/AGENTS.md"] == 0o644
    assert modes[".claw-runtime/cllama/auth/README.md"] == 0o644


def test_tokens_are_kept_across_plans(pod_dir: Path) -> None:
    first = plan(pod_dir)
    first.write()
    meta = pod_dir / ".claw-runtime/cllama/context/alpha/metadata.json"
    assert stat.S_IMODE(meta.stat().st_mode) == 0o600
    assert (pod_dir / ".claw-runtime/cllama/auth").is_dir()
    again = plan(pod_dir)
    assert again.tokens == first.tokens
    assert not again.diff().changed


def test_a_new_replica_gets_a_new_token_and_the_others_keep_theirs(pod_dir: Path) -> None:
    first = plan(pod_dir)
    first.write()
    text = (pod_dir / "claw-pod.yml").read_text()
    (pod_dir / "claw-pod.yml").write_text(text.replace("count: 2", "count: 3"))
    second = plan(pod_dir)
    assert {a: t for a, t in second.tokens.items() if a != "beta-2"} == first.tokens
    assert re.fullmatch(r"beta-2:[0-9a-f]{48}", second.tokens["beta-2"])


def test_a_malformed_kept_token_is_replaced(pod_dir: Path) -> None:
    plan(pod_dir).write()
    meta = pod_dir / ".claw-runtime/cllama/context/alpha/metadata.json"
    meta.write_text('{"token": "alpha:short"}')
    assert plan(pod_dir, tokens=fixed_tokens).tokens["alpha"] == fixed_tokens("alpha")
    meta.unlink()
    (pod_dir / "elsewhere.json").write_text('{"token": "alpha:' + "ab" * 24 + '"}')
    meta.symlink_to(pod_dir / "elsewhere.json")
    assert plan(pod_dir, tokens=fixed_tokens).tokens["alpha"] == fixed_tokens("alpha")


def test_operator_files_in_the_auth_dir_are_never_stale(pod_dir: Path) -> None:
    plan(pod_dir).write()
    providers = pod_dir / ".claw-runtime/cllama/auth/providers.json"
    providers.write_text('{"providers": {}}')
    again = plan(pod_dir)
    assert not again.diff().changed
    again.write()
    assert providers.read_text() == '{"providers": {}}'


def test_env_union_first_wins_and_conflicts_are_warned(pod_dir: Path) -> None:
    the_plan = plan(pod_dir, environ={"OPENROUTER_API_KEY": "x"})
    assert the_plan.compose.services["cllama"]["environment"]["LOG_LEVEL"] == "info"
    assert [(w.yaml_path, w.detail) for w in the_plan.warnings] == [
        (
            "services.beta.x-claw.cllama-env.LOG_LEVEL",
            'LOG_LEVEL differs from the value service "alpha" gives it; the proxy gets '
            '"alpha"\'s (the first in the pod file)',
        )
    ]


def test_unset_proxy_variable_is_warned(pod_dir: Path) -> None:
    (pod_dir / ".env").unlink()
    warnings = [(w.yaml_path, w.detail) for w in plan(pod_dir).warnings]
    unset = (
        "${OPENROUTER_API_KEY} is not set (in .env or the environment): compose will pass the "
        "proxy an empty value"
    )
    assert ("services.alpha.x-claw.cllama-env.OPENROUTER_API_KEY", unset) in warnings
    assert ("services.beta.x-claw.cllama-env.OPENROUTER_API_KEY", unset) in warnings


def test_two_proxy_types_are_refused(pod_dir: Path) -> None:
    text = (pod_dir / "claw-pod.yml").read_text()
    (pod_dir / "claw-pod.yml").write_text(text.replace('[" PassThrough "]', "policy"))
    with pytest.raises(PodError) as caught:
        plan(pod_dir)
    assert [(p.yaml_path, p.detail) for p in caught.value.problems] == [
        (
            "services",
            "a pod runs one governance proxy type, and its claws name 2: passthrough (alpha, "
            "gamma); policy (beta)",
        )
    ]


def test_a_service_named_like_the_proxy_is_refused(pod_dir: Path) -> None:
    text = (pod_dir / "claw-pod.yml").read_text()
    (pod_dir / "claw-pod.yml").write_text(text.replace("  web:\n", "  cllama:\n"))
    with pytest.raises(PodError) as caught:
        plan(pod_dir)
    assert [(p.yaml_path, p.detail) for p in caught.value.problems] == [
        (
            "services.cllama",
            "the governed claws (alpha, beta, gamma) need a governance proxy service named "
            '"cllama", and this service has that name: rename it',
        )
    ]


def test_an_ungoverned_pod_has_no_proxy(pod_dir: Path) -> None:
    (pod_dir / "claw-pod.yml").write_text(
        "services:\n  beta:\n    build: ./agents/beta\n    x-claw:\n"
        "      agent: ./agents/beta/AGENTS.md\n      cllama-env: {A: b}\n"
    )
    the_plan = plan(pod_dir)
    assert list(the_plan.compose.services) == ["beta"]
    assert "CLLAMA_TOKEN" not in the_plan.compose.services["beta"]["environment"]
    assert [(w.yaml_path, w.detail) for w in the_plan.warnings] == [
        (
            "services.beta.x-claw.cllama-env",
            "ignored: the claw is not governed (no x-claw.cllama, no CLLAMA in its image)",
        )
    ]
    config = json.loads(files(the_plan)[".claw-runtime/beta/config/openclaw.json"])
    assert "models" not in config


def test_tokens_are_masked_in_the_diff(pod_dir: Path) -> None:
    the_plan = plan(pod_dir, tokens=fixed_tokens)
    shown = "".join(change.diff for change in the_plan.diff().files)
    assert "CLLAMA_TOKEN: •••• (CLLAMA_TOKEN)" in shown
    assert '"apiKey": "•••• (apiKey)"' in shown
    for token in the_plan.tokens.values():
        assert token.partition(":")[2] not in shown


def test_tokens_are_masked_in_claw_plan_output(
    pod_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    monkeypatch.setattr("clawlib.planner.new_token", fixed_tokens)
    monkeypatch.chdir(pod_dir)
    assert main(["plan"]) == 2
    out = capsys.readouterr().out
    assert "CLLAMA_TOKEN: •••• (CLLAMA_TOKEN)" in out
    assert not re.search(r"[0-9a-f]{48}", out)
    main(["plan", "--json"])
    out = capsys.readouterr().out
    assert '"apiKey\\": \\"•••• (apiKey)\\"' in out
    assert not re.search(r"(?:[0-9]{2}){24}|[0-9a-f]{48}", out)


def test_a_literal_key_in_cllama_env_is_warned(pod_dir: Path) -> None:
    text = (pod_dir / "claw-pod.yml").read_text()
    (pod_dir / "claw-pod.yml").write_text(
        text.replace("LOG_LEVEL: info", "LOG_LEVEL: info\n        ANTHROPIC_API_KEY: sk-ant-1")
    )
    the_plan = plan(pod_dir, environ={"OPENROUTER_API_KEY": "x"})
    assert (
        "services.alpha.x-claw.cllama-env.ANTHROPIC_API_KEY",
        "ANTHROPIC_API_KEY is written as it is into compose.generated.yml (0600): write "
        "${ANTHROPIC_API_KEY} and keep the value in .env, so that no key is written to disk by "
        "claw",
    ) in [(w.yaml_path, w.detail) for w in the_plan.warnings]
    assert "sk-ant-1" not in "".join(change.diff for change in the_plan.diff().files)


def test_a_replan_before_writing_keeps_the_tokens(pod_dir: Path) -> None:
    first = plan(pod_dir)
    second = plan(pod_dir, tokens=first.token_source())
    assert second.tokens == first.tokens
    assert files(second) == files(first)
    assert plan(pod_dir).tokens != first.tokens  # nothing on disk yet: new random tokens


def test_the_plan_says_what_is_governed(
    pod_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = "Governance: 3 claws (4 containers) through cllama (passthrough): alpha, beta, gamma."
    assert plan(pod_dir, tokens=fixed_tokens).governance() == line
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    assert main(["plan", "-f", str(pod_dir)]) == 2
    out = capsys.readouterr().out
    assert f"\n{line}\n" in out
    assert main(["plan", "--json", "-f", str(pod_dir)]) == 2
    assert json.loads(capsys.readouterr().out)["governed"] == ["alpha", "beta", "gamma"]
    ungoverned = pod_dir / "claw-pod.yml"
    ungoverned.write_text(
        "x-claw: {pod: gov}\nservices:\n  gamma:\n    build: ./agents/alpha\n"
        "    x-claw: {agent: ./agents/alpha/AGENTS.md}\n"
    )
    assert plan(pod_dir).governance() is None


def test_apply_refuses_a_proxy_whose_key_variable_is_unset(pod_dir: Path) -> None:
    """A warning while planning (the keys may be set later), an error before anything is
    built, written or started."""
    from clawlib.lifecycle import apply

    (pod_dir / ".env").write_text("")
    the_plan = plan(pod_dir, tokens=fixed_tokens)
    with pytest.raises(PodError) as raised:
        apply(the_plan, view=None, runner=None)
    detail = (
        "${OPENROUTER_API_KEY} is not set (in .env or the environment): the governance proxy "
        "would start with an empty OPENROUTER_API_KEY; set OPENROUTER_API_KEY, or remove "
        "OPENROUTER_API_KEY from cllama-env"
    )
    assert [(p.yaml_path, p.detail) for p in raised.value.problems] == [
        ("services.alpha.x-claw.cllama-env.OPENROUTER_API_KEY", detail),
        ("services.beta.x-claw.cllama-env.OPENROUTER_API_KEY", detail),
    ]
    assert not (pod_dir / ".claw-runtime").exists()


def test_rotating_tokens_changes_only_the_claws_named(
    pod_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from clawlib.errors import InvalidValueError
    from clawlib.session import PodSession

    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    first = PodSession(pod_dir).plan()
    first.write()
    _, changed = PodSession(pod_dir).rotate_tokens(["beta"])
    assert changed == ("beta-0", "beta-1")
    after = PodSession(pod_dir).plan()
    assert after.tokens["alpha"] == first.tokens["alpha"]
    assert {after.tokens["beta-0"], after.tokens["beta-1"]}.isdisjoint(first.tokens.values())
    assert not after.diff().changed  # kept from now on
    with pytest.raises(InvalidValueError, match=r"not a governed claw of this pod: web"):
        PodSession(pod_dir).rotate_tokens(["web"])
    assert main(["rotate-tokens", "-f", str(pod_dir)]) == 0
    assert capsys.readouterr().out == (
        "New tokens for 4 agents: alpha, beta-0, beta-1, gamma.\n"
        "Run `claw up` to restart them with their new tokens.\n"
    )


QUICKSTART_POD = """\
x-claw:
  pod: quickstart
services:
  assistant:
    image: quickstart-assistant:latest
    build:
      context: ./agents/assistant
    environment:
      DISCORD_BOT_TOKEN: ${DISCORD_BOT_TOKEN}
      DISCORD_BOT_ID: ${DISCORD_BOT_ID}
    x-claw:
      agent: ./agents/assistant/AGENTS.md
      cllama: passthrough
      cllama-env:
        OPENROUTER_API_KEY: ${OPENROUTER_API_KEY}
      handles:
        discord:
          id: ${DISCORD_BOT_ID}
          username: quickstart-bot
          guilds:
            - id: ${DISCORD_GUILD_ID}
              name: My Server
"""


def test_upstreams_quickstart_pod_is_wired_and_starved(tmp_path: Path) -> None:
    """acceptance.md §14.1: the proxy service, the agent's token in its environment and in
    openclaw.json's provider entry, the context directory, no provider key anywhere in the
    agent's environment or files; the same bytes when generated twice."""
    (tmp_path / "claw-pod.yml").write_text(QUICKSTART_POD)
    agent = tmp_path / "agents" / "assistant"
    agent.mkdir(parents=True)
    (agent / "Clawfile").write_text(
        "FROM openclaw:latest\nCLAW_TYPE openclaw\nAGENT AGENTS.md\n"
        "MODEL primary openrouter/anthropic/claude-sonnet-4\nCLLAMA passthrough\nHANDLE discord\n"
    )
    (agent / "AGENTS.md").write_text("# Assistant\n")
    key = "sk-or-v1-quickstart-secret"
    (tmp_path / ".env").write_text(
        f"OPENROUTER_API_KEY={key}\nDISCORD_BOT_TOKEN=MTAw.x.y\nDISCORD_BOT_ID=100\n"
        "DISCORD_GUILD_ID=200\n"
    )
    first = plan(tmp_path, tokens=fixed_tokens)
    token = fixed_tokens("assistant")
    services = first.compose.services
    assert list(services) == ["assistant", "cllama"]
    assert services["assistant"]["environment"]["CLLAMA_TOKEN"] == token
    assert services["cllama"]["environment"]["OPENROUTER_API_KEY"] == "${OPENROUTER_API_KEY}"
    assert services["cllama"]["environment"]["CLAW_POD"] == "quickstart"
    config = json.loads(files(first)[".claw-runtime/assistant/config/openclaw.json"])
    assert config["models"]["providers"] == {
        "openrouter": {
            "api": "openai-completions",
            "apiKey": token,
            "baseUrl": "http://cllama:8080/v1",
            "models": [
                {
                    "id": "openrouter/anthropic/claude-sonnet-4",
                    "name": "openrouter/anthropic/claude-sonnet-4",
                }
            ],
        }
    }
    context = ".claw-runtime/cllama/context/assistant"
    assert {f"{context}/{name}" for name in ("AGENTS.md", "CLAWDAPUS.md", "metadata.json")} <= set(
        files(first)
    )
    assistant = services["assistant"]
    assert not any("API_KEY" in str(name) for name in assistant.get("environment", {}))
    assert all(key.encode() not in content for content in files(first).values())
    second = plan(tmp_path, tokens=fixed_tokens)
    assert files(second) == files(first)
    first.write()
    assert not plan(tmp_path).diff().changed  # the kept token, not a new one
