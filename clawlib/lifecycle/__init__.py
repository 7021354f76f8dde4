"""Running a pod: apply a plan, bring it down, and see what runs and how healthy it is.

This is where the pipeline meets the engine: it uses :mod:`clawlib.planner` for what should run
and :mod:`clawlib.engine` to make it so (``docker compose``) and to look (the SDK, read-only).
"""

from clawlib.compose import check_project_name
from clawlib.generated import PREVIOUS_DIR, has_previous

from ._apply import ApplyReport, Progress, ServiceOutcome, apply
from ._down import bring_down
from ._live import Change, LiveContainers
from ._rollback import roll_back
from ._status import ContainerHealth, probe_health, run_concurrently
from ._target import COMPOSE_FILE, PodTarget, locate

__all__ = [
    "COMPOSE_FILE",
    "PREVIOUS_DIR",
    "ApplyReport",
    "Change",
    "ContainerHealth",
    "LiveContainers",
    "PodTarget",
    "Progress",
    "ServiceOutcome",
    "apply",
    "bring_down",
    "check_project_name",
    "has_previous",
    "locate",
    "probe_health",
    "roll_back",
    "run_concurrently",
]
