"""compose.generated.yml: the clean compose file that docker compose runs."""

from ._document import ComposeDocument, same_value
from ._render import (
    CLAW_NETWORK,
    HANDLES_ENV,
    RUNTIME_DIR,
    ClawService,
    ProxyService,
    check_project_name,
    normalise_project_name,
    project_name,
    render_compose,
    service_names,
)

__all__ = [
    "CLAW_NETWORK",
    "HANDLES_ENV",
    "RUNTIME_DIR",
    "ClawService",
    "ComposeDocument",
    "ProxyService",
    "check_project_name",
    "normalise_project_name",
    "project_name",
    "render_compose",
    "same_value",
    "service_names",
]
