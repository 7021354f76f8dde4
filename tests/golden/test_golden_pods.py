"""Golden files for every example pod, and for the pods under ``fixtures/`` made to pin one
behaviour: compose.generated.yml and each runtime file.

The plan is made from the Clawfiles (no engine), twice, and must give identical bytes; governance
tokens come from a deterministic source (the agent id's SHA-256), never from the random one.
Regenerate on purpose with ``pytest tests/golden --update-goldens`` and review the diff.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from clawlib.planner import plan_pod
from clawlib.pod import load_pod

HERE = Path(__file__).parent
EXAMPLES = Path(__file__).parents[2] / "examples"
EXAMPLE_PODS = sorted(path.parent for path in EXAMPLES.glob("*/claw-pod.yml"))
FIXTURE_PODS = sorted(path.parent for path in (HERE / "fixtures").glob("*/claw-pod.yml"))
PODS = EXAMPLE_PODS + FIXTURE_PODS


def golden_token(agent: str) -> str:
    """A fixed token of the right form: ``<agent>:<48 hex>``."""
    return f"{agent}:{hashlib.sha256(agent.encode()).hexdigest()[:48]}"


def _plan_files(example: Path, tmp_path: Path) -> dict[str, bytes]:
    copy = tmp_path / example.name
    shutil.copytree(example, copy, ignore=shutil.ignore_patterns(".claw-runtime", "*.generated*"))
    first = plan_pod(load_pod(copy, environ={}), lambda ref: None, tokens=golden_token)
    second = plan_pod(load_pod(copy, environ={}), lambda ref: None, tokens=golden_token)
    files = {f.path: f.content for f in first.files}
    assert files == {f.path: f.content for f in second.files}
    return files


@pytest.mark.parametrize("example", PODS, ids=lambda p: p.name)
def test_example_pod(example: Path, tmp_path: Path, update_goldens: bool) -> None:
    files = _plan_files(example, tmp_path)
    golden = HERE / "pods" / example.name
    if update_goldens:
        shutil.rmtree(golden, ignore_errors=True)
        for path, content in files.items():
            target = golden / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    expected = {
        str(path.relative_to(golden)): path.read_bytes()
        for path in sorted(golden.rglob("*"))
        if path.is_file()
    }
    assert expected, f"no golden files for {example.name}: run with --update-goldens"
    assert sorted(files) == sorted(expected)
    for path, content in files.items():
        assert content.decode() == expected[path].decode(), path


def test_every_example_is_covered() -> None:
    assert [p.name for p in EXAMPLE_PODS] == [
        "demo",
        "governed",
        "research",
        "rollcall",
        "solo",
        "trading-desk",
    ]
    assert [p.name for p in FIXTURE_PODS] == [
        "microclaw-pod",
        "nanobot-pod",
        "nanoclaw-pod",
        "nullclaw-pod",
        "picoclaw-pod",
        "yaml-values",
    ]
