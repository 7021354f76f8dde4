"""The stub runner images the real-engine tests run, built once per session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="session")
def stub_images() -> None:
    """claw-stub/<runner>:latest, built from tests/fixtures/stubs (kept when up to date)."""
    subprocess.run([str(ROOT / "scripts" / "build-stub-images")], check=True, capture_output=True)
