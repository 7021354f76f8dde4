"""Fixtures of the real-engine tests: the stub runner images (built once per session) and a
unique project name per test, cleaned up afterwards."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.pods import remove_project

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="session")
def stub_images() -> None:
    """claw-stub/<runner>:latest, built from tests/fixtures/stubs (kept when up to date)."""
    subprocess.run([str(ROOT / "scripts" / "build-stub-images")], check=True, capture_output=True)


@pytest.fixture
def project(stub_images: None) -> Iterator[str]:
    """A unique pod (and so project) name; everything of it is removed afterwards."""
    name = f"claw-e2e-{uuid.uuid4().hex[:10]}"
    yield name
    remove_project(name)
