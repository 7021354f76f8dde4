"""Every Clawfile directive: what it stores, and each error with its exact message."""

from __future__ import annotations

import pytest

from clawlib.clawfile import DIRECTIVES, Clawfile, CronSchedule, Invocation, Surface
from clawlib.clawfile._parser import _HANDLERS
from clawlib.errors import ClawfileError
from tests.samples import UPSTREAM_REFERENCE


def parse(*lines: str) -> Clawfile:
    return Clawfile.parse("\n".join(lines) + "\n")


def typed(*lines: str) -> Clawfile:
    """Parse ``lines`` after a FROM and a CLAW_TYPE."""
    return parse("FROM claw-base/busybox:latest", "CLAW_TYPE openclaw", *lines)


def error(*lines: str) -> str:
    with pytest.raises(ClawfileError) as caught:
        parse(*lines)
    return str(caught.value)


def typed_error(*lines: str) -> str:
    return error("FROM claw-base/busybox:latest", "CLAW_TYPE openclaw", *lines)


def test_directive_table_matches_handlers() -> None:
    assert tuple(sorted(_HANDLERS)) == DIRECTIVES


# CLAW_TYPE ---------------------------------------------------------------------------------


def test_claw_type_is_stored_as_written() -> None:
    assert parse("CLAW_TYPE OpenClaw").claw_type == "OpenClaw"


def test_keywords_are_case_insensitive() -> None:
    clawfile = parse("claw_type openclaw", "Agent AGENTS.md", "mOdEl primary a/b")
    assert (clawfile.claw_type, clawfile.agent, dict(clawfile.models)) == (
        "openclaw",
        "AGENTS.md",
        {"primary": "a/b"},
    )


def test_claw_type_without_argument() -> None:
    assert error("CLAW_TYPE") == (
        "Clawfile:1: CLAW_TYPE requires an argument: the claw type, e.g. CLAW_TYPE openclaw"
    )


def test_claw_type_with_two_words() -> None:
    assert error("CLAW_TYPE openclaw extra") == (
        'Clawfile:1: CLAW_TYPE takes exactly one value, got 2: "openclaw extra"'
    )


def test_claw_type_twice() -> None:
    assert error("CLAW_TYPE openclaw", "CLAW_TYPE nanobot") == (
        "Clawfile:2: duplicate CLAW_TYPE directive (first on line 1)"
    )


def test_claw_type_missing() -> None:
    assert error("FROM alpine", "AGENT AGENTS.md") == (
        "Clawfile: missing required CLAW_TYPE directive (e.g. CLAW_TYPE openclaw)"
    )


def test_error_names_the_given_path() -> None:
    with pytest.raises(ClawfileError) as caught:
        Clawfile.parse("FROM alpine\nCLAW_TYPE\n", "agents/a/Clawfile")
    assert str(caught.value).startswith("agents/a/Clawfile:2: CLAW_TYPE requires")
    assert (caught.value.path, caught.value.line) == ("agents/a/Clawfile", 2)


# AGENT, PERSONA ----------------------------------------------------------------------------


def test_agent_and_persona() -> None:
    clawfile = typed("AGENT AGENTS.md", "PERSONA ./personas/analyst")
    assert (clawfile.agent, clawfile.persona) == ("AGENTS.md", "./personas/analyst")


def test_agent_without_filename() -> None:
    assert typed_error("AGENT") == "Clawfile:3: AGENT requires a filename, e.g. AGENT AGENTS.md"


def test_agent_with_two_words() -> None:
    assert typed_error("AGENT a.md b.md") == (
        'Clawfile:3: AGENT takes exactly one value, got 2: "a.md b.md"'
    )


def test_agent_twice() -> None:
    assert typed_error("AGENT a.md", "AGENT b.md") == (
        "Clawfile:4: duplicate AGENT directive (first on line 3)"
    )


def test_persona_without_value() -> None:
    assert typed_error("PERSONA") == (
        "Clawfile:3: PERSONA requires a value: a local directory (./persona) or an OCI reference"
    )


def test_persona_twice() -> None:
    assert typed_error("PERSONA ./a", "PERSONA ./b") == (
        "Clawfile:4: duplicate PERSONA directive (first on line 3)"
    )


# MODEL -------------------------------------------------------------------------------------


def test_models_keep_the_rest_of_the_line() -> None:
    clawfile = typed(
        "MODEL primary openrouter/anthropic/claude-sonnet-4",
        "MODEL fallback   local/model  with  spaces",
    )
    assert dict(clawfile.models) == {
        "primary": "openrouter/anthropic/claude-sonnet-4",
        "fallback": "local/model  with  spaces",
    }


def test_model_without_reference() -> None:
    assert typed_error("MODEL primary") == (
        "Clawfile:3: MODEL requires <slot> <provider/model>, "
        "e.g. MODEL primary anthropic/claude-sonnet-4"
    )


def test_model_slot_twice() -> None:
    assert typed_error("MODEL primary a/b", "MODEL primary c/d") == (
        'Clawfile:4: duplicate MODEL slot "primary" (first on line 3)'
    )


def test_model_slot_that_would_break_the_label_key() -> None:
    assert typed_error("MODEL pri=mary a/b") == (
        'Clawfile:3: MODEL slot "pri=mary" is invalid '
        "(allowed: letters, digits, '.', '_', '-', starting with a letter or digit)"
    )


# CLLAMA ------------------------------------------------------------------------------------


def test_cllama_keeps_order_and_whole_remainder() -> None:
    assert typed("CLLAMA passthrough", "CLLAMA policy  strict").cllama == (
        "passthrough",
        "policy  strict",
    )


def test_cllama_without_value() -> None:
    assert typed_error("CLLAMA") == (
        "Clawfile:3: CLLAMA requires a value: the proxy type, e.g. CLLAMA passthrough"
    )


# HANDLE ------------------------------------------------------------------------------------


def test_handles_are_lowercased_in_declaration_order() -> None:
    assert typed("HANDLE Slack", "HANDLE discord").handles == ("slack", "discord")


def test_no_handle_means_empty() -> None:
    assert typed().handles == ()


@pytest.mark.parametrize("line", ["HANDLE", "HANDLE discord extra"])
def test_handle_needs_exactly_one_platform(line: str) -> None:
    assert typed_error(line) == (
        "Clawfile:3: HANDLE requires exactly one platform name, e.g. HANDLE discord"
    )


def test_handle_twice_after_lowercasing() -> None:
    assert typed_error("HANDLE discord", "HANDLE Discord") == (
        'Clawfile:4: duplicate HANDLE directive for platform "discord" (first on line 3)'
    )


def test_handle_platform_that_would_break_the_label_key() -> None:
    assert typed_error('HANDLE dis"cord') == (
        'Clawfile:3: HANDLE platform "dis"cord" is invalid '
        "(allowed: letters, digits, '.', '_', '-', starting with a letter or digit)"
    )


# SURFACE -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scheme", "target", "mode"),
    [
        ("channel://discord", "channel", "discord", None),
        ("service://fleet-master", "service", "fleet-master", None),
        ("service://api:8080", "service", "api:8080", None),
        ("host:///srv/data read-only", "host", "/srv/data", "read-only"),
        ("host://rel/dir", "host", "rel/dir", None),
        ("volume://cache read-write", "volume", "cache", "read-write"),
        ("volume://cache READ-ONLY", "volume", "cache", "read-only"),
        ("volume:cache", "volume", "cache", None),
        ("VOLUME://Cache", "volume", "Cache", None),
        ("webhook://hooks.example/path?x=1#frag", "webhook", "hooks.example/path", None),
        ("egress://api.openai.com", "egress", "api.openai.com", None),
        ("host:///srv/a%20b", "host", "/srv/a b", None),
    ],
)
def test_surface_forms(text: str, scheme: str, target: str, mode: str | None) -> None:
    (surface,) = typed(f"SURFACE {text}").surfaces
    assert (surface.scheme, surface.target, surface.access_mode) == (scheme, target, mode)


def test_surface_raw_collapses_spacing_and_keeps_case() -> None:
    (surface,) = typed("SURFACE   volume://Cache    READ-ONLY").surfaces
    assert surface.raw == "volume://Cache READ-ONLY"
    assert Surface.parse(str(surface)) == surface


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("SURFACE", "SURFACE requires a URI, e.g. volume://cache read-write"),
        (
            "SURFACE discord",
            'SURFACE URI "discord" is missing scheme (expected <scheme>://<target>, '
            "e.g. volume://cache, service://api, channel://discord)",
        ),
        ("SURFACE volume://", 'SURFACE URI "volume://" is missing target'),
        (
            "SURFACE volume://cache read-only-ish",
            'SURFACE volume access mode "read-only-ish" is invalid '
            "(expected read-only or read-write)",
        ),
        (
            "SURFACE host:///srv read only",
            'SURFACE host access mode "read only" is invalid (expected read-only or read-write)',
        ),
        (
            "SURFACE channel://discord read-only",
            'SURFACE channel does not support access mode "read-only" '
            "(only host and volume surfaces take read-only or read-write)",
        ),
        (
            "SURFACE webhook://x rw",
            'SURFACE scheme "webhook" does not support access mode "rw" '
            "(only host and volume surfaces take read-only or read-write)",
        ),
        ("SURFACE ://x", 'invalid SURFACE URI "://x": missing protocol scheme'),
        ("SURFACE volume://a%zz", 'invalid SURFACE URI "volume://a%zz": invalid URL escape "%zz"'),
        (
            "SURFACE service://api:80x",
            'invalid SURFACE URI "service://api:80x": invalid port ":80x" after host',
        ),
        ("SURFACE service://[::1", "invalid SURFACE URI \"service://[::1\": missing ']' in host"),
        (
            "SURFACE service://a{b}",
            'invalid SURFACE URI "service://a{b}": invalid character "{" in host name',
        ),
        (
            "SURFACE host:///x#%g1",
            'invalid SURFACE URI "host:///x#%g1": invalid URL escape "%g1"',
        ),
    ],
)
def test_surface_errors(line: str, message: str) -> None:
    assert typed_error(line) == f"Clawfile:3: {message}"


# SKILL -------------------------------------------------------------------------------------


def test_skills_kept_verbatim_in_order() -> None:
    clawfile = typed("SKILL ./skills/custom-workflow.md", "SKILL skills/team-conventions.md")
    assert clawfile.skills == ("./skills/custom-workflow.md", "skills/team-conventions.md")


def test_skill_without_path() -> None:
    assert typed_error("SKILL") == (
        "Clawfile:3: SKILL requires a file path, e.g. SKILL ./skills/runbook.md"
    )


def test_skill_with_two_paths() -> None:
    assert typed_error("SKILL a.md b.md") == (
        'Clawfile:3: SKILL takes exactly one file path, got 2: "a.md b.md"'
    )


# INVOKE ------------------------------------------------------------------------------------


def test_invoke_splits_schedule_and_command_whatever_the_spacing() -> None:
    (invocation,) = typed("INVOKE 0\t9  * *   1-5   Morning  briefing").invocations
    assert invocation == Invocation(CronSchedule("0", "9", "*", "*", "1-5"), "Morning  briefing")
    assert str(invocation.schedule) == "0 9 * * 1-5"


def test_invocations_keep_order() -> None:
    clawfile = typed("INVOKE 15 8 * * 1-5 Pre-market", "INVOKE */30 * * * * Heartbeat")
    assert [(str(i.schedule), i.command) for i in clawfile.invocations] == [
        ("15 8 * * 1-5", "Pre-market"),
        ("*/30 * * * *", "Heartbeat"),
    ]


@pytest.mark.parametrize("line", ["INVOKE", "INVOKE 0 9 * * 1-5"])
def test_invoke_needs_five_fields_and_a_command(line: str) -> None:
    assert typed_error(line) == (
        "Clawfile:3: INVOKE requires 5 cron fields + command, "
        "e.g. INVOKE 0 9 * * 1-5 Morning briefing"
    )


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("99 * * * *", 'invalid minute field "99": value 99 out of bounds 0-59'),
        ("* 24 * * *", 'invalid hour field "24": value 24 out of bounds 0-23'),
        ("* * 0 * *", 'invalid day field "0": value 0 out of bounds 1-31'),
        ("* * * 13 *", 'invalid month field "13": value 13 out of bounds 1-12'),
        ("* * * * 8", 'invalid weekday field "8": value 8 out of bounds 0-7'),
        (
            "* * * * MON",
            'invalid weekday field "MON": invalid value "MON" '
            "(expected *, a number, a-b, or one of those /step)",
        ),
        ("1--2 * * * *", 'invalid minute field "1--2": invalid range syntax'),
        ("-5 * * * *", 'invalid minute field "-5": invalid range start ""'),
        ("1-x * * * *", 'invalid minute field "1-x": invalid range end "x"'),
        ("5-1 * * * *", 'invalid minute field "5-1": range 5-1 out of bounds 0-59'),
        ("0-60 * * * *", 'invalid minute field "0-60": range 0-60 out of bounds 0-59'),
        (
            "*/0 * * * *",
            'invalid minute field "*/0": invalid step "0" (expected a whole number above 0)',
        ),
        (
            "*/a * * * *",
            'invalid minute field "*/a": invalid step "a" (expected a whole number above 0)',
        ),
        ("1/2/3 * * * *", 'invalid minute field "1/2/3": invalid step syntax'),
        ("1,,2 * * * *", 'invalid minute field "1,,2": empty value'),
        (
            "1_0 * * * *",
            'invalid minute field "1_0": invalid value "1_0" '
            "(expected *, a number, a-b, or one of those /step)",
        ),
        (
            "@hourly * * * *",
            'invalid minute field "@hourly": invalid value "@hourly" '
            "(expected *, a number, a-b, or one of those /step)",
        ),
        (
            "9223372036854775808 * * * *",  # beyond Go's strconv.Atoi
            'invalid minute field "9223372036854775808": invalid value "9223372036854775808" '
            "(expected *, a number, a-b, or one of those /step)",
        ),
        (
            f"*/{'9' * 5000} * * * *",  # beyond what Python converts to an int
            f'invalid minute field "*/{"9" * 5000}": invalid step "{"9" * 5000}" '
            "(expected a whole number above 0)",
        ),
    ],
    ids=lambda value: value[:40],
)
def test_invoke_cron_errors(schedule: str, message: str) -> None:
    assert typed_error(f"INVOKE {schedule} do it") == f"Clawfile:3: {message}"


@pytest.mark.parametrize(
    "schedule",
    ["0,30 * * * *", "*/15 9-16 * * 1-5", "+5 0 1 1 0", "0-59/5 * 31 12 7", "1-1 * * * *"],
)
def test_invoke_accepts_valid_schedules(schedule: str) -> None:
    (invocation,) = typed(f"INVOKE {schedule} go").invocations
    assert str(invocation.schedule) == schedule


# PRIVILEGE ---------------------------------------------------------------------------------


def test_privileges() -> None:
    clawfile = typed("PRIVILEGE runtime claw-user", "PRIVILEGE docker-socket true")
    assert dict(clawfile.privileges) == {"runtime": "claw-user", "docker-socket": "true"}


def test_privilege_without_spec() -> None:
    assert typed_error("PRIVILEGE runtime") == (
        "Clawfile:3: PRIVILEGE requires <mode> <user-spec>, e.g. PRIVILEGE runtime node"
    )


def test_privilege_mode_twice() -> None:
    assert typed_error("PRIVILEGE runtime a", "PRIVILEGE runtime b") == (
        'Clawfile:4: duplicate PRIVILEGE mode "runtime" (first on line 3)'
    )


# CONFIGURE, TRACK, ACT ---------------------------------------------------------------------


def test_configure_keeps_inner_spacing() -> None:
    clawfile = typed(
        "CONFIGURE openclaw config set agents.defaults.heartbeat.every 30m",
        'CONFIGURE openclaw config set a.b  {"x": "${TOKEN}"}',
    )
    assert clawfile.configures == (
        "openclaw config set agents.defaults.heartbeat.every 30m",
        'openclaw config set a.b  {"x": "${TOKEN}"}',
    )


def test_configure_without_command() -> None:
    assert typed_error("CONFIGURE") == (
        "Clawfile:3: CONFIGURE requires a command, "
        "e.g. CONFIGURE openclaw config set agents.defaults.heartbeat.every 30m"
    )


def test_track_appends_each_word() -> None:
    assert typed("TRACK apt pip npm", "TRACK cargo").tracks == ("apt", "pip", "npm", "cargo")


def test_track_without_value() -> None:
    assert typed_error("TRACK") == (
        "Clawfile:3: TRACK requires at least one value, e.g. TRACK apt pip npm"
    )


def test_act_is_accepted_and_ignored() -> None:
    clawfile = typed("ACT", "ACT anything at all")
    assert [i.keyword for i in clawfile.instructions] == ["from"]


# Unknown directives, passthrough, several problems -----------------------------------------


def test_unknown_claw_directive() -> None:
    assert typed_error("claw_unknown foo") == (
        "Clawfile:3: unknown Claw directive CLAW_UNKNOWN (known directives: ACT, AGENT, "
        "CLAW_TYPE, CLLAMA, CONFIGURE, HANDLE, INVOKE, MODEL, PERSONA, PRIVILEGE, SKILL, "
        "SURFACE, TRACK)"
    )


def test_docker_instructions_pass_through() -> None:
    clawfile = parse(
        "FROM node:24-bookworm-slim",
        "CLAW_TYPE openclaw",
        "RUN apt-get update",
        "INCLUDE not-a-claw-directive",
        "WORKDIR /workspace",
    )
    assert [i.text for i in clawfile.instructions] == [
        "FROM node:24-bookworm-slim",
        "RUN apt-get update",
        "INCLUDE not-a-claw-directive",
        "WORKDIR /workspace",
    ]


def test_every_problem_is_reported_in_line_order() -> None:
    assert error("FROM x", "HANDLE", "CLAW_FOO", "INVOKE 99 * * * * x") == "\n".join(
        [
            "Clawfile:2: HANDLE requires exactly one platform name, e.g. HANDLE discord",
            "Clawfile:3: unknown Claw directive CLAW_FOO (known directives: ACT, AGENT, "
            "CLAW_TYPE, CLLAMA, CONFIGURE, HANDLE, INVOKE, MODEL, PERSONA, PRIVILEGE, SKILL, "
            "SURFACE, TRACK)",
            'Clawfile:4: invalid minute field "99": value 99 out of bounds 0-59',
            "Clawfile: missing required CLAW_TYPE directive (e.g. CLAW_TYPE openclaw)",
        ]
    )


def test_upstream_reference_clawfile() -> None:
    clawfile = Clawfile.parse(UPSTREAM_REFERENCE)
    assert [i.keyword for i in clawfile.instructions] == ["from", "run", "run", "workdir"]
    counts = (
        len(clawfile.configures),
        len(clawfile.invocations),
        len(clawfile.tracks),
        len(clawfile.surfaces),
        len(clawfile.privileges),
        len(clawfile.skills),
    )
    assert counts == (2, 1, 3, 2, 2, 2)
    assert clawfile.directive_lines["CLAW_TYPE"] == 3
