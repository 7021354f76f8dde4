"""The Plan: files in memory, their diff against the disk, and the atomic write."""

from __future__ import annotations

import difflib
import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from clawlib.clawfile import (
    BUILD_BASES_LABEL,
    BUILD_DOCKERFILE_LABEL,
    Clawfile,
    base_images,
    build_input_labels,
    build_inputs_changed,
    emit_dockerfile,
    read_clawfile,
)
from clawlib.errors import EngineUnavailableError, PodError
from clawlib.planner import Plan, managed_image_name, plan_pod
from clawlib.pod import load_pod
from tests.distributions import install_clawdapus_without

POD = """
    x-claw:
      pod: tiny
    services:
      api:
        image: api:1
        expose: ["8080"]
      worker:
        build: ./agents/worker
        x-claw:
          handles: {discord: "111"}
          surfaces: [service://api]
    """


@pytest.fixture
def pod_dir(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(POD).lstrip())
    agent = tmp_path / "agents" / "worker"
    agent.mkdir(parents=True)
    (agent / "Clawfile").write_text(
        "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
    )
    (tmp_path / "AGENTS.md").write_text("# Worker\n")
    return tmp_path


def no_images(ref: str) -> None:
    return None


def test_plan_from_clawfile_source(pod_dir: Path) -> None:
    plan = plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert [f.path for f in plan.files] == [
        ".claw-runtime/handles.env",
        ".claw-runtime/worker/AGENTS.md",
        ".claw-runtime/worker/CLAWDAPUS.md",
        ".claw-runtime/worker/skills/handle-discord.md",
        ".claw-runtime/worker/skills/surface-api.md",
        "agents/worker/Dockerfile.generated",
        "compose.generated.yml",
    ]
    assert [(b.service, b.image, b.reason) for b in plan.images] == [
        ("worker", "claw-local/tiny-worker:latest", "not built yet")
    ]
    assert plan.warnings == ()
    compose = yaml.safe_load(plan.compose.text)
    worker = compose["services"]["worker"]
    assert worker["image"] == "claw-local/tiny-worker:latest"
    assert worker["build"] == {"context": "./agents/worker", "dockerfile": "Dockerfile.generated"}
    assert plan.files[5].content == (
        b'FROM claw-base/busybox:latest\n\nLABEL claw.type="generic"\n'
        b'LABEL claw.agent.file="AGENTS.md"\n'
    )
    assert (
        "./.claw-runtime/worker/skills/surface-api.md:/claw/skills/surface-api.md:ro"
        in worker["volumes"]
    )


def test_diff_write_and_nothing_left_to_do(pod_dir: Path) -> None:
    plan = plan_pod(load_pod(pod_dir, environ={}), no_images)
    diff = plan.diff()
    assert [c.kind for c in diff.files] == ["add"] * 7
    assert diff.services_added == ("api", "worker")
    assert diff.summary() == (
        "Plan: 7 files to add, 0 to change, 0 to remove; services: 2 added, 0 changed, 0 removed."
    )
    assert diff.files[1].diff.startswith("--- /dev/null\n+++ b/.claw-runtime/worker/AGENTS.md\n")
    plan.write()
    assert (pod_dir / "compose.generated.yml").read_text() == plan.compose.text
    again = plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert not again.diff().changed
    assert again.compose.text == plan.compose.text


def test_changes_and_removals(pod_dir: Path) -> None:
    plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    text = (pod_dir / "claw-pod.yml").read_text().replace('handles: {discord: "111"}\n', "")
    (pod_dir / "claw-pod.yml").write_text(text)
    (pod_dir / "AGENTS.md").write_text("# Worker v2\n")
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).diff()
    assert [(c.path, c.kind) for c in diff.files] == [
        (".claw-runtime/worker/AGENTS.md", "change"),
        (".claw-runtime/worker/CLAWDAPUS.md", "change"),
        ("compose.generated.yml", "change"),
        (".claw-runtime/handles.env", "remove"),
        (".claw-runtime/worker/skills/handle-discord.md", "remove"),
    ]
    assert diff.services_changed == ("api", "worker")
    assert "-# Worker\n+# Worker v2\n" in diff.files[0].diff


def test_unbuildable_services_are_reported(pod_dir: Path) -> None:
    (pod_dir / "claw-pod.yml").write_text(
        "services:\n  a:\n    image: nope:1\n    x-claw: {}\n  b:\n    x-claw: {}\n"
    )
    with pytest.raises(PodError) as caught:
        plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert str(caught.value).replace(f"{pod_dir}/", "").splitlines() == [
        'claw-pod.yml:2: services.a: image "nope:1" is not in the local image store and the '
        "service has no build: with a Clawfile to plan from",
        "claw-pod.yml:5: services.b: a claw service needs image: or a build: with a Clawfile",
    ]


def test_driver_not_installed(
    pod_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every upstream type has a driver of ours: here one installed before nanobot's existed.
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    install_clawdapus_without(site, "nanobot")
    clawfile = pod_dir / "agents" / "worker" / "Clawfile"
    clawfile.write_text(clawfile.read_text().replace("generic", "nanobot"))
    with pytest.raises(PodError) as caught:
        plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert str(caught.value).endswith(
        'services.worker: CLAW_TYPE "nanobot" is a claw type known upstream, but no nanobot '
        "driver is installed (installed drivers: generic, microclaw, nanoclaw, nullclaw, "
        "openclaw, picoclaw); clawdapus ships one, so this installation is older than it: "
        "reinstall it, e.g. pip install -e . or scripts/setup"
    )


def test_managed_image_name() -> None:
    assert managed_image_name("Research Pod", "bot") == "claw-local/research-pod-bot:latest"
    assert managed_image_name("__", "-") == "claw-local/pod-service:latest"


def test_persona_is_copied_and_the_runners_own_files_are_kept(pod_dir: Path) -> None:
    text = (pod_dir / "claw-pod.yml").read_text()
    text = text.replace(
        "surfaces: [service://api]", "surfaces: [service://api]\n      persona: ./me"
    )
    (pod_dir / "claw-pod.yml").write_text(text)
    (pod_dir / "me").mkdir()
    (pod_dir / "me" / "style.md").write_text("dry\n")
    plan = plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert ".claw-runtime/worker/persona/style.md" in [f.path for f in plan.files]
    worker = yaml.safe_load(plan.compose.text)["services"]["worker"]
    assert "./.claw-runtime/worker/persona:/claw/persona:rw" in worker["volumes"]
    assert worker["environment"]["CLAW_PERSONA_DIR"] == "/claw/persona"
    plan.write()
    memory = pod_dir / ".claw-runtime" / "worker" / "persona" / "memory.md"
    memory.write_text("the claw wrote this\n")
    stale = pod_dir / ".claw-runtime" / "worker" / "old.md"
    stale.write_text("left from an earlier plan\n")
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    assert [(c.path, c.kind) for c in diff.files] == [(".claw-runtime/worker/old.md", "remove")]
    assert memory.read_text() == "the claw wrote this\n"
    assert not stale.exists()


def test_secret_values_never_appear_in_a_diff(pod_dir: Path) -> None:
    text = (pod_dir / "claw-pod.yml").read_text()
    text = text.replace(
        "  worker:\n",
        "  worker:\n    environment:\n      OPENAI_API_KEY: sk-live-abc\n"
        "      DISCORD_BOT_TOKEN: ${WORKER_TOKEN}\n",
    )
    (pod_dir / "claw-pod.yml").write_text(text)
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).diff()
    compose = next(c for c in diff.files if c.path == "compose.generated.yml").diff
    assert "sk-live-abc" not in compose
    assert "+      OPENAI_API_KEY: •••• (OPENAI_API_KEY)\n" in compose
    assert "+      DISCORD_BOT_TOKEN: ${WORKER_TOKEN}\n" in compose


def _pem_pod(pod_dir: Path, body: list[str], api_key: str) -> None:
    key = "".join(f"        {line}\n" for line in body)
    text = (pod_dir / "claw-pod.yml").read_text()
    (pod_dir / "claw-pod.yml").write_text(
        text.replace(
            "  worker:\n",
            "  worker:\n    environment:\n      SSH_PRIVATE_KEY: |\n"
            f"{key}      OPENAI_API_KEY: {api_key}\n",
        )
    )


def test_a_changed_secret_shows_as_masked_removed_and_added_lines(pod_dir: Path) -> None:
    body = [
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        *(f"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ{n:02}" for n in range(20)),
        "-----END OPENSSH PRIVATE KEY-----",
    ]
    original = (pod_dir / "claw-pod.yml").read_text()
    _pem_pod(pod_dir, body, "sk-live-old")
    plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    changed = [*body[:15], "CHANGEDb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAA", *body[16:]]
    (pod_dir / "claw-pod.yml").write_text(original)
    _pem_pod(pod_dir, changed, "sk-live-new")
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).diff()
    compose = next(c for c in diff.files if c.path == "compose.generated.yml").diff
    assert "b3BlbnNz" not in compose
    assert "sk-live" not in compose
    hunks = compose.split("@@ -")[1:]
    # A changed one-line secret is a changed line...
    assert "-      OPENAI_API_KEY: •••• (OPENAI_API_KEY)\n" in hunks[0]
    assert "+      OPENAI_API_KEY: •••• (OPENAI_API_KEY)\n" in hunks[0]
    # ...and so is a line of a key's body, in a hunk far below the key's name.
    assert hunks[1].splitlines()[1:] == [
        "         •••• (SSH_PRIVATE_KEY)",
        "         •••• (SSH_PRIVATE_KEY)",
        "         •••• (SSH_PRIVATE_KEY)",
        "-        •••• (SSH_PRIVATE_KEY)",
        "+        •••• (SSH_PRIVATE_KEY)",
        "         •••• (SSH_PRIVATE_KEY)",
        "         •••• (SSH_PRIVATE_KEY)",
        "         •••• (SSH_PRIVATE_KEY)",
    ]


def _lines(content: bytes | None) -> list[str]:
    if content is None:
        return []
    lines = content.decode().splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def test_a_diff_without_secrets_is_what_unified_diff_gives(pod_dir: Path) -> None:
    contract = "".join(f"line {n}\n" for n in range(30))
    (pod_dir / "AGENTS.md").write_text(contract)
    plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    (pod_dir / "AGENTS.md").write_text(
        contract.replace("line 2\n", "").replace("line 20\n", "line 20 changed\nline 20b\n")
        + "no newline at the end"
    )
    text = (pod_dir / "claw-pod.yml").read_text().replace('handles: {discord: "111"}\n', "")
    (pod_dir / "claw-pod.yml").write_text(text)
    plan = plan_pod(load_pod(pod_dir, environ={}), no_images)
    planned = {f.path: f.content for f in plan.files}
    diff = plan.diff()
    assert {c.kind for c in diff.files} == {"change", "remove"}
    for change in diff.files:
        old = (pod_dir / change.path).read_bytes()
        new = planned.get(change.path)
        expected = difflib.unified_diff(
            _lines(old),
            _lines(new),
            fromfile=f"a/{change.path}",
            tofile=f"b/{change.path}" if new is not None else "/dev/null",
        )
        assert change.diff == "".join(expected), change.path
    assert "+no newline at the end\n\\ No newline at end of file\n" in diff.files[0].diff


MANUAL = b'---\nname: "api"\ndescription: "The API."\n---\n\n# API manual\n\nUse GET /v1.\n'


def api_emits(ref: str) -> dict[str, str] | None:
    return {"claw.skill.emit": "/usr/share/api/api-skill.md"} if ref == "api:1" else None


def test_a_service_that_ships_its_skill(pod_dir: Path) -> None:
    reads: list[tuple[str, str]] = []

    def extract(image: str, path: str) -> bytes:
        reads.append((image, path))
        return MANUAL

    plan = plan_pod(load_pod(pod_dir, environ={}), api_emits, extract)
    assert reads == [("api:1", "/usr/share/api/api-skill.md")]
    files = {f.path: f.content for f in plan.files}
    assert files[".claw-runtime/worker/skills/api-skill.md"] == MANUAL
    assert ".claw-runtime/worker/skills/surface-api.md" not in files
    assert files[".claw-runtime/worker/AGENTS.md"] == (
        b"# Worker\n\n--- BEGIN: service_manual api (guide) ---\n\n"
        b"This service manual was injected automatically because you declared "
        b"`service://api`.\n"
        b"Treat it as the authoritative workflow for acting through that service.\n\n"
        b"# API manual\n\nUse GET /v1.\n\n--- END: service_manual api (guide) ---\n"
    )
    assert b"- **Skill:** `skills/api-skill.md`" in files[".claw-runtime/worker/CLAWDAPUS.md"]
    worker = yaml.safe_load(plan.compose.text)["services"]["worker"]
    assert (
        "./.claw-runtime/worker/skills/api-skill.md:/claw/skills/api-skill.md:ro"
        in worker["volumes"]
    )


def test_an_unreadable_shipped_skill_falls_back(pod_dir: Path) -> None:
    from clawlib.errors import EngineError

    def extract(image: str, path: str) -> bytes:
        raise EngineError("cannot read /usr/share/api/api-skill.md: no such file")

    plan = plan_pod(load_pod(pod_dir, environ={}), api_emits, extract)
    assert ".claw-runtime/worker/skills/surface-api.md" in [f.path for f in plan.files]
    assert plan.warnings[0].detail == (
        'could not read the skill "/usr/share/api/api-skill.md" from image "api:1": cannot read '
        "/usr/share/api/api-skill.md: no such file (using the generated one)"
    )
    assert plan.warnings[0].yaml_path == "services.api"


def test_every_driver_problem_is_its_own_line(pod_dir: Path) -> None:
    clawfile = pod_dir / "agents" / "worker" / "Clawfile"
    clawfile.write_text(
        "FROM claw-base/busybox:latest\nCLAW_TYPE openclaw\nAGENT AGENTS.md\n"
        "CONFIGURE openclaw config set gateway.mode.x 1\nCONFIGURE openclaw config get y\n"
    )
    with pytest.raises(PodError) as caught:
        plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert [(p.yaml_path, p.detail) for p in caught.value.problems] == [
        (
            "services.worker",
            'CONFIGURE "openclaw config set gateway.mode.x 1": path conflict at "gateway.mode": '
            "expected object, found string",
        ),
        (
            "services.worker",
            'unrecognized CONFIGURE command: "openclaw config get y" '
            "(expected 'openclaw config set <path> <value>')",
        ),
    ]


def test_a_stale_image_is_planned_from_its_clawfile(pod_dir: Path) -> None:
    def old_labels(ref: str) -> dict[str, str] | None:
        if ref == "claw-local/tiny-worker:latest":
            return {"claw.type": "generic", "claw.agent.file": "OLD.md"}
        return None

    plan = plan_pod(load_pod(pod_dir, environ={}), old_labels)
    assert [(b.service, b.reason) for b in plan.images] == [("worker", "stale")]
    assert [(w.yaml_path, w.detail) for w in plan.warnings] == [
        (
            "services.worker",
            'image "claw-local/tiny-worker:latest" is stale: its claw labels differ from '
            "agents/worker/Clawfile, so the plan follows the Clawfile (rebuild the image to match)",
        )
    ]
    assert plan.claws["worker"].contract_name == "AGENTS.md"

    def current(ref: str) -> dict[str, str] | None:
        if ref == "claw-local/tiny-worker:latest":
            return {"claw.type": "generic", "claw.agent.file": "AGENTS.md", "other": "x"}
        return None

    fresh = plan_pod(load_pod(pod_dir, environ={}), current)
    assert (fresh.images, fresh.warnings) == ((), ())


def test_an_image_built_from_another_dockerfile_or_base_is_rebuilt(pod_dir: Path) -> None:
    """The claw labels match, but the Dockerfile or the base image it was built from did not:
    rebuilt, with the reason, and no warning (the plan follows the labels, which are right)."""
    clawfile = read_clawfile(pod_dir / "agents" / "worker" / "Clawfile")
    assert base_images(clawfile) == ("claw-base/busybox:latest",)
    dockerfile = emit_dockerfile(clawfile)
    claw_labels = {"claw.type": "generic", "claw.agent.file": "AGENTS.md"}
    ids = {"claw-base/busybox:latest": "sha256:base-1"}

    def plan_with(recorded: dict[str, str]) -> Plan:
        labels = {**claw_labels, **recorded}
        return plan_pod(
            load_pod(pod_dir, environ={}),
            lambda ref: labels if ref == "claw-local/tiny-worker:latest" else None,
            image_id=ids.get,
        )

    def reasons(plan: Plan) -> list[tuple[str, str]]:
        assert plan.warnings == ()
        return [(b.service, b.reason) for b in plan.images]

    current = build_input_labels(dockerfile, {"claw-base/busybox:latest": "sha256:base-1"})
    assert reasons(plan_with(current)) == []
    assert reasons(plan_with({})) == [("worker", "stale: built without a record of its inputs")]
    older = build_input_labels(dockerfile + "RUN true\n", ids)
    assert reasons(plan_with(older)) == [("worker", "stale: its Dockerfile changed")]
    ids["claw-base/busybox:latest"] = "sha256:base-2"
    assert reasons(plan_with(current)) == [
        ("worker", "stale: its base image claw-base/busybox:latest changed")
    ]
    # A base not in the store now (removed), or not recorded (pulled at build time): not stale.
    del ids["claw-base/busybox:latest"]
    assert reasons(plan_with(current)) == []
    assert reasons(plan_with(build_input_labels(dockerfile, {}))) == []
    # Without an image_id lookup (no engine to ask), only the claw labels count.
    assert plan_pod(load_pod(pod_dir, environ={}), lambda ref: claw_labels).images == ()


def test_base_images_skips_stages_scratch_and_arguments() -> None:
    clawfile = Clawfile.parse(
        "ARG BASE=alpine\n"
        "FROM --platform=linux/amd64 golang:1.22 AS build\n"
        "FROM build AS test\n"
        "FROM $BASE\n"
        "FROM scratch\n"
        "from golang:1.22\n"
        "FROM claw-base/busybox:latest\n"
        "COPY --from=build /x /x\n"
        "CLAW_TYPE generic\n"
    )
    assert base_images(clawfile) == ("golang:1.22", "claw-base/busybox:latest")


def test_build_inputs_changed_ignores_a_garbled_bases_label() -> None:
    labels = {BUILD_DOCKERFILE_LABEL: hashlib.sha256(b"FROM x\n").hexdigest()}
    for garbled in ("not json", "[1, 2]", '{"x": 5}'):
        assert (
            build_inputs_changed(
                {**labels, BUILD_BASES_LABEL: garbled}, "FROM x\n", ("x",), lambda r: "sha256:1"
            )
            is None
        )


def test_an_unreachable_engine_plans_from_the_clawfiles_and_says_so_once(pod_dir: Path) -> None:
    """One image-lookup policy for every front end: the engine is asked once; when it does not
    answer, claws with a Clawfile are planned from it, the plan says why once, and a claw that
    only names an image is a problem that says the engine is the reason."""
    asked: list[str] = []

    def down(ref: str) -> None:
        asked.append(ref)
        raise EngineUnavailableError("unix:///gone.sock", "connection refused")

    plan = plan_pod(load_pod(pod_dir, environ={}), down)
    assert asked == ["claw-local/tiny-worker:latest"]
    assert [(w.yaml_path, w.detail) for w in plan.warnings] == [
        (
            "",
            "the Docker engine at unix:///gone.sock does not answer (connection refused): no "
            "image was looked up, claws are planned from their Clawfiles",
        )
    ]
    assert [(b.service, b.reason) for b in plan.images] == [
        ("worker", "not looked up (the engine does not answer)")
    ]
    offline = plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert plan.files == offline.files

    pod_file = pod_dir / "claw-pod.yml"
    pod_file.write_text(
        pod_file.read_text() + "  bot:\n    image: bot:1\n    x-claw: {agent: ./AGENTS.md}\n"
    )
    with pytest.raises(PodError) as raised:
        plan_pod(load_pod(pod_dir, environ={}), down)
    assert [(p.yaml_path, p.detail) for p in raised.value.problems] == [
        (
            "services.bot",
            'image "bot:1" cannot be looked up while the Docker engine does not answer, and the '
            "service has no build: with a Clawfile to plan from",
        )
    ]


def test_a_service_holding_nan_is_unchanged_when_it_is(pod_dir: Path) -> None:
    """``.nan`` is not equal to itself in Python: the same file must still say no service
    changed."""
    pod_file = pod_dir / "claw-pod.yml"
    pod_file.write_text(pod_file.read_text().replace("image: api:1", "image: api:1\n    x: .nan"))
    plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    pod_file.write_text(pod_file.read_text().replace("build:", "environment: {A: b}\n    build:"))
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).diff()
    assert [c.path for c in diff.files] == ["compose.generated.yml"]
    assert diff.services_changed == ("worker",)


def test_a_changed_handle_changes_every_service_reading_the_handles_file(pod_dir: Path) -> None:
    """The handle variables reach every service through the generated env file: a new
    username changes no line of the compose file, yet every service's environment."""
    plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    pod_file = pod_dir / "claw-pod.yml"
    pod_file.write_text(
        pod_file.read_text().replace(
            'handles: {discord: "111"}', 'handles: {discord: {id: "111", username: bot}}'
        )
    )
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).diff()
    assert [(c.path, c.kind) for c in diff.files] == [
        (".claw-runtime/handles.env", "change"),
        (".claw-runtime/worker/CLAWDAPUS.md", "change"),
        (".claw-runtime/worker/skills/handle-discord.md", "change"),
    ]
    assert diff.services_changed == ("api", "worker")
    changed = (
        "environment changed: CLAW_HANDLE_WORKER_DISCORD_JSON, CLAW_HANDLE_WORKER_DISCORD_USERNAME"
    )
    assert diff.service_reasons == {"api": (changed,), "worker": (changed,)}
    assert diff.summary() == (
        "Plan: 0 files to add, 3 to change, 0 to remove; services: 0 added, 2 changed, 0 removed."
    )


def test_service_reasons_name_what_changed_in_a_definition(pod_dir: Path) -> None:
    plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    pod_file = pod_dir / "claw-pod.yml"
    pod_file.write_text(
        pod_file.read_text().replace(
            'expose: ["8080"]', 'expose: ["8081"]\n    environment: {MODE: fast}'
        )
    )
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).diff()
    assert diff.services_changed == ("api",)
    assert diff.service_reasons == {"api": ("environment changed: MODE", "expose changed")}


def test_mount_points_the_engine_makes_in_a_mounted_runtime_dir_are_not_stale(
    tmp_path: Path,
) -> None:
    """nanobot's skills are mounted inside its home, itself a mounted runtime directory: the
    engine creates an empty file there for each skill's mount point. The plan after ``claw up``
    must not call it stale (the next apply would delete it from under the container)."""
    pod = tmp_path / "nanobot-pod"
    shutil.copytree(Path(__file__).parents[1] / "golden" / "fixtures" / "nanobot-pod", pod)
    plan = plan_pod(load_pod(pod, environ={}), no_images)
    point = ".claw-runtime/courier/nanobot-home/workspace/skills/handle-discord/SKILL.md"
    assert point in plan.mount_points
    plan.write()
    (pod / point).parent.mkdir(parents=True)
    (pod / point).write_bytes(b"")
    assert plan_pod(load_pod(pod, environ={}), no_images).diff().changed is False
    (pod / ".claw-runtime/courier/skills/stray.txt").write_text("left by hand\n")
    stale = plan_pod(load_pod(pod, environ={}), no_images).diff()
    assert [(c.path, c.kind) for c in stale.files] == [
        (".claw-runtime/courier/skills/stray.txt", "remove")
    ]


def test_the_plan_names_each_claws_runner_configuration(pod_dir: Path) -> None:
    """The TUI lists this file first without asking the driver registry on every move."""
    (pod_dir / "agents" / "worker" / "Clawfile").write_text(
        "FROM claw-base/busybox:latest\nCLAW_TYPE openclaw\nAGENT AGENTS.md\n"
    )
    plan = plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert plan.config_files == dict.fromkeys(plan.claws, "config/openclaw.json")
    assert plan.config_files
