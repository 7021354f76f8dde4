"""Every container label claw writes or reads, named once.

Two families: compose's own (``com.docker.compose.*``, which compose puts on every container it
creates and which claw reads to find a project's containers), and claw's (``claw.*``) that
compose.generated.yml puts on each service. The image labels a Clawfile compiles to
(``claw.type``, ``claw.model.<slot>``...) are the image's schema:
:class:`clawlib.clawfile.LabelKey` names them.
"""

from __future__ import annotations

__all__ = [
    "CLAW_ORDINAL",
    "CLAW_POD",
    "CLAW_PROXY_TYPE",
    "CLAW_ROLE",
    "CLAW_SERVICE",
    "CLAW_TYPE",
    "COMPOSE_CONFIG_HASH",
    "COMPOSE_NUMBER",
    "COMPOSE_PROJECT",
    "COMPOSE_SERVICE",
    "COMPOSE_WORKING_DIR",
]

COMPOSE_PROJECT = "com.docker.compose.project"
"""The compose project a container belongs to."""
COMPOSE_SERVICE = "com.docker.compose.service"
"""The compose service a container runs (for a claw with replicas: ``<claw>-<ordinal>``)."""
COMPOSE_NUMBER = "com.docker.compose.container-number"
"""The container's number within its compose service (1 unless scaled)."""
COMPOSE_WORKING_DIR = "com.docker.compose.project.working_dir"
"""The directory compose resolved the project's relative paths against (a pod's directory)."""
COMPOSE_CONFIG_HASH = "com.docker.compose.config-hash"
"""compose's hash of the service definition the container was created from."""

CLAW_POD = "claw.pod"
"""The pod a service belongs to (on every service of compose.generated.yml)."""
CLAW_SERVICE = "claw.service"
"""The pod's service a compose service comes from: the claw's name for each of its replicas."""
CLAW_ORDINAL = "claw.ordinal"
"""A replica's index (0, 1, ...) on each compose service of a claw with ``count`` above 1."""
CLAW_ROLE = "claw.role"
"""What a service claw adds to the pod is for: ``proxy`` on the governance proxy."""
CLAW_PROXY_TYPE = "claw.proxy.type"
"""The governance proxy's type (``passthrough``...), on the proxy service."""
CLAW_TYPE = "claw.type"
"""The runner of a claw image (a Clawfile's CLAW_TYPE); containers inherit it from the image."""
