"""A property: whatever pod holds provider keys, and wherever, no key's value appears in what
``claw plan`` prints (the diff, its JSON) or in the plan's own diff.

The pods mix plain services, ungoverned and governed claws; each key is placed in a service's
``environment`` (mapping or list form), in an ``env_file``, in a claw's ``cllama-env``, or in
``.env`` and referenced as ``${VAR}``. Planned from Clawfiles, no engine. 300 cases in CI, more
with ``CLAW_FUZZ_EXAMPLES``.
"""

from __future__ import annotations

import io
import json
import os
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from clawlib.errors import ClawError
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawlib.starvation import PROVIDERS
from clawtui.cli._plan import _as_json, print_diff

PLACES = ("map", "list", "env_file", "cllama-env", "dotenv")
_SCALE = int(os.environ.get("CLAW_FUZZ_EXAMPLES", "1"))


@dataclass(frozen=True)
class Key:
    service: int
    name: str
    value: str
    place: str


keys = st.builds(
    Key,
    service=st.integers(0, 2),
    name=st.sampled_from([f"{p}_API_KEY" for p in PROVIDERS] + ["PROVIDER_API_KEY_X"]),
    value=st.text(string.ascii_letters + string.digits + "-_", min_size=16, max_size=40).map(
        lambda text: f"sk-{text}"
    ),
    place=st.sampled_from(PLACES),
)
kinds = st.lists(st.sampled_from(["plain", "claw", "governed"]), min_size=3, max_size=3)


def write_pod(root: Path, service_kinds: list[str], placed: list[Key]) -> None:
    (root / "agent").mkdir()
    (root / "agent" / "Clawfile").write_text(
        "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
    )
    (root / "AGENTS.md").write_text("# Agent\n")
    services: dict[str, dict[str, object]] = {}
    dotenv: list[str] = []
    for index, kind in enumerate(service_kinds):
        service: dict[str, object] = (
            {"image": "busybox"} if kind == "plain" else {"build": "./agent"}
        )
        claw: dict[str, object] = {"agent": "./AGENTS.md"} if kind != "plain" else {}
        if kind == "governed":
            claw["cllama"] = "passthrough"
        for number, key in enumerate(k for k in placed if k.service == index):
            if key.place == "map":
                service.setdefault("environment", {})[key.name] = key.value  # type: ignore[index]
            elif key.place == "list":
                service.setdefault("env_list", []).append(f"{key.name}={key.value}")  # type: ignore[attr-defined]
            elif key.place == "env_file":
                name = f"s{index}-{number}.env"
                (root / name).write_text(f"{key.name}={key.value}\n")
                service.setdefault("env_file", []).append(f"./{name}")  # type: ignore[attr-defined]
            elif key.place == "cllama-env" and kind != "plain":
                claw.setdefault("cllama-env", {})[key.name] = key.value  # type: ignore[index]
            else:
                dotenv.append(f"{key.name}={key.value}")
                service.setdefault("environment", {})[key.name] = f"${{{key.name}}}"  # type: ignore[index]
        if "env_list" in service:
            listed = service.pop("env_list")
            if "environment" not in service:
                service["environment"] = listed
        if claw:
            service["x-claw"] = claw
        services[f"s{index}"] = service
    (root / "claw-pod.yml").write_text(
        yaml.safe_dump({"x-claw": {"pod": "keys"}, "services": services}, sort_keys=False)
    )
    (root / ".env").write_text("".join(f"{line}\n" for line in dotenv))


@settings(max_examples=300 * _SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(kinds, st.lists(keys, min_size=1, max_size=6))
def test_no_provider_key_value_is_ever_shown(service_kinds: list[str], placed: list[Key]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_pod(root, service_kinds, placed)
        try:
            plan = plan_pod(load_pod(root, environ={}), lambda ref: None)
        except ClawError as exc:
            event(f"refused: {type(exc).__name__}")
            shown = [str(exc)]
        else:
            event("planned")
            diff = plan.diff()
            out = io.StringIO()
            print_diff(plan, diff, out)
            shown = [
                out.getvalue(),
                json.dumps(_as_json(plan, diff)),
                *(change.diff for change in diff.files),
                *(w.detail for w in plan.warnings),
            ]
        for key in placed:
            for text in shown:
                assert key.value not in text, (key, text)
