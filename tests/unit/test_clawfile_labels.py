"""Image labels → ClawImageInfo, including labels upstream's builds left behind."""

from __future__ import annotations

from clawlib.clawfile import ClawImageInfo, CronSchedule, Invocation, Surface


def test_full_mapping_and_index_order() -> None:
    info = ClawImageInfo.from_labels(
        {
            "claw.type": "openclaw",
            "claw.agent.file": "AGENTS.md",
            "claw.model.primary": "openrouter/anthropic/claude-sonnet-4",
            "claw.surface.1": "service://fleet-master",
            "claw.surface.0": "channel://discord",
            "claw.privilege.worker": "root",
            "claw.privilege.runtime": "claw-user",
            "claw.configure.0": "openclaw config set agents.defaults.heartbeat.every 30m",
            "claw.configure.1": "openclaw config set agents.defaults.heartbeat.target none",
            "claw.skill.0": "./skills/custom-workflow.md",
            "claw.skill.1": "./skills/team-conventions.md",
            "claw.track.1": "pip",
            "claw.track.0": "apt",
            "maintainer": "someone",
        }
    )
    assert info == ClawImageInfo(
        claw_type="openclaw",
        agent="AGENTS.md",
        models={"primary": "openrouter/anthropic/claude-sonnet-4"},
        surfaces=(Surface.parse("channel://discord"), Surface.parse("service://fleet-master")),
        privileges={"runtime": "claw-user", "worker": "root"},
        configures=(
            "openclaw config set agents.defaults.heartbeat.every 30m",
            "openclaw config set agents.defaults.heartbeat.target none",
        ),
        skills=("./skills/custom-workflow.md", "./skills/team-conventions.md"),
        tracks=("apt", "pip"),
    )
    assert info.is_claw
    assert info.problems == ()


def test_numeric_index_order_and_non_numeric_last() -> None:
    info = ClawImageInfo.from_labels(
        {"claw.skill.10": "ten", "claw.skill.x": "x", "claw.skill.2": "two", "claw.skill.02": "02"}
    )
    assert info.skills == ("02", "two", "ten", "x")


def test_an_index_beyond_64_bits_sorts_last_and_names_no_proxy() -> None:
    huge = "9" * 5000  # beyond what Python converts to an int
    info = ClawImageInfo.from_labels(
        {
            f"claw.skill.{huge}": "huge",
            "claw.skill.9223372036854775808": "beyond",
            "claw.skill.1": "one",
            f"claw.cllama.{huge}": "ignored",
            "claw.cllama.0": "passthrough",
        }
    )
    assert info.skills == ("one", "beyond", "huge")
    assert info.cllama == ("passthrough",)


def test_skill_emit_is_not_a_skill() -> None:
    info = ClawImageInfo.from_labels(
        {"claw.skill.emit": "/app/SKILL.md", "claw.skill.0": "./skills/custom-workflow.md"}
    )
    assert (info.skill_emit, info.skills) == ("/app/SKILL.md", ("./skills/custom-workflow.md",))


def test_handles_sorted_and_only_true_or_one() -> None:
    info = ClawImageInfo.from_labels(
        {
            "claw.handle.slack": "true",
            "claw.handle.discord": "1",
            "claw.handle.telegram": "yes",
            "claw.handle.matrix": "TRUE",
            "claw.handle.irc": "false",
            "claw.handle.zulip": "true",
        }
    )
    assert info.handles == ("discord", "slack", "zulip")


def test_no_claw_labels() -> None:
    info = ClawImageInfo.from_labels({"org.opencontainers.image.title": "x"})
    assert (info.claw_type, info.is_claw, info.handles, info.skills) == (None, False, (), ())
    assert ClawImageInfo.from_labels(None) == info


def test_invocations_in_every_form_a_build_leaves() -> None:
    info = ClawImageInfo.from_labels(
        {
            "claw.invoke.0": "15 8 * * 1-5\tPre-market synthesis",  # TAB: ours, upstream's intent
            "claw.invoke.1": "*/5 * * * *\\tNews poll",  # what upstream's builds store
            "claw.invoke.2": "0 9 * * *   Morning  briefing",  # no separator at all
            "claw.invoke.3": "0 9 * * *\tsay\\thi\tthere",  # first TAB separates
        }
    )
    assert info.invocations == (
        Invocation(CronSchedule("15", "8", "*", "*", "1-5"), "Pre-market synthesis"),
        Invocation(CronSchedule("*/5", "*", "*", "*", "*"), "News poll"),
        Invocation(CronSchedule("0", "9", "*", "*", "*"), "Morning  briefing"),
        Invocation(CronSchedule("0", "9", "*", "*", "*"), "say\\thi\tthere"),
    )


def test_unreadable_labels_are_left_out_and_reported() -> None:
    info = ClawImageInfo.from_labels(
        {
            "claw.type": "openclaw",
            "claw.invoke.0": "heartbeat",
            "claw.invoke.1": "99 * * * *\tx",
            "claw.surface.0": "nonsense",
        }
    )
    assert (info.invocations, info.surfaces) == ((), ())
    assert info.problems == (
        "surface label 'nonsense' left out: SURFACE URI \"nonsense\" is missing scheme "
        "(expected <scheme>://<target>, e.g. volume://cache, service://api, channel://discord)",
        "invoke label 'heartbeat' left out: \"heartbeat\" is not <5 cron fields><TAB><command>",
        "invoke label '99 * * * *\\tx' left out: invalid minute field \"99\": "
        "value 99 out of bounds 0-59",
    )


def test_cllama_by_index_and_legacy_default() -> None:
    ordered = ClawImageInfo.from_labels({"claw.cllama.1": "policy", "claw.cllama.0": "passthrough"})
    assert ordered.cllama == ("passthrough", "policy")
    legacy = ClawImageInfo.from_labels({"claw.cllama.default": "passthrough"})
    assert legacy.cllama == ("passthrough",)
    both = ClawImageInfo.from_labels({"claw.cllama.default": "old", "claw.cllama.0": "new"})
    assert both.cllama == ("new",)


def test_to_json() -> None:
    info = ClawImageInfo.from_labels(
        {
            "claw.type": "openclaw",
            "claw.surface.0": "volume://cache read-only",
            "claw.invoke.0": "0 9 * * *\tbrief",
        }
    )
    assert info.to_json() == {
        "type": "openclaw",
        "agent": None,
        "persona": None,
        "models": {},
        "cllama": [],
        "handles": [],
        "surfaces": [
            {
                "raw": "volume://cache read-only",
                "scheme": "volume",
                "target": "cache",
                "access_mode": "read-only",
            }
        ],
        "skills": [],
        "skill_emit": None,
        "invocations": [{"schedule": "0 9 * * *", "command": "brief"}],
        "configures": [],
        "privileges": {},
        "tracks": [],
        "problems": [],
    }
