"""clawlib's entry points with the engine faked: build input, generation, build, inspect."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from clawlib import build_image, generate_dockerfile, inspect_image, resolve_build_input
from clawlib.drivers import lookup_driver
from clawlib.engine import DockerView
from clawlib.errors import (
    ClawfileError,
    ClawfileNotFoundError,
    EngineUnavailableError,
    ImageNotFoundError,
    OutputWriteError,
    UnknownDriverError,
)
from tests.distributions import install_clawdapus_without
from tests.fakes import FakeImage, FakeImages, FakeRunner, FakeSdkClient

CLAWFILE = "FROM claw-base/busybox:latest\nCLAW_TYPE openclaw\nMODEL primary a/b\n"


def view(client: FakeSdkClient | None = None) -> DockerView:
    fake = client or FakeSdkClient()
    return DockerView(lambda: fake)


@pytest.fixture
def agent(tmp_path: Path) -> Path:
    directory = tmp_path / "agent"
    directory.mkdir()
    (directory / "Clawfile").write_text(CLAWFILE)
    return directory


def test_resolve_directory_file_and_dash_f(agent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_build_input(agent) == resolve_build_input(agent / "Clawfile")
    assert resolve_build_input(agent).clawfile == agent / "Clawfile"
    assert resolve_build_input(agent).context == agent
    (agent / "Clawfile.westin").write_text(CLAWFILE)
    monkeypatch.chdir(agent.parent)
    both = resolve_build_input(".", "agent/Clawfile.westin")
    assert (both.clawfile, both.context) == (Path("agent/Clawfile.westin"), Path("."))


def test_resolve_errors(agent: Path, tmp_path: Path) -> None:
    with pytest.raises(ClawfileNotFoundError) as missing:
        resolve_build_input(tmp_path / "nope")
    assert str(missing.value) == f"{tmp_path / 'nope'}: no such file or directory"
    with pytest.raises(ClawfileNotFoundError) as empty:
        resolve_build_input(tmp_path)
    assert str(empty.value) == (
        f"{tmp_path}: no Clawfile in this directory (name another file with -f)"
    )
    with pytest.raises(ClawfileNotFoundError) as dash_f:
        resolve_build_input(agent, agent / "Clawfile.other")
    assert str(dash_f.value) == f"{agent / 'Clawfile.other'}: no such Clawfile"
    with pytest.raises(ClawfileNotFoundError) as context:
        resolve_build_input(agent / "Clawfile", agent / "Clawfile")
    assert str(context.value) == f"{agent / 'Clawfile'}: build context is not a directory"


def test_generate_writes_next_to_the_clawfile_only_when_changed(agent: Path) -> None:
    first = generate_dockerfile(agent / "Clawfile")
    target = agent / "Dockerfile.generated"
    assert (first.path, first.changed) == (target, True)
    assert target.read_text() == first.text
    assert first.text.startswith("FROM claw-base/busybox:latest\n\nLABEL claw.type=")
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    os.utime(target, (1, 1))
    second = generate_dockerfile(agent / "Clawfile")
    assert not second.changed
    assert target.stat().st_mtime == 1
    assert sorted(p.name for p in agent.iterdir()) == ["Clawfile", "Dockerfile.generated"]


def test_generate_rejects_unknown_claw_type_at_its_line(agent: Path) -> None:
    (agent / "Clawfile").write_text("FROM x\n\nCLAW_TYPE unknown-runner\n")
    with pytest.raises(ClawfileError) as caught:
        generate_dockerfile(agent / "Clawfile")
    assert str(caught.value) == (
        f'{agent / "Clawfile"}:3: unknown CLAW_TYPE "unknown-runner": no installed driver '
        "handles it (installed drivers: generic, microclaw, nanobot, nanoclaw, nullclaw, "
        "openclaw, picoclaw)"
    )
    assert not (agent / "Dockerfile.generated").exists()


def test_generate_builds_a_claw_type_known_upstream_without_its_driver(
    agent: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every upstream type has a driver of ours: here one installed before nanobot's existed.
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    install_clawdapus_without(site, "nanobot")
    with pytest.raises(UnknownDriverError):
        lookup_driver("nanobot")
    (agent / "Clawfile").write_text("FROM x\nCLAW_TYPE nanobot\n")
    generated = generate_dockerfile(agent / "Clawfile")
    assert generated.text == 'FROM x\n\nLABEL claw.type="nanobot"\n'


def test_generate_reports_bad_utf8_and_unreadable(agent: Path) -> None:
    (agent / "Clawfile").write_bytes(b"FROM x\nCLAW_TYPE openclaw\nRUN echo \xff\n")
    with pytest.raises(ClawfileError) as caught:
        generate_dockerfile(agent / "Clawfile")
    assert str(caught.value) == (
        f"{agent / 'Clawfile'}:3: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    )


def test_write_failure_leaves_nothing_behind(agent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputWriteError) as caught:
        generate_dockerfile(agent / "Clawfile")
    assert (
        str(caught.value)
        == f"{agent / 'Dockerfile.generated'}: cannot write: No space left on device"
    )
    assert sorted(p.name for p in agent.iterdir()) == ["Clawfile"]


def test_build_streams_and_returns_the_image(agent: Path) -> None:
    runner = FakeRunner(
        streamed={("docker", "build"): (0, ["Step 1/3 : FROM claw-base/busybox:latest"])},
        image_id="sha256:feed",
    )
    lines: list[str] = []
    generated: list[Path] = []
    result = build_image(
        agent,
        tags=["demo:latest"],
        on_output=lines.append,
        on_generated=lambda g: generated.append(g.path),
        view=view(),
        runner=runner,
    )
    assert (result.image_id, result.tags, result.builder.kind) == (
        "sha256:feed",
        ("demo:latest",),
        "classic",
    )
    assert lines == ["Step 1/3 : FROM claw-base/busybox:latest"]
    assert generated == [agent / "Dockerfile.generated"]
    build_argv = runner.calls[-1][0]
    assert build_argv[-1] == str(agent)
    dockerfile = hashlib.sha256((agent / "Dockerfile.generated").read_bytes()).hexdigest()
    assert build_argv[-7:-1] == (
        "-t",
        "demo:latest",
        "--label",
        f"org.clawdapus.build.dockerfile={dockerfile}",
        "--label",
        "org.clawdapus.build.bases={}",  # the fake store has no base image
    )


def test_build_refuses_heredocs_without_buildkit_and_writes_nothing(agent: Path) -> None:
    (agent / "Clawfile").write_text(CLAWFILE + "RUN <<EOF\necho hi\nEOF\n")
    with pytest.raises(ClawfileError) as caught:
        build_image(agent, view=view(), runner=FakeRunner())
    assert str(caught.value) == (
        f"{agent / 'Clawfile'}:4: heredocs need BuildKit, but docker here has only the classic "
        "builder (install Docker's buildx plugin, or rewrite the heredoc as RUN/COPY lines)"
    )
    assert not (agent / "Dockerfile.generated").exists()


def test_build_with_engine_down_writes_nothing(agent: Path) -> None:
    with pytest.raises(EngineUnavailableError) as caught:
        build_image(agent, view=view(FakeSdkClient(down=True)), runner=FakeRunner())
    assert caught.value.reason == "connection refused"
    assert not (agent / "Dockerfile.generated").exists()


def test_inspect_reads_the_labels() -> None:
    client = FakeSdkClient(
        images=FakeImages(
            {"demo:latest": FakeImage("sha256:abc", ["demo:latest"], {"claw.type": "nanobot"})}
        )
    )
    inspected = inspect_image("demo:latest", view(client))
    assert (inspected.image.id, inspected.info.claw_type) == ("sha256:abc", "nanobot")
    with pytest.raises(ImageNotFoundError) as caught:
        inspect_image("nope:1", view(client))
    assert str(caught.value) == (
        'image "nope:1" not found in the local image store '
        "(build it with: claw build -t nope:1 PATH)"
    )


def test_an_image_record_carries_the_environment_the_image_sets() -> None:
    attrs = {"Created": "2026-01-01T00:00:00Z", "Config": {"Env": ["PATH=/bin", "A=b=c"]}}
    client = FakeSdkClient(
        images=FakeImages(
            {
                "with:1": FakeImage("sha256:abc", ["with:1"], {}, attrs),
                "bare:1": FakeImage("sha256:def", ["bare:1"], {}, {"Config": {"Env": None}}),
            }
        )
    )
    assert view(client).image("with:1").env == ("PATH=/bin", "A=b=c")
    assert view(client).image("bare:1").env == ()


def test_local_images_asks_the_engine_once_per_image() -> None:
    from clawlib.engine import LocalImages

    asked: list[str] = []
    known = {
        "with:1": FakeImage("sha256:abc", ["with:1"], {"a": "b"}, {"Config": {"Env": ["X=1"]}})
    }

    class Counting(FakeImages):
        def get(self, ref: str) -> FakeImage:
            asked.append(ref)
            return super().get(ref)

    images = LocalImages(view(FakeSdkClient(images=Counting(known))))
    assert (images.labels("with:1"), images.env("with:1")) == ({"a": "b"}, ("X=1",))
    assert (images.labels("nope:1"), images.env("nope:1")) == (None, None)
    assert asked == ["with:1", "nope:1"]
