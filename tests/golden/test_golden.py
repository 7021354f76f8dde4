"""Golden files for Dockerfile.generated: one per case under clawfile/ and per example Clawfile.

Regenerate on purpose with ``pytest tests/golden --update-goldens`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clawlib.clawfile import emit_dockerfile, read_clawfile

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CASES = sorted((HERE / "clawfile").glob("*/Clawfile"))
EXAMPLES = sorted((ROOT / "examples").rglob("Clawfile"))


def _check(clawfile: Path, expected: Path, update: bool) -> None:
    text = emit_dockerfile(read_clawfile(clawfile))
    if update:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(text, encoding="utf-8")
    assert expected.is_file(), f"no golden file {expected}: run with --update-goldens"
    assert text == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("clawfile", CASES, ids=lambda p: p.parent.name)
def test_clawfile_cases(clawfile: Path, update_goldens: bool) -> None:
    _check(clawfile, clawfile.parent / "expected.Dockerfile", update_goldens)


@pytest.mark.parametrize("clawfile", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_example_clawfiles(clawfile: Path, update_goldens: bool) -> None:
    relative = clawfile.parent.relative_to(ROOT)
    _check(clawfile, HERE / relative / "expected.Dockerfile", update_goldens)


def test_every_case_has_a_golden_file() -> None:
    assert len(CASES) == 6
    assert len(EXAMPLES) >= 2
