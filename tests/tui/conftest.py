"""Fixtures of the TUI tests: a private copy of the demo pod and its fake engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clawlib.engine import ContainerRecord
from tests.tui.fake_backend import FakeBackend, record

DEMO = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo"
_GENERATED = shutil.ignore_patterns(".claw-runtime", "compose.generated.yml", "*.generated")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/pods/demo (nothing generated) at ``<tmp>/demo/claw-pod.yml``."""
    shutil.copytree(DEMO, tmp_path / "demo", ignore=_GENERATED)
    return tmp_path / "demo" / "claw-pod.yml"


def demo_containers() -> list[ContainerRecord]:
    """The demo pod's five containers, running, as the engine lists them."""
    return [
        record("assistant"),
        record("researcher-0", claw_service="researcher"),
        record("researcher-1", claw_service="researcher"),
        record("reviewer", claw_type="generic"),
        record("notes-web", claw_type=None, image="claw-base/busybox:latest", health="healthy"),
    ]


@pytest.fixture
def backend() -> FakeBackend:
    """A fake engine running the demo pod."""
    fake = FakeBackend()
    fake.add(*demo_containers())
    return fake
