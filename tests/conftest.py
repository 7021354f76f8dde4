"""Shared test set-up: the real-engine gate and the golden-file switch.

Tests marked ``docker`` need a Docker engine, docker compose v2 and the local base image. Without
them they are skipped on a developer's machine, and fail when ``CI`` is set: CI must run them.
"""

from __future__ import annotations

import functools
import os

import pytest
from hypothesis import HealthCheck, settings

from clawlib.doctor import BASE_IMAGE
from clawlib.engine import DockerView, find_compose
from clawlib.errors import ClawError, ImageNotFoundError

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite golden files from the current output (review the diff before committing)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@functools.cache
def _engine_problem() -> str | None:
    view = DockerView()
    try:
        view.info()
        find_compose()
        view.image(BASE_IMAGE)
    except ImageNotFoundError:
        return f"{BASE_IMAGE} is missing (run scripts/build-base-image)"
    except ClawError as exc:
        return f"{exc} (run scripts/ensure-docker)"
    finally:
        view.close()
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("docker") is None:
        return
    problem = _engine_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI needs a real Docker engine: {problem}", pytrace=False)
    pytest.skip(f"no usable Docker engine: {problem}")
