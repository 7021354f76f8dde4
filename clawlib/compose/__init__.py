"""compose.generated.yml: the clean compose file that docker compose runs."""

from ._changes import env_file_paths, env_file_values, service_changes
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
    "env_file_paths",
    "env_file_values",
    "normalise_project_name",
    "project_name",
    "render_compose",
    "same_value",
    "service_changes",
    "service_names",
]
