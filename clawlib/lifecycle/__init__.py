"""Running a pod: apply a plan (and say beforehand what that does to the containers), rebuild
some of its services, bring it down, and see what runs and how healthy it is.

This is where the pipeline meets the engine: it uses :mod:`clawlib.planner` for what should run
and :mod:`clawlib.engine` to make it so (``docker compose``) and to look (the SDK, read-only).
"""

from clawlib.compose import check_project_name
from clawlib.generated import PREVIOUS_DIR, has_previous

from ._apply import ApplyReport, Progress, ServiceOutcome, apply
from ._down import bring_down
from ._impact import (
    CONFIG_HASH_LABEL,
    IMAGE_LABEL,
    WORKING_DIR_LABEL,
    Impact,
    ServiceImpact,
    assess_impact,
    compose_hashes,
    runtime_changes,
)
from ._live import Change, LiveContainers
from ._rebuild import rebuild
from ._rollback import roll_back
from ._status import ContainerHealth, probe_health, run_concurrently
from ._target import COMPOSE_FILE, PodTarget, locate

__all__ = [
    "COMPOSE_FILE",
    "CONFIG_HASH_LABEL",
    "IMAGE_LABEL",
    "PREVIOUS_DIR",
    "WORKING_DIR_LABEL",
    "ApplyReport",
    "Change",
    "ContainerHealth",
    "Impact",
    "LiveContainers",
    "PodTarget",
    "Progress",
    "ServiceImpact",
    "ServiceOutcome",
    "apply",
    "assess_impact",
    "bring_down",
    "check_project_name",
    "compose_hashes",
    "has_previous",
    "locate",
    "probe_health",
    "rebuild",
    "roll_back",
    "run_concurrently",
    "runtime_changes",
]
