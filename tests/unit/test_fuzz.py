"""Fuzzing the readers of user input: whatever a pod file, a Clawfile, a ``.env`` or a contract
or included file holds, the public API raises nothing but :class:`~clawlib.errors.ClawError`.

The API under test is ``load_pod``, ``plan_pod`` and ``Plan.diff`` (which read the pod file, its
``.env``, Clawfiles, contracts, includes, skills, the previous generated file and image labels),
``read_clawfile`` and ``emit_dockerfile``. Inputs come two ways:

- structure-aware: pods drawn coherent (services, files and references that agree, built from
  the compose keys claw reads and the ``x-claw`` models' keys, so that they often plan), then
  corrupted a few times: a value or a key replaced by a hostile one (numbers beyond 64 bits and
  beyond what Python converts, NUL and control characters, surrogate escapes, long text, dates,
  ``0700``, floats, nan, booleans, nulls, the wrong type, nesting, tags, undefined aliases), a key
  dropped or added, a file's content replaced (binary, not UTF-8, huge numbers) or the file
  removed; anchors, aliases, merge keys and flow style throughout; images with hostile labels;
- mutation: the example pods (and their golden compose files) and Clawfiles with bytes flipped,
  inserted or deleted, values swapped for hostile ones, lines moved or re-indented, cut short,
  or spliced with each other.

What succeeds is checked too: a plan's compose file reads back with every service (replicas
expanded), a contract inlines its includes in order, a plain ``KEY=value`` of the ``.env`` is
the value a placeholder gets, and an emitted Dockerfile gives back the Clawfile's metadata
through Docker's label rules (tests/dockermodel.py).

Sizes: each test has its CI number of examples (2,500 in all; about 25 s on two cores);
``CLAW_FUZZ_EXAMPLES=<k>`` multiplies every one by ``k``. The full size is ``k=60``, run by hand
in two processes::

    CLAW_FUZZ_EXAMPLES=60 pytest tests/unit/test_fuzz.py -p no:cacheprovider \\
        --hypothesis-show-statistics -k "pod_trees or mutated_clawfiles"
    CLAW_FUZZ_EXAMPLES=60 pytest tests/unit/test_fuzz.py -p no:cacheprovider \\
        --hypothesis-show-statistics -k "not (pod_trees or mutated_clawfiles)"

Last full runs: 2026-12-04, ``k=60`` in the two processes above: 150,000 cases and none failing
(pod trees 18,000; mutated pod files 36,000; ``.env`` 18,000; contracts and includes 18,000;
Clawfile lines 30,000; mutated Clawfiles 30,000), in 13.5 minutes; then again, in 12.7 minutes,
once invalid service names, counts above 100, NUL and over-long paths and a ``.env`` not UTF-8
were no longer left out of the inputs (the pod rejects them itself), none failing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st

from clawlib.clawfile import DIRECTIVES, ClawImageInfo, emit_dockerfile, read_clawfile
from clawlib.clawfile._lexer import lex
from clawlib.compose import same_value, service_names
from clawlib.errors import ClawError, EngineError
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawlib.yamlio import load_yaml
from tests.dockermodel import docker_labels

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted(path.parent for path in (ROOT / "examples").glob("*/claw-pod.yml"))
POD_SEEDS = [path.read_bytes() for path in sorted((ROOT / "examples").glob("*/claw-pod.yml"))]
POD_SEEDS += [
    path.read_bytes()
    for path in sorted((ROOT / "tests/golden/pods").glob("*/compose.generated.yml"))
]
CLAWFILE_SEEDS = [
    path.read_bytes()
    for path in sorted(
        [
            *(ROOT / "examples").rglob("Clawfile*"),
            *(ROOT / "tests/golden/clawfile").rglob("Clawfile"),
        ]
    )
]
_SCALE = int(os.environ.get("CLAW_FUZZ_EXAMPLES", "1"))


def sized(ci: int) -> Callable[[Any], Any]:
    """``ci`` examples, times ``CLAW_FUZZ_EXAMPLES``."""
    return settings(
        max_examples=ci * _SCALE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )


# YAML text with anchors, aliases, merge keys and tags ------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A scalar written into the YAML text as it is: plain, tagged, quoted, broken..."""

    text: str


@dataclass(frozen=True)
class Alias:
    name: str


@dataclass(frozen=True)
class Anchored:
    name: str
    node: Any


@dataclass(frozen=True)
class Flow:
    """A collection written in flow style (``[a, b]``, ``{a: b}``)."""

    node: Any


MERGE = Raw("<<")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return ".nan" if value != value else repr(value).replace("inf", ".inf")
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


def _key(key: Any) -> str:
    if isinstance(key, Raw):
        return key.text
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else json.dumps(text)


def _flow(node: Any) -> str:
    """The node in flow style, whatever it holds."""
    if isinstance(node, Anchored):
        return f"&{node.name} {_flow(node.node)}"
    if isinstance(node, Flow):
        return _flow(node.node)
    if isinstance(node, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_flow(v) for v in node) + "]"
    if isinstance(node, Raw):
        return node.text
    if isinstance(node, Alias):
        return f"*{node.name}"
    return _scalar(node)


def _inline(node: Any) -> str | None:
    """The node on one line, or None for a block collection."""
    if isinstance(node, Anchored):
        inner = _inline(node.node)
        return None if inner is None else f"&{node.name} {inner}"
    if isinstance(node, dict | list):
        return _flow(node) if not node else None
    return _flow(node)


def _block(node: Any, indent: int) -> Iterator[str]:
    pad = " " * indent
    entries = node.items() if isinstance(node, dict) else ((None, item) for item in node)
    for key, value in entries:
        lead = f"{pad}{_key(key)}:" if isinstance(node, dict) else f"{pad}-"
        inline = _inline(value)
        if inline is not None:
            yield f"{lead} {inline}\n"
            continue
        anchor = ""
        if isinstance(value, Anchored):
            anchor, value = f" &{value.name}", value.node
        yield f"{lead}{anchor}\n"
        yield from _block(value, indent + 2)


def to_yaml(node: Any) -> str:
    """Block YAML for a tree of dicts, lists, scalars and the markers above."""
    inline = _inline(node)
    return inline + "\n" if inline is not None else "".join(_block(node, 0))


# Hostile values -------------------------------------------------------------------------------

HUGE = "9" * 5000
_HOSTILE_TEXT = [
    HUGE,
    "-" + HUGE,
    "0x" + "f" * 5000,
    "0o" + "7" * 3000,
    "18446744073709551616",
    "18446744073709551615",
    "-9223372036854775809",
    "9223372036854775807",
    "0700",
    "0x1F",
    "0b101",
    "1_000",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "1:30",
    "1.5",
    "1e400",
    "-.inf",
    ".nan",
    "true",
    "yes",
    "off",
    "null",
    "~",
    "''",
    '"\\0"',
    '"a\\0b"',
    '"\\x01\\x1b[31mred\\x07"',
    '"\\ud800"',
    '"\\uffff\\ufffe"',
    '"a\\u2028b\\u0085c\\rd"',
    '"\\t"',
    '"line\\nbreak"',
    "!!int 0x" + "f" * 40,
    "!!int " + HUGE,
    "!!int 1:2:3",
    "!!int x",
    "!!float nan",
    "!!float " + HUGE,
    "!!bool yes",
    "!!str 0700",
    "!!null ''",
    "!!int",
    "!!float ''",
    "!!bool",
    "!!merge x",
    "!<tag:yaml.org,2002:int> 5",
    "!!binary aGk=",
    "!!timestamp 2024-01-01",
    "!!set {a: null}",
    "!custom x",
    "!!map {}",
    "*nope",
    "${HOME}",
    "${UNSET_VARIABLE}",
    "$${ESCAPED}",
    '"${"',
    "${A}${B}",
    '"../../../../etc/passwd"',
    '"/etc/passwd"',
    '"file:///etc/passwd"',
    '"./"',
    "'..'",
    "'.'",
    "x" * 20000,
    '"' + "é✓中" * 2000 + '"',
    "'%s%n{0}'",
    "|\n  literal\n  block",
    ">-\n  folded",
    "[]",
    "{}",
    "[[[[]]]]",
    "[" * 300 + "]" * 300,
    "{a: {b: {c: [1, {d: e}]}}}",
    "[1, [2, [3]]]",
]
hostile_scalars = st.sampled_from([Raw(text) for text in _HOSTILE_TEXT])
wrong_types = st.one_of(
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=40),
    st.lists(st.one_of(st.integers(), st.text(max_size=10), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=8)), max_size=3),
    st.sampled_from([Alias("base"), Alias("env"), Alias("items"), Alias("word"), Alias("nope")]),
)
hostile = st.one_of(hostile_scalars, wrong_types)

hostile_keys = st.sampled_from(
    [
        "unknown",
        "x-extra",
        "Image",
        "",
        " ",
        "../../x",
        "a/b",
        "é✓",
        "Discord ",
        "a" * 300,
        Raw('"\\0"'),
        Raw('"x\\ty"'),
        Raw('"\\x1b[2J"'),
        Raw("9" * 1000),
        Raw("!!int 5"),
        Raw("~"),
        Raw("true"),
        MERGE,
    ]
)


def keys(names: list[str]) -> st.SearchStrategy[Any]:
    """Mostly one of ``names``; sometimes a hostile key."""
    return st.one_of(st.sampled_from(names), st.sampled_from(names), hostile_keys)


# Pod trees --------------------------------------------------------------------------------------
#
# A tree is drawn coherent (its services, files and references agree, so that it often plans),
# then a few corruptions are applied: a value replaced by a hostile one, a key dropped or added,
# a file's content replaced or the file removed.

SERVICES = ["api", "bot", "web", "cache", "worker", "a.b", "x_y", "w-1", "7"]
GUILD = "1465489501551067136"
_ids = st.one_of(
    st.sampled_from(['"1465489501551067136"', "1000000000000000001", '"7123456789"']).map(Raw),
    st.integers(1, 2**63),
)
_schedules = st.sampled_from(["0 9 * * 1-5", "*/15 * * * *", "15 8 * * 1-5", "0-59/5 * 31 12 7"])
_guilds = st.lists(
    st.fixed_dictionaries(
        {"id": st.just(Raw(f'"{GUILD}"'))},
        optional={
            "name": st.just("Trading Desk"),
            "channels": st.lists(
                st.one_of(_ids, st.fixed_dictionaries({"id": _ids, "name": st.just("floor")})),
                max_size=2,
            ),
        },
    ),
    max_size=1,
)
_handle = st.one_of(
    _ids,
    st.fixed_dictionaries({"id": _ids}, optional={"username": st.just("bot"), "guilds": _guilds}),
)


def _routing(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "guilds": st.dictionaries(
                keys([GUILD]),
                st.just({"require_mention": True, "users": [Raw('"2000000000000000001"')]}),
                max_size=1,
            ),
            "dm": st.just({"enabled": True, "policy": "allowlist", "allow_from": ["1"]}),
            "allow_from_handles": st.booleans(),
            "allow_from_services": st.lists(st.sampled_from(names), max_size=1, unique=True),
        },
    )


def _surfaces(names: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(names).map(lambda name: f"service://{name}"),
        st.sampled_from(
            [
                "volume://cache read-only",
                "volume://notes read-write",
                "host:///data read-write",
                "channel://discord",
                "channel://slack",
                "egress://api.example.com",
            ]
        ),
        _routing(names).map(lambda routing: {"channel://discord": routing}),
    )


def _claw_block(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "agent": st.sampled_from(["./AGENTS.md", "AGENTS.md", "file://AGENTS.md"]),
            "persona": st.just("./persona"),
            "cllama": st.one_of(st.just("passthrough"), st.just(["passthrough"])),
            "cllama-env": st.dictionaries(
                keys(["OPENROUTER_API_KEY"]), st.just("${OPENROUTER_API_KEY}"), max_size=1
            ),
            "count": st.integers(1, 3),
            "handles": st.dictionaries(keys(["discord", "slack", "telegram"]), _handle, max_size=2),
            "surfaces": st.lists(_surfaces(names), max_size=3),
            "skills": st.just(["./skills/a.md"]),
            "invoke": st.lists(
                st.fixed_dictionaries(
                    {"schedule": _schedules, "message": st.just("Post the briefing.")},
                    optional={
                        "name": st.just("briefing"),
                        "to": st.sampled_from(["floor", f"discord:{GUILD}", "1465489501551067137"]),
                    },
                ),
                max_size=2,
            ),
            "include": st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.sampled_from(["rules", "style"]),
                        "file": st.sampled_from(["./inc.md", "inc.md"]),
                        "mode": st.sampled_from(["enforce", "guide", "reference"]),
                    },
                    optional={"description": st.just("How we work.")},
                ),
                max_size=2,
                unique_by=lambda entry: entry["id"],
            ),
        },
    )


_token = st.sampled_from(["MTAwMDAwMDAwMDAwMDAwMDAx.x.y", "${BOT_TOKEN}", "8J+YgA.x", "x"])


def _compose_keys(names: list[str], claw: bool) -> st.SearchStrategy[dict[str, Any]]:
    image = st.sampled_from(["claw/agent:1", "busybox:latest"]) if claw else st.just("busybox")
    source = st.one_of(
        st.fixed_dictionaries({"image": image}),
        st.fixed_dictionaries(
            {
                "build": st.one_of(
                    st.sampled_from([".", "./agent"]),
                    st.just({"context": "./agent", "dockerfile": "Clawfile"}),
                )
            }
        ),
    )
    optional = {
        "environment": st.one_of(
            st.dictionaries(
                keys(["DISCORD_BOT_TOKEN", "A", "B"]),
                st.one_of(_token, st.integers(0, 9), st.booleans(), st.none()),
                max_size=2,
            ),
            st.lists(st.sampled_from(["A=1", "DISCORD_BOT_TOKEN=MTAw.x.y", "BARE"]), max_size=2),
        ),
        "labels": st.one_of(st.just({"a": "b"}), st.just(["a=b"])),
        "env_file": st.one_of(st.just("x.env"), st.just([{"path": "x.env", "required": False}])),
        "expose": st.lists(st.one_of(st.just("8080"), st.integers(1, 65535)), max_size=2),
        "ports": st.lists(st.sampled_from(["8080:80", 80, {"target": 80}]), max_size=2),
        "volumes": st.lists(st.sampled_from(["notes:/notes:ro", "./data:/data"]), max_size=2),
        "networks": st.one_of(
            st.just(["default"]), st.just({"back": None, "claw-internal": {"aliases": ["a"]}})
        ),
        "tmpfs": st.one_of(st.just("/run"), st.just(["/tmp"])),
        "command": st.one_of(st.just(["sleep", "1"]), st.just("sleep 1")),
        "depends_on": st.lists(st.sampled_from(names), max_size=1),
        "healthcheck": st.just({"test": ["CMD", "true"], "interval": "5s"}),
        "restart": st.just("always"),
    }
    return st.tuples(source, st.fixed_dictionaries({}, optional=optional)).map(
        lambda pair: {**pair[0], **pair[1]}
    )


@st.composite
def pod_trees(draw: st.DrawFn) -> dict[str, Any]:
    """A coherent pod document: services (some of them claws) that name each other and the
    files of :data:`POD_FILES`, with anchors, aliases and merge keys."""
    names = draw(st.lists(st.sampled_from(SERVICES), min_size=1, max_size=4, unique=True))
    document: dict[str, Any] = {}
    anchors = draw(st.booleans())
    if anchors:
        document["x-anchors"] = {
            "base": Anchored("base", {"restart": "always", "environment": {"A": "1"}}),
            "env": Anchored("env", {"environment": ["B=2"]}),
            "items": Anchored("items", ["8080"]),
            "word": Anchored("word", "volume://cache read-only"),
        }
    if draw(st.booleans()):
        document["x-claw"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "pod": st.sampled_from(["demo", "Trading Desk"]),
                    "handles-defaults": st.just(
                        {"discord": {"guilds": [{"id": Raw(f'"{GUILD}"')}]}}
                    ),
                    "master": st.just("bot"),
                },
            )
        )
    services: dict[str, Any] = {}
    for name in names:
        claw = draw(st.booleans())
        # Keyed by str, and by MERGE once merged.
        service: dict[Any, Any] = draw(
            _compose_keys([n for n in names if n != name] or [name], claw)
        )
        if anchors and draw(st.integers(0, 3)) == 0:
            merged = draw(st.sampled_from([Alias("base"), [Alias("base"), Alias("env")]]))
            service = {MERGE: merged, **service}
        if claw:
            block = draw(_claw_block(names))
            if anchors and "surfaces" in block and draw(st.booleans()):
                block["surfaces"] = [*block["surfaces"], Alias("word")]
            service["x-claw"] = block
        services[name] = draw(st.one_of(st.just(service), st.just(service).map(Flow)))
    document["services"] = services
    if draw(st.booleans()):
        document["volumes"] = {"notes": {}, "cache": None}
    if draw(st.booleans()):
        document["networks"] = {"back": {}}
    if draw(st.booleans()):
        document["name"] = "demo"
    return document


CLAWFILE = "FROM claw-base/busybox:latest\nCLAW_TYPE {kind}\nAGENT AGENTS.md\n"
_directive_lines = st.sampled_from(
    [
        "SURFACE volume://cache read-only",
        "SURFACE channel://discord",
        "INVOKE 0 9 * * 1-5 Post the briefing",
        "SKILL ./skills/a.md",
        "HANDLE discord",
        "MODEL primary anthropic/claude-sonnet-4",
        "CONFIGURE openclaw config set agents.defaults.heartbeat.every 30m",
        "CLLAMA passthrough",
        "PERSONA ./persona",
        "PRIVILEGE worker root",
        "TRACK apt",
        "RUN echo \\\n  continued",
        "COPY <<EOF /x\nheredoc\nEOF",
        "# comment",
    ]
)


@st.composite
def clawfile_texts(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["generic", "openclaw"]))
    lines = draw(st.lists(_directive_lines, max_size=4))
    return CLAWFILE.format(kind=kind) + "".join(f"{line}\n" for line in lines)


@st.composite
def pod_files(draw: st.DrawFn) -> dict[str, bytes]:
    """The files a pod tree names, with valid contents."""
    return {
        "Clawfile": draw(clawfile_texts()).encode(),
        "agent/Clawfile": draw(clawfile_texts()).encode(),
        "AGENTS.md": b"# Agent\n\nYou help.\n",
        "inc.md": b"# Rules\n\nBe brief.\n",
        "skills/a.md": b"---\nname: a\n---\n# Skill\n",
        "persona/voice.md": b"calm\n",
        "x.env": b"A=1\n",
        ".env": b"BOT_TOKEN=MTAw.x.y\nexport B='two words'\n",
    }


_hostile_files = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from(
        [
            b"",
            b"\xff\xfe# not UTF-8\n",
            b"\x00" * 10,
            HUGE.encode(),
            b"---\n",
            b"A=\xff\n",
            b"=x\nbad line\nE=\"open\nF='open\n",
            b"H=" + HUGE.encode() + b"\nI=\x01\n",
            b"name: x\nservices:\n  api: {}\n",
            b"services: [\n",
            b"--- END: rules (enforce) ---\n",
            b"FROM x\nCLAW_TYPE openclaw\nINVOKE " + HUGE.encode() + b" * * * * x\n",
            b"FROM x\nCLAW_TYPE generic\nAGENT \x00\nSURFACE ://\nHANDLE Discord!\n",
        ]
    ),
)


def _positions(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into a tree, the root's children first."""
    node = node.node if isinstance(node, Anchored | Flow) else node
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _positions(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*path, index)
            yield from _positions(value, (*path, index))


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    node = tree
    for part in path[:-1]:
        node = node.node if isinstance(node, Anchored | Flow) else node
        node = node[part]
    return node.node if isinstance(node, Anchored | Flow) else node


@st.composite
def corrupted(
    draw: st.DrawFn, trees: st.SearchStrategy[Any], files: st.SearchStrategy[dict[str, bytes]]
) -> tuple[Any, dict[str, bytes]]:
    """A tree and its files with up to four corruptions (none, often)."""
    tree, contents = draw(trees), dict(draw(files))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 2, 3, 4]))):
        kind = draw(st.integers(0, 6))
        paths = list(_positions(tree))
        if kind <= 3 and paths:
            path = draw(st.sampled_from(paths))
            parent = _parent(tree, path)
            if kind <= 1:  # a hostile value in its place
                parent[path[-1]] = draw(hostile)
            elif isinstance(parent, dict) and kind == 2:  # a key dropped, or renamed
                if draw(st.booleans()):
                    del parent[path[-1]]
                else:
                    new = draw(hostile_keys)
                    items = [(new if k == path[-1] else k, v) for k, v in parent.items()]
                    parent.clear()
                    parent.update(items)
            elif isinstance(parent, dict):  # an unknown key
                parent[draw(hostile_keys)] = draw(hostile)
        elif kind <= 5:  # a file's content replaced
            name = draw(st.sampled_from(sorted(contents)))
            contents[name] = draw(_hostile_files)
        else:  # a file removed, or a previous generation that is garbage
            contents.pop(draw(st.sampled_from(sorted(contents))))
            contents["compose.generated.yml"] = draw(_hostile_files)
    return tree, contents


_label_keys = st.one_of(
    st.sampled_from(
        [
            "claw.type",
            "claw.agent.file",
            "claw.persona.default",
            "claw.skill.emit",
            "claw.cllama.default",
            "claw.surface.0",
            "claw.surface.1",
            "claw.invoke.0",
            "claw.skill.0",
            "claw.configure.0",
            "claw.track.x",
            "claw.handle.discord",
            "claw.model.primary",
            "claw.privilege.worker",
            "claw.cllama.0",
            f"claw.skill.{HUGE}",
        ]
    ),
    st.text(max_size=20).map(lambda t: f"claw.{t}"),
)
_label_values = st.one_of(
    st.sampled_from(
        [
            "generic",
            "openclaw",
            "AGENTS.md",
            "service://api",
            "0 9 * * * hi",
            "true",
            "1",
            "/app/SKILL.md",
            "/",
            "..",
            "bad uri",
            f"{HUGE} * * * * x",
            "\x1b[31m",
        ]
    ),
    st.text(max_size=30),
)
labels_of_images = st.one_of(
    st.none(),
    st.dictionaries(_label_keys, _label_values, max_size=4).map(
        lambda labels: {"claw.type": "generic", "claw.agent.file": "AGENTS.md", **labels}
    ),
)
extracted = st.one_of(st.binary(max_size=100), st.just(EngineError("no such file in the image")))


@contextmanager
def pod_directory(files: Mapping[str, bytes], pod_text: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name) / "pod"
        for path, content in files.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        directory.mkdir(exist_ok=True)
        (directory / "claw-pod.yml").write_bytes(pod_text)
        yield directory


def check_pod(
    directory: Path,
    labels: Mapping[str, str] | None = None,
    extract: bytes | ClawError = b"",
) -> None:
    """Load, plan and diff the pod in ``directory``: ClawError, or a plan that reads back."""

    def extractor(image: str, path: str) -> bytes:
        if isinstance(extract, ClawError):
            raise extract
        return extract

    try:
        pod = load_pod(directory, environ={"BOT_TOKEN": "MTAw.x.y", "A": "a"})
    except ClawError as exc:
        event(f"load_pod: {type(exc).__name__}")
        return
    try:
        plan = plan_pod(pod, lambda ref: labels, extractor)
    except ClawError as exc:
        event(f"plan_pod: {type(exc).__name__}")
        return
    event(f"planned, {min(len(pod.claws), 2)}+ claws")
    diff = plan.diff()
    assert diff.summary().startswith("Plan: ")
    generated = load_yaml(plan.compose.text, "compose.generated.yml").data
    expected = set()
    for service in pod.services.values():
        count = service.claw.count if service.claw is not None else 1
        expected |= set(service_names(service.name, count))
    expected |= {c.proxy.service for c in plan.claws.values() if c.proxy is not None}
    assert set(generated["services"]) == expected
    assert set(yaml.load(plan.compose.text, Loader=yaml.BaseLoader)["services"]) == expected
    written = {f.path: f.content for f in plan.files}["compose.generated.yml"]
    assert written == plan.compose.text.encode()
    assert same_value(generated, plan.compose.data)  # the plan's data is what the file holds


@sized(300)
@given(corrupted(pod_trees(), pod_files()), labels_of_images, extracted)
def test_fuzz_pod_trees(
    pod: tuple[Any, dict[str, bytes]], labels: Mapping[str, str] | None, extract: Any
) -> None:
    tree, files = pod
    text = to_yaml(tree)
    note(f"claw-pod.yml:\n{text}")
    note(f"files: {files!r}")
    with pod_directory(files, text.encode("utf-8", "surrogatepass")) as directory:
        check_pod(directory, labels, extract)


# The .env file and the files a contract inlines ------------------------------------------------

ENV_POD = """\
services:
  w:
    build: .
    x-claw:
      handles: {discord: {id: "1", username: "${A}"}}
      invoke:
        - {schedule: "0 9 * * *", message: "${B}", name: "${C}"}
"""
_env_lines = st.one_of(
    st.tuples(
        st.sampled_from(["A", "B", "C"]), st.from_regex(r"[A-Za-z0-9_./:-]{1,20}", fullmatch=True)
    ).map(lambda pair: f"{pair[0]}={pair[1]}"),
    st.sampled_from(
        [
            "export A=1",
            "B='x y'",
            'C="a\\nb"',
            "A=x # c",
            "=x",
            "bad line",
            'B="open',
            "C='open",
            "# comment",
            "",
            "A=${B}",
            f"B={HUGE}",
            "C=\x01\x1b[2J",
            "A=é✓",
            " export  B = y ",
            "A",
            "A==",
            "A='",
            'A="\\',
            "\ufeffA=1",
            "A=1\r",
            "B=\u2028",
        ]
    ),
    st.text(max_size=40),
)


@sized(300)
@given(st.lists(_env_lines, max_size=6))
def test_fuzz_dotenv(lines: list[str]) -> None:
    """Whatever the .env holds: ClawError or a pod; a plain KEY=value line gives that value."""
    text = "\n".join(lines)
    files = {"Clawfile": CLAWFILE.format(kind="generic").encode(), "AGENTS.md": b"# A\n"}
    with pod_directory({**files, ".env": text.encode()}, ENV_POD.encode()) as directory:
        try:
            pod = load_pod(directory, environ={})
        except ClawError as exc:
            event(f"load_pod: {type(exc).__name__}")
            return
        check_pod(directory)
    expected = {}
    for key in "ABC":  # a key given once, plainly
        lines = [line for line in text.splitlines() if re.match(rf"\s*(export\s+)?{key}\s*=", line)]
        if len(lines) == 1 and re.fullmatch(rf"{key}=[\w./:-]+", lines[0]):
            expected[key] = lines[0].split("=", 1)[1]
    claw = pod.services["w"].claw
    assert claw is not None
    seen = {"A": claw.handles["discord"].username, "B": claw.invoke[0].message}
    for key, value in seen.items():
        if key in expected:
            assert value == expected[key]


INCLUDE_POD = """\
services:
  w:
    build: .
    x-claw:
      agent: ./AGENTS.md
      skills: [./skill.md]
      include:
        - {id: rules, file: ./rules.md, mode: enforce}
        - {id: style, file: ./style.md, mode: guide}
        - {id: ref, file: ./ref.md, mode: reference}
"""


@sized(300)
@given(
    st.fixed_dictionaries(
        dict.fromkeys(("AGENTS.md", "rules.md", "style.md", "ref.md", "skill.md"), _hostile_files)
    )
)
def test_fuzz_contract_and_includes(files: dict[str, bytes]) -> None:
    """Whatever the contract and the files it names hold: ClawError, or a contract that
    inlines the enforce and guide includes, in order."""
    clawfile = {"Clawfile": CLAWFILE.format(kind="generic").encode()}
    with pod_directory({**clawfile, **files}, INCLUDE_POD.encode()) as directory:
        try:
            plan = plan_pod(load_pod(directory, environ={}), lambda ref: None)
        except ClawError as exc:
            event(f"plan: {type(exc).__name__}")
            return
        plan.diff()
    event("planned")
    contract = {f.path: f.content for f in plan.files}[".claw-runtime/w/AGENTS.md"].decode()
    inlined = {"rules (enforce)": files["rules.md"], "style (guide)": files["style.md"]}
    blocks = [
        f"--- BEGIN: {marker} ---\n\n{body}\n\n--- END: {marker} ---"
        for marker, body in ((m, b.decode().rstrip("\n")) for m, b in inlined.items())
    ]
    assert "\n\n".join(blocks) in contract


# Mutation of the example pods -------------------------------------------------------------------

_snippets = st.sampled_from(
    [
        b"\x00",
        b"\xff\xfe",
        b"\t",
        b"\r\n",
        b": ",
        b"- ",
        b"&a ",
        b"*a",
        b"<<: *a\n",
        b"!!int ",
        b"{",
        b"]",
        b"'",
        b'"',
        b"#",
        b"|",
        b">",
        b"---\n",
        b"...\n",
        b"%YAML 1.1\n",
        b"\xef\xbb\xbf",
        b"\xe2\x80\xa8",
        HUGE.encode(),
        b"0700",
        b"2024-01-01",
        b".nan",
        b"${X}",
        b"\x1b[2J",
        b"    ",
        b"\n",
    ]
)


_VALUE = re.compile(rb"(?:: |- )([^\s#&*!|>{\[][^\n#]*)$", re.MULTILINE)
"""A scalar value after a key or a dash, up to the end of its line or a comment."""


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with a few mutations: flips, insertions, deletions, line moves, cuts, splices."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        kind = draw(st.integers(0, 8))
        at = draw(st.integers(0, len(data)))
        if kind >= 7:  # a value in the text replaced by a hostile one (the structure kept)
            values = list(_VALUE.finditer(data))
            if values:
                found = draw(st.sampled_from(values))
                data[found.start(1) : found.end(1)] = draw(hostile_scalars).text.encode()
        elif kind == 0 and data:  # flip a byte
            at = min(at, len(data) - 1)
            data[at] = draw(st.integers(0, 255))
        elif kind == 1:  # insert a snippet
            data[at:at] = draw(_snippets)
        elif kind == 2:  # delete a run
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == 3:  # cut short
            del data[at:]
        elif kind == 4:  # splice with another seed
            other = draw(st.sampled_from(seeds))
            data[at:] = other[draw(st.integers(0, len(other))) :]
        else:  # move, duplicate or re-indent a line
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            line = lines.pop(index) if kind == 5 else lines[index]
            if kind == 6:
                line = draw(st.sampled_from([b"  ", b"    ", b"-"])) + line
            lines.insert(draw(st.integers(0, len(lines))), line)
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@pytest.fixture(scope="module")
def example_copies(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The example pods, copied once (planning writes nothing)."""
    root = tmp_path_factory.mktemp("examples")
    copies = []
    for example in EXAMPLES:
        copy = root / example.name
        shutil.copytree(
            example, copy, ignore=shutil.ignore_patterns(".claw-runtime", "*.generated*")
        )
        copies.append(copy)
    return copies


@sized(600)
@given(st.data(), mutated(POD_SEEDS))
def test_fuzz_mutated_pod_files(
    example_copies: list[Path], data: st.DataObject, text: bytes
) -> None:
    directory = data.draw(st.sampled_from(example_copies))
    (directory / "claw-pod.yml").write_bytes(text)
    check_pod(directory)


# Clawfiles ----------------------------------------------------------------------------------------


def check_clawfile(data: bytes) -> None:
    """Read, emit and re-lex a Clawfile: ClawError, or a Dockerfile that lexes."""
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "Clawfile"
        path.write_bytes(data)
        try:
            clawfile = read_clawfile(path)
        except ClawError as exc:
            event(f"read_clawfile: {type(exc).__name__}")
            return
    event("emitted")
    emitted = emit_dockerfile(clawfile)
    keywords = {i.keyword for i in lex(emitted).instructions}
    assert not keywords & {directive.lower() for directive in DIRECTIVES}
    assert ClawImageInfo.from_labels(docker_labels(emitted)) == clawfile.info()


_clawfile_lines = st.one_of(
    _directive_lines,
    st.tuples(
        st.sampled_from([*DIRECTIVES, "FROM", "RUN", "LABEL", "ENV", "claw_type"]), hostile_scalars
    ).map(lambda pair: f"{pair[0]} {pair[1].text}"),
    st.text(max_size=60),
)


@sized(500)
@given(st.lists(_clawfile_lines, max_size=8), st.sampled_from(["", "# escape=`\n", "# escape=\n"]))
def test_fuzz_clawfile_lines(lines: list[str], escape: str) -> None:
    text = escape + CLAWFILE.format(kind="openclaw") + "\n".join(lines)
    check_clawfile(text.encode("utf-8", "surrogatepass"))


@sized(500)
@given(mutated(CLAWFILE_SEEDS))
def test_fuzz_mutated_clawfiles(data: bytes) -> None:
    check_clawfile(data)
