"""Properties over generated Clawfiles.

- Round trip (the pure part): parse → emit → what Docker would store (tests/dockermodel.py) →
  read labels gives back exactly the parsed metadata, and the Docker instructions come through.
- Fuzzing: whatever the input, the lexer and parser raise nothing but ClawError subclasses.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clawlib.clawfile import Clawfile, ClawImageInfo, emit_dockerfile
from clawlib.clawfile._lexer import lex
from clawlib.drivers import UPSTREAM_CLAW_TYPES
from clawlib.errors import ClawError
from tests.dockermodel import docker_labels

# Characters a value may hold: printable ASCII (quotes, $, backslash, backtick included), TAB,
# and some non-ASCII, but never a newline (a value is one logical line).
_VALUE_CHARS = st.one_of(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    st.sampled_from(["\t", " ", "é", "✓", "中", "\u00a0x"[1]]),
)
_WORD_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


def _no_trailing_escape(text: str) -> bool:
    return not text.rstrip(" \t").endswith(("\\", "`"))


words = st.text(_WORD_CHARS, min_size=1, max_size=12).filter(_no_trailing_escape)
values = (
    st.text(_VALUE_CHARS, min_size=1, max_size=30)
    .map(lambda s: s.strip(" \t"))
    .filter(lambda s: bool(s) and _no_trailing_escape(s) and not s.startswith("#"))
)
keys = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,10}", fullmatch=True)


def _cron_part(low: int, high: int) -> st.SearchStrategy[str]:
    number = st.integers(low, high)
    ranges = st.tuples(number, number).map(lambda ab: f"{min(ab)}-{max(ab)}")
    base = st.one_of(st.just("*"), number.map(str), ranges)
    return st.tuples(base, st.none() | st.integers(1, 30)).map(
        lambda pair: pair[0] if pair[1] is None else f"{pair[0]}/{pair[1]}"
    )


def _cron_field(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(_cron_part(low, high), min_size=1, max_size=3).map(",".join)


schedules = st.tuples(
    _cron_field(0, 59),
    _cron_field(0, 23),
    _cron_field(1, 31),
    _cron_field(1, 12),
    _cron_field(0, 7),
).map(" ".join)
surfaces = st.one_of(
    st.tuples(
        st.sampled_from(["volume", "host"]),
        st.from_regex(r"[a-z][a-z0-9_/-]{0,10}", fullmatch=True),
        st.sampled_from(["", " read-only", " read-write", " READ-WRITE"]),
    ).map(lambda t: f"{t[0]}://{t[1]}{t[2]}"),
    st.tuples(
        st.sampled_from(["service", "channel", "egress", "webhook"]),
        st.from_regex(r"[a-z][a-z0-9.-]{0,10}(:[0-9]{1,4})?", fullmatch=True),
    ).map(lambda t: f"{t[0]}://{t[1]}"),
)


@st.composite
def clawfiles(draw: st.DrawFn) -> str:
    """A valid Clawfile: every directive kind, shuffled among Docker instructions."""
    lines = [f"CLAW_TYPE {draw(st.sampled_from(UPSTREAM_CLAW_TYPES))}"]
    if draw(st.booleans()):
        lines.append(f"AGENT {draw(words)}")
    if draw(st.booleans()):
        lines.append(f"PERSONA {draw(words)}")
    for slot in draw(st.lists(keys, max_size=3, unique=True)):
        lines.append(f"MODEL {slot} {draw(values)}")
    for platform in draw(st.lists(keys, max_size=3, unique=True)):
        lines.append(f"HANDLE {platform}")
    for mode in draw(st.lists(keys, max_size=2, unique=True)):
        lines.append(f"PRIVILEGE {mode} {draw(values)}")
    lines += [f"CLLAMA {v}" for v in draw(st.lists(values, max_size=2))]
    lines += [f"SURFACE {s}" for s in draw(st.lists(surfaces, max_size=3))]
    lines += [f"SKILL {w}" for w in draw(st.lists(words, max_size=2))]
    lines += [f"CONFIGURE {v}" for v in draw(st.lists(values, max_size=3))]
    lines += [
        f"TRACK {' '.join(ws)}"
        for ws in draw(st.lists(st.lists(words, min_size=1, max_size=3), max_size=2))
    ]
    lines += [
        f"INVOKE {s} {v}" for s, v in draw(st.lists(st.tuples(schedules, values), max_size=2))
    ]
    docker = ["FROM claw-base/busybox:latest", "RUN echo one \\\n    two", "WORKDIR /app"]
    docker += [f"ENV K{i}={draw(words)}" for i in range(draw(st.integers(0, 2)))]
    combined = draw(st.permutations(lines + docker[1:]))
    escape = draw(st.sampled_from(["", "# escape=`\n"]))
    body = "\n".join([docker[0], *combined])
    if escape:
        body = body.replace("\\\n", "`\n")
    return escape + body + "\n"


@settings(max_examples=400)
@given(clawfiles())
def test_round_trip_through_docker_labels(text: str) -> None:
    clawfile = Clawfile.parse(text)
    emitted = emit_dockerfile(clawfile)
    assert ClawImageInfo.from_labels(docker_labels(emitted)) == clawfile.info()
    reread = [i.text for i in lex(emitted).instructions if i.keyword != "label"]
    assert reread == [i.text for i in clawfile.instructions]


_KEYWORDS = st.sampled_from(
    [
        "FROM",
        "RUN",
        "COPY",
        "ADD",
        "LABEL",
        "ENV",
        "CLAW_TYPE",
        "claw_type",
        "AGENT",
        "MODEL",
        "CLLAMA",
        "HANDLE",
        "SURFACE",
        "SKILL",
        "INVOKE",
        "PRIVILEGE",
        "CONFIGURE",
        "TRACK",
        "PERSONA",
        "ACT",
        "CLAW_X",
        "# escape=`",
        "# escape=\\",
        "# syntax=x",
        "#",
        "",
        "  ",
    ]
)
_FRAGMENTS = st.sampled_from(
    [
        "<<EOF",
        "<<-'EOF'",
        "EOF",
        "\tEOF",
        "\\",
        "`",
        "\n",
        "\r\n",
        " ",
        "\t",
        "#",
        "*",
        "*/0",
        "1-5",
        "0 9 * * 1-5 ",
        "volume://",
        "channel://d",
        "read-only",
        "%zz",
        "[::1",
        ":80x",
        "$",
        '"',
        "'",
        "\ufeff",
        "\x00",
        "\x1c",
        "\u2028",
        "é",
        "a",
        "primary",
    ]
)
_JUNK = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=6)), max_size=8).map("".join)
_LINES = st.tuples(_KEYWORDS, _JUNK).map(" ".join)


@st.composite
def noisy_clawfiles(draw: st.DrawFn) -> str:
    """Line-shaped noise; half the time with a valid CLAW_TYPE, so parsing often succeeds."""
    lines = draw(st.lists(_LINES, max_size=15))
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "CLAW_TYPE openclaw")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=2500)
@given(noisy_clawfiles())
def test_fuzz_structured_input_raises_only_claw_errors(text: str) -> None:
    _parse_and_emit(text)


@settings(max_examples=1000)
@given(st.text(max_size=300))
def test_fuzz_arbitrary_text_raises_only_claw_errors(text: str) -> None:
    _parse_and_emit(text)


def _parse_and_emit(text: str) -> None:
    try:
        clawfile = Clawfile.parse(text)
    except ClawError:
        return
    emitted = emit_dockerfile(clawfile)
    assert emitted.endswith("\n")
    assert ClawImageInfo.from_labels(docker_labels(emitted)).claw_type == clawfile.claw_type
