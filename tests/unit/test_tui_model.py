"""The pod tree's model: planned services joined with the project's containers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from clawlib.compose import ComposeDocument
from clawlib.errors import PodError
from clawtui.model import (
    ContainerRow,
    config_files,
    container_state,
    health_verdict,
    planned_services,
    pod_groups,
)
from tests.tui.fake_backend import START, record

COMPOSE = """\
name: demo
services:
  assistant:
    image: demo-assistant:latest
    labels:
      claw.pod: demo
      claw.service: assistant
  researcher-0:
    image: demo-researcher:latest
    labels:
      claw.ordinal: "0"
      claw.pod: demo
      claw.service: researcher
  researcher-1:
    image: demo-researcher:latest
    labels:
      claw.ordinal: "1"
      claw.pod: demo
      claw.service: researcher
  notes-web:
    image: busybox
    labels:
      claw.pod: demo
      claw.service: notes-web
"""


def test_planned_services_in_file_order_grouped_by_claw() -> None:
    services = planned_services(
        ComposeDocument.parse(COMPOSE, "x.yml"),
        claw_types={"assistant": "openclaw", "researcher": "openclaw"},
    )
    assert [(s.name, s.group, s.claw_type, s.image, s.ordinal) for s in services] == [
        ("assistant", "assistant", "openclaw", "demo-assistant:latest", None),
        ("researcher-0", "researcher", "openclaw", "demo-researcher:latest", 0),
        ("researcher-1", "researcher", "openclaw", "demo-researcher:latest", 1),
        ("notes-web", "notes-web", None, "busybox", None),
    ]


def test_a_file_without_services_plans_none() -> None:
    with pytest.raises(PodError):
        ComposeDocument.parse("services: [", "x.yml")
    assert planned_services(ComposeDocument.parse("just text", "x.yml")) == ()
    assert planned_services(ComposeDocument.parse("services: [a, b]", "x.yml")) == ()
    assert planned_services(ComposeDocument.parse("services: {a: 1}", "x.yml")) == ()


def test_groups_join_containers_and_mark_missing_and_strays() -> None:
    """Without the plan's claw types, the containers' labels say them."""
    assistant = record("assistant")
    r1 = record("researcher-1", claw_service="researcher", state="exited")
    stray = record("old-bot", claw_type=None)
    groups = pod_groups(
        planned_services(ComposeDocument.parse(COMPOSE, "x.yml")), [r1, stray, assistant]
    )
    assert [(g.name, g.claw_type, g.planned, g.services) for g in groups] == [
        ("assistant", "openclaw", True, ("assistant",)),
        ("researcher", "openclaw", True, ("researcher-0", "researcher-1")),
        ("notes-web", None, True, ("notes-web",)),
        ("old-bot", None, False, ("old-bot",)),
    ]
    researcher = groups[1]
    assert [(r.service, r.ordinal, r.container) for r in researcher.rows] == [
        ("researcher-0", 0, None),
        ("researcher-1", 1, r1),
    ]
    assert researcher.containers == (r1,)
    assert researcher.rows[0].key == "container:researcher-0#1"
    assert researcher.rows[1].key == "container:researcher-1#1"
    assert groups[3].rows[0].planned is False


def test_container_states() -> None:
    now = START + timedelta(minutes=5)

    def state(**kw: object) -> str:
        return container_state(ContainerRow("a", None, record("a", **kw), True), now)  # type: ignore[arg-type]

    assert container_state(ContainerRow("a", None, None, True), now) == "missing"
    assert container_state(ContainerRow("a", None, None, True), now, known=False) == "unknown"
    assert state() == "running"
    assert state(state="exited") == "stopped"
    assert state(state="restarting") == "crash-looping"
    assert state(state="created") == "created"


def test_health_verdict_prefers_a_probe_of_this_container() -> None:
    from clawlib.lifecycle import ContainerHealth

    c = record("a", health="starting")
    other = record("a", number=2)
    probe = ContainerHealth(c, "healthy", "ok", "driver", datetime.now(UTC))
    assert health_verdict(c, probe) == "healthy"
    assert health_verdict(c, None) == "starting"
    assert health_verdict(other, probe) is None  # a probe of the container it replaced
    assert health_verdict(None, probe) is None


def test_config_files_of_a_claw_the_pod_and_a_plain_service() -> None:
    from pathlib import Path

    from tests.tui.fake_backend import FakeBackend

    plan = FakeBackend().plan(Path(__file__).parents[2] / "examples" / "demo" / "claw-pod.yml")
    types = {name: claw.claw_type for name, claw in plan.claws.items()}
    planned = planned_services(plan.compose, claw_types=types)
    groups = {g.name: g for g in pod_groups(planned, [])}

    def paths(*names: str) -> list[str]:
        chosen = [groups[name] for name in names]
        first = dict.fromkeys(plan.claws, "config/openclaw.json")
        return [path for path, _ in config_files(plan.compose, plan.files, planned, chosen, first)]

    assert config_files(plan.compose, plan.files, planned, None) == [
        ("compose.generated.yml", plan.compose.text)
    ]
    assert paths("researcher") == [
        ".claw-runtime/researcher/config/openclaw.json",
        ".claw-runtime/researcher/AGENTS.effective.md",
        ".claw-runtime/researcher/CLAWDAPUS.md",
        ".claw-runtime/researcher/state/cron/jobs.json",
        "agents/researcher/Dockerfile.generated",
        "compose.generated.yml: services.researcher-0",
        "compose.generated.yml: services.researcher-1",
    ]
    assert paths("notes-web") == ["compose.generated.yml: services.notes-web"]
    (_, block) = config_files(plan.compose, plan.files, planned, [groups["notes-web"]])[0]
    assert block.startswith("notes-web:\n  image: claw-base/busybox:latest\n")


GOVERNED = """\
name: demo
services:
  assistant:
    image: demo-assistant:latest
    environment: {CLLAMA_TOKEN: "assistant:00"}
    labels: {claw.pod: demo, claw.service: assistant}
  notes:
    image: busybox
    labels: {claw.pod: demo, claw.service: notes}
  researcher-0:
    image: demo-researcher:latest
    environment: {CLLAMA_TOKEN: "researcher-0:00"}
    labels: {claw.pod: demo, claw.service: researcher, claw.ordinal: "0"}
  researcher-1:
    image: demo-researcher:latest
    environment: {CLLAMA_TOKEN: "researcher-1:00"}
    labels: {claw.pod: demo, claw.service: researcher, claw.ordinal: "1"}
  cllama:
    image: claw-local/cllama:latest
    labels: {claw.pod: demo, claw.service: cllama, claw.role: proxy, claw.proxy.type: passthrough}
"""


def test_the_proxy_comes_first_with_the_claws_it_governs() -> None:
    planned = planned_services(ComposeDocument.parse(GOVERNED, "x.yml"))
    groups = pod_groups(planned, [])
    assert [(g.name, g.kind, g.governs) for g in groups] == [
        ("cllama", "proxy (passthrough)", ("assistant", "researcher")),
        ("assistant", "plain", ()),
        ("notes", "plain", ()),
        ("researcher", "plain", ()),
    ]
    stray = dataclasses.replace(
        record("cllama-x", claw_type=None),
        labels={"claw.role": "proxy", "claw.proxy.type": "x"},
    )
    assert pod_groups([], [stray])[0].kind == "proxy (x)"
