"""The governance proxy's image on the real engine: it serves, answers its healthcheck and the
demo's plain ``python3`` imports aiohttp; it is rebuilt only when its inputs change; and
``claw up`` of a governed pod builds it when it is missing.

Every image made here has a throwaway tag, removed afterwards: the shared
``claw-local/cllama:latest`` is never touched. The Python base image is never built here
(about a minute): scripts/setup makes it (scripts/build-proxy-image, as root).
"""

from __future__ import annotations

import os
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clawlib.images import (
    BASE_LABELS,
    PROXY_LABELS,
    PYTHON_BASE_IMAGE,
    BaseRecipe,
    choose_suite,
    ensure_proxy_image,
)
from clawtui.cli import main
from tests.e2e.pods import CLAWFILE, docker
from tests.polling import wait_for

pytestmark = pytest.mark.docker


def _base_problem() -> str | None:
    """Why the shared base image cannot be used as it is (None: it can)."""
    labels = docker(
        "image", "inspect", "--format", "{{json .Config.Labels}}", PYTHON_BASE_IMAGE, check=False
    )
    if not labels or labels == "null":
        return f"{PYTHON_BASE_IMAGE} is missing"
    suite = choose_suite(os.environ, Path("/etc/os-release").read_text()).value
    if f'"{BASE_LABELS["recipe"]}":"{BaseRecipe(suite).digest}"' not in labels:
        return f"{PYTHON_BASE_IMAGE} was made by another recipe"
    return None


@pytest.fixture(scope="module")
def base_image() -> None:
    problem = _base_problem()
    if problem is not None:
        why = f"{problem} (run scripts/build-proxy-image as root, or scripts/setup)"
        if os.environ.get("CI"):
            pytest.fail(why, pytrace=False)
        pytest.skip(why)


def throwaway_tag() -> str:
    return f"claw-local/cllama-e2e-{uuid.uuid4().hex[:10]}:latest"


def remove_image(tag: str) -> None:
    subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True, check=False)


@pytest.fixture(scope="module")
def proxy_image(base_image: None) -> Iterator[str]:
    tag = throwaway_tag()
    steps: list[str] = []
    image = ensure_proxy_image(tag, on_step=steps.append)
    assert image.built, steps
    assert image.reason == "not built yet"
    yield tag
    remove_image(tag)


@pytest.fixture
def container(proxy_image: str) -> Iterator[str]:
    name = f"cllama-e2e-{uuid.uuid4().hex[:10]}"
    docker("run", "-d", "--name", name, proxy_image)
    yield name
    docker("rm", "-f", name, check=False)


def healthcheck(container: str) -> int:
    done = subprocess.run(
        ["docker", "exec", container, "/cllama", "-healthcheck"], capture_output=True, check=False
    )
    return done.returncode


def test_the_image_serves_and_answers_its_healthcheck(container: str) -> None:
    wait_for(
        lambda: healthcheck(container) == 0,
        timeout=20,
        interval=0.2,
        message="/cllama -healthcheck to pass",
    )
    fetch = "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8080/health').read())"
    assert docker("exec", container, "python3", "-c", fetch) == """b'{"ok": true}'"""
    assert (
        "cllama api listening on :8080"
        in subprocess.run(
            ["docker", "logs", container], capture_output=True, text=True, check=True
        ).stderr
    )


def test_the_healthcheck_fails_without_a_server(proxy_image: str) -> None:
    done = subprocess.run(
        ["docker", "run", "--rm", proxy_image, "-healthcheck"], capture_output=True, check=False
    )
    assert done.returncode == 1


def test_plain_python3_imports_aiohttp(proxy_image: str) -> None:
    code = "import aiohttp, ssl, sys; print(aiohttp.__version__, sys.executable)"
    out = docker("run", "--rm", "--entrypoint", "python3", proxy_image, "-c", code)
    labels = docker("image", "inspect", "--format", "{{json .Config.Labels}}", proxy_image)
    version, executable = out.split()
    assert executable == "/usr/bin/python3"
    assert f"aiohttp=={version}" in labels
    assert docker("image", "inspect", "--format", "{{json .Config.Entrypoint}}", proxy_image) == (
        '["/cllama"]'
    )


def test_an_up_to_date_image_is_kept(proxy_image: str) -> None:
    before = docker("image", "inspect", "--format", "{{.Id}}", proxy_image)
    steps: list[str] = []
    image = ensure_proxy_image(proxy_image, on_step=steps.append)
    assert (image.id, image.built, image.reason, steps) == (before, False, "up to date", [])
    assert image.labels[PROXY_LABELS["requirements"]] == "aiohttp>=3.9,<4"


POD = """\
x-claw:
  pod: {project}
  cllama-image: {image}
services:
  scout:
    build: ./scout
    environment:
      STUB_LOG_RATE: "1"
    x-claw:
      agent: ./scout/AGENTS.md
      cllama: passthrough
"""


def test_claw_up_builds_a_missing_proxy_image(
    base_image: None, project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tag = throwaway_tag()
    pod = tmp_path / "pod"
    (pod / "scout").mkdir(parents=True)
    (pod / "scout" / "Clawfile").write_text(CLAWFILE.format(every="30m"))
    (pod / "scout" / "AGENTS.md").write_text("# Scout\n")
    (pod / "claw-pod.yml").write_text(textwrap.dedent(POD.format(project=project, image=tag)))
    try:
        assert main(["up", "-d", "-y", "-f", str(pod)]) == 0
        out, err = capsys.readouterr()
        assert f"claw: building {tag} (not built yet): the governance proxy on " in err
        assert f"claw: built {tag} (" in err
        assert "Pod is up" in out
        proxy = docker(
            "ps",
            "-q",
            "--filter",
            f"label=com.docker.compose.project={project}",
            "--filter",
            "label=com.docker.compose.service=cllama",
        )
        assert proxy
        assert docker("inspect", "--format", "{{.Config.Image}}", proxy) == tag
        wait_for(
            lambda: healthcheck(proxy) == 0,
            timeout=20,
            interval=0.2,
            message="the pod's proxy to answer its healthcheck",
        )
        # Applied again, nothing is built: the image is up to date.
        assert main(["up", "-d", "-y", "-f", str(pod)]) == 0
        assert f"building {tag}" not in capsys.readouterr().err
    finally:
        main(["down", "-f", str(pod)])
        remove_image(tag)
